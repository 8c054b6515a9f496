"""Property tests: random consistent reports, written in every flattening and as HTML, read back.

Same numbers back, no error findings; and one broken cell is named by the checks.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.check.arithmetic import all_identities
from gongkai.check.registry import Context
from gongkai.model import Report
from gongkai.pipeline import process_bytes
from gongkai.render import render_html
from tests.synth import FLATTENINGS, render_text, reports

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _assert_same(expected: Report, got: Report) -> None:
    assert got.cells() == expected.cells()
    assert got.meta.year == expected.meta.year
    assert got.meta.agency == expected.meta.agency
    assert got.meta.template == expected.meta.template
    assert got.meta.published == expected.meta.published
    assert [s.no for s in got.sections] == [1, 2, 3, 4, 5, 6]
    assert got.errors == [], [f.message for f in got.errors]


TEMPLATES = ("2021", "2019", "mixed")


@pytest.mark.parametrize("style", sorted(FLATTENINGS))
@SETTINGS
@given(report=reports(TEMPLATES))
def test_text_flattenings_round_trip(style: str, report: Report) -> None:
    text = render_text(report, style)
    got = process_bytes(text.encode("utf-8"), f"r_{style}.txt").report
    _assert_same(report, got)


@SETTINGS
@given(report=reports(TEMPLATES), encoding=st.sampled_from(["utf-8", "gb18030"]), chrome=st.booleans())
def test_html_round_trip(report: Report, encoding: str, chrome: bool) -> None:
    html = render_html(report, page_chrome=chrome)
    if encoding != "utf-8":
        html = html.replace('charset="utf-8"', 'charset="gbk"')
    got = process_bytes(html.encode(encoding), "r.html").report
    _assert_same(report, got)


def _break_one(report: Report, rnd: random.Random) -> tuple[Report, str]:
    broken = report.model_copy(deep=True)
    table = rnd.choice(["requests", "review_litigation"])
    grid = getattr(broken, table)
    row = rnd.choice(sorted(grid))
    col = rnd.choice(sorted(grid[row]))
    grid[row][col] = (grid[row][col] or 0) + rnd.randint(1, 9)
    return broken, f"{table}.{row}.{col}"


@pytest.mark.parametrize("style", ["tabcell", "pipecell", "layout", "html"])
@SETTINGS
@given(report=reports(), seed=st.integers(0, 10_000))
def test_one_broken_cell_is_named(style: str, report: Report, seed: int) -> None:
    broken, path = _break_one(report, random.Random(seed))
    if style == "html":
        data, name = render_html(broken).encode("utf-8"), "b.html"
    else:
        data, name = render_text(broken, style).encode("utf-8"), f"b_{style}.txt"
    got = process_bytes(data, name).report
    assert got.value(path) == broken.value(path)  # the printed number is kept, never repaired
    named = {c for f in got.errors for c in f.cells}
    assert path in named
    identities = [i for i in all_identities(Context(got)) if path in i.cells]
    if len(identities) >= 2:
        assert any(f.suspect == path for f in got.errors), [f.message for f in got.errors]
