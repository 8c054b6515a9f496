"""Byte-mutation fuzzing of every reader with the corpus files (and generated DOCX/HTML/PDF reports).

Run as a module for a longer session:  python -m tests.fuzz --seconds 600
Each input goes through `process_bytes` (read → extract → check), which must never raise and must
give either a report that serialises to JSON or an unreadable-file finding. The run happens under
an address-space limit (RLIMIT_AS), so a blow-up shows as a failure rather than taking the machine.
Prints one JSON line of figures.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import resource
import sys
import time
import zipfile
from pathlib import Path

CORPUS = Path(__file__).parent / "fixtures" / "corpus"


def _html_of(text: str) -> bytes:
    """A corpus text report as an HTML page: tab rows become table rows."""
    out = ["<html><head><meta charset='utf-8'></head><body>"]
    in_table = False
    for line in text.split("\n"):
        if "\t" in line:
            if not in_table:
                out.append("<table border=1>")
                in_table = True
            cells = "".join(f"<td>{c}</td>" for c in line.split("\t"))
            out.append(f"<tr>{cells}</tr>")
        else:
            if in_table:
                out.append("</table>")
                in_table = False
            out.append(f"<p>{line}</p>")
    out.append("</table></body></html>" if in_table else "</body></html>")
    return "\n".join(out).encode("utf-8")


def seeds() -> list[tuple[str, bytes]]:
    """(name, bytes) of the inputs mutated: corpus texts, their HTML, generated DOCX and PDF, the corpus PDF."""
    out: list[tuple[str, bytes]] = []
    texts = sorted(p for folder in ("seeds", "excerpts") for p in (CORPUS / folder).glob("*.txt"))
    for p in texts:
        out.append((p.name, p.read_bytes()))
    for p in texts[:6]:
        out.append((p.stem + ".html", _html_of(p.read_text(encoding="utf-8"))))
    out.extend((p.name, p.read_bytes()) for p in sorted((CORPUS / "pdf").glob("*.pdf")))
    sys.path.insert(0, str(Path(__file__).parent.parent))
    from tests.report_factory import docx_bytes, pdf_bytes, random_report

    for k in range(3):
        rep = random_report(random.Random(k))
        out.append((f"gen{k}.docx", docx_bytes(rep)))
    out.append(("gen.pdf", pdf_bytes(random_report(random.Random(7)))))
    return out


def mutate(data: bytes, rng: random.Random, name: str) -> bytes:
    """One to a few random edits: flip, overwrite, insert, delete, duplicate, truncate; for a DOCX,
    sometimes the edits go into document.xml and the package is zipped again."""
    if name.endswith(".docx") and rng.random() < 0.6:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = {n: zf.read(n) for n in zf.namelist()}
        xml = members["word/document.xml"]
        members["word/document.xml"] = _mutate_xml(xml, rng) if rng.random() < 0.7 else mutate(xml, rng, "x.xml")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for n, b in members.items():
                zf.writestr(n, b)
        return buf.getvalue()
    b = bytearray(data)
    for _ in range(rng.choice((1, 1, 2, 3, 8))):
        if not b:
            break
        op = rng.randrange(7)
        i = rng.randrange(len(b))
        if op == 0:
            b[i] ^= 1 << rng.randrange(8)
        elif op == 1:
            b[i] = rng.randrange(256)
        elif op == 2:
            b[i:i] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16)))
        elif op == 3:
            del b[i : i + rng.randrange(1, 64)]
        elif op == 4:
            j = rng.randrange(len(b))
            b[j:j] = b[i : i + rng.randrange(1, 256)]
        elif op == 5:
            del b[i:]
        else:  # an interesting value: digits, a span, a page count
            b[i:i] = rng.choice((b"9" * 50, b' colspan="999"', b"/Count 99999", b"\xe6\x80", b"\x00", b"\t|\t"))
    return bytes(b)


_VAL = re.compile(rb'w:val="[^"]*"')
_TEXT = re.compile(rb"<w:t(?: [^>]*)?>([^<]*)</w:t>")
_ODD_VALUES = (b"0", b"-1", b"2", b"999", b"99999999", b"abc", b"", b"restart", b"continue", b"9" * 40)
_ODD_TEXTS = ("", "0", "-", "1,234", "１２", "9" * 60, "合计", "（一）", "|", "\t", "本年新收政府信息公开申请数量")


def _mutate_xml(xml: bytes, rng: random.Random) -> bytes:
    """Well-formed edits of document.xml: odd attribute values (spans, merges) and odd cell texts."""
    vals = list(_VAL.finditer(xml))
    texts = list(_TEXT.finditer(xml))
    edits: list[tuple[int, int, bytes]] = []
    for _ in range(rng.choice((1, 2, 4, 10))):
        if vals and rng.random() < 0.5:
            m = rng.choice(vals)
            edits.append((m.start(), m.end(), b'w:val="' + rng.choice(_ODD_VALUES) + b'"'))
        elif texts:
            m = rng.choice(texts)
            edits.append((m.start(1), m.end(1), rng.choice(_ODD_TEXTS).encode()))
    out = bytearray(xml)
    for start, end, new in sorted(set(edits), reverse=True):
        if end <= len(out):
            out[start:end] = new
    return bytes(out)


def run(seconds: float, seed: int, memory_mb: int) -> dict[str, object]:
    if memory_mb:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, resource.RLIM_INFINITY))
    from gongkai.pipeline import process_bytes

    inputs = seeds()
    rng = random.Random(seed)
    tried = readable = 0
    per_reader: dict[str, int] = {}
    codes: dict[str, int] = {}
    slowest = 0.0
    failures: list[str] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        name, data = inputs[tried % len(inputs)]
        case = mutate(data, rng, name)
        t = time.monotonic()
        try:
            res = process_bytes(case, name)
            res.report.to_json()
            ok = res.readable or (
                res.error is not None and res.report.findings[0].rule == "extraction.unreadable"
            )
            if not ok:
                failures.append(f"{name}: unreadable without a finding")
        except BaseException as exc:  # noqa: BLE001 - the point of the test
            failures.append(f"{name}: {type(exc).__name__}: {exc}"[:300])
            res = None
        slowest = max(slowest, time.monotonic() - t)
        tried += 1
        kind = Path(name).suffix.lstrip(".")
        per_reader[kind] = per_reader.get(kind, 0) + 1
        if res is not None and res.readable:
            readable += 1
        elif res is not None and res.error is not None:
            codes[res.error.code] = codes.get(res.error.code, 0) + 1
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "tried": tried, "readable": readable, "unreadable": tried - readable - len(failures),
        "per_reader": per_reader, "error_codes": codes, "slowest_s": round(slowest, 2),
        "peak_mb": round(peak_mb, 1), "memory_limit_mb": memory_mb, "failures": failures[:20],
        "seconds": seconds, "seed": seed,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=40)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--memory-mb", type=int, default=2048)
    args = ap.parse_args()
    print(json.dumps(run(args.seconds, args.seed, args.memory_mb), ensure_ascii=False))


if __name__ == "__main__":
    main()
