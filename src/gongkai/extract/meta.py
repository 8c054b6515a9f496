"""Meta: agency, year, published date; and the six sections."""

from __future__ import annotations

import re

from gongkai.extract.stream import PItem
from gongkai.extract.trace import Heading, Trace
from gongkai.model import Section

_YEAR_TITLE = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?:的)?\s*(?:政\s*府\s*)?信\s*息\s*公\s*开")
_TITLE_LINE = re.compile(r"^(?P<agency>.*?)(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?:政府|政\s*府|信息|政务|$)")
_PERIOD = re.compile(r"(?:统计|起止|期限|时限|时间)[^。]{0,20}?(?P<year>(?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_ANY_YEAR = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年")
_DATE_LINE = re.compile(r"^[（(]?\s*(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日\s*[）)]?$")
_DATE_ANY = re.compile(
    r"(?:发布|印发|公开|成文|发文)(?:日期|时间)\s*[：:]\s*"
    r"(?P<y>(?:19|20)\d{2})\s*[-年./]\s*(?P<m>\d{1,2})\s*[-月./]\s*(?P<d>\d{1,2})"
)
_AGENCY_END = re.compile(
    r"(人民政府|政府办公室|政府办公厅|办公室|办公厅|办事处|委员会|管委会|管理委员会|局|厅|委|院|署|中心|所|站|队|"
    r"镇|乡|街道|公司|集团|馆|会|部|处)$"
)
_BODY_AGENCY = re.compile(r"[\u4e00-\u9fff]{2,16}?人民政府")
_LEAD = "由在对经将为以是和与及向据按照现特兹本根于年度"
_PUBLISH_VERB = re.compile(
    r"(?:公布|公开|发布|编制|印发)(?:了)?《?(?P<agency>[^，。；《》、,;]{2,40}?)政府信息公开工作(?:情况)?(?:年度)?报告"
)
_COMPILED_BY = re.compile(r"由(?P<agency>[\u4e00-\u9fff]{2,24}?)(?:根据|依据|按照|负责|编制)")
_YEAR_FIRST_TITLE = re.compile(r"^(?:19|20)\d{2}\s*年度?(?P<agency>.+?)(?:政府)?信息公开工作(?:情况)?年度报告")


def _clean(text: str) -> str:
    return re.sub(r"[#*\s\u3000]+", "", text).strip("《》“”\"'：:，,。")


def _agency_ok(name: str) -> bool:
    return (
        2 <= len(name) <= 30
        and name not in ("政府", "人民政府", "市政府", "区政府", "县政府")
        and not name.startswith(("我", "本", "全", "该", "各"))
        and re.fullmatch(r"[\u4e00-\u9fff（）()·]+", name) is not None
    )


def _strip_lead(name: str) -> str:
    while name and name[0] in _LEAD and len(name) > 4:
        name = name[1:]
    return name


def find_title(items: list[PItem], first_heading: int) -> tuple[str | None, int | None]:
    """(agency, year) from the title at the top of the report."""
    head = [it for it in items[: max(first_heading, 0)] if not it.in_table][:6]
    for k, it in enumerate(head):
        text = _clean(it.text)
        if (
            not _YEAR_TITLE.search(text)
            and not _YEAR_FIRST_TITLE.match(text)
            and not (_TITLE_LINE.match(text) and "报告" in _joined(head, k))
        ):
            continue
        agency = ""
        m_first = _YEAR_FIRST_TITLE.match(text)
        m = _TITLE_LINE.match(text)
        if m_first and _agency_ok(_clean(m_first.group("agency"))):
            agency, year = _clean(m_first.group("agency")), int(text[:4])
        elif m:
            agency, year = _clean(m.group("agency")), int(m.group("year"))
        else:
            continue
        if not agency and k > 0:
            prev = _clean(head[k - 1].text)
            if _AGENCY_END.search(prev) and _agency_ok(prev):
                agency = prev
        if agency and not _agency_ok(agency):
            agency = ""
        return agency or None, year
    return None, None


def _joined(head: list[PItem], k: int) -> str:
    return "".join(_clean(h.text) for h in head[k : k + 2])


def find_signature(items: list[PItem], trace: Trace | None = None) -> tuple[str | None, str | None]:
    """(agency, ISO date) from the signature block at the end (agency line, then a date line).

    Without a signature date, the page's own publication date (发布时间/发布日期 of a web page)
    is used; `trace.published_origin` records which one it was ("signature" or "page").
    """
    tail = [it for it in items[-12:] if not it.in_table]
    agency, date = None, None
    for k in range(len(tail) - 1, -1, -1):
        text = _clean(tail[k].text)
        m = _DATE_LINE.match(text)
        if m and date is None:
            date = f"{int(m.group('y')):04d}-{int(m.group('m')):02d}-{int(m.group('d')):02d}"
            if trace is not None:
                trace.published_origin = "signature"
            if k > 0:
                prev = _clean(tail[k - 1].text)
                if _AGENCY_END.search(prev) and _agency_ok(prev):
                    agency = prev
            break
    if date is None:
        for it in items:
            m2 = _DATE_ANY.search(it.text)
            if m2:
                date = f"{int(m2.group('y')):04d}-{int(m2.group('m')):02d}-{int(m2.group('d')):02d}"
                if trace is not None:
                    trace.published_origin = "page"
                break
    return agency, date


def _tidy_agency(name: str) -> str:
    name = re.sub(r"(?:19|20)\d{2}\s*年度?", "", name)
    name = re.sub(r"^(?:向社会|向公众|了)", "", name)
    if name.endswith("政府政府"):
        name = name[:-2]
    if "人民政府" in name and not name.endswith("人民政府"):
        name = name[: name.index("人民政府") + 4]  # 两城镇人民政府党政办公室 → 两城镇人民政府
    return name


def find_body_agency(items: list[PItem]) -> str | None:
    for it in items[:40]:
        if it.in_table:
            continue
        text = _clean(it.text)
        for pattern in (_PUBLISH_VERB, _COMPILED_BY):
            m = pattern.search(text)
            if m:
                name = _tidy_agency(m.group("agency"))
                if _agency_ok(name) and _AGENCY_END.search(name):
                    return name
    for it in items[:60]:
        if it.in_table:
            continue
        m = _BODY_AGENCY.search(it.text)
        if m:
            name = _strip_lead(m.group(0))
            if _agency_ok(name):
                return name
    return None


def find_year(items: list[PItem]) -> int | None:
    for it in items[:80]:
        m = _PERIOD.search(it.text)
        if m:
            return int(m.group("year"))
    for it in items[:40]:
        m2 = _YEAR_TITLE.search(it.text)
        if m2:
            return int(m2.group("year"))
    for it in items[:20]:
        if it.in_table:
            continue
        m3 = _ANY_YEAR.search(it.text)
        if m3:
            return int(m3.group("year"))
    return None


def find_sections(items: list[PItem], trace: Trace, table_items: set[int] | None = None) -> list[Section]:
    """The six parts in document order, each with the paragraph text up to the next part."""
    found: list[tuple[int, int]] = []  # (item index, section no)
    seen: set[int] = set()
    for idx, it in enumerate(items):
        h = it.heading
        if h is None or h.no in seen:
            continue
        seen.add(h.no)
        found.append((idx, h.no))
        trace.headings.append(Heading(h.no, h.title, h.numbered, h.standard, it.origin, h.printed_no))
    sections: list[Section] = []
    for k, (idx, no) in enumerate(found):
        end = found[k + 1][0] if k + 1 < len(found) else len(items)
        skip = table_items or set()
        body = "\n".join(
            it.text
            for k2, it in enumerate(items[idx + 1 : end], start=idx + 1)
            if not it.in_table and it.value is None and k2 not in skip
        )
        heading = items[idx].heading
        assert heading is not None
        sections.append(Section(no=no, title=heading.title, text=body.strip()))
    return sections
