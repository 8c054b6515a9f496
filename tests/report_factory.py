"""Random consistent reports, written as DOCX (the official template) and PDF (reportlab).

A report is the three tables' values keyed as the schema says. `table_cells` lays the
three tables out as the 2021 template does (merged cells included), so the DOCX and PDF
writers and the tests share one picture of the tables.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.standard import REQUEST_COLUMNS, REQUEST_ROWS, REVIEW_CELLS

TEMPLATE = Path(__file__).resolve().parents[2] / "shared" / "spec" / "template_2021.docx"
if not TEMPLATE.exists():  # a checkout without shared/ beside it
    TEMPLATE = Path(__file__).parent / "fixtures" / "template_2021.docx"

COLS = [c.key for c in REQUEST_COLUMNS]
ROWS_2021 = [r for r in REQUEST_ROWS if r.version != "2019"]
RESULT_KEYS = [r.key for r in ROWS_2021 if r.group is not None and r.key != "total_processed"]


@dataclass
class Report:
    active: dict[str, dict[str, int | float]]
    requests: dict[str, dict[str, int]]
    review: dict[str, dict[str, int]]
    agency: str = "测试县人民政府"
    year: int = 2023


def random_report(rng: random.Random) -> Report:
    def small() -> int:
        return rng.choice([0, 0, 0, rng.randint(0, 9), rng.randint(0, 120)])

    fee = round(rng.uniform(0, 9999), 2) if rng.random() < 0.7 else rng.randint(0, 50)
    active: dict[str, dict[str, int | float]] = {
        "regulations": {"issued": small(), "repealed": small(), "in_force": small()},
        "normative_documents": {"issued": small(), "repealed": small(), "in_force": small()},
        "licensing": {"decisions": rng.randint(0, 99999)},
        "punishment": {"decisions": rng.randint(0, 9999)},
        "coercion": {"decisions": small()},
        "fees": {"amount": fee},
    }
    requests: dict[str, dict[str, int]] = {k: {} for k in [r.key for r in ROWS_2021]}
    for col in COLS[:-1]:
        for key in RESULT_KEYS:
            requests[key][col] = small() if col == "natural_person" else rng.choice([0, 0, 0, 0, small()])
        total = sum(requests[k][col] for k in RESULT_KEYS)
        requests["total_processed"][col] = total
        forward = rng.choice([0, 0, rng.randint(0, 5)])
        over = rng.randint(0, total + forward)
        requests["carried_forward"][col] = forward
        requests["carried_over"][col] = over
        requests["new_received"][col] = total + forward - over
    for key in requests:
        requests[key]["total"] = sum(requests[key][c] for c in COLS[:-1])
    review: dict[str, dict[str, int]] = {}
    for group in ("review", "litigation_direct", "litigation_after_review"):
        parts = {c: small() for c in ("upheld", "corrected", "other", "pending")}
        review[group] = {**parts, "total": sum(parts.values())}
    return Report(active, requests, review)


def fmt(v: int | float) -> str:
    return f"{v:.2f}" if isinstance(v, float) else str(v)


@dataclass
class TCell:
    r: int
    c: int
    text: str
    rs: int = 1
    cs: int = 1
    vertical: bool = False
    header: bool = False


@dataclass
class TTable:
    ncols: int
    widths: list[float]
    cells: list[TCell] = field(default_factory=list)
    header_rows: int = 0

    @property
    def nrows(self) -> int:
        return max(c.r + c.rs for c in self.cells)


def active_table(rep: Report) -> TTable:
    a = rep.active
    t = TTable(4, [150, 100, 100, 100])
    r = 0

    def block(item: str, header: list[str], data: list[tuple[str, list[str]]]) -> None:
        nonlocal r
        t.cells.append(TCell(r, 0, f"第二十条第（{item}）项", cs=4))
        r += 1
        t.cells.append(TCell(r, 0, "信息内容"))
        if len(header) == 1:
            t.cells.append(TCell(r, 1, header[0], cs=3))
        else:
            t.cells.extend(TCell(r, 1 + k, h) for k, h in enumerate(header))
        r += 1
        for label, vals in data:
            t.cells.append(TCell(r, 0, label))
            if len(vals) == 1:
                t.cells.append(TCell(r, 1, vals[0], cs=3))
            else:
                t.cells.extend(TCell(r, 1 + k, v) for k, v in enumerate(vals))
            r += 1

    cols3 = ("issued", "repealed", "in_force")
    block("一", ["本年制发件数", "本年废止件数", "现行有效件数"], [
        ("规章", [fmt(a["regulations"][c]) for c in cols3]),
        ("行政规范性文件", [fmt(a["normative_documents"][c]) for c in cols3]),
    ])
    block("五", ["本年处理决定数量"], [("行政许可", [fmt(a["licensing"]["decisions"])])])
    block("六", ["本年处理决定数量"], [
        ("行政处罚", [fmt(a["punishment"]["decisions"])]),
        ("行政强制", [fmt(a["coercion"]["decisions"])]),
    ])
    block("八", ["本年收费金额（单位：万元）"], [("行政事业性收费", [fmt(a["fees"]["amount"])])])
    return t


_GROUP_LABEL = {"denied": "（三）不予公开", "unable": "（四）无法提供", "declined": "（五）不予处理",
                "other_handling": "（六）其他处理"}


def requests_table(rep: Report, vertical: bool = True) -> TTable:
    t = TTable(10, [34, 70, 150] + [36] * 7, header_rows=3)
    t.cells += [
        TCell(0, 0, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rs=3, cs=3, header=True),
        TCell(0, 3, "申请人情况", cs=7, header=True),
        TCell(1, 3, "自然人", rs=2, header=True),
        TCell(1, 4, "法人或其他组织", cs=5, header=True),
        TCell(1, 9, "总计", rs=2, header=True),
    ]
    t.cells += [TCell(2, 4 + k, h, header=True) for k, h in enumerate(["商业企业", "科研机构", "社会公益组织",
                                                                       "法律服务机构", "其他"])]
    r = 3
    result_start = None
    groups_seen: dict[str, int] = {}
    for row in ROWS_2021:
        vals = [fmt(rep.requests[row.key][c]) for c in COLS]
        label = row.number + row.label
        if row.group is None:
            t.cells.append(TCell(r, 0, label, cs=3))
        else:
            if result_start is None:
                result_start = r
            if row.group == "results":
                t.cells.append(TCell(r, 1, label, cs=2))
            else:
                if row.group not in groups_seen:
                    groups_seen[row.group] = r
                    n = sum(1 for x in ROWS_2021 if x.group == row.group)
                    t.cells.append(TCell(r, 1, _GROUP_LABEL[row.group], rs=n))
                t.cells.append(TCell(r, 2, label))
        t.cells.extend(TCell(r, 3 + k, v) for k, v in enumerate(vals))
        r += 1
        if row.key == "total_processed":
            assert result_start is not None
            t.cells.append(TCell(result_start, 0, "三、本年度办理结果", rs=r - result_start, vertical=vertical))
    return t


def review_table(rep: Report) -> TTable:
    t = TTable(15, [30] * 15, header_rows=3)
    t.cells += [TCell(0, 0, "行政复议", cs=5), TCell(0, 5, "行政诉讼", cs=10),
                TCell(1, 5, "未经复议直接起诉", cs=5), TCell(1, 10, "复议后起诉", cs=5)]
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    t.cells += [TCell(1, k, h, rs=2) for k, h in enumerate(heads)]
    t.cells += [TCell(2, 5 + k, heads[k % 5]) for k in range(10)]
    t.cells += [TCell(3, k, fmt(rep.review[g][c])) for k, (g, c) in enumerate(REVIEW_CELLS)]
    return t


def expected(rep: Report) -> dict[str, dict[str, dict[str, int | float]]]:
    return {"active": rep.active, "requests": rep.requests, "review_litigation": rep.review}


PARAGRAPHS_BEFORE = ["一、总体情况", "本年度，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》。",
                     "二、主动公开政府信息情况"]
PARAGRAPHS_MID = ["三、收到和处理政府信息公开申请情况"]
PARAGRAPHS_MID2 = ["四、政府信息公开行政复议、行政诉讼情况"]
PARAGRAPHS_AFTER = ["五、存在的主要问题及改进情况", "一是公开内容还不够全面。", "六、其他需要报告的事项",
                    "本年度未收取信息处理费。", "{agency}", "{year_next}年1月20日"]


def title(rep: Report) -> str:
    return f"{rep.agency}{rep.year}年政府信息公开工作年度报告"


# ---------------------------------------------------------------------------------- DOCX
def docx_bytes(rep: Report) -> bytes:
    """The official template filled in with the report's numbers and a few paragraphs."""
    import docx

    d = docx.Document(str(TEMPLATE))
    paras = d.paragraphs
    paras[1].text = title(rep)
    paras[4].text = f"本年度，{rep.agency}认真贯彻落实《中华人民共和国政府信息公开条例》。"
    t0, t1, t2 = d.tables
    a = rep.active
    for r, key in ((2, "regulations"), (3, "normative_documents")):
        for k, c in enumerate(("issued", "repealed", "in_force")):
            t0.cell(r, 1 + k).text = fmt(a[key][c])
    t0.cell(6, 1).text = fmt(a["licensing"]["decisions"])
    t0.cell(9, 1).text = fmt(a["punishment"]["decisions"])
    t0.cell(10, 1).text = fmt(a["coercion"]["decisions"])
    t0.cell(13, 1).text = fmt(a["fees"]["amount"])
    for i, row in enumerate(ROWS_2021):
        for k, c in enumerate(COLS):
            t1.cell(3 + i, 3 + k).text = fmt(rep.requests[row.key][c])
    for k, (g, c) in enumerate(REVIEW_CELLS):
        t2.cell(3, k).text = fmt(rep.review[g][c])
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------- PDF
@dataclass
class PdfLayout:
    """How a PDF report is drawn: the variations real WPS/Word exports show."""

    ruled: bool = True
    vertical_label: bool = True
    fake_bold: bool = False
    break_after_request_row: int | None = None  # force a page break inside table 三 after this grid row
    repeat_header: bool = False
    page_numbers: bool = True
    font_size: float = 9.0


def cjk_font() -> str:
    """Register a CJK font with reportlab: an installed TrueType one if any, else a built-in CID font."""
    from reportlab.pdfbase import pdfmetrics

    for path, index in (("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
                        ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
                        ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0)):
        if Path(path).exists():
            from reportlab.pdfbase.ttfonts import TTFont

            if "CJK" not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont("CJK", path, subfontIndex=index))
            return "CJK"
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def has_embedded_cjk_font() -> bool:
    return cjk_font() == "CJK"


def _wrap(text: str, width: float, font: str, size: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    cur = ""
    for ch in text:
        if cur and stringWidth(cur + ch, font, size) > width:
            lines.append(cur)
            cur = ""
        cur += ch
    if cur:
        lines.append(cur)
    return lines or [""]


PAGE_W, PAGE_H, MARGIN, BOTTOM = 595.0, 842.0, 60.0, 70.0


def pdf_bytes(rep: Report, layout: PdfLayout | None = None) -> bytes:
    """The report as a PDF drawn the way WPS/Word exports look, in the given layout."""
    from reportlab.pdfgen import canvas

    lay = layout or PdfLayout()
    font = cjk_font()
    size = lay.font_size
    ops: list[list[tuple]] = [[]]  # per page: ("text", x, y_top, s) | ("rect", x0, top, x1, bottom)
    state = {"y": MARGIN}

    def new_page() -> None:
        ops.append([])
        state["y"] = MARGIN

    def para(text: str) -> None:
        for line in _wrap(text, PAGE_W - 2 * MARGIN, font, 11):
            if state["y"] + 18 > PAGE_H - BOTTOM:
                new_page()
            ops[-1].append(("text", MARGIN, state["y"], line, 11))
            state["y"] += 18

    def table(t: TTable, break_after: int | None = None) -> None:
        scale = (PAGE_W - 2 * MARGIN) / sum(t.widths)
        widths = [w * scale for w in t.widths]
        xs = [MARGIN + sum(widths[:k]) for k in range(t.ncols + 1)]
        heights = [18.0] * t.nrows
        for c in t.cells:
            if c.vertical:
                continue
            w = xs[c.c + c.cs] - xs[c.c] - 4
            need = len(_wrap(c.text, w, font, size)) * (size + 2) + 6
            if need > 18 * c.rs:
                for r in range(c.r, c.r + c.rs):
                    heights[r] = max(heights[r], need / c.rs)
        rows_at: list[tuple[int, float, float]] = []  # (page, top, bottom) of each grid row
        for r in range(t.nrows):
            page_full = state["y"] + heights[r] > PAGE_H - BOTTOM
            forced = break_after is not None and r == break_after + 1
            if page_full or forced:
                new_page()
                if lay.repeat_header and t.header_rows and r >= t.header_rows:
                    tops = [state["y"] + sum(heights[:k]) for k in range(t.header_rows + 1)]
                    for c in t.cells:
                        if c.r < t.header_rows:
                            _cell_ops(ops[-1], c, xs, tops[c.r], tops[min(c.r + c.rs, t.header_rows)], font, size, lay)
                    state["y"] = tops[-1]
            rows_at.append((len(ops) - 1, state["y"], state["y"] + heights[r]))
            state["y"] += heights[r]
        own = rows_at
        for c in t.cells:
            parts: dict[int, list[float]] = {}
            for r in range(c.r, c.r + c.rs):
                page, top, bottom = own[r]
                span = parts.setdefault(page, [top, bottom])
                span[0], span[1] = min(span[0], top), max(span[1], bottom)
            tallest = max(parts, key=lambda pg: parts[pg][1] - parts[pg][0])  # a split cell's text goes where it fits
            for page, (top, bottom) in sorted(parts.items()):
                _cell_ops(ops[page], c if page == tallest else TCell(c.r, c.c, "", c.rs, c.cs), xs, top, bottom, font,
                          size, lay)
        state["y"] += 10

    para(title(rep))
    para(PARAGRAPHS_BEFORE[0])
    para(PARAGRAPHS_BEFORE[1].format(agency=rep.agency))
    para(PARAGRAPHS_BEFORE[2])
    table(active_table(rep))
    para(PARAGRAPHS_MID[0])
    table(requests_table(rep, lay.vertical_label), lay.break_after_request_row)
    para(PARAGRAPHS_MID2[0])
    table(review_table(rep))
    for text in PARAGRAPHS_AFTER:
        para(text.format(agency=rep.agency, year_next=rep.year + 1))

    out = io.BytesIO()
    cv = canvas.Canvas(out, pagesize=(PAGE_W, PAGE_H))
    for n, page_ops in enumerate(ops, start=1):
        for op in page_ops:
            if op[0] == "text":
                _, x, top, s, fs = op
                cv.setFont(font, fs)
                cv.drawString(x, PAGE_H - top - fs, s)
                if lay.fake_bold:
                    cv.drawString(x + 0.3, PAGE_H - top - fs, s)
            else:
                _, x0, top, x1, bottom = op
                cv.setLineWidth(0.5)
                cv.rect(x0, PAGE_H - bottom, x1 - x0, bottom - top, stroke=1, fill=0)
        if lay.page_numbers:
            cv.setFont(font, 10)
            cv.drawCentredString(PAGE_W / 2, 40, f"-{n}-")
        cv.showPage()
    cv.save()
    return out.getvalue()


def _cell_ops(page_ops: list, c: TCell, xs: list[float], top: float, bottom: float, font: str, size: float,
              lay: PdfLayout) -> None:
    x0, x1 = xs[c.c], xs[c.c + c.cs]
    if lay.ruled:
        page_ops.append(("rect", x0, top, x1, bottom))
    if not c.text:
        return
    if c.vertical:
        step = min(size + 3, (bottom - top - 4) / len(c.text))
        y = top + (bottom - top - step * len(c.text)) / 2
        for ch in c.text:
            page_ops.append(("text", x0 + (x1 - x0 - size) / 2, y, ch, size))
            y += step
        return
    lines = _wrap(c.text, x1 - x0 - 4, font, size)
    y = top + (bottom - top - len(lines) * (size + 2)) / 2
    for line in lines:
        page_ops.append(("text", x0 + 2, y, line, size))
        y += size + 2
