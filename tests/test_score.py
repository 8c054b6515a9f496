"""End to end, as the issue measures it: `gongkai extract` on the corpus, then score.py --strict."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from gongkai.cli import app
from tests.conftest import CORPUS


def test_corpus_scores_100_percent_strict(tmp_path: Path) -> None:
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in (".txt", ".pdf"))
    assert len(files) == 19
    out = CliRunner().invoke(app, ["extract", *map(str, files), "--out", str(tmp_path)])
    assert out.exit_code == 0, out.output
    score = subprocess.run(
        [sys.executable, str(CORPUS / "score.py"), str(CORPUS / "gold"), str(tmp_path), "--strict", "--quiet"],
        capture_output=True,
        text=True,
    )
    summary = score.stdout.strip().splitlines()[-1]
    assert score.returncode == 0, summary
    assert "missing 0 cells 1627/1627 (1.0000) spurious 0 meta 56/56 sections 19/19" in summary
    assert "known_errors 4/4 unexpected_errors 0" in summary
