"""The HTML reader's fast text paths (lxml's serializer, itertext) give exactly what the plain walk gives."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from gongkai.read import html as reader

_WS = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")


def walk_text(el: etree._Element) -> str:
    """The reader's original text walk, kept here as the reference."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == "br" or tag in reader._BLOCK_TAGS and parts and not parts[-1].endswith("\n"):
            parts.append("\n")
        if node.text and tag not in reader._DROP_TAGS:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if tag in reader._BLOCK_TAGS and parts and not parts[-1].endswith("\n"):
            parts.append("\n")

    walk(el)
    lines = [_WS.sub(" ", ln).strip() for ln in "".join(parts).split("\n")]
    return "\n".join(ln for ln in lines if ln)


words = st.text(alphabet=st.sampled_from(list("本年新收 0 1\t\n\u00a0\u3000\r一、总体情况")), max_size=8)
tags = st.sampled_from(["span", "font", "b", "p", "div", "br", "td", "tr", "button", "select", "!comment"])


@st.composite
def trees(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(tags)
    if tag == "!comment":
        return f"<!--{draw(words).replace('-', '')}-->{draw(words)}"
    if tag == "br":
        return f"<br>{draw(words)}"
    kids = "".join(draw(st.lists(trees(depth + 1), max_size=3))) if depth < 3 else ""
    return f"<{tag}>{draw(words)}{kids}</{tag}>{draw(words)}"


@settings(max_examples=400, deadline=None)
@given(st.lists(trees(), min_size=1, max_size=4))
def test_text_of_every_element_matches_the_walk(fragments: list[str]) -> None:
    root = etree.fromstring(f"<html><body><div>{''.join(fragments)}</div></body></html>", reader._PARSER)
    for el in root.iter():
        assert reader._text_of(el) == walk_text(el)
        head = reader._text_of(el, 5)[:5]
        assert head == walk_text(el)[:5]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.lists(trees(), max_size=2), min_size=1, max_size=3), min_size=1, max_size=3))
def test_table_texts_match_the_walk_and_leave_the_tree_unchanged(rows: list[list[list[str]]]) -> None:
    cells = "".join("<tr>" + "".join(f"<td>{''.join(c)}</td>" for c in row) + "</tr>" for row in rows)
    root = etree.fromstring(f"<html><body><table>{cells}</table></body></html>", reader._PARSER)
    table = root.find(".//table")
    assert table is not None
    before = etree.tostring(root, encoding=str)
    text, by_cell = reader._table_texts(table)
    assert etree.tostring(root, encoding=str) == before
    assert text == walk_text(table)
    for td, cell_text in by_cell.items():
        assert cell_text == walk_text(td)
