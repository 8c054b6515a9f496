"""The words of a notice, shared by the Word, HTML and workbook faces so they say the same thing."""

from __future__ import annotations

import re
from datetime import date

from gongkai.notice.content import CellRef, Notice, NoticeItem

RESEND_ADVICE = (
    "请重新报送能够正常打开的报告文件：优先报送 Word 文档（.docx）或网页版本；"
    "如报送 PDF，请报送由 Word 直接导出的文字版，不要报送扫描件、图片、加密或损坏的文件。"
)
SIGN_LINE = "整改完成后签字：__________    日期：____年__月__日"
_LINE = re.compile(r"^第(\d+)行$")


def display_file(rel: str) -> str:
    """A received file's name for people: from the archive on (`收件.zip/巫峡镇/年报.txt`) when it came
    in a zip, otherwise as given, without the folders of the office's own disk when the path is absolute."""
    r = rel.replace("\\", "/")
    if not (r.startswith("/") or (len(r) > 2 and r[1] == ":")):
        return rel
    i = r.lower().find(".zip/")
    if i >= 0:
        return r[r.rfind("/", 0, i) + 1 :]
    return r.rsplit("/", 1)[-1]


def unit_line(n: Notice) -> str:
    """The line above the list: the unit, its contact on the roster, the year and the file."""
    contact = f"　　联系人：{n.contact}" if n.contact else ""
    return f"单位：{n.unit}{contact}　　报告年度：{year_text(n)}　　报送文件：{n.file}"


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def year_text(n: Notice) -> str:
    return f"{n.year}年度" if n.year else "年度（未能识别）"


def intro(n: Notice) -> str:
    """The opening paragraph after the salutation."""
    what = f"你单位报送的{year_text(n)}政府信息公开工作年度报告（文件“{n.file}”）"
    if n.unreadable is not None:
        return f"{what}无法读取，未能进行核查。"
    if n.status == "通过":
        tail = f"另有警告 {len(n.warnings)} 条，请核对（见问题清单）。" if n.warnings else ""
        return f"经核查，{what}未发现需要整改的错误。{tail}"
    return (
        f"经核查，{what}存在错误 {len(n.errors)} 条、警告 {len(n.warnings)} 条，"
        f"具体问题见问题清单（共 {len(n.items)} 项）。"
    )


def recheck_lines(n: Notice, baseline: str | None = None) -> list[str]:
    """What the recheck found, one sentence, for a recheck round (empty otherwise)."""
    if n.recheck_label is None:
        return []
    remaining = sum(1 for i in n.items if i.recheck == "仍未整改")
    new = sum(1 for i in n.items if i.recheck == "新发现")
    src = f"（{baseline}）" if baseline else ""
    return [
        f"与上一轮核查结果{src}相比：已整改 {len(n.fixed)} 条，仍未整改 {remaining} 条，新发现 {new} 条。",
    ]


def closing(n: Notice) -> str:
    if n.unreadable is not None:
        return RESEND_ADVICE
    if n.status == "通过":
        return "请核实问题清单中的警告事项，确有差错的请修改后重新报送。" if n.items else "请妥善留存本通知。"
    return (
        "请对照问题清单逐项整改，每项整改完成后在“整改确认”栏签字并注明日期，"
        "连同修改后的报告一并报送。警告事项请核实，确属无误的可说明情况。"
    )


def severity_tag(item: NoticeItem) -> str:
    tag = f"【{item.severity_label}】"
    if item.recheck:
        tag += f"【{item.recheck}】"
    return tag


def _value(c: CellRef) -> str:
    return f"（{c.value}）" if c.value else ""


def cell_lines(item: NoticeItem) -> list[str]:
    """The table and cells of a finding: the table title, then one line per row of the table with the
    columns and the values as printed; the cell most likely wrong first."""
    if not item.cells and item.suspect is None:
        return []
    lines: list[str] = []
    tables = list(dict.fromkeys(c.table for c in item.cells if c.table))
    if item.suspect is not None and item.suspect.table not in tables and item.suspect.table:
        tables.insert(0, item.suspect.table)
    lines.extend(tables)
    if item.suspect is not None:
        lines.append(f"最可能有误：{item.suspect.label}{_value(item.suspect)}")
    elif item.candidates:
        lines.append("可能有误（其中之一）：" + "、".join(f"{c.label}{_value(c)}" for c in item.candidates))
    rows: dict[str, list[str]] = {}
    for c in item.cells:
        rows.setdefault(c.row, []).append(f"{c.column}{_value(c)}" if c.column else _value(c).strip("（）"))
    for row, cols in rows.items():
        lines.append(f"{row}：{'、'.join(x for x in cols if x)}" if any(cols) else row)
    return lines


def location_text(item: NoticeItem) -> str:
    """Where the cells stand in the file, compact: 第84–90行 / 第3页 / 第2个表格第5行."""
    return "、".join(location_lines(item))


def location_lines(item: NoticeItem) -> list[str]:
    """Where the cells stand, one place per line: the most likely wrong cell's place first, then the others
    (runs of consecutive lines as one: 第84–90行)."""
    first = item.suspect.location if item.suspect is not None and item.suspect.location else ""
    rest = compact_locations([c.location for c in item.cells if c.location != first])
    return [first, *rest] if first else rest


def compact_locations(places: list[str]) -> list[str]:
    """Distinct places in order; when all are lines of a text file, runs of lines as one: 第84–90行."""
    locs = list(dict.fromkeys(x for x in places if x))
    if not locs:
        return []
    lines = [m.group(1) for m in (_LINE.match(x) for x in locs) if m]
    if len(lines) == len(locs) and len(locs) > 1:
        nums = sorted({int(x) for x in lines})
        runs: list[str] = []
        start = prev = nums[0]
        for x in [*nums[1:], None]:
            if x is not None and x == prev + 1:
                prev = x
                continue
            runs.append(f"{start}" if start == prev else f"{start}–{prev}")
            if x is not None:
                start = prev = x
        return [f"第{r}行" for r in runs]
    return locs


def advice_lines(item: NoticeItem) -> list[str]:
    """What to change: the rule's advice, then the suggested correction when the sums point to one."""
    lines = [item.advice or "按问题说明修改。"]
    if item.hint:
        lines.append(f"参考：{item.hint}")
    return lines


def problem_lines(item: NoticeItem) -> list[str]:
    """The problem in words: the message, then the broken identities it stands for, when not in it."""
    return [item.message, *item.notes]


__all__ = [
    "RESEND_ADVICE",
    "advice_lines",
    "SIGN_LINE",
    "cell_lines",
    "closing",
    "compact_locations",
    "cn_date",
    "display_file",
    "unit_line",
    "intro",
    "location_lines",
    "location_text",
    "problem_lines",
    "recheck_lines",
    "severity_tag",
    "year_text",
]
