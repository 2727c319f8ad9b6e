"""The backup drill (issue #10): 20 online backups taken while a writer redeems at more
than 20 redemptions a second and a sync loop pushes, all of them verify; the store goes
back to one of them, recovers from a real head-office process, and ends equal to head
office's view with no acknowledged event lost."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

import pytest

from desktop.services.app import StoreServices
from desktop.services.recovery import restore_file
from desktop.services.till import LineRequest, Receipt
from desktop.store.database import open_store
from headoffice.engine import HeadOffice
from tests.reliability import record

from .conftest import HeadOfficeProcess, add_member, fast_client, new_store, staff

pytestmark = [pytest.mark.headoffice, pytest.mark.reliability]

MEMBER = "M00000001"
BACKUPS = 20
RATE_CAP = 60.0  # redemptions per second the writer aims at (a busy till: far fewer)


def test_backup_drill_under_load(
    office: HeadOffice, server: HeadOfficeProcess, tmp_path: Path
) -> None:
    # Given a store with a rich member and plenty of stock, synced once
    add_member(office, MEMBER, 10_000_000)
    secret = office.admin.create_store("SH001", "Shanghai")
    office.admin.deliver("SH001", "G101", 5000)
    db = tmp_path / "sh.db"
    app = new_store(db, "SH001", server.url, secret)
    app.sync.sync_once()
    cashier = staff(app, "C01")
    stop = threading.Event()
    redeemed: list[str] = []
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            while not stop.is_set():
                t = time.monotonic()
                r = app.till.redeem(cashier, str(uuid.uuid4()), MEMBER, (LineRequest("G101"),))
                assert isinstance(r, Receipt), r
                redeemed.append(r.receipt_no)
                time.sleep(max(0.0, 1 / RATE_CAP - (time.monotonic() - t)))
        except BaseException as e:  # reported by the test
            errors.append(e)

    def syncer() -> None:
        try:
            while not stop.wait(0.25):
                app.sync.sync_once()
        except BaseException as e:  # reported by the test
            errors.append(e)

    threads = [threading.Thread(target=writer), threading.Thread(target=syncer)]
    # When 20 backups are taken while the writer redeems and the sync loop pushes
    started = time.monotonic()
    for t in threads:
        t.start()
    taken = []
    try:
        for _ in range(BACKUPS):
            time.sleep(0.15)
            taken.append(app.recovery.backup_now("drill", tmp_path / "backups"))
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    elapsed = time.monotonic() - started
    assert not errors, errors
    rate = len(redeemed) / elapsed
    assert rate >= 20, f"{rate:.1f} redemptions/s"
    # Then every backup verifies, each holding more events than the one before or as many
    checked = [app.recovery.verify(p) for p in taken]
    assert [v.problems for v in checked] == [()] * BACKUPS
    heads = [v.head_seq for v in checked]
    assert heads == sorted(heads) and heads[0] < heads[-1]
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in taken)
    app.sync.sync_once()
    acknowledged = {r[0] for r in server.rows("SELECT event_id FROM store_events")}
    app.close()

    # When the store goes back to a backup from the middle of the drill and recovers
    middle = taken[BACKUPS // 2]
    restore_file(db, middle)
    app = StoreServices(open_store(db))
    app.sync.client_factory = fast_client
    report = app.recovery.recover()
    assert report.sync_error is None, report
    # Then no acknowledged event is lost, the store's view is head office's
    held = {r[0] for r in app.db.query("SELECT event_id FROM outbox")}
    lost = acknowledged - held
    assert not lost
    assert app.sync.status().waiting == 0
    ho_balance = server.one("SELECT balance FROM members WHERE member_id = ?", (MEMBER,))
    store_balance = app.db.scalar("SELECT balance FROM members WHERE member_id = ?", (MEMBER,))
    assert ho_balance == store_balance == 10_000_000 - 100 * len(redeemed)
    assert app.db.scalar("SELECT stock FROM gifts WHERE gift_id = 'G101'") == 5000 - len(redeemed)
    assert app.db.scalar("SELECT COUNT(*) FROM redemptions") == len(redeemed)
    assert app.setup.check() == []
    assert server.one("SELECT flagged FROM stores") == 0
    app.close()
    record(
        "Backup drill",
        "20 online backups under load, restore the middle one, recover",
        backups=BACKUPS,
        verified=sum(v.ok for v in checked),
        redemptions=len(redeemed),
        redemptions_per_s=f"{rate:.0f}",
        acknowledged=len(acknowledged),
        taken_back=report.adopted,
        acknowledged_lost=len(lost),
    )
