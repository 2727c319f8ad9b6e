"""Head office's side of recovery (issue #10), in process: a store's own stored events
(`stored_events`, GET /v1/sync/events), and the `epoch` event that may jump over the
sequence numbers a lost database used, only when it continues the chain head office holds.
A store whose last events reached head office only as a pushed head recovers and is told
exactly which events could not be recovered."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from ho_helpers import StoreLog

from desktop.core.members import Member, MemberId, Tier
from desktop.services.app import StoreServices
from desktop.services.recovery import restore_file
from desktop.services.setup import init_store
from desktop.services.till import LineRequest, Receipt
from desktop.store.database import open_store
from desktop.store.staff import get_staff
from desktop.sync.protocol import (
    ChangesPage,
    PushAnswer,
    StoredEvents,
    parse_changes,
    parse_push,
    parse_stored_events,
)
from headoffice.admin import Opening
from headoffice.catalogue import load_catalogue
from headoffice.db import open_db
from headoffice.demo import CATALOGUE
from headoffice.engine import HeadOffice

pytestmark = pytest.mark.headoffice
MEMBER = "M00000001"


class InProcess:
    """The sync client's interface over the engine, without HTTP."""

    def __init__(self, ho: HeadOffice, store_id: str) -> None:
        self.ho, self.store_id = ho, store_id

    def push(self, body: dict[str, Any]) -> PushAnswer:
        return parse_push(self.ho.push(self.store_id, body))

    def changes(self, since: int, limit: int) -> ChangesPage:
        return parse_changes(self.ho.changes(self.store_id, since, limit))

    def stored_events(self, since: int, limit: int) -> StoredEvents:
        return parse_stored_events(self.ho.stored_events(self.store_id, since, limit))

    def close(self) -> None:
        pass


@pytest.fixture
def ho(tmp_path: Path) -> Any:
    db = open_db(str(tmp_path / "ho.db"))
    office = HeadOffice(db)
    gifts, _ = load_catalogue(CATALOGUE)
    for g in gifts:
        office.admin.upsert_gift(g)
    office.admin.upsert_member(Member(MemberId(MEMBER), "王芳", Tier.GOLD), (Opening(5000),))
    yield office
    db.close()


def store(path: Path, ho: HeadOffice, secret: str) -> StoreServices:
    if not path.exists():
        db = init_store(path, "SH001", "门店", "Store")
        app = StoreServices(db)
        app.setup.add_staff("C01", "收银员", "cashier", "1111")
        app.setup.add_staff("M01", "店长", "manager", "9999")
        with app.db._lock:
            app.day.open(get_staff(app.db.conn, "M01"))
    else:
        app = StoreServices(open_store(path))
    app.sync.client_factory = lambda url, store_id, s: InProcess(ho, store_id)
    app.sync.connect("http://ho.test", "SH001", secret)
    return app


def redeem(app: StoreServices, n: int) -> None:
    with app.db._lock:
        cashier = get_staff(app.db.conn, "C01")
    for _ in range(n):
        r = app.till.redeem(cashier, str(uuid.uuid4()), MEMBER, (LineRequest("G101"),))
        assert isinstance(r, Receipt), r


def test_stored_events_pages_and_chain_state(ho: HeadOffice) -> None:
    secret = ho.admin.create_store("SH001", "Shanghai")
    assert secret
    log = StoreLog("SH001")
    for _ in range(5):
        log.add("day_open", {"day": "2026-11-26", "manager_id": "M01"})
    ho.push("SH001", {"store_id": "SH001", "events": log.events[:3], "head": log.head})
    page = parse_stored_events(ho.stored_events("SH001", 1, 1))
    assert [e.seq for e in page.events] == [2] and page.more
    assert page.events[0].hash == log.events[1]["hash"]
    assert (page.acked_seq, page.head_seq, page.head_hash) == (3, 5, log.head["hash"])
    rest = parse_stored_events(ho.stored_events("SH001", 2, 100))
    assert [e.seq for e in rest.events] == [3] and not rest.more


def test_an_epoch_must_follow_head_offices_newest_event(ho: HeadOffice) -> None:
    ho.admin.create_store("SH001", "Shanghai")
    log = StoreLog("SH001")
    log.add("day_open", {"day": "2026-11-26", "manager_id": "M01"})
    ho.push("SH001", {"store_id": "SH001", "events": log.events, "head": log.head})
    # an epoch that says it follows seq 2 (head office holds only 1) is not taken
    bad = StoreLog("SH001", events=list(log.events))
    bad.events.append({**log.add("epoch", {"epoch": 2, "after_seq": 2}), "seq": 9})
    answer = ho.push("SH001", {"store_id": "SH001", "events": [bad.events[-1]], "head": None})
    assert answer["results"][0]["outcome"] == "out_of_order"
    assert answer["acked_seq"] == 1


def test_recover_names_the_events_head_office_heard_of_but_never_received(
    ho: HeadOffice, tmp_path: Path
) -> None:
    # Given a store that synced 3 redemptions and backed up
    secret = ho.admin.create_store("SH001", "Shanghai")
    ho.admin.deliver("SH001", "G101", 40)
    db = tmp_path / "sh.db"
    app = store(db, ho, secret)
    app.sync.sync_once()
    redeem(app, 3)
    app.sync.sync_once()
    backup = app.recovery.backup_now("manual", tmp_path / "bk")
    # And 2 more redemptions whose events never reached head office, only the store's head
    redeem(app, 2)
    head_seq, head_hash = app.db.one("SELECT seq, hash FROM outbox ORDER BY seq DESC LIMIT 1")
    ho.push(
        "SH001", {"store_id": "SH001", "events": [], "head": {"seq": head_seq, "hash": head_hash}}
    )
    acked = ho.stored_events("SH001", 0, 1000)["acked_seq"]
    app.close()
    # When the disk is lost and the backup restored and recovered
    restore_file(db, backup, force=True)
    app = store(db, ho, secret)
    report = app.recovery.recover()
    # Then the two events are named as lost, the new epoch starts beyond them
    assert report.lost == (acked + 1, head_seq)
    assert report.epoch_seq == head_seq + 1
    assert any(f"{acked + 1}..{head_seq}" in line for line in report.lines())
    # And head office accepted the epoch's jump; the chain checks out on both sides
    assert report.sync_error is None and app.sync.status().waiting == 0
    held = [e["seq"] for e in ho.stored_events("SH001", 0, 1000)["events"]]
    assert held[-1] == head_seq + 1 and head_seq not in held
    assert app.setup.check() == []
    # And the store goes on: its next redemption syncs after the epoch
    redeem(app, 1)
    app.sync.sync_once()
    assert app.sync.status().waiting == 0
    with ho.db.transaction(write=False) as tx:
        ho_balance = tx.scalar("SELECT balance FROM members WHERE member_id = ?", (MEMBER,))
    store_balance = app.db.scalar("SELECT balance FROM members WHERE member_id = ?", (MEMBER,))
    assert ho_balance == store_balance == 5000 - 4 * 100
    app.close()
