"""Structure: sections and tables present and in order, standard labels, blank cells, alignment."""

from __future__ import annotations

from collections.abc import Iterator

from gongkai.check.registry import Context, Rule, rule
from gongkai.model import Finding
from gongkai.standard import REQUEST_COLUMNS, REQUEST_ROW_BY_KEY, SECTIONS, TABLE_TITLES, cell_label

_SECTION_TITLE = {s.no: s.title for s in SECTIONS}
_CN = "一二三四五六"
_TABLE_SECTION = {"active": 2, "requests": 3, "review_litigation": 4}


@rule(
    "structure.section_missing",
    "error",
    "structure",
    "六个部分（一、总体情况 … 六、其他需要报告的事项）是否齐全",
    "按格式补写缺少的部分；没有内容的部分也应保留标题并写“无”。",
)
def section_missing(r: Rule, ctx: Context) -> Iterator[Finding]:
    present = {s.no for s in ctx.report.sections}
    for no in range(1, 7):
        if no not in present:
            yield r.finding(f"缺少第{_CN[no - 1]}部分“{_CN[no - 1]}、{_SECTION_TITLE[no]}”")


@rule(
    "structure.section_order",
    "warning",
    "structure",
    "六个部分是否按标准顺序排列",
    "按“一、总体情况”至“六、其他需要报告的事项”的顺序调整各部分。",
)
def section_order(r: Rule, ctx: Context) -> Iterator[Finding]:
    order = [s.no for s in ctx.report.sections]
    if order != sorted(order):
        listed = "、".join(_CN[n - 1] for n in order)
        yield r.finding(f"各部分顺序为{listed}，应按一至六排列")


@rule(
    "structure.heading_variant",
    "info",
    "structure",
    "部分标题是否使用标准表述",
    "将标题改为格式规定的表述。",
)
def heading_variant(r: Rule, ctx: Context) -> Iterator[Finding]:
    for h in ctx.trace.headings:
        if not h.standard or not h.numbered:
            yield r.finding(
                f"第{_CN[h.no - 1]}部分标题写作“{h.title}”，标准表述为“{_CN[h.no - 1]}、{_SECTION_TITLE[h.no]}”"
            )


@rule(
    "structure.heading_number",
    "warning",
    "structure",
    "部分标题的编号是否与其内容相符（如第三部分写成“二、收到和处理政府信息公开申请情况”）",
    "按“一、”至“六、”改正部分标题的编号；程序已按标题内容归入正确的部分。",
)
def heading_number(r: Rule, ctx: Context) -> Iterator[Finding]:
    for h in ctx.trace.headings:
        if h.printed_no is not None and h.printed_no != h.no:
            printed = _CN[h.printed_no - 1] if h.printed_no <= 6 else str(h.printed_no)
            yield r.finding(
                f"标题“{printed}、{h.title}”的编号有误：按标题内容应为第{_CN[h.no - 1]}部分"
                f"“{_CN[h.no - 1]}、{_SECTION_TITLE[h.no]}”，已按第{_CN[h.no - 1]}部分核对"
            )


@rule(
    "structure.table_missing",
    "error",
    "structure",
    "三张统计表（主动公开、申请处理、复议诉讼）是否都能找到",
    "补上缺少的统计表；表格不要以图片形式发布，应使用可复制的文字表格。",
)
def table_missing(r: Rule, ctx: Context) -> Iterator[Finding]:
    for table, title in TABLE_TITLES.items():
        if getattr(ctx.report, table) is not None:
            continue
        if table in ctx.trace.truncated:
            continue  # reported by structure.table_incomplete
        why = ctx.trace.table_problems.get(table)
        if why:
            yield r.finding(f"“{title}”表无法读取：{why}")
        elif any(h.no == _TABLE_SECTION[table] for h in ctx.trace.headings):
            yield r.finding(f"“{title}”部分有标题但未找到统计表（可能以图片形式发布）")
        else:
            yield r.finding(f"未找到“{title}”统计表")


@rule(
    "structure.table_incomplete",
    "error",
    "structure",
    "统计表是否完整（文件在表格中途结束、缺少行）",
    "核对原文是否完整发布；补全缺少的行。",
)
def table_incomplete(r: Rule, ctx: Context) -> Iterator[Finding]:
    for table in sorted(ctx.trace.truncated):
        grid = getattr(ctx.report, table) or {}
        yield r.finding(f"“{TABLE_TITLES[table]}”表在文件中途截断，仅读到{len(grid)}行完整数据，其余缺失")
    req = ctx.report.requests
    if req and "requests" not in ctx.trace.truncated:
        needed = [
            k
            for k, row in REQUEST_ROW_BY_KEY.items()
            if row.version == "both" and k not in req
        ]
        if needed:
            names = "、".join(REQUEST_ROW_BY_KEY[k].full_label for k in needed[:5])
            more = f"等{len(needed)}行" if len(needed) > 5 else ""
            yield r.finding(f"表三缺少{names}{more}")


@rule(
    "structure.row_unaligned",
    "error",
    "structure",
    "每一行的数值个数是否与列数一致（无法对齐的行不取值）",
    "检查该行是否漏填、多填或合并了单元格，使每列各有一个数。",
)
def row_unaligned(r: Rule, ctx: Context) -> Iterator[Finding]:
    for p in ctx.trace.row_problems:
        cols = [c.key for c in REQUEST_COLUMNS] if p.table == "requests" else []
        cells = [f"{p.table}.{p.key}.{c}" for c in cols] if p.key != "*" else []
        kind = "多于" if p.reason == "too_many" else "少于"
        yield r.finding(
            f"“{p.label.strip()}”行读到{p.found}个数值，{kind}应有的{p.expected}个，无法确定各数对应的列，该行不取值",
            cells,
        )


@rule(
    "structure.label_variant",
    "warning",
    "structure",
    "表格行标签是否与标准一致（错字、漏字、旧称）",
    "将标签改为标准表述。",
)
def label_variant(r: Rule, ctx: Context) -> Iterator[Finding]:
    for v in ctx.trace.label_variants:
        literal = " ".join(v.literal.split())
        if literal.replace(" ", "") == v.standard:
            continue
        yield r.finding(f"行标签“{literal}”与标准不一致，应为“{v.standard}”")


@rule(
    "structure.unknown_row",
    "info",
    "structure",
    "表格中是否有标准格式之外的行",
    "删除格式之外的行，或将其内容移到正文说明。",
)
def unknown_row(r: Rule, ctx: Context) -> Iterator[Finding]:
    for table, label in ctx.trace.unknown_rows:
        short = label if len(label) <= 30 else label[:30] + "…"
        yield r.finding(f"“{TABLE_TITLES[table]}”表中有格式之外的行“{short}”，未计入")


@rule(
    "structure.duplicate_row",
    "warning",
    "structure",
    "同一行是否重复出现",
    "删除重复的行（常见于跨页重复表头或复制粘贴）。",
)
def duplicate_row(r: Rule, ctx: Context) -> Iterator[Finding]:
    for table, label in ctx.trace.duplicate_rows:
        yield r.finding(f"“{TABLE_TITLES[table]}”表中“{label.strip()}”行重复出现，只取第一次的数值")


@rule(
    "structure.outdated_template",
    "warning",
    "structure",
    "2021年及以后的报告是否仍使用2019年试行格式的栏目或行",
    "按国办公开办函〔2021〕30号格式更新表格栏目。",
)
def outdated_template(r: Rule, ctx: Context) -> Iterator[Finding]:
    year = ctx.report.meta.year
    if year is None or year < 2021:
        return
    old = sorted(k for k, v in ctx.trace.versions.items() if v == "2019")
    for key in old:
        table, part = key.split(".")
        if table == "active":
            yield r.finding(f"{year}年度报告的主动公开表“第二十条第（{part}）项”仍使用2019年试行格式的栏目")
        else:
            yield r.finding(
                f"{year}年度报告的表三“（六）其他处理”仍为2019年格式的单行，2021年格式应分为三个小项",
                ["requests.other.total"],
            )


@rule(
    "structure.blank_cells",
    "warning",
    "structure",
    "统计表中是否有空白或“/”“-”等非数字单元格（核对时按0处理）",
    "没有发生的事项请填写0，不要留空或填“/”。",
)
def blank_cells(r: Rule, ctx: Context) -> Iterator[Finding]:
    if not ctx.trace.blank_cells:
        return
    by_table: dict[str, list[str]] = {}
    for p in ctx.trace.blank_cells:
        by_table.setdefault(p.split(".")[0], []).append(p)
    for table, paths in by_table.items():
        names = "、".join(cell_label(p) for p in paths[:4])
        more = f"等{len(paths)}个单元格" if len(paths) > 4 else ""
        yield r.finding(f"“{TABLE_TITLES[table]}”表中{names}{more}为空白或非数字，核对时按0处理", paths)


@rule(
    "extraction.unreadable",
    "error",
    "extraction",
    "文件能否读取（空文件、损坏、加密、编码无法识别、格式不支持）",
    "检查文件是否完整，换用原始文件或可复制文字的版本后重新检查。",
)
def unreadable(r: Rule, ctx: Context) -> Iterator[Finding]:
    if ctx.trace.read_error is not None:
        yield r.finding(f"文件无法读取：{ctx.trace.read_error[1]}")


@rule(
    "extraction.reader_note",
    "warning",
    "extraction",
    "读取文件时发现的问题（如表格为图片、扫描件需要识别）",
    "以文字形式发布表格，或按提示安装所需组件后重新检查。",
)
def reader_note(r: Rule, ctx: Context) -> Iterator[Finding]:
    for note in ctx.trace.reader_notes:
        yield r.finding(note)


@rule(
    "extraction.low_confidence",
    "warning",
    "extraction",
    "文字识别（OCR）置信度低的单元格",
    "人工核对这些单元格的数字。",
)
def low_confidence(r: Rule, ctx: Context) -> Iterator[Finding]:
    for path, conf in ctx.trace.low_confidence:
        yield r.finding(f"“{cell_label(path)}”识别置信度仅{conf:.0%}，请人工核对", [path])
