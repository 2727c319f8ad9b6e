"""Backups of the store database on real files: written online (0600), verified, rotated;
restore refuses to overwrite unsynced events unless forced and then names each of them;
the automatic backup of the sync loop; the day-close and start-up checks; a store whose
chain head office refuses trades within the caps or not at all (issue #10)."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from desktop.core.offline import OfflineCheck
from desktop.core.redemption import Refusal, RefusalReason
from desktop.services.app import StoreServices
from desktop.services.context import REFUSED
from desktop.services.recovery import BACKUP_EVERY, RecoveryRefused, restore_file
from desktop.services.sync import ChainMismatch
from desktop.services.till import LineRequest, Receipt
from desktop.store import backups, settings
from desktop.store.database import open_store
from desktop.store.staff import Staff

from ._helpers import Clock, staff
from ._sync import ScriptedHeadOffice

pytestmark = pytest.mark.store

POOR = "M00000002"
BAG_100 = (LineRequest("G101"),)


def redeem(app: StoreServices, cashier: Staff) -> Receipt:
    r = app.till.redeem(cashier, str(uuid.uuid4()), POOR, BAG_100)
    assert isinstance(r, Receipt), r
    return r


def test_backup_is_online_private_verified_and_rotated(
    app: StoreServices, cashier: Staff, tmp_path: Path
) -> None:
    # Given a store that keeps 3 backups
    with app.db.write() as conn:
        settings.put(conn, "backups_kept", 3)
        settings.put(conn, "backup_folder", str(tmp_path / "bk"))
    # When it backs up 5 times, redeeming between
    taken = []
    for _ in range(5):
        redeem(app, cashier)
        taken.append(app.recovery.backup_now())
    # Then the newest 3 are kept, each readable by its owner only, each verifying with the
    # events the store had at that moment
    kept = sorted((tmp_path / "bk").glob("*.db"))
    assert kept == sorted(taken[-3:])
    heads = []
    for p in kept:
        assert p.stat().st_mode & 0o777 == 0o600
        v = app.recovery.verify(p)
        assert v.ok, v.problems
        heads.append(v.head_seq)
    assert heads == sorted(heads) and len(set(heads)) == 3
    assert not list((tmp_path / "bk").glob("*.partial"))


def test_verify_finds_a_damaged_or_edited_backup(app: StoreServices, tmp_path: Path) -> None:
    good = app.recovery.backup_now("manual", tmp_path)
    # an edited cached balance: the ledgers no longer agree
    edited = tmp_path / "edited.db"
    edited.write_bytes(good.read_bytes())
    with sqlite3.connect(edited) as c:
        c.execute("UPDATE members SET balance = balance + 500 WHERE member_id = ?", (POOR,))
    problems = backups.verify(edited).problems
    assert any(POOR in p for p in problems), problems
    # a torn file
    torn = tmp_path / "torn.db"
    data = good.read_bytes()
    torn.write_bytes(data[: len(data) // 2])
    assert not backups.verify(torn).ok
    # not a Lantern database at all
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    assert backups.verify(other).problems == (f"{other} is not a Lantern store database",)


def test_restore_refuses_unsynced_events_unless_forced_and_names_them(
    db_path: Path, clock: Clock, tmp_path: Path
) -> None:
    # Given a backup, then a redemption head office never acknowledged
    app = StoreServices(open_store(db_path), clock)
    backup = app.recovery.backup_now("manual", tmp_path / "bk")
    receipt = redeem(app, staff(app, "C01"))
    waiting = app.recovery.unsynced()
    app.close()
    assert any(receipt.receipt_no in line for line in waiting)
    before = db_path.read_bytes()
    # When the backup is restored over it, it refuses and changes nothing
    with pytest.raises(RecoveryRefused, match=f"{len(waiting)} event"):
        restore_file(db_path, backup)
    assert db_path.read_bytes() == before
    # When forced, it restores, names every lost event, and keeps the database as it was
    report = restore_file(db_path, backup, force=True)
    assert report.lost_unsynced == tuple(waiting)
    assert report.safety_copy is not None and backups.verify(report.safety_copy).ok
    app = StoreServices(open_store(db_path), clock)
    try:
        assert (
            app.db.scalar(
                "SELECT COUNT(*) FROM redemptions WHERE receipt_no = ?", (receipt.receipt_no,)
            )
            == 0
        )
        assert app.recovery.pending()
        assert app.setup.check() == []
    finally:
        app.close()


def test_automatic_backup_every_15_minutes_while_events_wait(
    app: StoreServices, clock: Clock, cashier: Staff, tmp_path: Path
) -> None:
    with app.db.write() as conn:
        settings.put(conn, "backup_folder", str(tmp_path))
    redeem(app, cashier)
    assert app.sync.waiting() > 0
    first = app.recovery.backup_if_due()
    assert first is not None
    clock.advance(minutes=14)
    assert app.recovery.backup_if_due() is None
    clock.advance(minutes=1)
    assert app.recovery.backup_if_due() is not None
    assert len(list(tmp_path.glob("*-auto.db"))) == 2


def test_day_close_checks_the_store_and_backs_it_up(
    app: StoreServices, manager: Staff, tmp_path: Path
) -> None:
    with app.db.write() as conn:
        settings.put(conn, "backup_folder", str(tmp_path))
    app.day.close(manager)
    check = app.recovery.close_day()
    assert check.problems == () and check.backup is not None
    assert backups.verify(check.backup).ok
    assert app.recovery.quick_check() == []
    # an edited cached figure is what the day-close check finds (quick_check cannot)
    with app.db.write() as conn:
        conn.execute("UPDATE members SET balance = balance + 1 WHERE member_id = ?", (POOR,))
    assert any(POOR in p for p in app.recovery.close_day().problems)


def test_a_refused_store_trades_within_caps_or_stops_by_a_managers_choice(
    db_path: Path, clock: Clock
) -> None:
    # Given a store connected to a head office that refuses its chain
    ho = ScriptedHeadOffice(chain_ok=False)
    app = StoreServices(open_store(db_path), clock)
    app.sync.client_factory = lambda url, store_id, secret: ho
    app.sync.connect("http://ho.test", "SH001", "s3cret")
    cashier, manager = staff(app, "C01"), staff(app, "M01")
    try:
        with pytest.raises(ChainMismatch, match="lantern recover"):
            app.sync.sync_once()
        # Then the till knows it: offline, refused, with the reason
        link = app.ctx.link()
        assert not link.online and link.refused is not None
        assert app.sync.status().refused == link.refused
        # And redemptions go on within the offline caps
        assert redeem(app, cashier).offline
        # When a manager stops redemptions while refused
        app.recovery.set_refused_policy(manager, "stop")
        r = app.till.redeem(cashier, str(uuid.uuid4()), POOR, BAG_100)
        # Then each needs a manager's override, which the redemption records
        assert isinstance(r, Refusal)
        assert r.reason is RefusalReason.OFFLINE_LIMIT_EXCEEDED
        assert r.offline_check is OfflineCheck.SYNC_REFUSED
        ok = app.till.redeem(cashier, str(uuid.uuid4()), POOR, BAG_100, override_by=manager)
        assert isinstance(ok, Receipt)
        # When head office accepts the store again, the refusal is gone
        ho.chain_ok = True
        clock.advance(seconds=1)
        app.sync.sync_once()
        assert app.ctx.setting(REFUSED) is None and app.ctx.link().refused is None
        assert app.ctx.link().online
    finally:
        app.close()


def test_backups_keep_no_wal_beside_them(app: StoreServices, tmp_path: Path) -> None:
    p = app.recovery.backup_now("manual", tmp_path / "bk")
    assert sorted(x.name for x in (tmp_path / "bk").iterdir()) == [p.name]
    assert app.recovery.newest_backup() is None  # another folder than the store's own
    assert timedelta(minutes=15) == BACKUP_EVERY


def test_the_sync_loop_backs_up_while_head_office_is_down_and_recovers_a_restored_store(
    db_path: Path, clock: Clock, tmp_path: Path
) -> None:
    import time

    from desktop.services.sync_loop import SyncLoop

    # Given a store whose head office is down, with events waiting
    ho = ScriptedHeadOffice(down=True)
    app = StoreServices(open_store(db_path), clock)
    app.sync.client_factory = lambda url, store_id, secret: ho
    app.sync.connect("http://ho.test", "SH001", "s3cret")
    with app.db.write() as conn:
        settings.put(conn, "backup_folder", str(tmp_path / "bk"))
    redeem(app, staff(app, "C01"))
    loop = SyncLoop(app.sync, 0.05, max_backoff=0.05, recovery=app.recovery)
    try:
        # When the loop runs a round, on its own thread
        loop.start()
        deadline = time.monotonic() + 20
        while loop.rounds < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        # Then it took a backup (events wait), which verifies, and only one within 15 min
        while not list((tmp_path / "bk").glob("*-auto.db")) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert loop.stop()
        (taken,) = list((tmp_path / "bk").glob("*-auto.db"))
        assert backups.verify(taken).ok
        # When the store was restored and must recover, the loop recovers instead of syncing
        with app.db.write() as conn:
            settings.put(conn, "recovery_pending", True)
        asked: list[int] = []
        ho.down = False
        ho.stored_events = lambda since, limit: (  # type: ignore[attr-defined]
            asked.append(since) or _nothing_stored()
        )
        loop = SyncLoop(app.sync, 0.05, max_backoff=0.05, recovery=app.recovery)
        loop.start()
        while app.recovery.pending() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert loop.stop()
        assert asked and not app.recovery.pending()
        assert app.ctx.setting("epoch") == 2
    finally:
        loop.stop()
        app.close()


def _nothing_stored() -> object:
    from desktop.sync.protocol import parse_stored_events

    return parse_stored_events(
        {
            "events": [],
            "more": False,
            "acked_seq": 0,
            "head": {"seq": 0, "hash": None},
            "flagged": False,
        }
    )
