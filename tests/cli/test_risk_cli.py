"""Risk controls from the command line: linking a cashier to their own card, and
`lantern redeem --verified-by` for the second verification a rule asks for."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from desktop.store import settings
from desktop.store.database import open_store

pytestmark = pytest.mark.cli

ROOT = Path(__file__).resolve().parents[2]
MEMBER = "M00000001"


def lantern(
    *args: str, pin: str | None = None, manager_pin: str | None = None, db: Path
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    env["LANTERN_DB"] = str(db)
    if pin is not None:
        env["LANTERN_PIN"] = pin
    if manager_pin is not None:
        env["LANTERN_MANAGER_PIN"] = manager_pin
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=60,
    )  # fmt: skip


def set_rules(path: Path, rules: dict[str, Any]) -> None:
    db = open_store(path)
    try:
        with db.write() as conn:
            settings.put(conn, "risk_rules", rules)
    finally:
        db.close()


def redeem(
    path: Path, *extra: str, manager_pin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return lantern(
        "redeem", "--member", MEMBER, "--gift", "G101", "--cashier", "C01", *extra,
        pin="1111", manager_pin=manager_pin, db=path,
    )  # fmt: skip


def test_second_verification_by_a_manager(demo_path: Path) -> None:
    set_rules(demo_path, {"second_verification": {"points_over": 50}})
    refused = redeem(demo_path)
    assert refused.returncode == 3, refused.stderr
    assert "a second verification is needed (points_over/50)" in refused.stderr
    assert "phone code" in refused.stderr
    wrong = redeem(demo_path, "--verified-by", "M01", manager_pin="0000")
    assert wrong.returncode != 0 and "wrong PIN" in wrong.stderr
    cashier = redeem(demo_path, "--verified-by", "C02", manager_pin="2222")
    assert cashier.returncode != 0 and "not a manager" in cashier.stderr
    ok = redeem(demo_path, "--verified-by", "M01", "--no-print", manager_pin="9999")
    assert ok.returncode == 0, ok.stderr
    receipt = ok.stdout.strip()
    with closing(sqlite3.connect(demo_path)) as con:
        recorded = con.execute(
            "SELECT k.rule, k.verified_by FROM redemption_risks k JOIN redemptions r "
            "USING (redemption_id) WHERE r.receipt_no = ?",
            (receipt,),
        ).fetchall()
    assert recorded == [("points_over/50", "M01")]


def test_a_cashier_linked_to_the_card_is_refused(demo_path: Path) -> None:
    set_rules(demo_path, {"self_redemption": "refuse"})
    linked = lantern(
        "staff", "link-member", "C01", MEMBER, "--manager", "M01", manager_pin="9999", db=demo_path
    )
    assert linked.returncode == 0, linked.stderr
    assert "C01 is linked to member M00000001" in linked.stdout
    refused = redeem(demo_path, "--verified-by", "M01", manager_pin="9999")
    assert refused.returncode == 3
    assert "refused by the risk rule self_redemption" in refused.stderr
    with closing(sqlite3.connect(demo_path)) as con:
        assert con.execute("SELECT rules FROM risk_refusals").fetchall() == [
            ('["self_redemption"]',)
        ]
    unlinked = lantern(
        "staff", "link-member", "C01", "-", "--manager", "M01", manager_pin="9999", db=demo_path
    )
    assert unlinked.returncode == 0, unlinked.stderr
    assert redeem(demo_path, "--no-print").returncode == 0
