"""Every registered rule, with a passing and a failing case on real reports.

Failing cases are the real corpus reports as published (where they are wrong) or with one
precise edit; passing cases are real reports where the rule holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from gongkai.check import all_rules, check, check_batch
from gongkai.extract import extract
from gongkai.model import Report, Source
from gongkai.pipeline import process_bytes
from gongkai.read import read_bytes
from tests.conftest import CORPUS

SEEDS = CORPUS / "seeds"
S000 = "000_e2dc6b7d4e4a258e.txt"  # 巫峡镇 2024, tab-indented cells, complete
S002 = "002_816cf6285d7c44a5.txt"  # 埠江镇 2024, one request, one review
S003 = "003_59c43b68021cf45a.txt"  # 西大沟镇 2024, no part 六, label variants, signed 2025-01-21
S004 = "004_b3dc6a45f7c80d64.txt"  # 娄烦镇 2024, tab-separated rows
HONGZE = "002_huaian_hongze_district_2023.txt"  # pdftotext layout, two wrong review totals


def source(name: str) -> str:
    for folder in ("seeds", "excerpts", "pdf"):
        p = CORPUS / folder / name
        if p.exists():
            return p.read_text(encoding="utf-8")
    raise FileNotFoundError(name)


def run(text: str, name: str = "r.txt") -> Report:
    return process_bytes(text.encode("utf-8"), name).report


def edit(name: str, old: str, new: str, count: int = 1) -> Report:
    text = source(name)
    assert text.count(old) >= count, f"{old!r} not in {name}"
    return run(text.replace(old, new, count), name)


def original(name: str) -> Report:
    return run(source(name), name)


def with_previous(current: Report, previous: Report) -> list:
    return check(current, None, previous)


def _hongze_prev(in_force: int, carried_forward: int, punishment: int) -> tuple[Report, Report]:
    cur = original(HONGZE)
    prev = cur.model_copy(deep=True)
    prev.meta.year = 2022
    assert prev.active and prev.requests
    prev.active["normative_documents"]["in_force"] = in_force
    prev.requests["carried_forward"]["natural_person"] = carried_forward
    prev.active["punishment"]["decisions"] = punishment
    return cur, prev


@dataclass
class Case:
    passing: Callable[[], list]
    failing: Callable[[], list]
    cells: tuple[str, ...] = ()  # cells the failing finding must name
    words: str = ""  # text the failing message must contain


def batch(files: list[tuple[str, str]]) -> list:
    found = check_batch([run(text, name) for name, text in files])
    return [f for fs in found.values() for f in fs]


def findings(report: Report) -> list:
    return report.findings


def low_confidence_doc(conf: float) -> list:
    doc = read_bytes(source(S000).encode("utf-8"), S000)
    for block in doc.blocks:
        for row in getattr(block, "rows", []):
            for cell in row:
                if cell.text == "18":
                    cell.confidence = conf
    report, trace = extract(doc, Source(path=S000, sha256="", kind="image"))
    return check(report, trace)


def test_page_date_used_when_there_is_no_signature_date() -> None:
    report = run("发布时间：2025-02-10 09:30  来源：巫峡镇\n" + source(S000), S000)
    assert original(S000).meta.published is None
    assert report.meta.published == "2025-02-10"
    assert any(f.rule == "dates.deadline" and "网页发布日期2025-02-10晚于2025年1月31日" in f.message for f in report.findings)


def misnumbered() -> Report:
    """巫峡镇 with part three headed "二、收到和处理政府信息公开申请情况"."""
    return edit(S000, "三、收到和处理政府信息公开申请情况", "二、收到和处理政府信息公开申请情况")


def test_misnumbered_heading_is_placed_by_its_title() -> None:
    report, before = misnumbered(), original(S000)
    assert [s.no for s in report.sections] == [1, 2, 3, 4, 5, 6]
    assert report.requests == before.requests and report.requests
    assert [f.rule for f in report.findings] == [f.rule for f in before.findings] + ["structure.heading_number"]


def blank_total_column() -> Report:
    text = source(S004)
    for label in ("一、本年新收政府信息公开申请数量\t", "（一）予以公开", "(七) 总计"):
        old = f"{label}\t0\t0\t0\t0\t0\t0\t0"
        assert old in text, old
        text = text.replace(old, f"{label}\t2\t0\t0\t0\t0\t0\t-")
    return run(text, S004)


CASES: dict[str, Case] = {
    "requests.balance": Case(
        lambda: findings(original(S002)),
        # 埠江镇: 本年新收 自然人 1 → 2 (its row total stays 1)
        lambda: findings(edit(S002, "\t一、本年新收政府信息公开申请数量\n\t1", "\t一、本年新收政府信息公开申请数量\n\t2")),
        ("requests.new_received.natural_person", "requests.total_processed.natural_person"),
        "自然人列：本年新收(2)+上年结转(0)=2，但办理结果总计(1)+结转下年度(0)=1，两者应相等",
    ),
    "requests.row_total": Case(
        lambda: findings(original(S002)),
        # 娄烦镇 with two requests whose 总计 column was left blank ("-") on three rows: one finding.
        lambda: findings(blank_total_column()),
        ("requests.new_received.total", "requests.granted.total", "requests.total_processed.total"),
        "表三“总计”列有3个单元格未填写（空白）",
    ),
    "requests.results_sum": Case(
        lambda: findings(original(HONGZE)),
        lambda: findings(edit(HONGZE, "2.重复申请                0    0", "2.重复申请                2    0")),
        ("requests.declined_duplicate.natural_person", "requests.total_processed.natural_person"),
        "（七）总计为21，但各项办理结果之和为23",
    ),
    "review_litigation.sum": Case(
        lambda: findings(original(S002)),
        lambda: findings(original(HONGZE)),
        ("review_litigation.review.total",),
        "行政复议：结果维持(10)+结果纠正(1)+其他结果(0)+尚未审结(0)=11，但总计为0",
    ),
    "structure.section_missing": Case(
        lambda: findings(original(S000)), lambda: findings(original(S003)), (), "缺少第六部分"
    ),
    "structure.section_order": Case(
        lambda: findings(original(S000)),
        lambda: findings(
            run(
                source(S000)
                .replace("五、存在的主要问题及改进情况", "@@5@@")
                .replace("六、其他需要报告的事项", "五、存在的主要问题及改进情况")
                .replace("@@5@@", "六、其他需要报告的事项")
            )
        ),
        (),
        "各部分顺序为一、二、三、四、六、五",
    ),
    "structure.heading_variant": Case(
        lambda: findings(original(S000)),
        lambda: findings(original(S003)),
        (),
        "第二部分标题写作“主动公开政府信息情况”",
    ),
    "structure.heading_number": Case(
        lambda: findings(original(S000)),
        lambda: findings(misnumbered()),
        (),
        "标题“二、收到和处理政府信息公开申请情况”的编号有误：按标题内容应为第三部分",
    ),
    "structure.table_missing": Case(
        lambda: findings(original(S000)),
        lambda: findings(
            run(source(S000).split("四、政府信息公开行政复议")[0] + "四、政府信息公开行政复议、行政诉讼情况\n\n五、存在的主要问题及改进情况\n无\n六、其他需要报告的事项\n无\n")
        ),
        (),
        "“四、政府信息公开行政复议、行政诉讼情况”部分有标题但未找到统计表",
    ),
    "structure.table_incomplete": Case(
        lambda: findings(original(S000)),
        lambda: findings(original("005_shenzhen_longgang_district_dept_2024.txt")),
        (),
        "表在文件中途截断",
    ),
    "structure.row_unaligned": Case(
        lambda: findings(original(S004)),
        lambda: findings(edit(S004, "→2.重复申请\t0\t0".replace("→", "\t"), "\t2.重复申请\t0\t0\t1\t0")),
        ("requests.declined_duplicate.total",),
        "“2.重复申请”行读到9个数值，多于应有的7个",
    ),
    "structure.label_variant": Case(
        lambda: findings(original(S000)),
        lambda: findings(original(S003)),
        (),
        "行标签“2.其他法律和行政法规禁止公开”与标准不一致，应为“2.其他法律行政法规禁止公开”",
    ),
    "structure.unknown_row": Case(
        lambda: findings(original(S000)),
        lambda: findings(edit(S000, "\t行政强制\n\t0\n", "\t行政强制\n\t0\n\n\t其他主动公开文件\n\t7\n")),
        (),
        "格式之外的行“其他主动公开文件”",
    ),
    "structure.duplicate_row": Case(
        lambda: findings(original(S004)),
        lambda: findings(edit(S004, "\t2.重复申请\t0\t0\t0\t0\t0\t0\t0\n", "\t2.重复申请\t0\t0\t0\t0\t0\t0\t0\n" * 2)),
        (),
        "“2.重复申请”行重复出现",
    ),
    "structure.outdated_template": Case(
        lambda: findings(original(S000)),
        lambda: findings(original(HONGZE)),
        ("requests.other.total",),
        "仍为2019年格式的单行",
    ),
    "structure.blank_cells": Case(
        lambda: findings(original(S000)),
        lambda: findings(original("019_district_stats_bureau_2023_blankcells.txt")),
        ("active.regulations.issued", "requests.new_received.natural_person"),
        "为空白或非数字，核对时按0处理",
    ),
    "extraction.unreadable": Case(
        lambda: findings(original(S000)),
        lambda: findings(process_bytes(b"\x00\x01\x02" * 200 + b"\xff\xfe\xfd" * 50, "broken.bin").report),
        (),
        "文件无法读取",
    ),
    "extraction.reader_note": Case(
        lambda: findings(process_bytes(source(S000).encode("utf-8"), "a.txt").report),
        lambda: findings(
            process_bytes(
                (
                    "<html><body><div class='article'><h1>某镇人民政府2024年政府信息公开工作年度报告</h1>"
                    "<p>一、总体情况</p><p>略</p><p>二、主动公开政府信息情况</p><p><img src='t1.png'></p>"
                    "<p>三、收到和处理政府信息公开申请情况</p><p><img src='t2.png'></p>"
                    "<p>四、政府信息公开行政复议、行政诉讼情况</p><p><img src='t3.png'></p>"
                    "<p>五、存在的主要问题及改进情况</p><p>略</p><p>六、其他需要报告的事项</p><p>无</p></div></body></html>"
                ).encode(),
                "images.html",
            ).report
        ),
        (),
        "图片",
    ),
    "extraction.low_confidence": Case(
        lambda: low_confidence_doc(0.99), lambda: low_confidence_doc(0.55), ("active.punishment.decisions",), "55%"
    ),
    "narrative.requests": Case(
        lambda: findings(original(S002)),
        lambda: findings(edit(S002, "收到依申请公开事项1项", "收到依申请公开事项3项")),
        ("requests.new_received.total",),
        "正文称“2024年度埠江镇政府收到依申请公开事项3项”",
    ),
    "narrative.request_results": Case(
        # 洪泽区 (pdftotext layout, spaces around numbers): 部分公开 4, 不予公开 1+1+1 = 3, 结转下年度 0.
        lambda: findings(edit(HONGZE, "均在法定期限答复。", "均在法定期限答复，其中部分公开 4 件，不予公开 3 件，无结转下年度 0 件。")),
        lambda: findings(edit(HONGZE, "均在法定期限答复。", "均在法定期限答复，其中部分公开 4 件，不予公开\n2 件。")),
        ("requests.denied_state_secret.total", "requests.denied_enforcement.total"),
        "正文称“2023年全区受理政府信息公开申请21件，均在法定期限答复，其中部分公开4件，不予公开2件”（不予公开2），"
        "但表中（三）不予公开各项总计之和为3",
    ),
    "narrative.review": Case(
        lambda: findings(edit(S000, "本年度我镇未收到公众", "本年度未发生政府信息公开行政复议。我镇未收到公众")),
        lambda: findings(edit(S000, "本年度我镇未收到公众", "本年度因政府信息公开被申请行政复议2件。我镇未收到公众")),
        ("review_litigation.review.total",),
        "行政复议2",
    ),
    "narrative.litigation": Case(
        lambda: findings(edit(S002, "收到依申请公开事项1项。", "收到依申请公开事项1项，因政府信息公开提起行政诉讼1件。")),
        lambda: findings(edit(S002, "收到依申请公开事项1项。", "收到依申请公开事项1项，因政府信息公开提起行政诉讼4件。")),
        ("review_litigation.litigation_direct.total",),
        "行政诉讼4",
    ),
    "narrative.punishment": Case(
        lambda: findings(edit(S000, "主动公开信息110条，", "主动公开信息110条，作出行政处罚决定18件，")),
        lambda: findings(edit(S000, "主动公开信息110条，", "主动公开信息110条，作出行政处罚决定20件，")),
        ("active.punishment.decisions",),
        "行政处罚20",
    ),
    "narrative.normative_documents": Case(
        lambda: findings(edit(S000, "主动公开信息110条，", "主动公开信息110条，制发规范性文件0件，")),
        lambda: findings(edit(S000, "主动公开信息110条，", "主动公开信息110条，制发规范性文件3件，")),
        ("active.normative_documents.issued",),
        "规范性文件3",
    ),
    "narrative.active": Case(
        lambda: findings(edit(HONGZE, "主动公开政府信息 1136 条。", "主动公开政府信息 1136 条，作出行政许可决定 550 件。")),
        lambda: findings(edit(HONGZE, "主动公开政府信息 1136 条。", "主动公开政府信息 1136 条，作出行政许可决定 505 件。")),
        ("active.licensing.decisions",),
        "（行政许可505），但表中行政许可决定数为550",
    ),
    "narrative.fees": Case(
        lambda: findings(edit(HONGZE, "主动公开政府信息 1136 条。", "主动公开政府信息 1136 条，行政事业性收费7730.28万元。")),
        lambda: findings(edit(HONGZE, "主动公开政府信息 1136 条。", "主动公开政府信息 1136 条，行政事业性收费773万元。")),
        ("active.fees.amount",),
        "本年收费金额为7730.28",
    ),
    "dates.period_mismatch": Case(
        lambda: findings(original(S000)),
        lambda: findings(edit(S000, "统计数据起止时间为2024年1月1日至2024年12月31日", "统计数据起止时间为2023年1月1日至2023年12月31日")),
        ("meta.year",),
        "统计期限写作2023年1月1日至2023年12月31日",
    ),
    "dates.signature_date": Case(
        lambda: findings(original(S003)),
        lambda: findings(edit(S003, "2025年1月21日", "2024年1月21日")),
        ("meta.published",),
        "落款日期却为2024-01-21",
    ),
    "dates.published_from_page": Case(
        lambda: findings(original(S003)),
        # 巫峡镇 has no signature date; saved from its web page with the page header line.
        lambda: findings(run("发布时间：2025-02-10 09:30  来源：巫峡镇\n" + source(S000), S000)),
        ("meta.published",),
        "报告没有落款日期，发布期限按网页标注的发布日期2025-02-10核对",
    ),
    "dates.deadline": Case(
        lambda: findings(original(S003)),
        lambda: findings(edit(S003, "2025年1月21日", "2025年2月21日")),
        ("meta.published",),
        "晚于2025年1月31日",
    ),
    "cross_year.carry_over": Case(
        lambda: with_previous(*_hongze_prev(10, 0, 4000)),
        lambda: with_previous(*_hongze_prev(10, 2, 4000)),
        ("requests.carried_over.natural_person",),
        "2022年度报告的结转下年度继续办理为2",
    ),
    "cross_year.in_force": Case(
        lambda: with_previous(*_hongze_prev(10, 0, 4000)),
        lambda: with_previous(*_hongze_prev(3, 0, 4000)),
        ("active.normative_documents.in_force",),
        "上年3+本年制发0−本年废止5=-2",
    ),
    "cross_year.copied_text": Case(
        # 巫峡镇 2024 against 埠江镇 2024 as "last year": different words.
        lambda: with_previous(original(S000), original(S002)),
        # 巫峡镇 2024 against its own text with the years moved back: part 一 copied.
        lambda: with_previous(original(S000), run(source(S000).replace("2024", "2023").replace("110条", "98条"), S000)),
        (),
        "第一部分“总体情况”的文字与2023年度报告相似度为100%",
    ),
    "cross_year.same_report": Case(
        lambda: batch([(S000, source(S000)), (S002, source(S002))]),
        # 巫峡镇's report sent again under another town's name.
        lambda: batch([(S000, source(S000)), ("copy.txt", source(S000).replace("巫峡镇", "大昌镇"))]),
        (),
        "与同批的“copy.txt”（巫山县大昌镇人民政府）三张统计表完全相同，正文相似度为100%",
    ),
    "cross_year.jump": Case(
        lambda: with_previous(*_hongze_prev(10, 0, 4000)),
        lambda: with_previous(*_hongze_prev(10, 0, 12)),
        ("active.punishment.decisions",),
        "本年为4119，上年为12",
    ),
}


def test_every_rule_has_cases() -> None:
    assert sorted(CASES) == sorted(r.id for r in all_rules())


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_passes_on_a_report_where_it_holds(rule_id: str) -> None:
    assert [f.message for f in CASES[rule_id].passing() if f.rule == rule_id] == []


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fails_with_numbers_and_cells(rule_id: str) -> None:
    case = CASES[rule_id]
    hits = [f for f in case.failing() if f.rule == rule_id]
    assert hits, f"{rule_id} did not fire"
    assert any(case.words in f.message for f in hits), [f.message for f in hits]
    named = {c for f in hits for c in f.cells}
    assert set(case.cells) <= named, (case.cells, named)
    severity = next(r.severity for r in all_rules() if r.id == rule_id)
    assert all(f.severity in (severity, "warning") for f in hits)


def test_one_finding_per_wrong_cell_with_its_identities_folded() -> None:
    # 埠江镇: （一）予以公开 自然人 1 → 4 breaks its row total and the 自然人 results sum: one finding.
    report = edit(S002, "\t（一）予以公开\n\t1", "\t（一）予以公开\n\t4")
    assert [(f.rule, f.suspect, f.delta) for f in report.errors] == [
        ("requests.results_sum", "requests.granted.natural_person", 3.0)
    ]
    f = report.errors[0]
    assert f.message.startswith("“（一）予以公开·自然人”很可能有误：填写4，按所在等式推算偏多3；它所在的2个等式都不平衡")
    assert f.details == [
        "自然人列：（七）总计为1，但各项办理结果之和为4",
        "“（一）予以公开”行：总计为1，但六类申请人之和自然人(4)+商业企业(0)+科研机构(0)+社会公益组织(0)"
        "+法律服务机构(0)+其他(0)=4",
    ]
    assert f.hint is not None and "应为1" in f.hint and "推算" in f.hint


def test_two_wrong_cells_both_named_by_their_amounts() -> None:
    # 洪泽区 (pdftotext layout): 2.重复申请 自然人 0 → 2 and （一）予以公开 商业企业 changed as well.
    text = source(HONGZE).replace("2.重复申请                0    0", "2.重复申请                2    0", 1)
    report = run(text, HONGZE)
    report.requests["granted"]["business"] += 5  # type: ignore[index,operator]
    found = check(report, None, None, only={"requests.balance", "requests.results_sum", "requests.row_total"})
    assert {(f.suspect, f.delta) for f in found} == {
        ("requests.declined_duplicate.natural_person", 2.0),
        ("requests.granted.business", 5.0),
    }


def test_review_group_candidates_named_when_sums_cannot_tell() -> None:
    # 洪泽区 复议后起诉: 结果维持5, 总计 printed 0. Either 总计 should be 5 or 结果维持 should be 0.
    f = next(f for f in original(HONGZE).errors if "review_litigation.litigation_after_review.total" in f.cells)
    assert f.suspect is None
    assert f.candidates == [
        "review_litigation.litigation_after_review.total",
        "review_litigation.litigation_after_review.upheld",
    ]
    assert "无法区分" in f.message


def test_check_against_runs_copied_text_and_jumps() -> None:
    from gongkai.check import check_against

    cur, prev = _hongze_prev(10, 0, 12)
    rules = {f.rule for f in check_against(cur, prev)}
    assert {"cross_year.copied_text", "cross_year.jump"} <= rules
