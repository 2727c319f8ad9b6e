"""`lantern backup`, `verify`, `restore`, `recover` as real subprocesses on a demo store."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.cli.test_cli import balance, lantern, snapshot

pytestmark = pytest.mark.cli


def test_backup_verify_restore_on_the_command_line(demo_path: Path, tmp_path: Path) -> None:
    # Given a backup of the demo store
    r = lantern("backup", "--set-folder", str(tmp_path / "bk"), "--keep", "5", db=demo_path)
    assert r.returncode == 0, r.stderr
    assert f"backups go to {tmp_path / 'bk'}, the newest 5 kept" in r.stdout
    backup = Path(r.stdout.splitlines()[-1])
    assert backup.parent == tmp_path / "bk" and backup.stat().st_mode & 0o777 == 0o600
    junk = tmp_path / "junk.db"
    sqlite3.connect(junk).execute("CREATE TABLE t (x)").connection.close()
    v = lantern("verify", str(backup), str(junk), db=demo_path)
    # Then the backup verifies and a file that is not a backup does not (exit 1)
    assert v.returncode == 1 and f"{backup}\tok\t" in v.stdout, v.stderr
    assert f"{junk}\tFAILED" in v.stdout and "not a Lantern store database" in v.stderr
    # And a redemption after it, not synced (the demo store has no head office here)
    before = balance(demo_path, "M00000001")
    redeemed = lantern(
        "redeem",
        "--member",
        "M00000001",
        "--gift",
        "G101",
        "--cashier",
        "C01",
        "--no-print",
        "--override-manager",
        "M01",
        pin="1111",
        manager_pin="9999",
        db=demo_path,
    )
    assert redeemed.returncode == 0, redeemed.stderr
    receipt = redeemed.stdout.split()[0]
    # When it is restored over unsynced events, it refuses (exit 3) and changes nothing
    state = snapshot(demo_path)
    refused = lantern("restore", str(backup), db=demo_path)
    assert refused.returncode == 3
    assert "--force" in refused.stderr and receipt in refused.stderr
    assert snapshot(demo_path) == state
    # When forced, it restores, naming what was lost, and keeps the database as it was
    forced = lantern("restore", str(backup), "--force", "--no-recover", db=demo_path)
    assert forced.returncode == 0, forced.stderr
    assert receipt in forced.stderr and "lantern recover" in forced.stdout
    assert balance(demo_path, "M00000001") == before
    # And recover without a head office says how to connect one
    rec = lantern("recover", db=demo_path)
    assert rec.returncode == 1 and "store connect" in rec.stderr
