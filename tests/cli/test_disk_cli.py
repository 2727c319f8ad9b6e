"""`lantern` on a full or read-only disk: a clear message on stderr, a non-zero exit, no
traceback, nothing changed — and never the advice to restore a healthy file from a backup.

The disk is a small tmpfs mounted for the test (root with mount rights, as in CI's
container); elsewhere these tests are skipped and tests/store/test_disk_errors.py covers
the same through SQLite alone."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from desktop.store.vault import copy_vault
from tests.reliability import record

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.reliability

REDEEM = ("redeem", "--member", "M00000003", "--gift", "G101", "--cashier", "C01", "--no-print")


def snapshot(path: Path) -> dict[str, object]:
    """Every row of every table, as committed."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in names}


def run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    # the demo's PINs were hashed cheaply by the test process: no rehash at log-in here
    env |= {"LANTERN_DB": str(db), "LANTERN_PIN": "1111", "LANTERN_PIN_COST": "test"}
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )


def mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs of the test's own."""
    point = tmp_path / "disk"
    point.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount") or not mount("-t", "tmpfs", "-o",
                                                                    "size=2m", "tmpfs", str(point)):  # fmt: skip
        pytest.skip("needs root and a mountable tmpfs")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def store_on(disk: Path, demo_path: Path) -> Path:
    db = disk / "store.db"
    shutil.copyfile(demo_path, db)
    copy_vault(demo_path, db)
    return db


def fill(disk: Path, leave_kib: int) -> Path:
    filler = disk / "filler"
    free = shutil.disk_usage(disk).free // 1024
    with open(filler, "wb") as f:
        f.write(b"\0" * max(free - leave_kib, 0) * 1024)
    return filler


def assert_clear(r: subprocess.CompletedProcess[str], *words: str) -> None:
    assert r.returncode != 0
    assert "Traceback" not in r.stderr and "sqlite3." not in r.stderr, r.stderr
    assert "restore the store database from its backup" not in r.stderr
    assert r.stderr.startswith("lantern: error: "), r.stderr
    for word in (*words, "nothing was changed"):
        assert word in r.stderr, r.stderr


def test_a_nearly_full_disk_refuses_two_redemptions_clearly(disk: Path, demo_path: Path) -> None:
    # Given the store on a disk with a few KiB left
    db = store_on(disk, demo_path)
    before = snapshot(db)
    filler = fill(disk, leave_kib=48)
    # When the cashier tries to redeem, twice
    results = [run(db, *REDEEM) for _ in range(2)]
    # Then each says the disk is full and what to do, without a traceback
    for r in results:
        assert_clear(r, "is full", "Free some space")
    # and once room is made, nothing had changed and the redemption goes through
    filler.unlink()
    after = snapshot(db)
    assert {t: v for t, v in after.items() if v != before[t]} == {}
    ok = run(db, *REDEEM)
    assert ok.returncode == 0, ok.stderr
    record("Disk errors", "full disk (tmpfs): lantern redeem", tried=2, refused_clearly=2)


def test_a_read_only_disk_is_named_and_nothing_changes(disk: Path, demo_path: Path) -> None:
    # Given the store on a disk mounted read-only
    db = store_on(disk, demo_path)
    before = snapshot(db)
    for name in (f"{db.name}-shm", f"{db.name}-wal"):  # as a closed store leaves it
        (disk / name).unlink(missing_ok=True)
    assert mount("-o", "remount,ro", str(disk))
    # When commands that write or read run
    results = [run(db, *REDEEM), run(db, "gift", "list"), run(db, "sync", "status")]
    # Then each says the disk is read-only and what to do
    for r in results:
        assert_clear(r, "read-only", "writable again")
    assert mount("-o", "remount,rw", str(disk))
    assert snapshot(db) == before
    record("Disk errors", "read-only disk (tmpfs): redeem, gift list, sync status", tried=3,
           refused_clearly=3)  # fmt: skip
