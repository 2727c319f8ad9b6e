"""`lantern voucher key-in` and `lantern voucher list` on a real demo store: a voucher keyed
in prints its receipt, the same number again is refused, an overdraft needs
--accept-overdraft, and the list shows what was keyed in."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from desktop.core.vouchers import make_voucher_no
from desktop.services.app import StoreServices

ROOT = Path(__file__).resolve().parents[2]
PIN = {"LANTERN_MANAGER_PIN": "9999"}


def lantern(db: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        capture_output=True,
        text=True,
        input=stdin,
        env=base | {"LANTERN_DB": str(db), "LANTERN_LANG": "en"} | env,
        cwd=ROOT,
        timeout=60,
    )


def key_in(
    db: Path, voucher: str, member: str, gift: str, *extra: str, **env: str
) -> subprocess.CompletedProcess[str]:
    written = (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(minutes=30)).strftime(
        "%Y-%m-%d %H:%M"
    )
    return lantern(
        db, "voucher", "key-in", "--voucher", voucher, "--member", member, "--gift", gift,
        "--written-at", written, "--written-by", "C01", "--manager", "M01", *extra, **env,
    )  # fmt: skip


def test_key_in_list_duplicate_and_overdraft_from_the_command_line(demo_path: Path) -> None:
    app = StoreServices.open(demo_path)
    poor = app.db.scalar(
        "SELECT member_id FROM members WHERE status = 'active' AND balance BETWEEN 1 AND 499 "
        "ORDER BY member_id LIMIT 1"
    )
    app.close()
    pv1, pv2 = make_voucher_no(1), make_voucher_no(2)
    # a voucher keyed in: the receipt number on stdout; the PIN read from stdin works too
    r = lantern(demo_path, "voucher", "key-in", "--voucher", pv1, "--member", "M00000001",
                "--gift", "G101:2", "--written-at", (datetime.now(ZoneInfo("Asia/Shanghai"))
                - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"), "--written-by", "C01",
                "--manager", "M01", stdin="9999\n")  # fmt: skip
    assert r.returncode == 0, r.stderr
    receipt = r.stdout.strip()
    assert "-00001" in receipt and f"voucher {pv1} keyed in" in r.stderr
    # the same number again: refused, saying which receipt it already is
    r = key_in(demo_path, pv1, "M00000001", "G101", **PIN)
    assert r.returncode == 1 and f"receipt {receipt}" in r.stderr and r.stdout == ""
    # a mistyped number: refused before anything is looked up
    r = key_in(demo_path, "PV0000019", "M00000001", "G101", **PIN)
    assert r.returncode == 1 and "wrong check digit" in r.stderr
    # a member whose points no longer cover it: refused until confirmed
    r = key_in(demo_path, pv2, poor, "G501", **PIN)
    assert r.returncode == 3 and "--accept-overdraft" in r.stderr and r.stdout == ""
    r = key_in(demo_path, pv2, poor, "G501", "--accept-overdraft", **PIN)
    assert r.returncode == 0, r.stderr
    assert "recorded as the member's debt" in r.stderr
    # the list shows both, the second flagged
    r = lantern(demo_path, "voucher", "list")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == [pv1, pv2]
    assert "overdraft" not in lines[0] and "\toverdraft " in lines[1]
    assert lines[0].split("\t")[1] == receipt and "李经理 (M01)" in lines[0]
