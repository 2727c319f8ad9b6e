"""Smoke test of bench/bench_redeem.py: it runs end to end on a tiny store, leaves the store
clean and prints every table heading. Not a timing assertion."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "bench_redeem.py"
HEADINGS = (
    "Lantern redemption benchmark",
    "== Setup ==",
    "== Durable writes",
    "TillService.redeem (redemptions)",
    "bare SQLite commit (floor)",
    "ratio redeem p50 / floor p50",
    "== Member lookups",
    "identify(member id)",
    "identify(card number, typed)",
    "member_view(member id)",
    "unconfirmed effect (indexed)",
    "unconfirmed effect (outbox scan)",
    "== Integrity ==",
    "app.setup.check(): clean",
)


@pytest.mark.store
def test_benchmark_runs_on_a_tiny_store(tmp_path: Path) -> None:
    args = ["--members", "2000", "--ledger-rows", "500", "--redemptions", "20"]
    args += ["--lookups", "100", "--tmpdir", str(tmp_path)]
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=100,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for heading in HEADINGS:
        assert heading in done.stdout, f"missing {heading!r} in:\n{done.stdout}"
    assert "NOT CLEAN" not in done.stdout
    assert list(tmp_path.iterdir()) == [], "the benchmark left its temp dir behind"
