"""Bad inputs get a clear Chinese error, and a batch goes on past them."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from gongkai.cli import app
from gongkai.pipeline import process_bytes, process_many, process_path
from tests.conftest import CORPUS

SEED = CORPUS / "seeds" / "002_816cf6285d7c44a5.txt"


def test_empty_file() -> None:
    res = process_bytes(b"", "empty.txt")
    assert not res.readable and res.error is not None
    assert res.error.code == "empty"
    assert res.report.findings[0].rule == "extraction.unreadable"
    assert "文件为空" in res.report.findings[0].message


def test_whitespace_only_file() -> None:
    assert process_bytes(b"\n\n  \t\n", "blank.txt").error is not None


def test_binary_file() -> None:
    res = process_bytes(bytes(range(256)) * 40, "noise.bin")
    assert res.error is not None and res.error.code in ("not_text", "unsupported")
    assert "无法" in res.error.message or "不支持" in res.error.message


def test_gbk_text_without_declaration_is_detected() -> None:
    text = SEED.read_text(encoding="utf-8")
    res = process_bytes(text.encode("gbk"), "gbk.txt")
    assert res.readable
    assert res.report.value("requests.new_received.total") == 1
    assert res.report.meta.agency == "桐柏县埠江镇人民政府"


def test_gbk_html_with_meta_declaration() -> None:
    html = "<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'></head><body>"
    html += "<h1>桐柏县埠江镇人民政府2024年政府信息公开工作年度报告</h1><p>一、总体情况</p><p>略</p></body></html>"
    res = process_bytes(html.encode("gb18030"), "page.html")
    assert res.report.meta.agency == "桐柏县埠江镇人民政府"
    assert res.report.meta.year == 2024


def test_truncated_report_keeps_complete_rows() -> None:
    data = SEED.read_bytes()
    cut = data[: data.index("（三）不予公开".encode()) + 5]  # also cuts a UTF-8 character in half
    res = process_bytes(cut, "cut.txt")
    assert res.readable
    r = res.report
    assert r.value("requests.new_received.total") == 1
    assert r.value("requests.granted.natural_person") == 1
    assert r.requests is not None and "denied_state_secret" not in r.requests
    assert any(f.rule == "structure.table_incomplete" for f in r.findings)


def test_huge_file_is_read_without_blowing_up() -> None:
    text = SEED.read_text(encoding="utf-8")
    filler = "（一）主动公开政府信息情况。这是一段很长的说明文字，用来把文件撑大。\n" * 40000
    res = process_bytes((filler + text).encode("utf-8"), "huge.txt")
    assert res.readable
    assert res.report.value("review_litigation.review.total") == 1


def test_batch_goes_on_and_exit_code_is_2(tmp_path: Path) -> None:
    (tmp_path / "a_empty.txt").write_bytes(b"")
    (tmp_path / "b_noise.txt").write_bytes(bytes(range(256)) * 10)
    (tmp_path / "c_good.txt").write_bytes(SEED.read_bytes())
    results = list(process_many(sorted(tmp_path.iterdir())))
    assert [r.readable for r in results] == [False, False, True]
    assert results[2].report.value("requests.new_received.total") == 1
    out = CliRunner().invoke(app, ["check", str(tmp_path), "--format", "json"])
    assert out.exit_code == 2
    payload = json.loads(out.stdout)["files"]
    assert [p["readable"] for p in payload] == [False, False, True]
    assert payload[0]["error"]["code"] == "empty"


def test_missing_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    res = process_path(tmp_path / "nope.txt")
    assert res.error is not None and res.error.code == "io"


def test_extract_writes_error_json_and_keeps_going(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "bad.txt").write_bytes(b"")
    (src / "good.txt").write_bytes(SEED.read_bytes())
    out = CliRunner().invoke(app, ["extract", str(src), "--out", str(tmp_path / "out")])
    assert out.exit_code == 2
    bad = json.loads((tmp_path / "out" / "bad.txt.json").read_text(encoding="utf-8"))
    assert bad["findings"][0]["rule"] == "extraction.unreadable"
    good = json.loads((tmp_path / "out" / "good.txt.json").read_text(encoding="utf-8"))
    assert good["requests"]["granted"]["natural_person"] == 1
