"""Recovery end to end (issue #10): a store goes back to an older backup of its database,
trades on it until head office refuses its chain, and `recover` brings it back whole — on
real SQLite files, a real `lantern headoffice serve` process and the real HTTP client."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from desktop.services.app import StoreServices
from desktop.services.sync import ChainMismatch
from desktop.services.till import LineRequest, Receipt
from desktop.store.database import open_store
from headoffice.engine import HeadOffice

from .conftest import HeadOfficeProcess, add_member, fast_client, new_store, staff
from .test_sync_e2e import lantern

pytestmark = pytest.mark.headoffice

MEMBER = "M00000001"
G101 = (LineRequest("G101"),)  # 100 points


def redeem(app: StoreServices, n: int) -> list[str]:
    out = []
    for _ in range(n):
        r = app.till.redeem(staff(app, "C01"), str(uuid.uuid4()), MEMBER, G101)
        assert isinstance(r, Receipt), r
        out.append(r.receipt_no)
    return out


def store_events(app: StoreServices) -> list[tuple[int, str, str]]:
    return [(r[0], r[1], r[2]) for r in app.db.query("SELECT seq, event_id, hash FROM outbox")]


def ho_events(server: HeadOfficeProcess) -> list[tuple[int, str, str]]:
    return [
        (r[0], r[1], r[2])
        for r in server.rows(
            "SELECT seq, event_id, hash FROM store_events WHERE store_id = 'SH001' ORDER BY seq"
        )
    ]


def balance(app: StoreServices) -> int:
    return int(app.db.scalar("SELECT balance FROM members WHERE member_id = ?", (MEMBER,)))


def test_restore_an_older_backup_then_recover_equals_head_office(
    office: HeadOffice, server: HeadOfficeProcess, tmp_path: Path
) -> None:
    # Given a store that redeemed 3 gifts and synced, and backed itself up
    add_member(office, MEMBER, 2000)
    secret = office.admin.create_store("SH001", "Shanghai")
    office.admin.deliver("SH001", "G101", 50)
    db = tmp_path / "sh.db"
    app = new_store(db, "SH001", server.url, secret)
    app.sync.sync_once()
    old_receipts = redeem(app, 3)
    app.sync.sync_once()
    backup = app.recovery.backup_now("manual")
    assert app.recovery.verify(backup).ok
    assert backup.stat().st_mode & 0o777 == 0o600
    # And it redeemed 2 more and asked for more stock, and synced them: head office has
    # them, the backup does not
    old_receipts += redeem(app, 2)
    asked = app.stock.request_replenishment(staff(app, "M01"), str(uuid.uuid4()), "G101", 30)
    app.sync.sync_once()
    assert app.sync.status().waiting == 0
    before_restore = store_events(app)
    app.close()

    # When the database goes back to the older backup (`lantern restore`), and the till
    # trades on it before anyone recovers it
    restored = lantern("restore", str(backup), "--no-recover", db=db)
    assert restored.returncode == 0, restored.stderr
    app = StoreServices(open_store(db))
    app.sync.client_factory = fast_client
    stale = redeem(app, 1)  # issued from the backup's counter: head office has that number
    assert stale[0] in old_receipts
    # Then head office refuses its chain and flags the store; the till goes offline
    with pytest.raises(ChainMismatch, match="lantern recover"):
        app.sync.sync_once()
    assert server.one("SELECT flagged FROM stores WHERE store_id = 'SH001'") == 1
    assert not app.ctx.link().online

    stale_seq = app.db.scalar("SELECT MAX(seq) FROM outbox")
    app.close()

    # When the store recovers (`lantern recover`, over HTTP)
    recovered = lantern("recover", db=db)
    # Then it took back the 3 events it lost, kept the stale redemption after a new epoch,
    # and synced: nothing head office heard of is missing
    assert recovered.returncode == 0, recovered.stderr
    epoch_seq = len(before_restore) + 1
    assert recovered.stdout.splitlines()[:3] == [
        f"recovered: 3 event(s) taken back from head office; epoch 2 starts at event {epoch_seq}",
        f"1 event(s) head office had not seen kept and renumbered: {stale_seq}→{epoch_seq + 1}",
        "nothing head office heard of is missing",
    ]
    app = StoreServices(open_store(db))
    app.sync.client_factory = fast_client
    assert app.sync.status().waiting == 0
    # And the store's events are head office's, byte for byte, the old ones unchanged
    assert store_events(app) == ho_events(server)
    assert store_events(app)[: len(before_restore)] == before_restore
    # And head office lifted its flag; balances and stock agree
    assert server.one("SELECT flagged FROM stores WHERE store_id = 'SH001'") == 0
    assert server.one("SELECT COUNT(*) FROM store_events WHERE outcome = 'rejected'") == 0
    ho_balance = server.one("SELECT balance FROM members WHERE member_id = ?", (MEMBER,))
    assert ho_balance == 2000 - 6 * 100 == balance(app)
    assert app.db.scalar("SELECT stock FROM gifts WHERE gift_id = 'G101'") == 50 - 6
    assert app.setup.check() == []
    # and the replenishment request is on record again, still pending
    g101 = next(g for g in app.stock.levels() if g.gift.gift_id == "G101")
    assert g101.request is not None and g101.request.request_id == asked.request_id
    assert g101.requested and g101.request.quantity == 30

    # When the store redeems in its new epoch and syncs
    fresh = redeem(app, 2)
    app.sync.sync_once()
    # Then its receipt numbers and sequences never collide with the old ones
    assert all("-E2-" in r for r in fresh)
    assert not set(fresh) & set(old_receipts + stale)
    seqs = [s for s, _, _ in store_events(app)]
    assert seqs == sorted(set(seqs))
    assert store_events(app) == ho_events(server)
    assert balance(app) == server.one("SELECT balance FROM members") == 2000 - 8 * 100
    assert server.one("SELECT flagged FROM stores WHERE store_id = 'SH001'") == 0
    assert app.sync.status().waiting == 0
    app.close()
