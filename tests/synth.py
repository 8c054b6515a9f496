"""Random consistent reports and the text flattenings seen in the wild, for property tests.

A report is generated as table values that satisfy every identity; `grids` lays its tables
out as the official template does (group labels on the first row of a group, placeholders
under them), and each `flatten_*` writes those grids the way a web page or PDF copy does.
"""

from __future__ import annotations

from hypothesis import strategies as st

from gongkai.model import Meta, Report, Section, Source
from gongkai.standard import (
    APPLICANT_COLUMNS,
    REQUEST_COLUMNS,
    REQUEST_GROUPS,
    REQUEST_ROWS,
    RESULT_ROWS_2019,
    RESULT_ROWS_2021,
)

SECTION_TITLES = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]
REQUEST_KEYS = [c.key for c in REQUEST_COLUMNS]

small = st.integers(min_value=0, max_value=40)


@st.composite
def reports(draw: st.DrawFn, templates: tuple[str, ...] = ("2021",)) -> Report:
    """A report whose tables satisfy every identity of the standard, in one of `templates`."""
    template = draw(st.sampled_from(templates))
    old_active = template in ("2019", "mixed")
    old_requests = template == "2019"
    result_rows = RESULT_ROWS_2019 if old_requests else RESULT_ROWS_2021
    requests: dict[str, dict[str, int | float | None]] = {}
    for key in result_rows:
        requests[key] = {c: draw(st.integers(0, 6)) if draw(st.booleans()) else 0 for c in APPLICANT_COLUMNS}
    requests["total_processed"] = {c: sum(int(requests[k][c] or 0) for k in result_rows) for c in APPLICANT_COLUMNS}
    requests["carried_forward"] = {c: draw(st.integers(0, 5)) for c in APPLICANT_COLUMNS}
    requests["carried_over"] = {}
    requests["new_received"] = {}
    for c in APPLICANT_COLUMNS:
        pool = int(requests["total_processed"][c] or 0) + int(requests["carried_forward"][c] or 0)
        carried = draw(st.integers(0, pool))
        requests["carried_over"][c] = carried
        requests["new_received"][c] = pool - carried
    for row in requests.values():
        row["total"] = sum(int(row[c] or 0) for c in APPLICANT_COLUMNS)
    ordered = {r.key: requests[r.key] for r in REQUEST_ROWS if r.key in requests}
    review: dict[str, dict[str, int | float | None]] = {}
    for g in ("review", "litigation_direct", "litigation_after_review"):
        parts = {k: draw(small) for k in ("upheld", "corrected", "other", "pending")}
        review[g] = {**parts, "total": sum(parts.values())}
    fee_cents = draw(st.integers(0, 10_000_00))
    fee: int | float = fee_cents // 100 if fee_cents % 100 == 0 else fee_cents / 100
    if old_active:
        items = {"previous": draw(small), "change": draw(st.integers(-9, 9)), "decisions": draw(small)}
        active: dict[str, dict[str, int | float | None]] = {
            "regulations": {"made": draw(small), "published": draw(small), "total": draw(small)},
            "normative_documents": {"made": draw(small), "published": draw(small), "total": draw(small)},
            "licensing": dict(items),
            "other_services": {"previous": draw(small), "change": draw(small), "decisions": draw(small)},
            "punishment": {"previous": draw(small), "change": draw(small), "decisions": draw(st.integers(0, 5000))},
            "coercion": {"previous": draw(small), "change": draw(small), "decisions": draw(small)},
            "fees": {"previous": draw(small), "change": draw(small)},
            "procurement": {"items": draw(small), "amount": draw(st.integers(0, 900000))},
        }
    else:
        active = {
            "regulations": {"issued": draw(small), "repealed": draw(small), "in_force": draw(small)},
            "normative_documents": {"issued": draw(small), "repealed": draw(small), "in_force": draw(small)},
            "licensing": {"decisions": draw(st.integers(0, 5000))},
            "punishment": {"decisions": draw(st.integers(0, 5000))},
            "coercion": {"decisions": draw(small)},
            "fees": {"amount": fee},
        }
    year = draw(st.integers(2019, 2020)) if template == "2019" else draw(st.integers(2021, 2025))
    agency = draw(st.sampled_from(["巫山县巫峡镇人民政府", "石家庄市教育局", "洪泽区人民政府", "西咸新区底张街道办事处"]))
    sections = [Section(no=i + 1, title=t[2:], text="本部分内容从略。") for i, t in enumerate(SECTION_TITLES)]
    return Report(
        source=Source(path="synthetic", sha256="", kind="text"),
        meta=Meta(
            agency=agency,
            year=year,
            template=template,  # type: ignore[arg-type]
            published=f"{year + 1}-01-2{draw(st.integers(0, 8))}"),
        sections=sections,
        active=active,
        requests=ordered,
        review_litigation=review,
    )


def _v(value: int | float | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def grids(report: Report) -> dict[str, list[list[str]]]:
    """The three tables as rows of cell texts, laid out like the official template."""
    a = report.active or {}
    active = _active_2019(a) if "made" in a["regulations"] else [
        ["第二十条第（一）项"],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", *(_v(a["regulations"][k]) for k in ("issued", "repealed", "in_force"))],
        ["行政规范性文件", *(_v(a["normative_documents"][k]) for k in ("issued", "repealed", "in_force"))],
        ["第二十条第（五）项"],
        ["信息内容", "本年处理决定数量"],
        ["行政许可", _v(a["licensing"]["decisions"])],
        ["第二十条第（六）项"],
        ["信息内容", "本年处理决定数量"],
        ["行政处罚", _v(a["punishment"]["decisions"])],
        ["行政强制", _v(a["coercion"]["decisions"])],
        ["第二十条第（八）项"],
        ["信息内容", "本年收费金额（单位：万元）"],
        ["行政事业性收费", _v(a["fees"]["amount"])],
    ]
    req = report.requests or {}
    requests = [
        ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"],
        ["", "自然人", "法人或其他组织", "总计"],
        ["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""],
    ]
    groups = {g.key: g for g in REQUEST_GROUPS}
    started: set[str] = set()
    for row in (r for r in REQUEST_ROWS if r.key in req):
        values = [_v(req[row.key][c]) for c in REQUEST_KEYS]
        if row.group is None:
            requests.append([row.full_label, *values])
            continue
        lead = []
        if "results" not in started:
            started.add("results")
            lead.append("三、本年度办理结果")
        else:
            lead.append("")
        if row.group != "results":
            if row.group not in started:
                started.add(row.group)
                g = groups[row.group]
                lead.append(g.number + g.label)
            else:
                lead.append("")
        requests.append([*lead, row.full_label, *values])
    rl = report.review_litigation or {}
    review = [
        ["行政复议", "行政诉讼"],
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"],
        ["", "", "", "", "", *(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2)],
        [
            _v(rl[g][c])
            for g in ("review", "litigation_direct", "litigation_after_review")
            for c in ("upheld", "corrected", "other", "pending", "total")
        ],
    ]
    return {"active": active, "requests": requests, "review": review}


def _active_2019(a: dict[str, dict[str, int | float | None]]) -> list[list[str]]:
    def row(label: str, key: str, cols: tuple[str, ...]) -> list[str]:
        return [label, *(_v(a[key][c]) for c in cols)]

    items = ("previous", "change", "decisions")
    return [
        ["第二十条第（一）项"],
        ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
        row("规章", "regulations", ("made", "published", "total")),
        row("规范性文件", "normative_documents", ("made", "published", "total")),
        ["第二十条第（五）项"],
        ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
        row("行政许可", "licensing", items),
        row("其他对外管理服务事项", "other_services", items),
        ["第二十条第（六）项"],
        ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
        row("行政处罚", "punishment", items),
        row("行政强制", "coercion", items),
        ["第二十条第（八）项"],
        ["信息内容", "上一年项目数量", "本年增/减"],
        row("行政事业性收费", "fees", ("previous", "change")),
        ["第二十条第（九）项"],
        ["信息内容", "采购项目数量", "采购总金额"],
        row("政府集中采购", "procurement", ("items", "amount")),
    ]


def _document(report: Report, tables: dict[str, str]) -> str:
    m = report.meta
    out = [f"{m.agency}", f"{m.year}年政府信息公开工作年度报告", ""]
    keys = {2: "active", 3: "requests", 4: "review"}
    for i, title in enumerate(SECTION_TITLES, start=1):
        out += [title, "本部分内容从略。", ""]
        if i in keys:
            out += [tables[keys[i]], ""]
    assert m.published
    y, mo, d = m.published.split("-")
    out += ["", f"{m.agency}", f"{int(y)}年{int(mo)}月{int(d)}日", ""]
    return "\n".join(out)


def flatten_tabcell(rows: list[list[str]]) -> str:
    """One cell per tab-indented line, rows separated by blank lines (and a split header cell)."""
    out = []
    for row in rows:
        out += ["\t" + c.replace("商业企业", "商业\n企业") for c in row] + [""]
    return "\n".join(out)


def flatten_tabrow(rows: list[list[str]]) -> str:
    return "\n".join("\t".join(row) + "\t" for row in rows)


def flatten_pipecell(rows: list[list[str]]) -> str:
    """One cell per line ending in ' |', a blank cell as '|', rows padded with '||'."""
    out = []
    for row in rows:
        out += [f"{c} |" if c else "|" for c in row] + ["||"]
    return "\n".join(out)


def flatten_piperow(rows: list[list[str]]) -> str:
    return "\n".join(" | ".join(row) + " |" for row in rows)


def flatten_markdown(rows: list[list[str]]) -> str:
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def flatten_blankcell(rows: list[list[str]]) -> str:
    """One cell per line with blank lines between cells; empty cells vanish, as in page copies."""
    return "\n\n".join(c for row in rows for c in row if c)


def flatten_layout(rows: list[list[str]]) -> str:
    """pdftotext -layout: columns padded with spaces, spaced-out labels, a page number inside."""
    out = []
    for k, row in enumerate(rows):
        cells = [c for c in row if c]
        if not cells:
            continue
        cells = [" ".join(c) if c == "三、本年度办理结果" else c for c in cells]
        out.append("     ".join(cells))
        if k == 5:
            out += ["", "                                  -2-", ""]
    return "\n".join(out)


FLATTENINGS = {
    "tabcell": flatten_tabcell,
    "tabrow": flatten_tabrow,
    "pipecell": flatten_pipecell,
    "piperow": flatten_piperow,
    "markdown": flatten_markdown,
    "blankcell": flatten_blankcell,
    "layout": flatten_layout,
}


def render_text(report: Report, style: str) -> str:
    flatten = FLATTENINGS[style]
    return _document(report, {name: flatten(rows) for name, rows in grids(report).items()})
