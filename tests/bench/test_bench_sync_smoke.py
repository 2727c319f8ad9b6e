"""Smoke test of bench/bench_sync.py: it runs end to end with tiny sizes (PostgreSQL too
when its binaries are installed) and prints every heading. Not a timing assertion."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "bench_sync.py"
ARGS = ["--events", "40", "--members", "300", "--stores", "3", "--store-events", "10"]
ARGS += ["--small-events", "8", "--small-batch", "4", "--store-members", "60"]
HEADINGS = (
    "Lantern sync benchmark",
    "== Push: 41 queued till events",
    "== Pull: a new store pulls 300 member changes",
    "== Authentication: scrypt",
    "share of the SQLite push spent in scrypt",
)


@pytest.mark.headoffice
def test_sync_benchmark_runs_with_tiny_sizes() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *ARGS],
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for heading in HEADINGS:
        assert heading in done.stdout, (heading, done.stdout)
    if "PostgreSQL" in done.stdout.splitlines()[1]:
        assert "== Load: 3 stores push at once, 2 server processes" in done.stdout
        assert "events/s" in done.stdout
