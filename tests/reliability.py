"""Figures the reliability tests measure, written where `scripts/reliability_report.py`
turns them into docs/reliability.md.

A test calls `record("Tamper cases", "ledger row edited", tried=500, detected=500)`
after it has asserted what it measured. Each call appends one JSON line to a file of this
process in `$LANTERN_RELIABILITY_OUT` (default `.reliability/` at the project root, not
committed). The report sums the numbers of records with the same section and case, so a
figure measured in several tests (or several processes) adds up.

Recording never replaces an assertion: the test fails on a wrong figure first.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def out_dir() -> Path:
    return Path(os.environ.get("LANTERN_RELIABILITY_OUT") or ROOT / ".reliability")


def record(section: str, case: str, **figures: int | str) -> None:
    """One row of figures (integers add up across records; text is kept as the last)."""
    folder = out_dir()
    folder.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"section": section, "case": case, "figures": figures}, ensure_ascii=False)
    with open(folder / f"figures-{os.getpid()}.jsonl", "a", encoding="utf-8") as f:
        f.write(line + "\n")


def clear() -> None:
    """Forget figures of an earlier run (the report command calls this before the tests)."""
    folder = out_dir()
    if folder.is_dir():
        for p in folder.glob("figures-*.jsonl"):
            p.unlink()
