"""Smoke test of bench/bench_till_lanes.py: the till window, a silent network printer and a
slow head-office process, end to end with tiny sizes; it prints the table for all three
configurations. Not a timing assertion."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "bench_till_lanes.py"
ROWS = (
    "scan → member painted while the till prints and syncs",
    "one shared lane (before)",
    "two lanes, sync on the I/O lane",
    "two lanes + window's sync loop",
)


@pytest.mark.gui
def test_lanes_benchmark_runs_with_tiny_sizes(tmp_path: Path) -> None:
    args = ["--cycles", "1", "--idle", "2", "--printer-timeout", "0.5", "--ho-delay", "0.1"]
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args, "--tmpdir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for row in ROWS:
        assert row in done.stdout, f"missing {row!r} in:\n{done.stdout}"
    assert list(tmp_path.iterdir()) == [], "the benchmark left its temp dir behind"
