"""The ledgers and the outbox refuse UPDATE and DELETE (triggers in the schema)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop.services.app import StoreServices
from desktop.services.till import LineRequest
from desktop.store.staff import Staff

from ._helpers import snapshot

pytestmark = pytest.mark.store

STATEMENTS = {
    "points_ledger": [
        "UPDATE points_ledger SET delta = delta + 1000",
        "UPDATE points_ledger SET kind = 'earn' WHERE entry_id = (SELECT MAX(entry_id) FROM points_ledger)",
        "DELETE FROM points_ledger WHERE entry_id = (SELECT MAX(entry_id) FROM points_ledger)",
        "DELETE FROM points_ledger",
        # REPLACE deletes the old row first: with recursive triggers on, that is refused too
        "INSERT OR REPLACE INTO points_ledger (entry_id, member_id, lot_id, delta, kind, ref, at) "
        "SELECT entry_id, member_id, lot_id, delta + 1, kind, ref, at FROM points_ledger LIMIT 1",
    ],
    "stock_ledger": [
        "UPDATE stock_ledger SET delta = 999",
        "DELETE FROM stock_ledger WHERE gift_id = 'G101'",
        "INSERT OR REPLACE INTO stock_ledger (entry_id, gift_id, delta, kind, ref, at) "
        "SELECT entry_id, gift_id, delta + 1, kind, ref, at FROM stock_ledger LIMIT 1",
    ],
    "outbox": [
        "UPDATE outbox SET payload = '{}'",
        "UPDATE outbox SET hash = 'x' WHERE seq = 1",
        "DELETE FROM outbox WHERE seq = (SELECT MAX(seq) FROM outbox)",
        "INSERT OR REPLACE INTO outbox (seq, event_id, kind, payload, created_at, prev_hash, hash) "
        "SELECT seq, 'forged', kind, '{}', created_at, prev_hash, hash FROM outbox LIMIT 1",
    ],
}


@pytest.fixture
def busy_store(app: StoreServices, cashier: Staff, db_path: Path) -> Path:
    """Some activity first, so every ledger has rows of several kinds."""
    app.till.redeem(cashier, "r1", "M00000044", (LineRequest("G101", 2),))
    app.till.earn(cashier, "e1", "M00000044", 12_300)
    return db_path


@pytest.mark.parametrize(
    ("table", "sql"),
    [(t, s) for t, statements in STATEMENTS.items() for s in statements],
)
def test_ledgers_refuse_changes_through_the_store_connection(
    app: StoreServices, busy_store: Path, table: str, sql: str
) -> None:
    before = snapshot(busy_store)
    assert before[table], f"{table} should have rows for this test"
    with (
        pytest.raises(sqlite3.DatabaseError, match=f"{table} is append-only"),
        app.db.write() as conn,
    ):
        conn.execute(sql)
    assert snapshot(busy_store) == before
    assert app.setup.check() == []


@pytest.mark.parametrize("table", list(STATEMENTS))
def test_ledgers_refuse_changes_through_a_plain_sqlite_connection(
    app: StoreServices, busy_store: Path, table: str
) -> None:
    """The triggers live in the file: any program writing to it meets them."""
    app.close()
    before = snapshot(busy_store)
    conn = sqlite3.connect(busy_store)
    try:
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(
                f"UPDATE {table} SET at = 'x'"
                if table != "outbox"
                else "UPDATE outbox SET created_at = 'x'"
            )
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(f"DELETE FROM {table}")
        conn.rollback()
    finally:
        conn.close()
    assert snapshot(busy_store) == before


def test_ledgers_accept_inserts(app: StoreServices, busy_store: Path) -> None:
    """Append-only, not read-only: the services append rows."""
    before = snapshot(busy_store)
    assert len(before["points_ledger"]) > 0
    assert {r[4] for r in before["points_ledger"]} >= {"opening", "redeem", "earn"}
    assert {r[3] for r in before["stock_ledger"]} >= {"receive", "redeem"}
    assert [r[0] for r in sorted(before["outbox"])] == list(range(1, len(before["outbox"]) + 1))
