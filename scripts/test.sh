#!/usr/bin/env bash
# Set up everything the tests use — system packages (when root with apt), a PostgreSQL on 127.0.0.1,
# the venv with every extra — then run lint, types and the whole test suite. CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system.sh
# shellcheck source=scripts/pg.sh
source scripts/pg.sh
GONGKAI_EXTRAS=${GONGKAI_EXTRAS:-test,postgres,parquet,charts,ocr,dask,web} bash scripts/setup.sh
.venv/bin/ruff check src tests benchmarks
.venv/bin/mypy src/gongkai
.venv/bin/python -m pytest -q "$@"
