"""The outbox: one event per effect, sequence 1..n without gaps, a SHA-256 hash chain that
check() verifies, so an edited event is found."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import uuid
from contextlib import closing
from pathlib import Path

import pytest

from desktop.services.app import StoreServices
from desktop.services.till import LineRequest
from desktop.store import outbox
from desktop.store.database import open_store
from desktop.store.staff import Staff
from desktop.store.vault import copy_vault

from ._helpers import Clock, Link, open_day, rows

pytestmark = pytest.mark.store

GENESIS = "0" * 64


def independent_hash(prev: str, seq: int, event_id: str, kind: str, body: str, at: str) -> str:
    parts = [prev, str(seq), event_id, kind, body, at]
    return hashlib.sha256(b"".join(p.encode() + b"\x1f" for p in parts)).hexdigest()


@pytest.fixture
def busy(app: StoreServices, clock: Clock, cashier: Staff, manager: Staff, db_path: Path) -> Path:
    """A store with a day of every kind of event, then the next day opened."""
    r = app.till.redeem(cashier, "r1", "M00000044", (LineRequest("G501", 2),))
    app.till.redeem(cashier, "r2", "M00000001", (LineRequest("G101"),))
    app.till.redeem(cashier, "r2", "M00000001", (LineRequest("G101"),))  # a replay: no event
    app.till.earn(cashier, "e1", "M00000001", 23_456)
    app.till.void(cashier, manager, "v1", r.receipt_no, "wrong size")
    app.stock.receive(manager, "d1", "G105", 12, "delivery")
    app.stock.adjust(manager, "a1", "G101", delta=-1, reason="torn")
    app.day.close(manager)
    clock.advance(days=1)
    open_day(app)
    return db_path


def test_one_event_per_effect_with_contiguous_sequence(app: StoreServices, busy: Path) -> None:
    events = rows(busy, "SELECT * FROM outbox ORDER BY seq")
    assert [e["kind"] for e in events] == [
        "day_open",
        "redemption",
        "redemption",
        "earn",
        "void",
        "stock_receive",
        "stock_adjust",
        "day_close",
        "day_open",
    ]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert len({e["event_id"] for e in events}) == len(events)
    for e in events:
        assert uuid.UUID(e["event_id"]).version == 4
        payload = json.loads(e["payload"])
        assert e["payload"] == json.dumps(
            payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
    assert app.setup.check() == []


def test_the_hash_chain_verifies_independently(busy: Path) -> None:
    prev = GENESIS
    for e in rows(busy, "SELECT * FROM outbox ORDER BY seq"):
        assert e["prev_hash"] == prev
        digest = independent_hash(
            e["prev_hash"], e["seq"], e["event_id"], e["kind"], e["payload"], e["created_at"]
        )
        assert e["hash"] == digest
        prev = digest


def test_events_api_reads_back_in_order(app: StoreServices, busy: Path) -> None:
    with app.db.read() as conn:
        all_events = outbox.events(conn)
        tail = outbox.events(conn, after_seq=3, limit=2)
    assert [e.seq for e in all_events] == list(range(1, 10))
    assert [e.seq for e in tail] == [4, 5]
    assert tail[0].payload["earn_id"]


def tampered_copy(app: StoreServices, src: Path, tmp_path: Path, *statements: str) -> StoreServices:
    """Close the store, copy the file, edit the copy with raw SQL (triggers dropped)."""
    app.close()
    copy = tmp_path / "tampered.db"
    shutil.copyfile(src, copy)
    copy_vault(src, copy)
    with closing(sqlite3.connect(copy)) as conn:
        conn.execute("DROP TRIGGER outbox_append_only_u")
        conn.execute("DROP TRIGGER outbox_append_only_d")
        for sql in statements:
            conn.execute(sql)
        conn.commit()
    return StoreServices(open_store(copy), Clock(), Link())


def test_an_edited_payload_is_detected(app: StoreServices, busy: Path, tmp_path: Path) -> None:
    payload = json.loads(rows(busy, "SELECT payload FROM outbox WHERE seq = 4")[0][0])
    assert payload["points"] > 0  # event 4 is the earn
    payload["points"] = payload["points"] * 10
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    copy = tampered_copy(app, busy, tmp_path, f"UPDATE outbox SET payload = '{body}' WHERE seq = 4")
    try:
        problems = copy.setup.check()
        assert problems == ["outbox: event 4 was altered (hash mismatch)"]
    finally:
        copy.close()
    # the original is untouched and still sound
    original = StoreServices(open_store(busy), Clock(), Link())
    try:
        assert original.setup.check() == []
    finally:
        original.close()


def test_an_edited_event_with_a_recomputed_hash_breaks_the_next_link(
    app: StoreServices, busy: Path, tmp_path: Path
) -> None:
    e = rows(busy, "SELECT * FROM outbox WHERE seq = 2")[0]
    body = e["payload"].replace('"G501"', '"G502"')
    assert body != e["payload"]
    digest = independent_hash(e["prev_hash"], 2, e["event_id"], e["kind"], body, e["created_at"])
    copy = tampered_copy(
        app,
        busy,
        tmp_path,
        f"UPDATE outbox SET payload = '{body}', hash = '{digest}' WHERE seq = 2",
    )
    try:
        assert copy.setup.check() == ["outbox: event 3 does not chain to the event before"]
    finally:
        copy.close()


def test_a_deleted_event_is_detected(app: StoreServices, busy: Path, tmp_path: Path) -> None:
    copy = tampered_copy(app, busy, tmp_path, "DELETE FROM outbox WHERE seq = 5")
    try:
        problems = copy.setup.check()
        assert "outbox: sequence jumps from 4 to 6" in problems
        assert "outbox: event 6 does not chain to the event before" in problems
    finally:
        copy.close()


def test_a_changed_timestamp_or_kind_is_detected(
    app: StoreServices, busy: Path, tmp_path: Path
) -> None:
    copy = tampered_copy(
        app,
        busy,
        tmp_path,
        "UPDATE outbox SET created_at = '2026-06-14T10:00:00+08:00' WHERE seq = 6",
        "UPDATE outbox SET kind = 'earn' WHERE seq = 8",
    )
    try:
        assert copy.setup.check() == [
            "outbox: event 6 was altered (hash mismatch)",
            "outbox: event 8 was altered (hash mismatch)",
        ]
    finally:
        copy.close()


def test_new_events_chain_on_after_reopening(
    app: StoreServices, busy: Path, clock: Clock, cashier: Staff
) -> None:
    head = rows(busy, "SELECT seq, hash FROM outbox ORDER BY seq DESC LIMIT 1")[0]
    app.close()
    again = StoreServices(open_store(busy), clock, Link())
    try:
        again.till.earn(cashier, "e-after", "M00000002", 10_000)
        new = rows(busy, "SELECT * FROM outbox WHERE seq > ?", (head["seq"],))
        assert [(e["seq"], e["prev_hash"]) for e in new] == [(head["seq"] + 1, head["hash"])]
        assert again.setup.check() == []
    finally:
        again.close()
