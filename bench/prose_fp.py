"""Benchmark: findings on ordinary prose that holds (almost) no personal data, gdprep against Presidio's default.

Held-out PII sources measure recall on text dense with personal data; a user's corpus is mostly ordinary
prose, where every finding above the policy threshold is a word replaced for nothing. This script splits the
given text files into paragraphs and counts, per entity type, the spans each system would redact (gdprep: the
findings it keeps under the policy, as `gdprep redact` does; Presidio: results at or above 0.5), per 1,000
paragraphs, and lists the most frequent redacted strings so that a reader can judge which are real names
(a manual names its authors and contributors).

The default corpus is the vim user manual (`/usr/share/vim/vim*/doc/usr_*.txt`, Debian's vim-runtime), when it
is installed; pass other files to use them. Nothing is downloaded.

    python bench/prose_fp.py [FILES ...] [--max 3000] [--no-presidio] [--json bench/out/prose.json]
"""

from __future__ import annotations

import argparse
import collections
import glob
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pii import POLICY, Systems  # noqa: E402

from gdprep.offline import enforce_offline  # noqa: E402
from gdprep.policies import load_policy  # noqa: E402

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def paragraphs(files: Sequence[Path], limit: int) -> list[str]:
    out: list[str] = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        out += [p.strip() for p in _PARAGRAPH_BREAK.split(text) if 40 <= len(p.strip()) <= 2000]
    return out[:limit]


def gdprep_kept(systems: Systems, texts: list[str]) -> list[list[tuple[int, int, str]]]:
    """The findings gdprep keeps under the policy, as `gdprep redact` redacts them."""
    return [[(s.start, s.end, s.type) for s in spans] for spans in systems.gdprep(texts)]


def presidio_kept(systems: Systems, texts: list[str]) -> list[list[tuple[int, int, str]]]:
    assert systems.presidio is not None
    results = systems.presidio[1].analyze_iterator(texts, language="en", batch_size=64, n_process=1)
    return [[(r.start, r.end, r.entity_type) for r in rs if r.score >= 0.5] for rs in results]


def summarise(texts: list[str], found: list[list[tuple[int, int, str]]]) -> dict[str, Any]:
    per_type: collections.Counter[str] = collections.Counter()
    values: collections.Counter[str] = collections.Counter()
    for text, spans in zip(texts, found, strict=True):
        for start, end, etype in spans:
            per_type[etype] += 1
            if etype == "PERSON":
                values[text[start:end]] += 1
    scale = 1000 / max(len(texts), 1)
    rates = {t: round(c * scale, 1) for t, c in per_type.most_common()}
    return {"paragraphs": len(texts), "per_1000_paragraphs": rates, "total": sum(per_type.values()),
            "top_person_values": values.most_common(25)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--max", type=int, default=3000, help="paragraphs at most")
    parser.add_argument("--no-presidio", action="store_true")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    files = args.files or [Path(p) for p in sorted(glob.glob("/usr/share/vim/vim*/doc/usr_*.txt"))]
    if not files:
        print("no text files given and the vim user manual is not installed (apt install vim-runtime)")
        return 2
    enforce_offline()
    texts = paragraphs(files, args.max)
    systems = Systems(load_policy(POLICY), with_presidio=not args.no_presidio)
    try:
        out: dict[str, Any] = {"files": [str(f) for f in files],
                               "gdprep": summarise(texts, gdprep_kept(systems, texts))}
        if systems.presidio is not None:
            out["presidio"] = summarise(texts, presidio_kept(systems, texts))
    finally:
        systems.close()
    print(f"{len(texts)} paragraphs from {len(files)} files; spans that would be redacted, per 1,000 paragraphs")
    for system in ("gdprep", "presidio"):
        if system in out:
            row = out[system]
            rates = ", ".join(f"{t} {v}" for t, v in row["per_1000_paragraphs"].items()) or "none"
            print(f"  {system:9} {row['total']:6d} spans: {rates}")
            names = ", ".join(f"{v!r} x{n}" for v, n in row["top_person_values"][:12])
            print(f"            most frequent names: {names}")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
