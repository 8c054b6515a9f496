#!/usr/bin/env bash
# Pictures of the round's documents: builds the e2e round of tests/test_round_e2e.py, runs
# `gongkai notice`, then renders one notice (Word), the workbook (Excel) and the HTML notice to PNG.
# Needs LibreOffice (apt: libreoffice-writer libreoffice-calc), poppler-utils (pdftoppm), chromium.
# Usage: scripts/notice_pictures.sh [OUTDIR]   (default /tmp/gongkai-notice-pictures)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-/tmp/gongkai-notice-pictures}"
PY="${PYTHON:-.venv/bin/python}"
rm -rf "$OUT" && mkdir -p "$OUT"
"$PY" - "$OUT" <<'PYEOF'
import sys
from pathlib import Path
from tests.test_round_e2e import _roster, build_batch
out = Path(sys.argv[1])
print(build_batch(out), _roster(out / "单位名单.csv"))
PYEOF
"$(dirname "$PY")/gongkai" notice "$OUT/2024年度报告汇总.zip" --roster "$OUT/单位名单.csv" --office "示范县人民政府办公室" \
  --date 2025-01-20 --out "$OUT/第一轮" || true
mkdir -p "$OUT/png"
cp "$OUT/第一轮/整改通知/整改通知_巫山县巫峡镇人民政府_2024.docx" "$OUT/png/notice.docx"
cp "$OUT/第一轮/核查汇总_2024.xlsx" "$OUT/png/workbook.xlsx"
(cd "$OUT/png" && libreoffice --headless --convert-to pdf notice.docx workbook.xlsx >/dev/null 2>&1)
pdftoppm -png -r 60 "$OUT/png/notice.pdf" "$OUT/png/notice"
pdftoppm -png -r 60 "$OUT/png/workbook.pdf" "$OUT/png/workbook"
if command -v chromium >/dev/null; then
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
    --disable-sync --window-size=1100,1400 --screenshot="$OUT/png/notice-html.png" \
    "file://$OUT/第一轮/网页版/整改通知_巫山县巫峡镇人民政府_2024.html" >/dev/null 2>&1 || true
fi
ls "$OUT/png"/*.png
