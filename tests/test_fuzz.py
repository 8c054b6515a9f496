"""Fuzzing: mutated corpus files through every reader never raise, always give JSON or an
unreadable-file finding, within a memory bound. CI runs a bounded session (GONGKAI_FUZZ_SECONDS,
default 30 s); `python -m tests.fuzz --seconds 600` runs a longer one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.extract.values import parse_value
from gongkai.read.decode import decode_text
from tests.conftest import CORPUS

ROOT = Path(__file__).parent.parent
MEMORY_MB = 2048  # the fuzz process runs under this address-space limit
PEAK_MB = 600  # and its resident memory must stay under this


def test_mutated_corpus_files_never_escape() -> None:
    seconds = os.environ.get("GONGKAI_FUZZ_SECONDS", "30")
    cmd = [sys.executable, "-m", "tests.fuzz", "--seconds", seconds, "--memory-mb", str(MEMORY_MB)]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=float(seconds) + 120)
    assert p.returncode == 0, p.stderr[-3000:]
    figures = json.loads(p.stdout.strip().splitlines()[-1])
    print("fuzz figures:", json.dumps(figures, ensure_ascii=False))
    assert figures["failures"] == []
    assert figures["tried"] >= 300
    assert set(figures["per_reader"]) == {"txt", "html", "docx", "pdf"}
    assert min(figures["per_reader"].values()) >= 20
    assert figures["readable"] > 0 and figures["unreadable"] > 0
    assert figures["peak_mb"] < PEAK_MB
    assert figures["slowest_s"] < 20


SEED = (CORPUS / "seeds" / "000_e2dc6b7d4e4a258e.txt").read_text(encoding="utf-8")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=len(SEED) - 1), min_size=1, max_size=4, unique=True))
def test_a_few_corrupted_characters_are_replaced_and_counted(positions: list[int]) -> None:
    data = bytearray(SEED.encode("utf-8"))
    chars = [i for i, ch in enumerate(SEED) if ord(ch) > 127]
    targets = sorted({chars[p % len(chars)] for p in positions})
    offsets = [len(SEED[:i].encode("utf-8")) + 1 for i in targets]  # the second byte of a CJK character
    for off in offsets:
        data[off] = 0x41
    decoded = decode_text(bytes(data))
    assert decoded.encoding == "utf-8"
    assert decoded.text.count("\ufffd") >= len(targets)
    assert len(decoded.notes) == 1 and "个字符已损坏" in decoded.notes[0]
    first_line = SEED[: targets[0]].count("\n") + 1
    assert f"第{first_line}行" in decoded.notes[0]


@given(st.text(alphabet="0123456789", min_size=31, max_size=6000))
def test_long_digit_runs_are_not_values(digits: str) -> None:
    assert parse_value(digits) is None


@given(st.integers(min_value=0, max_value=10**29))
def test_counts_up_to_thirty_digits_are_values(n: int) -> None:
    v = parse_value(str(n))
    assert v is not None and v.value == n
