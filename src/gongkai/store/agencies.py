"""Agency identity across years: name normalisation, the alias file, and resolving a name to an agency.

A name's *key* is the name in simplified script, NFKC, without spaces, without a trailing
人民政府/政府 (and 街道办事处 → 街道): "巫山县巫峡镇人民政府" → "巫山县巫峡镇".

A report's name is resolved to an agency in this order:
1. the alias file, if one is given (variant → canonical name);
2. a stored name with the same key;
3. a stored name that is the same place written with or without its enclosing places
   ("巫峡镇" ↔ "巫山县巫峡镇"): one key ends with the other at a place boundary (省 市 县 区 旗 州 盟
   镇 乡 街道), and the shorter starts with a named place of two or more characters. Only when exactly
   one agency fits; several fits → a new agency and a notice (give an alias file to decide);
4. otherwise a new agency.

The alias file is CSV (UTF-8, with or without BOM) with a header row, or JSON (a list of objects).
Columns/keys, English or Chinese: ``name``/``名称`` (a name as reports print it; required),
``canonical``/``规范名称`` (the agency it means; default: the name itself), ``region``/``地区``,
``level``/``层级``. Example::

    名称,规范名称,地区,层级
    巫峡镇人民政府,巫山县巫峡镇人民政府,重庆市巫山县,乡镇
    巫山县巫峡镇人民政府,巫山县巫峡镇人民政府,重庆市巫山县,乡镇
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from gongkai.extract.normalize import to_simplified
from gongkai.store.db import StoreError
from gongkai.store.schema import agencies, agency_names, reports

_SPACE = re.compile(r"[\s\u200b\u3000]+")
_PLACE_END = re.compile(r"(?:省|市|县|区|旗|州|盟|镇|乡|街道)")
_FIELDS = {
    "name": "name",
    "名称": "name",
    "canonical": "canonical",
    "规范名称": "canonical",
    "region": "region",
    "地区": "region",
    "level": "level",
    "层级": "level",
}


def name_key(name: str) -> str:
    """The normalised key of an agency name (see the module docstring)."""
    key = _SPACE.sub("", to_simplified(unicodedata.normalize("NFKC", name)))
    for suffix in ("人民政府", "政府"):
        if key.endswith(suffix) and len(key) > len(suffix):
            key = key[: -len(suffix)]
            break
    if key.endswith("街道办事处"):
        key = key[: -len("办事处")]
    return key


def _place_boundaries(key: str) -> list[int]:
    """Positions just after each place word (省/市/县/…/街道) in the key."""
    return [m.end() for m in _PLACE_END.finditer(key)]


def _qualifies_as_short(key: str) -> bool:
    """A key may stand for a longer one only when it starts with a named place (≥2 characters + 县/镇/…).

    A place word at the very start is taken as part of a name (乡宁县, 市中区, 镇江市).
    """
    starts = [m.start() for m in _PLACE_END.finditer(key) if m.start() > 0]
    return bool(starts) and starts[0] >= 2


def enclosing_suffixes(key: str) -> list[str]:
    """The key without its leading places, shortest last: 重庆市巫山县巫峡镇 → [巫山县巫峡镇, 巫峡镇]."""
    out = []
    for cut in _place_boundaries(key):
        rest = key[cut:]
        if rest and _qualifies_as_short(rest):
            out.append(rest)
    return out


@dataclass(frozen=True)
class Alias:
    name: str
    canonical: str
    region: str | None = None
    level: str | None = None


def load_aliases(path: str | Path) -> dict[str, Alias]:
    """Read an alias file (CSV or JSON, see module docstring) → {name key: Alias}. Chinese errors."""
    p = Path(path)
    try:
        raw = p.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise StoreError(f"无法读取别名文件 {p}：{exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise StoreError(f"别名文件 {p} 不是 UTF-8 编码") from exc
    if p.suffix.lower() == ".json":
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise StoreError(f"别名文件 {p} 不是有效的 JSON：第 {exc.lineno} 行") from exc
        if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
            raise StoreError(f"别名文件 {p} 应为对象列表，如 [{{\"名称\": …, \"规范名称\": …}}]")
        rows = [{str(k): ("" if v is None else str(v)) for k, v in d.items()} for d in data]
    else:
        rows = list(csv.DictReader(io.StringIO(raw)))
    out: dict[str, Alias] = {}
    for n, row in enumerate(rows, start=2):
        fields = {_FIELDS[k.strip()]: (v or "").strip() for k, v in row.items() if k and k.strip() in _FIELDS}
        unknown = [k for k in row if k and k.strip() not in _FIELDS]
        if unknown:
            raise StoreError(f"别名文件 {p} 有无法识别的列：{'、'.join(unknown)}（可用：名称、规范名称、地区、层级）")
        if not fields.get("name"):
            raise StoreError(f"别名文件 {p} 第 {n} 行缺少“名称”")
        alias = Alias(
            fields["name"], fields.get("canonical") or fields["name"], fields.get("region") or None,
            fields.get("level") or None,
        )
        key = name_key(alias.name)
        if key in out and name_key(out[key].canonical) != name_key(alias.canonical):
            raise StoreError(
                f"别名文件 {p} 第 {n} 行：“{alias.name}”已对应“{out[key].canonical}”，不能再对应“{alias.canonical}”"
            )
        out[key] = alias
    return out


# ---------------------------------------------------------------- resolving in the database
@dataclass
class Resolution:
    agency_id: int
    notice: str | None = None


def _agency_by_key(conn: Connection, key: str) -> int | None:
    return conn.execute(select(agency_names.c.agency_id).where(agency_names.c.key == key)).scalar()


def _infer(name: str, year: int | None = None, text: str = "") -> Any:
    from gongkai.region import infer_in_report

    return infer_in_report(name, year, text)


def place_values(name: str, region: str | None = None, level: str | None = None,
                 year: int | None = None, text: str = "") -> dict[str, str | None]:
    """The agency columns for a name: inferred region code, names, level and parent (gongkai.region;
    `text`, the report's, may name a township's county); a region or level from the alias file wins
    (its region text is read for the code)."""
    place = _infer(name, year, text)
    if region:
        given = _infer(region, year)
        place = given if given.code or given.candidates else place
        if not given.code:
            place = type(place)(level=place.level, parent=place.parent, note=given.note or place.note,
                                candidates=given.candidates)
    return {
        "region": region or place.region,
        "level": level or place.level,
        "region_code": place.code,
        "province": place.province,
        "city": place.city,
        "county": place.county,
        "parent": place.parent,
        "region_note": place.note,
    }


def _create_agency(conn: Connection, key: str, name: str, region: str | None, level: str | None,
                   year: int | None = None, text: str = "") -> int:
    existing = conn.execute(select(agencies.c.id).where(agencies.c.key == key)).scalar()
    if existing is not None:
        return int(existing)
    values = place_values(name, region, level, year, text)
    new_id = conn.execute(insert(agencies).values(key=key, name=name, **values).returning(agencies.c.id)).scalar_one()
    conn.execute(insert(agency_names).values(key=key, agency_id=new_id, source="report"))
    return int(new_id)


def _add_name(conn: Connection, key: str, agency_id: int, source: str) -> None:
    if _agency_by_key(conn, key) is None:
        conn.execute(insert(agency_names).values(key=key, agency_id=agency_id, source=source))


def _by_enclosing_place(conn: Connection, key: str) -> tuple[set[int], str | None]:
    """Agencies whose stored names are this place with or without enclosing places."""
    found: set[int] = set()
    shorter = enclosing_suffixes(key)
    if shorter:
        found |= set(conn.execute(select(agency_names.c.agency_id).where(agency_names.c.key.in_(shorter))).scalars())
    if _qualifies_as_short(key):
        like = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = conn.execute(
            select(agency_names.c.key, agency_names.c.agency_id).where(
                agency_names.c.key.like(f"%{like}", escape="\\"), agency_names.c.key != key
            )
        )
        found |= {aid for k, aid in rows if key in enclosing_suffixes(k)}
    return found, None


def resolve_agency(conn: Connection, printed: str, aliases: dict[str, Alias] | None = None,
                   year: int | None = None, text: str = "") -> Resolution:
    """The agency a printed name stands for, created when new (see the module docstring)."""
    key = name_key(printed)
    alias = (aliases or {}).get(key)
    if alias is not None:
        canon_key = name_key(alias.canonical)
        agency_id = _agency_by_key(conn, canon_key)
        if agency_id is None:
            agency_id = _create_agency(conn, canon_key, alias.canonical, alias.region, alias.level, year, text)
        _add_name(conn, key, agency_id, "alias")
        return Resolution(agency_id)
    agency_id = _agency_by_key(conn, key)
    if agency_id is not None:
        return Resolution(agency_id)
    found, _ = _by_enclosing_place(conn, key)
    place = _infer(printed, year)
    if len(found) == 1 and place.ambiguous:  # 朝阳区 alone may be 北京 or 长春: never merged by guess
        new_id = _create_agency(conn, key, printed.strip(), None, None, year, text)
        return Resolution(new_id, f"单位名称“{printed}”：{place.note}；已单独建档，可用别名文件指定。")
    if len(found) == 1:
        agency_id = found.pop()
        _add_name(conn, key, agency_id, "suffix")
        return Resolution(agency_id)
    new_id = _create_agency(conn, key, printed.strip(), None, None, year, text)
    notice = None
    if found:
        names = conn.execute(select(agencies.c.name).where(agencies.c.id.in_(found))).scalars()
        notice = (
            f"单位名称“{printed}”可能对应多个已入库单位（{'、'.join(sorted(names))}），已单独建档；可用别名文件指定。"
        )
    return Resolution(new_id, notice)


def apply_aliases(conn: Connection, aliases: dict[str, Alias]) -> list[tuple[int, int | None]]:
    """Make the store agree with the alias file: set region/level, attach names, merge agencies.

    Returns (agency id, year) pairs whose reports moved between agencies; the caller
    renumbers their versions and reruns the cross-year checks.
    """
    moved: list[tuple[int, int | None]] = []
    for key, alias in aliases.items():
        canon_key = name_key(alias.canonical)
        target = _agency_by_key(conn, canon_key)
        if target is None:
            target = _create_agency(conn, canon_key, alias.canonical, alias.region, alias.level)
        values: dict[str, str | None] = {"name": alias.canonical}
        if alias.region or alias.level:
            inferred = place_values(alias.canonical, alias.region, alias.level)
            values.update({k: v for k, v in inferred.items() if k not in ("region", "level")})
        if alias.region:
            values["region"] = alias.region
        if alias.level:
            values["level"] = alias.level
        conn.execute(update(agencies).where(agencies.c.id == target).values(**values))
        for k in {key, canon_key}:
            other = _agency_by_key(conn, k)
            if other is None:
                conn.execute(insert(agency_names).values(key=k, agency_id=target, source="alias"))
            elif other != target:
                moved.extend(_merge(conn, other, target))
    return moved


def _merge(conn: Connection, source: int, target: int) -> list[tuple[int, int | None]]:
    """Move every name and report of agency `source` to `target` and drop `source`."""
    years = list(conn.execute(select(reports.c.year).where(reports.c.agency_id == source).distinct()).scalars())
    # versions of moved reports are renumbered by the caller; park them out of the way first
    top = conn.execute(select(func.coalesce(func.max(reports.c.version), 0))).scalar_one()
    conn.execute(
        update(reports).where(reports.c.agency_id == source).values(agency_id=target, version=reports.c.version + top)
    )
    conn.execute(update(agency_names).where(agency_names.c.agency_id == source).values(agency_id=target))
    conn.execute(delete(agencies).where(agencies.c.id == source))
    return [(target, y) for y in years]
