"""Shared fixtures: the real corpus (copied from ../shared/corpus) and a CLI runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "corpus"
GOLD = CORPUS / "gold"


def corpus_source(gold_name: str) -> Path:
    name = gold_name.removesuffix(".gold.json")
    for folder in ("seeds", "excerpts", "pdf"):
        p = CORPUS / folder / name
        if p.exists():
            return p
    raise FileNotFoundError(name)


def gold_files(suffix: str = "") -> list[Path]:
    return sorted(p for p in GOLD.glob("*.gold.json") if p.name.removesuffix(".gold.json").endswith(suffix))


def load_gold(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def seed_text() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((CORPUS / "seeds").glob("*.txt"))}


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI every optional piece is installed, so a skipped test is a failure, not a pass."""
    import os

    if os.environ.get("CI") != "true":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        for report in skipped:
            reporter.write_line(f"CI: skipped test is not allowed: {report.nodeid} {report.longrepr}")
        session.exitstatus = 1
