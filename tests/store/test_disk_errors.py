"""A full, read-only or forbidden disk is named as such, with what to do, and changes
nothing; it is never called a damaged database to restore from a backup."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest

from desktop.core.errors import StorageProblem, StorageUnavailable
from desktop.services.app import StoreServices
from desktop.services.till import LineRequest, Receipt
from desktop.store.database import StoreDB
from desktop.store.disk import storage_error
from desktop.store.staff import Staff
from tests.reliability import record

from ._helpers import Clock, Link, snapshot

pytestmark = pytest.mark.store

MEMBER, GIFT = "M00000001", "G101"


def redeem(app: StoreServices, cashier: Staff, rid: str) -> Receipt:
    result = app.till.redeem(cashier, rid, MEMBER, (LineRequest(GIFT),))
    assert isinstance(result, Receipt), result
    return result


def assert_worded(e: StorageUnavailable, problem: StorageProblem, *words: str) -> None:
    text = str(e)
    assert e.problem is problem
    for word in (*words, "nothing was changed", "do not restore"):
        assert word in text, text
    assert "not a Lantern store database" not in text


@pytest.mark.reliability
def test_a_full_disk_refuses_redemptions_clearly_and_changes_nothing(
    app: StoreServices, cashier: Staff, db_path: Path
) -> None:
    # Given a disk with no room for one more page (SQLite's max_page_count)
    redeem(app, cashier, "before")
    pages = app.db.scalar("PRAGMA page_count")
    app.db.conn.execute(f"PRAGMA max_page_count={pages}")
    before = snapshot(db_path)
    # When two redemptions are tried
    refused = 0
    for rid in ("full-1", "full-2"):
        with pytest.raises(StorageUnavailable) as caught:
            for n in range(40):  # until a page is needed
                redeem(app, cashier, f"{rid}-{n}")
                before = snapshot(db_path)
        refused += 1
        # Then each says the disk is full and what to do, and nothing of it was recorded
        assert_worded(caught.value, StorageProblem.DISK_FULL, "is full", "Free some space")
        assert snapshot(db_path) == before
    # and once there is room again the till goes on
    app.db.conn.execute(f"PRAGMA max_page_count={pages * 4}")
    redeem(app, cashier, "after")
    record("Disk errors", "full disk (max_page_count): redeem", tried=2, refused_clearly=refused)


def test_a_read_only_database_refuses_clearly_and_changes_nothing(db_path: Path) -> None:
    # Given the store opened where it cannot be written (a read-only open)
    conn = sqlite3.connect(
        f"file:{db_path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
    )
    conn.row_factory = sqlite3.Row
    app = StoreServices(StoreDB(conn, db_path), Clock(), Link())
    before = snapshot(db_path)
    try:
        # When a cashier logs in and redeems, or a wrong PIN is counted
        cashier = app.login("C01", "1111")
        for attempt in (lambda: redeem(app, cashier, "ro"), lambda: app.login("C01", "0000")):
            with pytest.raises(StorageUnavailable) as caught:
                attempt()
            # Then it says the disk is read-only and what to do
            assert_worded(caught.value, StorageProblem.READ_ONLY, "read-only", "writable again")
        assert app.stock.catalogue()  # reading still works
    finally:
        app.close()
    assert snapshot(db_path) == before


@pytest.mark.parametrize(
    ("error", "problem", "words"),
    [
        (PermissionError(errno.EACCES, "Permission denied"), StorageProblem.PERMISSION_DENIED,
         ("permission denied", "write access")),
        (OSError(errno.ENOSPC, "No space left on device"), StorageProblem.DISK_FULL,
         ("is full",)),
        (OSError(errno.EROFS, "Read-only file system"), StorageProblem.READ_ONLY,
         ("read-only",)),
    ],
)  # fmt: skip
def test_disk_errors_from_the_system_are_named(
    db_path: Path, error: OSError, problem: StorageProblem, words: tuple[str, ...]
) -> None:
    found = storage_error(db_path, error)
    assert found is not None
    assert_worded(found, problem, *words)


def test_other_errors_are_not_called_disk_errors(db_path: Path) -> None:
    conn = sqlite3.connect(":memory:")
    with pytest.raises(sqlite3.OperationalError) as caught:
        conn.execute("SELECT * FROM no_such_table")
    assert storage_error(db_path, caught.value) is None
    assert storage_error(db_path, ValueError("x")) is None


def test_a_file_that_is_not_a_database_is_still_called_so(tmp_path: Path) -> None:
    from desktop.store.database import StoreFileError, open_store

    path = tmp_path / "notes.db"
    path.write_bytes(b"these are not the pages of an SQLite database" * 100)
    with pytest.raises(StoreFileError, match="not a Lantern store database"):
        open_store(path)
