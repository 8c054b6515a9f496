"""Narrative vs tables on real text: spaces, line and page breaks, wording variants; and a
mutation test: every number a corpus report's parts state about a table value is changed
one at a time and must be reported. The test prints coverage and detection.
"""

from __future__ import annotations

import re

import pytest

from gongkai.check import check
from gongkai.check.narrative import TOPICS, claims, normalise
from gongkai.check.registry import Context
from tests.test_mutation import cases
from tests.test_rules import HONGZE, S002, edit

NARRATIVE = {t.rule for t in TOPICS}
# 洪泽区 2023 (pdftotext -layout): 本年新收 21, （七）总计 21, 结转 0, 行政诉讼两组总计 0 and 0.
SENTENCE = "2023 年全区受理政府信息公开申请 21 件，\n均在法定期限答复。"


def narrative_messages(old: str, new: str, name: str = HONGZE) -> list[str]:
    return [f.message for f in edit(name, old, new).findings if f.rule in NARRATIVE]


@pytest.mark.parametrize(
    ("new", "rule_words"),
    [
        # a space between the words and the number, as pdftotext -layout prints it
        ("2023 年全区受理政府信息公开申请 25 件，\n均在法定期限答复。", "（申请25）"),
        # the sentence wrapped inside the words and between the number and its unit
        ("2023 年全区受理政府\n信息公开申请 25\n件，均在法定期限答复。", "（申请25）"),
        # wrapped across a page break with its page number line
        ("2023 年全区受理政府信息公开申请\n\n                 -1-\n25 件，均在法定期限答复。", "（申请25）"),
        # 办结 against （七）总计
        ("2023 年全区受理政府信息公开申请 21 件，共办结申请 20 件。", "（办结（答复）申请20）"),
        # 诉讼 without 行政, in a sentence about disclosure
        ("2023 年全区受理政府信息公开申请 21 件，因政府信息公开被提起诉讼 2 件。", "（行政诉讼2）"),
        # 上年结转 against that row
        ("2023 年全区受理政府信息公开申请 21 件，上年结转 3 件。", "（上年结转3）"),
    ],
)
def test_stated_numbers_that_contradict_the_tables_are_reported(new: str, rule_words: str) -> None:
    messages = narrative_messages(SENTENCE, new)
    assert any(rule_words in m for m in messages), messages
    # the whole sentence is quoted, joined across its breaks
    assert all("正文称“2023年全区受理政府" in m for m in messages), messages


@pytest.mark.parametrize(
    "new",
    [
        "2023 年全区受理政府\n信息公开申请 21\n件，均在法定期限答复。",
        "2023 年全区受理政府信息公开申请 21 件，共办结申请 21 件，上年结转 0 件，结转下年度 0 件。",
        "2023 年全区受理政府信息公开申请 21 件，未发生因政府信息公开被申请行政复议、提起行政诉讼的情况。",
    ],
)
def test_stated_numbers_that_agree_are_not_reported(new: str) -> None:
    assert narrative_messages(SENTENCE, new) == []


def test_receiving_may_count_carried_over_requests() -> None:
    # 埠江镇: 本年新收 1, 上年结转 0: "受理" 1 fits, whichever scope is meant.
    assert narrative_messages("收到依申请公开事项1项", "受理依申请公开事项1项", S002) == []


def test_normalise_joins_lines_and_keeps_positions() -> None:
    text = "受理政府\n信息公开申请 21\n件，均在法定期限答复。"
    flat, where = normalise(text, positions=True)
    assert flat == "受理政府信息公开申请21件，均在法定期限答复。"
    assert text[where[flat.index("21")]] == "2"


_STATED = re.compile(r"\d[\d,]*(?:\.\d+)?(?:件|个|条|项|份|起|宗|次|人次|万元)")


def test_every_mapped_number_in_the_corpus_changed_is_reported() -> None:
    stated = mapped = changes = detected = 0
    for case in cases():
        report = case.report
        for section in report.sections:
            stated += len(_STATED.findall(normalise(section.text)[0]))
        for claim in claims(report, Context(report, case.trace)):
            if not claim.fits or claim.section < 0:
                continue
            section = report.sections[claim.section]
            raw = section.text[claim.span[0] : claim.span[1]]
            if not raw.replace(",", "").isdigit():
                continue  # a negation ("未收到…申请") states no digit to change
            mapped += 1
            value = int(raw.replace(",", ""))
            for new in {value + 1, value * 10 + 1}:
                changed = report.model_copy(deep=True)
                text = changed.sections[claim.section].text
                changed.sections[claim.section].text = text[: claim.span[0]] + str(new) + text[claim.span[1] :]
                found = check(changed, case.trace, None, only=NARRATIVE)
                changes += 1
                hit = any(f.rule == claim.rule and f"{claim.what}{new}）" in f.message for f in found)
                detected += hit
                assert hit, (case.name, claim.sentence, new, [f.message for f in found])
    print(
        f"\nnarrative: numbers stated with a unit in the parts {stated}; mapped to a table value {mapped} "
        f"({mapped / max(stated, 1):.1%}); changes reported {detected}/{changes}"
    )
    assert mapped > 0 and detected == changes
