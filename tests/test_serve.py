"""`gongkai serve` through Starlette's test client, on SQLite and on PostgreSQL: every page and download,
escaping, upload limits, zip safety, CSRF, the password and sessions, marks that survive re-upload."""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from starlette.testclient import TestClient

from gongkai.check import all_rules
from gongkai.serve.app import create_app
from gongkai.serve.batches import Limits
from gongkai.serve.security import COOKIE, Session, Signer, load_secret
from tests.store_support import fresh_database, variant

ROOT = Path(__file__).parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.txt"))
PDF = ROOT / "tests" / "fixtures" / "corpus" / "pdf" / "002_huaian_hongze_district_2023.pdf"
WUSU = "乌苏市西大沟镇人民政府"
WUSU_NOTICE = "关于乌苏市西大沟镇人民政府2024年度政府信息公开工作年度报告的整改通知"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from fresh_database(request.param, tmp_path_factory.mktemp("db"))


def csrf_of(client: TestClient) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text)
    assert m
    return m.group(1)


def upload(client: TestClient, files: list[tuple[str, bytes]], roster: bytes | None = None,
           field: str = "files") -> str:
    parts: list[tuple[str, Any]] = [(field, (name, data, "application/octet-stream")) for name, data in files]
    if roster is not None:
        parts.append(("roster", ("名单.csv", roster, "text/csv")))
    r = client.post("/upload", data={"csrf": csrf_of(client)}, files=parts, follow_redirects=False)
    assert r.status_code == 303, r.text
    return str(r.headers["location"])


def wait(client: TestClient, url: str) -> dict[str, Any]:
    deadline = time.time() + 180
    while time.time() < deadline:
        data = client.get(url + ".json").json()
        if data["state"] in ("done", "failed"):
            assert data["state"] == "done", data["message"]
            return data  # type: ignore[no-any-return]
        time.sleep(0.2)
    raise AssertionError("batch did not finish")


@pytest.fixture(scope="module")
def served(db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One server per backend with the bundled examples, the Hongze PDF and seed 000's 2023 twin uploaded."""
    data_dir = tmp_path_factory.mktemp("data")
    twin = variant(tmp_path_factory.mktemp("twin"), "巫峡镇2023.txt", year=2023,
                   rows={"一、本年新收": ["1", "0", "0", "0", "0", "0", "1"]})
    with TestClient(create_app(db=db_url, data_dir=data_dir, jobs=1)) as client:
        files = [(p.name, p.read_bytes()) for p in [*EXAMPLES, PDF, twin]]
        url = upload(client, files)
        batch = wait(client, url)
        yield {"client": client, "url": url, "batch": batch, "data_dir": data_dir}


def _file(batch: dict[str, Any], name: str) -> dict[str, Any]:
    return next(f for f in batch["round"]["files"] if f["file"] == name)


def test_batch_summary_and_pages(served: dict[str, Any]) -> None:
    client, url, batch = served["client"], served["url"], served["batch"]
    s = batch["summary"]
    assert (s["reports"], s["passed"], s["needs_fix"], s["unreadable"]) == (7, 4, 1, 0)
    hongze = _file(batch, PDF.name)
    assert hongze["unit"] == "洪泽区人民政府" and hongze["status_label"] == "需整改"
    html = client.get(url).text
    assert "洪泽区人民政府" in html and "需整改" in html and "hx-get" not in html  # done: no more polling
    partial = client.get(url, headers={"HX-Request": "true"}).text
    assert partial.startswith('<section id="batch-status"') and "<html" not in partial
    assert client.get(url, headers={"Accept": "application/json"}).json()["id"] == batch["id"]
    assert client.get("/").status_code == 200 and batch["id"] in client.get("/").text


def test_report_page_tables_and_evidence(served: dict[str, Any]) -> None:
    client, batch = served["client"], served["batch"]
    sha = _file(batch, PDF.name)["source"]["sha256"]
    html = client.get(f"/report/{sha}").text
    # the review table in the official layout: 行政复议 over five columns, 行政诉讼 over ten
    assert '<th colspan="5">行政复议</th>' in html and '<th colspan="10">行政诉讼</th>' in html
    assert 'class="v flagged' in html  # the cells the sum finding names
    assert "行政复议：结果维持(10)+结果纠正(1)+其他结果(0)+尚未审结(0)=11，但总计为0" in html
    data = client.get(f"/report/{sha}.json").json()
    assert data["report"]["review_litigation"]["review"]["upheld"] == 10
    ev = client.get(f"/report/{sha}/evidence.json", params={"cell": "review_litigation.review.total"}).json()
    assert (ev["value"], ev["literal"], ev["page"], ev["location"]) == ("0", "0", 4, "第4页第3个表格第4行")
    frag = client.get(f"/report/{sha}/evidence", params={"cell": "review_litigation.review.total"},
                      headers={"HX-Request": "true"}).text
    assert "cell.png?cell=review_litigation.review.total" in frag and "<html" not in frag
    png = client.get(f"/report/{sha}/cell.png", params={"cell": "review_litigation.review.total"})
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    # without JavaScript the same evidence is on the report page itself
    assert "第4页第3个表格第4行" in client.get(f"/report/{sha}", params={"cell": "review_litigation.review.total"}).text

    # a text report: the source lines, the literal highlighted on its line
    seed = _file(batch, EXAMPLES[0].name)["source"]["sha256"]
    ev = client.get(f"/report/{seed}/evidence.json", params={"cell": "active.punishment.decisions"}).json()
    hit = next(x for x in ev["lines"] if x["hit"])
    assert ev["value"] == "18" and hit["hit"] == "18" and ev["location"] == f"第{hit['line']}行"
    assert ev["location"] and "第" in ev["location"]
    frag = client.get(f"/report/{seed}/evidence", params={"cell": "active.punishment.decisions"},
                      headers={"HX-Request": "true"}).text
    assert "<mark>18</mark>" in frag


def test_findings_filters_and_marks(served: dict[str, Any]) -> None:
    client, url, batch = served["client"], served["url"], served["batch"]
    bid = batch["id"]
    page = client.get("/findings", params={"batch": bid}).text
    assert "行政复议：结果维持(10)" in page
    rows = client.get("/findings.json", params={"batch": bid, "rule": "review_litigation.sum"}).json()
    assert rows["total"] == 2 and {f["unit"] for f in rows["findings"]} == {"洪泽区人民政府"}
    wx = client.get("/findings.json", params={"unit": "巫峡", "severity": "error"}).json()
    # the twin: 1 new request, none handled — its balance error, and nothing in 2024
    assert wx["total"] >= 1 and {f["year"] for f in wx["findings"]} == {2023}
    assert all("本年新收" in f["message"] or "新收" in f["message"] for f in wx["findings"])
    errors_before = client.get(url + ".json").json()["summary"]["errors"]
    target = rows["findings"][0]
    csrf = csrf_of(client)
    form = {"csrf": csrf, "sha256": target["sha256"], "key": target["key"], "who": "张科员"}
    # 误报 needs a reason
    r = client.post("/mark", data=form | {"status": "dismissed"})
    assert r.status_code == 400 and "理由" in r.text
    r = client.post("/mark", data=form | {"status": "dismissed", "reason": "<script>alert(1)</script>原表如此",
                                          "next": "/findings"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/findings"
    marked = client.get("/findings.json", params={"batch": bid, "status": "dismissed"}).json()
    assert marked["total"] == 1 and marked["findings"][0]["mark"]["who"] == "张科员"
    page = client.get("/findings", params={"batch": bid, "status": "dismissed"}).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;原表如此" in page
    # a dismissed finding leaves the summary; the round file says so
    assert client.get(url + ".json").json()["summary"]["errors"] == errors_before - 1
    rnd = client.get(url + ".json").json()["round"]
    assert any(f["dismissed"] for f in _file({"round": rnd}, PDF.name)["findings"])
    # htmx gets the mark fragment back
    r = client.post("/mark", data=form | {"status": "confirmed"}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and "已确认" in r.text and "<html" not in r.text
    assert client.get(url + ".json").json()["summary"]["errors"] == errors_before
    # the mark survives uploading the same file again (recognised by its hash, not stored twice)
    files_before = sorted(p.name for p in (served["data_dir"] / "files").iterdir())
    again = wait(client, upload(client, [("再次上传.pdf", PDF.read_bytes())]))
    assert sorted(p.name for p in (served["data_dir"] / "files").iterdir()) == files_before
    assert _file(again, "再次上传.pdf")["source"]["sha256"] == target["sha256"]
    confirmed = client.get("/findings.json", params={"status": "confirmed"}).json()
    assert [f["key"] for f in confirmed["findings"]] == [target["key"]]
    r = client.post("/mark", data=form | {"status": "clear"}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/findings.json", params={"status": "confirmed"}).json()["total"] == 0
    # the plain-HTML mark form (no JavaScript)
    page = client.get("/mark", params={"sha256": target["sha256"], "key": target["key"], "next": "//evil.example"})
    assert page.status_code == 200 and 'name="next" value="/"' in page.text


def test_notices_and_downloads(served: dict[str, Any]) -> None:
    client, url = served["client"], served["url"]
    page = client.get(url + "/notices").text
    assert WUSU in page and "workbook.xlsx" in page and "notices.zip" in page
    notices = client.get(url + "/notices.json").json()
    n = next(x["n"] for x in notices if x["unit"] == WUSU)
    notice = client.get(f"{url}/notice/{n}").text
    assert WUSU_NOTICE in notice and "六、其他需要报告的事项" in notice
    docx = client.get(f"{url}/notice/{n}/notice.docx")
    assert docx.status_code == 200 and "attachment" in docx.headers["content-disposition"]
    doc = Document(io.BytesIO(docx.content))
    text_ = "\n".join([p.text for p in doc.paragraphs]
                      + [c.text for t in doc.tables for row in t.rows for c in row.cells])
    assert WUSU_NOTICE in text_ and "六、其他需要报告的事项" in text_
    wb = load_workbook(io.BytesIO(client.get(url + "/workbook.xlsx").content))
    cells = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert WUSU in cells and "需整改" in cells and "通过" in cells
    zf = zipfile.ZipFile(io.BytesIO(client.get(url + "/notices.zip").content))
    names = zf.namelist()
    assert any(WUSU in x and x.endswith(".docx") for x in names)
    assert any(x.endswith(".xlsx") for x in names)
    html_name = next(x for x in names if WUSU in x and x.endswith(".html"))
    assert WUSU_NOTICE in zf.read(html_name).decode("utf-8")
    assert client.get(url + "/notice/99").status_code == 404


def test_compare_overview_rules(served: dict[str, Any]) -> None:
    client = served["client"]
    page = client.get("/compare").text
    assert "巫山县巫峡镇人民政府" in page
    cmp = client.get("/compare.json", params={"unit": "巫山县巫峡镇人民政府"}).json()
    changed = {c["path"]: (c["a"], c["b"]) for c in cmp["cells"]}
    assert changed["requests.new_received.natural_person"] == (1, 0)
    assert changed["requests.new_received.total"] == (1, 0)
    html = client.get("/compare", params={"unit": "巫山县巫峡镇人民政府", "a": "2023", "b": "2024"}).text
    assert 'class="v changed' in html and "实质公开率" in html and "诉讼纠错率" in html
    assert client.get("/compare", params={"unit": "没有这个单位", "a": "2023", "b": "2024"}).status_code == 404
    ov = client.get("/overview").text
    assert "<svg" in ov and "<text" in ov and "报告数" in ov and "实质公开率" in ov
    data = client.get("/overview.json", params={"by": "year"}).json()
    assert {g["label"]: g["reports"] for g in data["groups"]} == {"2023": 2, "2024": 5}
    assert any(r["rule"] == "review_litigation.sum" and r["reports"] == 1 for r in data["rules"])
    rules = client.get("/rules.json").json()
    assert {r["id"] for r in rules} == {r.id for r in all_rules()}
    assert "核查规则" in client.get("/rules").text


def test_roster_zip_and_escaping(served: dict[str, Any]) -> None:
    client = served["client"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("年报/巫峡镇.txt", EXAMPLES[0].read_bytes())
        zf.writestr("../../escape.txt", b"outside")
        zf.writestr("年报/说明.docx.exe", b"x")
    roster = "单位名称,地区\n巫山县巫峡镇人民政府,巫山县\n<script>alert(1)</script>镇,巫山县\n".encode()
    url = upload(client, [("<b>报送</b>.zip", buf.getvalue())], roster=roster)
    data = wait(client, url)
    s = data["summary"]
    assert (s["units"], s["passed"], s["missing"]) == (2, 1, 1)
    reasons = {x["rel"]: x["reason"] for x in data["skipped"]}
    assert reasons["<b>报送</b>.zip/../../escape.txt"].startswith("压缩包内的路径指向包外")
    assert not any(p.name == "escape.txt" for p in served["data_dir"].parent.rglob("escape.txt"))
    html = client.get(url).text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;镇" in html
    assert "<b>报送</b>" not in html and "&lt;b&gt;报送&lt;/b&gt;.zip/年报/巫峡镇.txt" in html


def test_unreadable_file_is_reported_not_fatal(served: dict[str, Any]) -> None:
    client = served["client"]
    url = upload(client, [("坏文件.pdf", b"%PDF-1.4\nthis is not a PDF"), ("说明.exe", b"MZ"),
                          (EXAMPLES[1].name, EXAMPLES[1].read_bytes())])
    data = wait(client, url)
    assert (data["summary"]["unreadable"], data["summary"]["passed"]) == (1, 1), data
    assert data["skipped"][0]["reason"].startswith("不支持的文件格式（.exe）")
    bad = _file(data, "坏文件.pdf")
    assert bad["status_label"] == "无法读取" and bad["error"]["message"]
    page = client.get(f"/report/{bad['source']['sha256']}")
    assert page.status_code == 200 and bad["error"]["message"] in page.text
    assert "无法读取" in client.get(url).text


def test_nothing_outside_the_store(served: dict[str, Any]) -> None:
    client = served["client"]
    key = load_secret(served["data_dir"])
    for path in ("/report/..%2F..%2Fsecret.key", "/report/" + "0" * 64, "/static/../secret.key",
                 "/static/%2e%2e/secret.key", "/batch/..%2Fsecret.key", "/batch/20200101-000000-zzzzzz",
                 "/report/" + "a" * 64 + "/cell.png?cell=active.regulations.issued"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert key not in r.content
    assert client.get("/static/htmx.min.js").status_code == 200
    assert client.get("/no/such/page").status_code == 404 and "没有这个页面" in client.get("/no/such/page").text


def test_csrf_limits_and_password(tmp_path: Path) -> None:
    app = create_app(db=f"sqlite:///{tmp_path / 's.db'}", data_dir=tmp_path / "d", jobs=1,
                     limits=Limits(max_file_bytes=20_000, max_files=3, max_total_bytes=60_000))
    with TestClient(app) as client:
        one = [("a.txt", EXAMPLES[0].read_bytes())]
        r = client.post("/upload", files=[("files", one[0])], follow_redirects=False)
        assert r.status_code == 403 and "安全校验" in r.text
        r = client.post("/upload", data={"csrf": "forged"}, files=[("files", one[0])], follow_redirects=False)
        assert r.status_code == 403
        csrf = csrf_of(client)
        big = ("big.txt", b"x" * 20_001)
        r = client.post("/upload", data={"csrf": csrf}, files=[("files", big)])
        assert r.status_code == 413 and "单个文件上限" in r.text
        many = [("files", (f"{i}.txt", EXAMPLES[0].read_bytes() + bytes([i]))) for i in range(4)]
        r = client.post("/upload", data={"csrf": csrf}, files=many)
        assert r.status_code == 413 and "最多上传 3 个文件" in r.text
        r = client.post("/upload", data={"csrf": csrf}, files=[("files", ("huge.txt", b"y" * 2_000_000))])
        assert r.status_code == 413 and "总量超过上限" in r.text
        r = client.post("/upload", data={"csrf": csrf}, files=[])
        assert r.status_code == 400 and "没有收到文件" in r.text
        # a zip bomb: a small archive whose member inflates past the limits is not extracted
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("bomb.txt", b"0" * 5_000_000)
        assert len(buf.getvalue()) < 20_000
        data = wait(client, upload(client, [("bomb.zip", buf.getvalue())]))
        assert data["summary"]["reports"] == 0
        assert "超过单个文件上限" in data["skipped"][0]["reason"]
        assert all(p.stat().st_size < 100_000 for p in (tmp_path / "d").rglob("*") if p.is_file())

    # with a password every page but the login asks for it; sessions are signed and expire
    app = create_app(db=f"sqlite:///{tmp_path / 'p.db'}", data_dir=tmp_path / "p", password="口令-s3cret")
    with TestClient(app) as client:
        r = client.get("/findings", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
        assert client.get("/findings.json").status_code == 401
        login = client.get("/login").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', login).group(1)  # type: ignore[union-attr]
        r = client.post("/login", data={"csrf": csrf, "password": "wrong", "next": "/findings"})
        assert r.status_code == 401 and "密码不正确" in r.text
        r = client.post("/login", data={"csrf": csrf, "password": "口令-s3cret", "next": "/findings"},
                        follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/findings"
        assert client.get("/findings").status_code == 200
        signer = Signer(load_secret(tmp_path / "p"))
        expired = Session(authed=True, expires=time.time() - 1)
        client.cookies.set(COOKIE, signer.dump(expired))
        assert client.get("/findings", follow_redirects=False).status_code == 303
        forged = Signer(b"not the key").dump(Session(authed=True))
        client.cookies.set(COOKIE, forged)
        assert client.get("/findings", follow_redirects=False).status_code == 303


def test_cli_refuses_sharing_without_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from gongkai.cli import app

    monkeypatch.delenv("GONGKAI_PASSWORD", raising=False)
    r = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--data", str(tmp_path)])
    assert r.exit_code == 2 and "GONGKAI_PASSWORD" in r.output
    assert "示例" in CliRunner().invoke(app, ["serve", "--help"]).output


def test_html_and_word_evidence_show_the_table_row(served: dict[str, Any]) -> None:
    """Example 000 as the standard HTML page and as the official Word layout: the evidence is the cell in its row."""
    from gongkai.pipeline import process_path
    from gongkai.render.docx import render_docx
    from gongkai.render.html import render_html

    report = process_path(EXAMPLES[0]).report
    client = served["client"]
    for name, data, where in (("巫峡镇.html", render_html(report).encode("utf-8"), "第1个表格第10行"),
                              ("巫峡镇.docx", render_docx(report), "第1个表格第10行第2列")):
        batch = wait(client, upload(client, [(name, data)]))
        sha = _file(batch, name)["source"]["sha256"]
        ev = client.get(f"/report/{sha}/evidence.json", params={"cell": "active.punishment.decisions"}).json()
        assert ev["location"] == where
        row = next(r for r in ev["rows"] if any(c["hit"] for c in r))
        assert [c["text"] for c in row] == ["行政处罚", "18"] and [c["hit"] for c in row] == [False, True]
        frag = client.get(f"/report/{sha}/evidence", params={"cell": "active.punishment.decisions"},
                          headers={"HX-Request": "true"}).text
        assert '<td class="hit">18</td>' in frag


def test_report_highlights_the_sentence_a_finding_quotes(served: dict[str, Any], tmp_path: Path) -> None:
    client = served["client"]
    note = "本年共收到政府信息公开申请5件。"
    report = variant(tmp_path, "叙事.txt", agency="巫山县叙事镇人民政府", note=note)
    data = wait(client, upload(client, [("叙事.txt", report.read_bytes())]))
    f = _file(data, "叙事.txt")
    assert any(x["rule"] == "narrative.requests" for x in f["findings"])
    html = client.get(f"/report/{f['source']['sha256']}").text
    assert '<mark class="quoted">本年共收到政府信息公开申请5件</mark>' in html


def test_batches_survive_a_restart(tmp_path: Path) -> None:
    db, data = f"sqlite:///{tmp_path / 's.db'}", tmp_path / "d"
    with TestClient(create_app(db=db, data_dir=data, jobs=1)) as client:
        url = upload(client, [(p.name, p.read_bytes()) for p in EXAMPLES])
        before = wait(client, url)
        f = next(x for x in _file(before, EXAMPLES[3].name)["findings"] if x["severity"] == "error")
        sha = _file(before, EXAMPLES[3].name)["source"]["sha256"]
        r = client.post("/mark", data={"csrf": csrf_of(client), "sha256": sha, "key": f["key"],
                                       "status": "dismissed", "reason": "已核实", "who": "李四"},
                        follow_redirects=False)
        assert r.status_code == 303
    with TestClient(create_app(db=db, data_dir=data, jobs=1)) as client:  # a new server on the same folder
        assert url.rsplit("/", 1)[1] in client.get("/").text
        after = client.get(url + ".json").json()
        assert after["state"] == "done"
        assert after["summary"] == before["summary"] | {"needs_fix": 0, "passed": 5, "errors": 0}
        saved = (data / "batches" / before["id"] / "round.json").read_text(encoding="utf-8")
        assert '"dismissed": true' in saved


def test_fill_check_and_download_word(served: dict[str, Any], tmp_path: Path) -> None:
    """填报: a stored report as the starting point, a wrong number caught, the Word report read back."""
    from gongkai.pipeline import process_path

    client = served["client"]
    sha = _file(served["batch"], EXAMPLES[0].name)["source"]["sha256"]
    page = client.get("/fill", params={"from": sha}).text
    assert 'name="meta.agency" value="巫山县巫峡镇人民政府"' in page
    assert 'name="active.punishment.decisions" value="18"' in page
    values = dict(re.findall(r'<input type="text" name="([a-z_.0-9]+)" value="([^"]*)"', page))
    values |= {f"sections.{n}": t for n, t in re.findall(r'<textarea name="sections\.(\d)"[^>]*>([^<]*)</textarea>', page)}
    form = values | {"csrf": csrf_of(client), "version": "2021"}
    ok = client.post("/fill", data=form | {"action": "check"})
    assert ok.status_code == 200 and "核查无错误" in ok.text
    bad = client.post("/fill.json", data=form | {"action": "check", "requests.granted.total": "5"}).json()
    assert any(f["severity"] == "error" and "总计" in f["message"] for f in bad["findings"])
    docx = client.post("/fill", data=form | {"action": "docx"})
    assert docx.status_code == 200 and docx.headers["content-type"].startswith("application/vnd.openxmlformats")
    out = tmp_path / "填报.docx"
    out.write_bytes(docx.content)
    back = process_path(out).report
    assert back.meta.agency == "巫山县巫峡镇人民政府" and back.value("active.punishment.decisions") == 18
    assert client.post("/fill", data=values | {"action": "check"}).status_code == 403  # no CSRF token
