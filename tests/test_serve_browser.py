"""`gongkai serve` in a real browser (Debian's Chromium driven by Playwright, no downloads): upload the
bundled examples and a PDF, wait for the batch, open a report, click a cell and see its evidence,
mark a finding 误报, download the workbook. Screenshots are saved for a person to look at."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect, sync_playwright

from gongkai.serve.app import create_app

ROOT = Path(__file__).parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.txt"))
ROSTER = ROOT / "examples" / "名单.csv"  # the five example towns and one that sends nothing
PDF = ROOT / "tests" / "fixtures" / "corpus" / "pdf" / "002_huaian_hongze_district_2023.pdf"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--lang=zh-CN"]
SHOTS = Path(os.environ.get("GONGKAI_SCREENSHOTS", "")) if os.environ.get("GONGKAI_SCREENSHOTS") else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("serve-data")
    app = create_app(data_dir=data, jobs=1)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    assert srv.started, "server did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: apt-get install -y chromium"
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def _shot(page: Page, tmp: Path, name: str) -> Path:
    out = tmp / f"{name}.png"
    page.screenshot(path=str(out), full_page=False)
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(out, SHOTS / out.name)
    assert out.stat().st_size > 10_000
    return out


def test_upload_check_evidence_mark_download(server: str, browser: Browser, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 768}, accept_downloads=True, locale="zh-CN")
    page.goto(server + "/")
    expect(page.locator("h1")).to_have_text("上传年度报告")
    page.set_input_files("input[name=files]", [str(p) for p in EXAMPLES] + [str(PDF)])
    page.set_input_files("input[name=roster]", str(ROSTER))
    _shot(page, tmp_path, "1-upload")
    page.click("button.primary")
    page.wait_for_url("**/batch/**")
    # live progress by htmx polling, until the state says done
    expect(page.locator("#batch-status .state")).to_have_text("已完成", timeout=120_000)
    expect(page.locator(".card.bad b")).to_have_text("1")  # 乌苏市西大沟镇 lacks section 六
    expect(page.locator(".card.ok b")).to_have_text("4")
    expect(page.locator(".card.missing b")).to_have_text("1")  # 巫山县龙门街道办事处 sent nothing
    expect(page.locator("tr.st-missing")).to_contain_text("巫山县龙门街道办事处")
    _shot(page, tmp_path, "2-batch")

    # the PDF report: the review table's 总计 printed 0 is the cell the findings name
    page.click("text=002_huaian_hongze_district_2023.pdf")
    expect(page.locator("h1")).to_contain_text("洪泽区人民政府")
    review = page.locator("#t-review_litigation")
    expect(review.locator("td.flagged").first).to_be_visible()
    review.locator("td.v").nth(4).locator("a").click()  # 行政复议 · 总计
    expect(page.locator("#evidence .cellname")).to_contain_text("行政复议 · 总计")
    expect(page.locator("#evidence dd.big")).to_have_text("0")
    expect(page.locator("#evidence")).to_contain_text("第4页")
    img = page.locator("#evidence img.page")
    expect(img).to_be_visible()
    deadline = time.time() + 60
    while img.evaluate("e => e.naturalWidth") < 500 and time.time() < deadline:
        time.sleep(0.2)
    assert img.evaluate("e => e.naturalWidth") > 500
    shot = _shot(page, tmp_path, "3-report-pdf-evidence")
    if SHOTS is not None:  # the README's picture
        (ROOT / "docs" / "img").mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, ROOT / "docs" / "img" / "serve.png")

    # a text report: the evidence shows the source lines with the number highlighted
    page.go_back()
    page.wait_for_url("**/batch/**")
    page.locator("td.file a").first.click()
    page.locator("#t-requests td.v a").first.click()
    expect(page.locator("#evidence pre.source mark")).to_be_visible()
    _shot(page, tmp_path, "4-report-text-evidence")

    # mark a finding 误报 on the findings page: the summary no longer counts it
    page.goto(server + "/findings?severity=error")
    rows = page.locator("table.findings-table tbody tr")
    before = rows.count()
    assert before >= 2
    rows.first.locator(".mark a").click()
    form = page.locator("form.markform").first
    form.locator("input[value=dismissed]").check()
    form.locator("input[name=reason]").fill("其他事项已写入第五部分，经核实属实")
    form.locator("input[name=who]").fill("张科员")
    form.locator("button").click()
    expect(page.locator("table.findings-table tbody tr").first.locator(".mk-dismissed")).to_have_text("误报")
    expect(page.locator("table.findings-table tbody tr").first).to_contain_text("张科员")
    _shot(page, tmp_path, "5-findings-marked")

    # notices and the workbook download
    page.goto(server + "/")
    page.locator("a", has_text="通知").first.click()
    expect(page.locator("h1")).to_contain_text("整改通知")
    with page.expect_download() as dl:
        page.click("text=下载本轮核查汇总（Excel）")
    path = tmp_path / "workbook.xlsx"
    dl.value.save_as(path)
    wb = load_workbook(path)
    names = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert any("乌苏市西大沟镇" in n for n in names)
    _shot(page, tmp_path, "6-notices")
    page.goto(server + "/overview")
    expect(page.locator(".chart svg").first).to_be_visible()
    _shot(page, tmp_path, "7-overview")

    # 填报 from the first example: change one number, check, see the error and the cells it names
    page.goto(server + "/")
    page.locator("a", has_text="通知").first.click()
    page.goto(server + "/batch/" + page.url.split("/batch/")[1].split("/")[0])
    page.locator("td.file a").first.click()
    page.click("text=以此为底稿填报")
    expect(page.locator("input[name='meta.agency']")).to_have_value("巫山县巫峡镇人民政府")
    page.fill("input[name='requests.granted.total']", "5")
    page.click("button[value=check]")
    expect(page.locator(".side h2")).to_contain_text("错误")
    expect(page.locator("#t-requests td.flagged").first).to_be_visible()
    _shot(page, tmp_path, "8-fill")
    page.close()
