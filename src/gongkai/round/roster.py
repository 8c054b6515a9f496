"""The roster of units an office expects reports from, and matching a report to its unit.

A roster is a CSV (UTF-8, UTF-8 with BOM, or GBK as Excel/WPS save it) with a header row:
单位名称 (required), 别名 (optional, several separated by ；;、|), 地区, 层级, 联系人 (or 联系方式).
English headers name, aliases, region, level, contact are accepted too.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.extract.normalize import to_simplified

_HEADERS = {
    "name": ("单位名称", "单位", "名称", "name", "unit"),
    "aliases": ("别名", "其他名称", "aliases", "alias"),
    "region": ("地区", "区域", "region"),
    "level": ("层级", "级别", "level"),
    "contact": ("联系人", "联系方式", "联系电话", "contact"),
}
_ALIAS_SPLIT = re.compile(r"[；;、|/]")
_SPACE = re.compile(r"\s+")


class RosterError(Exception):
    """The roster file cannot be used; the message is Chinese and says how to fix it."""


def unit_key(name: str) -> str:
    """A unit name normalised for matching: simplified script, no spaces, no 人民政府/办事处 tail."""
    key = _SPACE.sub("", to_simplified(name)).replace("（", "(").replace("）", ")")
    for tail in ("人民政府办公室", "人民政府", "政府", "办事处"):
        if key.endswith(tail) and len(key) > len(tail) + 1:
            key = key[: -len(tail)]
            break
    return key


@dataclass(frozen=True)
class Unit:
    name: str
    aliases: tuple[str, ...] = ()
    region: str | None = None
    level: str | None = None
    contact: str | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(unit_key(n) for n in (self.name, *self.aliases) if n.strip()))


@dataclass
class Roster:
    units: list[Unit] = field(default_factory=list)
    source: Path | None = None  # the file it was read from (left out when it lies inside the batch)

    @classmethod
    def load(cls, path: str | Path) -> Roster:
        p = Path(path)
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise RosterError(f"无法读取名单文件 {p}：{exc.strerror or exc}") from exc
        roster = cls.parse(data, str(p))
        roster.source = p
        return roster

    @classmethod
    def parse(cls, data: bytes, name: str = "名单") -> Roster:
        text = None
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        if text is None:
            raise RosterError(f"{name}：无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV")
        rows = list(csv.reader(io.StringIO(text)))
        if not rows:
            raise RosterError(f"{name}：文件是空的")
        header = [h.strip().lower() for h in rows[0]]
        cols: dict[str, int] = {}
        for key, names in _HEADERS.items():
            for i, h in enumerate(header):
                if h in names and key not in cols:
                    cols[key] = i
        if "name" not in cols:
            raise RosterError(f"{name}：第一行须为表头，并有“单位名称”一列（现有：{'、'.join(rows[0])}）")
        units: list[Unit] = []
        seen: dict[str, str] = {}

        def get(row: list[str], key: str) -> str | None:
            i = cols.get(key)
            v = row[i].strip() if i is not None and i < len(row) else ""
            return v or None

        for line_no, row in enumerate(rows[1:], start=2):
            unit_name = get(row, "name")
            if not unit_name:
                continue
            aliases = tuple(a.strip() for a in _ALIAS_SPLIT.split(get(row, "aliases") or "") if a.strip())
            unit = Unit(unit_name, aliases, get(row, "region"), get(row, "level"), get(row, "contact"))
            for k in unit.keys:
                if k in seen and seen[k] != unit_name:
                    raise RosterError(f"{name} 第 {line_no} 行：名称“{k}”与“{seen[k]}”重复，无法区分两个单位")
                seen[k] = unit_name
            units.append(unit)
        if not units:
            raise RosterError(f"{name}：没有任何单位")
        return cls(units)

    def match(self, agency: str | None, rel: str = "") -> Unit | None:
        """The unit a report belongs to: by the agency name printed in it, else by its folder or file name.

        Exact matches of normalised names and aliases first; then a unique unit whose name is the
        end of the printed name (巫山县巫峡镇 → 巫峡镇); then a unique unit whose name appears in the
        report's path (every unit sends 年报.pdf from its own folder). Never a guess among several.
        """
        index = self._index()
        if agency:
            key = unit_key(agency)
            if key in index:
                return index[key]
            tails = {u.name: u for k, u in index.items() if len(k) >= 2 and key.endswith(k)}
            if len(tails) == 1:
                return next(iter(tails.values()))
        if rel:
            path_key = to_simplified(rel).replace(" ", "")
            hits = {u.name: u for k, u in index.items() if len(k) >= 2 and k in path_key}
            if len(hits) > 1:  # prefer the longest names: 城关镇 inside 城关镇人民政府 folder etc.
                longest = max(len(unit_key(n)) for n in hits)
                hits = {n: u for n, u in hits.items() if len(unit_key(n)) == longest}
            if len(hits) == 1:
                return next(iter(hits.values()))
        return None

    def _index(self) -> dict[str, Unit]:
        return {k: u for u in self.units for k in u.keys}
