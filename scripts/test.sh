#!/usr/bin/env bash
# Set up with every extra the tests need, then run lint, types and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
GONGKAI_EXTRAS=${GONGKAI_EXTRAS:-test,postgres,parquet,charts,ocr,web} bash scripts/setup.sh
.venv/bin/ruff check src tests benchmarks
.venv/bin/mypy src/gongkai
.venv/bin/python -m pytest -q "$@"
