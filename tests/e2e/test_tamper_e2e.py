"""Tampering that only head office can see, through a real sync with a real head-office
process (docs/tamper-evidence.md): the store database *and* its anchor put back to an
older state, after the events since had been pushed. Locally that is a consistent store;
at the next sync head office holds events the store no longer has."""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from contextlib import closing
from pathlib import Path

import pytest

from desktop.services.app import StoreServices
from desktop.services.sync import ChainMismatch
from desktop.services.till import LineRequest, Receipt
from desktop.store.database import open_store
from desktop.store.seals import anchor_path, carry_over
from headoffice.engine import HeadOffice

from .conftest import HeadOfficeProcess, add_member, fast_client, new_store, staff

pytestmark = pytest.mark.headoffice

MEMBER = "M00000001"


def redeem(app: StoreServices) -> Receipt:
    r = app.till.redeem(staff(app, "C01"), str(uuid.uuid4()), MEMBER, (LineRequest("G101"),))
    assert isinstance(r, Receipt), r
    return r


def snapshot_store(app: StoreServices, path: Path, to: Path) -> None:
    """A consistent copy of the open store (SQLite's backup API) with its key and anchor:
    what restoring an old backup of the till's whole folder brings back."""
    with closing(sqlite3.connect(to)) as copy:
        app.db.conn.backup(copy)
    carry_over(path, to)


def restore(src: Path, path: Path, *, anchor: bool) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(src, path)
    if anchor:
        shutil.copyfile(anchor_path(src), anchor_path(path))


def test_a_store_rolled_back_with_its_anchor_is_caught_at_the_next_sync(
    office: HeadOffice, server: HeadOfficeProcess, tmp_path: Path
) -> None:
    # Given a store that synced its members, redeemed once and pushed it
    add_member(office, MEMBER, 5000)
    secret = office.admin.create_store("SH001", "Store SH001")
    office.admin.deliver("SH001", "G101", 20)
    path = tmp_path / "sh.db"
    app = new_store(path, "SH001", server.url, secret)
    app.sync.sync_once()
    redeem(app)
    app.sync.sync_once()
    old = tmp_path / "old.db"
    snapshot_store(app, path, old)
    # And two more redemptions, pushed too
    redeem(app)
    redeem(app)
    app.sync.sync_once()
    pushed = server.one("SELECT MAX(seq) FROM store_events WHERE store_id = 'SH001'")
    app.close()

    # When only the database file is put back: the anchor outside it tells, locally
    restore(old, path, anchor=False)
    app = StoreServices(open_store(path))
    problems = app.setup.check()
    assert any("missing: the anchor outside the database" in p for p in problems), problems
    app.close()

    # When the anchor is put back too: the store is consistent, nothing local can tell
    restore(old, path, anchor=True)
    app = StoreServices(open_store(path))
    app.sync.client_factory = fast_client
    try:
        assert app.setup.check() == []
        # Then the next sync is refused by head office, which flags the store
        redeem(app)  # a new event at a seq head office already holds with another hash
        assert app.db.scalar("SELECT MAX(seq) FROM outbox") <= pushed
        with pytest.raises(ChainMismatch, match="restored from an old backup"):
            app.sync.sync_once()
        assert server.one("SELECT flagged FROM stores WHERE store_id = 'SH001'") == 1
        # And nothing of the rolled-back store was applied over what head office had
        assert server.one("SELECT MAX(seq) FROM store_events WHERE store_id = 'SH001'") == pushed
    finally:
        app.close()
