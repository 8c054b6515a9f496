"""No file can take a batch down: each hostile case, built small by the test, goes through the CLI in a
batch beside a real report; the hostile file gets a clear Chinese finding naming what went wrong, the
real report is read as before, and the run stays within time and memory bounds (measured)."""

from __future__ import annotations

import json
import os
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from gongkai.pipeline import process_bytes, process_many
from gongkai.read import ReadError
from gongkai.read.limits import LimitExceeded, Limits
from gongkai.read.limits import check as check_limit
from tests import hostile as h

SECONDS = 60  # bound on one CLI run of a small batch (startup included), generous for a loaded CI machine
PEAK_MB = 500  # bound on the peak total memory of the command, its fork server and workers together


def _good_result(entry: dict) -> None:
    assert entry["readable"], entry
    assert entry["meta"]["agency"] == "桐柏县埠江镇人民政府"


def _run_pair(tmp_path: Path, build: Callable[[Path], Path], env: dict[str, str] | None = None,
              extra: tuple[str, ...] = ()) -> tuple[h.Run, dict]:
    bad = build(tmp_path)
    good = h.good_copy(tmp_path)
    run = h.check_json(*extra, bad, good, env=env)
    assert "Traceback" not in run.stderr
    assert run.seconds < SECONDS, run.seconds
    assert run.peak_mb < PEAK_MB, run.peak_mb
    payload = run.payload()
    assert len(payload) == 2
    _good_result(payload[1])
    return run, payload[0]


LIMIT_CASES = {
    # name: (builder, env, limit code, words the message must name)
    "docx_zip_bomb": (h.docx_bomb, None, "limit_unzipped_mb", "压缩包内单个文件解压后大小"),
    "docx_grid_span": (h.docx_grid_span, None, "limit_span", "合并的行数或列数"),
    "html_spans": (h.html_spans, None, "limit_table_cells", "每个表格的单元格数"),
    "pdf_million_pages": (h.pdf_page_count, None, "limit_pages", "PDF 页数"),
    "sparse_300mb_text": (h.sparse_text, None, "limit_file_mb", "文件大小"),
    "long_text": (h.long_text, {"GONGKAI_LIMIT_CHARS": "500000"}, "limit_chars", "文本字符数"),
    "tiff_frames": (h.tiff_frames, None, "limit_frames", "图片帧数"),
    "png_pixels": (h.png_pixels, None, "limit_image_pixels", "图片像素数"),
}


@pytest.mark.parametrize("case", sorted(LIMIT_CASES))
def test_limit_is_a_finding_and_the_batch_goes_on(tmp_path: Path, case: str) -> None:
    build, env, code, words = LIMIT_CASES[case]
    run, bad = _run_pair(tmp_path, build, env)
    assert run.code == 2
    assert not bad["readable"]
    assert bad["error"]["code"] == code
    message = bad["error"]["message"]
    assert words in message and "GONGKAI_LIMIT_" in message
    assert bad["findings"][0]["rule"] == "extraction.unreadable"


def test_number_of_thousands_of_digits(tmp_path: Path) -> None:
    run, bad = _run_pair(tmp_path, h.long_number)
    assert bad["readable"]
    assert any("格式之外的行" in f["message"] for f in bad["findings"])


@pytest.mark.parametrize("target", ["fifo", "dev_zero"])
def test_device_or_pipe_named_on_the_command_line(tmp_path: Path, target: str) -> None:
    build = h.fifo if target == "fifo" else (lambda _: Path("/dev/zero"))
    run, bad = _run_pair(tmp_path, build)
    assert run.code == 2
    assert bad["error"]["code"] == "not_file"
    assert "不是普通文件" in bad["error"]["message"]
    assert run.seconds < 20


def test_file_name_not_utf8_check_extract_ingest(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    odd = h.bad_name(folder)
    h.good_copy(folder)
    run = h.check_json(folder)
    assert run.code == 0, run.stderr
    payload = run.payload()
    assert [p["readable"] for p in payload] == [True, True]
    assert payload[0]["file"].endswith(".txt") and "\udcff" not in payload[0]["file"]
    text = h.run_cli("check", folder)
    assert text.code == 0 and "桐柏县埠江镇人民政府" in text.stdout and "Traceback" not in text.stderr
    out = tmp_path / "out"
    ext = h.run_cli("extract", folder, "--out", out)
    assert ext.code == 0, ext.stderr
    written = sorted(os.listdir(os.fsencode(out)))
    assert len(written) == 2 and os.fsencode(odd.name) + b".json" in written
    ing = h.run_cli("ingest", folder, "--db", tmp_path / "s.db")
    assert ing.code == 0, ing.stderr
    assert "新入库 1 份" in ing.stderr and "已存在 1 份" in ing.stderr  # the same content under two names


def test_one_corrupted_byte_is_replaced_and_reported(tmp_path: Path) -> None:
    run, bad = _run_pair(tmp_path, h.corrupt_byte)
    assert bad["readable"]
    notes = [f["message"] for f in bad["findings"] if f["rule"] == "extraction.reader_note"]
    assert len(notes) == 1 and "个字符已损坏" in notes[0] and "第3行" in notes[0]
    res = process_bytes((tmp_path / "corrupt.txt").read_bytes(), "corrupt.txt")
    assert res.report.value(h.GOOD_TOTAL[0]) == h.GOOD_TOTAL[1]
    assert res.report.meta.agency == "桐柏县埠江镇人民政府"


def test_findings_per_report_are_capped(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("一份没有任何内容的报告", encoding="utf-8")
    run = h.check_json(tmp_path / "a.txt", env={"GONGKAI_LIMIT_FINDINGS": "3"})
    assert run.code == 1
    findings = run.payload()[0]["findings"]
    assert len(findings) == 4
    assert "发现过多" in findings[-1]["message"] and "GONGKAI_LIMIT_FINDINGS" in findings[-1]["message"]


def test_unreadable_file_named_on_the_command_line(tmp_path: Path) -> None:
    """chmod 000. Root reads anything, so as root the command runs without the capabilities that
    override file permissions (setpriv, util-linux)."""
    locked = tmp_path / "locked.txt"
    shutil.copy(h.GOOD, locked)
    locked.chmod(0)
    good = h.good_copy(tmp_path)
    prefix = ("setpriv", "--bounding-set", "-dac_override,-dac_read_search") if os.geteuid() == 0 else ()
    run = h.check_json(locked, good, prefix=prefix)
    assert "Traceback" not in run.stderr
    assert run.code == 2, run.stderr
    payload = run.payload()
    assert payload[0]["error"]["code"] == "io" and "Permission denied" in payload[0]["error"]["message"]
    _good_result(payload[1])


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_hanging_reader_is_cut_off_by_the_time_limit(tmp_path: Path, jobs: str) -> None:
    for name in ("a_good.txt", "b_slow.txt", "c_good.txt"):
        h.good_copy(tmp_path, name)
    env = {"GONGKAI_TEST_HOOK": "hang:slow", "GONGKAI_LIMIT_SECONDS": "3"}
    run = h.check_json(tmp_path, "--jobs", jobs, env=env)
    assert run.code == 2 and "Traceback" not in run.stderr
    assert run.seconds < 30
    a, b, c = run.payload()
    _good_result(a)
    _good_result(c)
    assert b["error"]["code"] == "limit_seconds"
    assert "每个文件的处理时间" in b["error"]["message"] and "3 秒" in b["error"]["message"]


def test_memory_hog_becomes_a_finding(tmp_path: Path) -> None:
    for name in ("a_hog.txt", "b_good.txt"):
        h.good_copy(tmp_path, name)
    env = {"GONGKAI_TEST_HOOK": "eat:hog", "GONGKAI_LIMIT_MEMORY_MB": "400"}
    run = h.check_json(tmp_path, "--jobs", "1", env=env)
    assert run.code == 2 and "Traceback" not in run.stderr
    assert 300 < run.peak_mb < 400 + 250, run.peak_mb  # the worker's limit, plus the command and fork server
    hog, good = run.payload()
    assert hog["error"]["code"] == "limit_memory_mb" and "内存" in hog["error"]["message"]
    _good_result(good)


def _mixed_batch(folder: Path) -> list[Path]:
    files = [h.docx_grid_span(folder), h.html_spans(folder), h.pdf_page_count(folder), h.corrupt_byte(folder),
             h.long_number(folder), h.fifo(folder)]
    (folder / "empty.txt").write_bytes(b"")
    (folder / "noise.txt").write_bytes(bytes(range(256)) * 10)
    files += [folder / "empty.txt", folder / "noise.txt"]
    for seed in sorted((h.CORPUS / "seeds").glob("*.txt")):
        shutil.copy(seed, folder / seed.name)
        files.append(folder / seed.name)
    return files


def test_results_are_identical_for_one_and_two_jobs(tmp_path: Path) -> None:
    files = _mixed_batch(tmp_path)
    one = h.check_json(*files, "--jobs", "1")
    two = h.check_json(*files, "--jobs", "2")
    assert one.code == two.code == 2
    assert one.stdout == two.stdout
    assert len(one.payload()) == len(files)
    direct = [r.report.to_json() for r in process_many(files, jobs=2)]
    assert direct == [r.report.to_json() for r in process_many(files, jobs=1)]


def test_read_errors_pickle_and_unreadable_files_pass_between_processes(tmp_path: Path) -> None:
    for err in (ReadError("io", "无法打开文件"), LimitExceeded.of("pages", 5)):
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is type(err) and back.code == err.code and back.message == err.message
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.txt").write_bytes(h.GOOD.read_bytes())
    (tmp_path / "c.pdf").write_bytes(b"%PDF-1.4 broken")
    (tmp_path / "d.txt").write_bytes(b"")
    results = list(process_many(sorted(tmp_path.iterdir()), jobs=2))
    assert [r.readable for r in results] == [False, True, False, False]
    assert results[2].error is not None and results[2].error.code == "truncated_pdf"


def test_extract_to_a_full_disk_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from typer.testing import CliRunner

    from gongkai.cli import app
    from gongkai.cli import extract as extract_cli

    src = tmp_path / "in"
    src.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        h.good_copy(src, name)
    out = tmp_path / "out"
    real_fdopen = os.fdopen
    calls = {"n": 0}

    class Full:
        def __init__(self, fh: object) -> None:
            self.fh = fh

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.fh.close()  # type: ignore[attr-defined]

        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    def fdopen(fd: int, *args: object, **kw: object) -> object:
        calls["n"] += 1
        fh = real_fdopen(fd, *args, **kw)  # type: ignore[call-overload]
        return fh if calls["n"] == 1 else Full(fh)

    monkeypatch.setattr(extract_cli.os, "fdopen", fdopen)
    res = CliRunner().invoke(app, ["extract", str(src), "--out", str(out)])
    assert res.exit_code == 2
    assert "磁盘空间已满" in res.stderr and "已写出 1 份" in res.stderr
    assert sorted(os.listdir(out)) == ["a.txt.json"]  # no .tmp left behind
    assert json.loads((out / "a.txt.json").read_text(encoding="utf-8"))["meta"]["agency"] == "桐柏县埠江镇人民政府"


def test_limits_are_checked_and_settable() -> None:
    assert Limits.from_env({"GONGKAI_LIMIT_PAGES": "12"}).pages == 12
    assert Limits.from_env({}, seconds=5).seconds == 5
    with pytest.raises(ValueError, match="GONGKAI_LIMIT_PAGES"):
        Limits.from_env({"GONGKAI_LIMIT_PAGES": "many"})
    with pytest.raises(ValueError, match="非负整数"):
        Limits(pages=-1)
    check_limit("pages", 10**9, Limits(pages=0))  # 0: no limit
    with pytest.raises(LimitExceeded) as err:
        check_limit("pages", 3, Limits(pages=2))
    assert err.value.code == "limit_pages" and "上限 2 页" in err.value.message


def test_top_level_guard_turns_an_environment_failure_into_a_message(tmp_path: Path) -> None:
    """An output folder that is a file: no traceback, a Chinese message, exit 2."""
    blocker = tmp_path / "out"
    blocker.write_text("x", encoding="utf-8")
    run = h.run_cli("extract", h.GOOD, "--out", blocker)
    assert run.code == 2 and "Traceback" not in run.stderr
    assert "无法写入输出文件夹" in run.stderr


@pytest.mark.parametrize("angle", [90, 180, 270])
def test_rotated_page_content_is_read(angle: int) -> None:
    import random

    from tests.report_factory import expected, pdf_bytes, random_report

    rep = random_report(random.Random(5))
    res = process_bytes(h.rotated_pdf(pdf_bytes(rep), angle), "rotated.pdf")
    assert res.readable
    exp = expected(rep)
    assert res.report.active == exp["active"]
    assert res.report.requests == exp["requests"]
    assert res.report.review_litigation == exp["review_litigation"]
    assert [s.no for s in res.report.sections] == [1, 2, 3, 4, 5, 6]


def test_page_whose_text_runs_several_ways_gets_a_finding() -> None:
    import io
    import random

    import pypdfium2 as pdfium

    from tests.report_factory import pdf_bytes, random_report

    src = pdfium.PdfDocument(pdf_bytes(random_report(random.Random(5))))
    dst = pdfium.PdfDocument.new()
    w, hgt = src[0].get_size()
    page = dst.new_page(hgt, w)
    for turn, dx, dy in ((90, hgt / 2, 0), (270, hgt / 2, w / 2)):  # half the content each way
        obj = src.page_as_xobject(0, dst).as_pageobject()
        obj.transform(pdfium.PdfMatrix().scale(0.5, 0.5).rotate(90, ccw=turn == 90).translate(dx, dy))
        page.insert_obj(obj)
    page.gen_content()
    buf = io.BytesIO()
    dst.save(buf)
    res = process_bytes(buf.getvalue(), "mixed.pdf")
    notes = [f.message for f in res.report.findings if f.rule == "extraction.reader_note"]
    assert any("第1页的文字朝多个方向排列" in n for n in notes), notes


def test_top_level_guard_never_shows_a_traceback(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    import errno

    import gongkai.cli as cli

    def broken(args: object = None) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", "/data/out")

    monkeypatch.setattr(cli, "app", broken)
    monkeypatch.delenv("GONGKAI_DEBUG", raising=False)
    with pytest.raises(SystemExit) as stop:
        cli.main(["check", "x"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "磁盘空间已满（/data/out）" in err and "Traceback" not in err and "GONGKAI_DEBUG=1" in err
    monkeypatch.setenv("GONGKAI_DEBUG", "1")
    with pytest.raises(SystemExit):
        cli.main(["check", "x"])
    assert "Traceback" in capsys.readouterr().err
