"""What the store remembers about its sync with head office (db/store/0005_sync.sql): the
connection, the acknowledged outbox sequence, the pull cursor, the last round, each
event's outcome, and the deliveries already counted into stock."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from desktop.core.errors import NotFound
from desktop.core.lots import PointLot
from desktop.store import catalogue, settings
from desktop.store.outbox import GENESIS
from desktop.store.vault import vault_of

ACKED_SEQ = "outbox_acked_seq"
SECRET = "headoffice_secret"  # in the database's vault (desktop/store/vault.py)


@dataclass(frozen=True)
class Connection:
    """Where head office is and who this store is to it. repr() never shows the secret."""

    url: str
    store_id: str
    secret: str

    def __repr__(self) -> str:
        return f"Connection(url={self.url!r}, store_id={self.store_id!r}, secret=<hidden>)"


@dataclass(frozen=True)
class State:
    pull_cursor: int
    last_success_at: datetime | None
    last_attempt_at: datetime | None
    last_attempt_ok: bool
    last_error: str | None


@dataclass(frozen=True)
class Parked:
    seq: int
    event_id: str
    kind: str
    created_at: str
    error: str


def connection(conn: sqlite3.Connection) -> Connection | None:
    url = settings.get(conn, "headoffice_url")
    if not url:
        return None
    return Connection(
        str(url),
        str(settings.get(conn, "headoffice_store_id", "")),
        vault_of(conn).get(SECRET) or "",
    )


def put_connection(conn: sqlite3.Connection, c: Connection) -> None:
    """The URL and store id in the database; the secret in its vault, never in the file."""
    settings.put(conn, "headoffice_url", c.url)
    settings.put(conn, "headoffice_store_id", c.store_id)
    vault_of(conn).put(SECRET, c.secret)


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def state(conn: sqlite3.Connection) -> State:
    r = conn.execute("SELECT * FROM sync_state WHERE id = 1").fetchone()
    return State(
        int(r["pull_cursor"]),
        _when(r["last_success_at"]),
        _when(r["last_attempt_at"]),
        bool(r["last_attempt_ok"]),
        r["last_error"],
    )


def set_cursor(conn: sqlite3.Connection, cursor: int) -> None:
    conn.execute("UPDATE sync_state SET pull_cursor = ? WHERE id = 1", (cursor,))


def record_attempt(conn: sqlite3.Connection, at: str, error: str | None) -> None:
    """The end of a round: a success (error None) also becomes the last successful sync."""
    if error is None:
        conn.execute(
            "UPDATE sync_state SET last_attempt_at = ?, last_attempt_ok = 1, "
            "last_success_at = ?, last_error = NULL WHERE id = 1",
            (at, at),
        )
    else:
        conn.execute(
            "UPDATE sync_state SET last_attempt_at = ?, last_attempt_ok = 0, last_error = ? "
            "WHERE id = 1",
            (at, error),
        )


def acked_seq(conn: sqlite3.Connection) -> int:
    return int(settings.get(conn, ACKED_SEQ, 0))


def set_acked_seq(conn: sqlite3.Connection, seq: int) -> None:
    settings.put(conn, ACKED_SEQ, seq)


def head(conn: sqlite3.Connection) -> tuple[int, str]:
    """(seq, hash) of the newest outbox event; (0, GENESIS) when there is none."""
    row = conn.execute("SELECT seq, hash FROM outbox ORDER BY seq DESC LIMIT 1").fetchone()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


def waiting(conn: sqlite3.Connection) -> int:
    """Events head office has not acknowledged yet."""
    return int(
        conn.execute("SELECT COUNT(*) FROM outbox WHERE seq > ?", (acked_seq(conn),)).fetchone()[0]
    )


def record_outcome(
    conn: sqlite3.Connection,
    seq: int,
    event_id: str,
    outcome: str,
    conflict: str | None,
    error: str | None,
    at: str,
) -> None:
    """Head office's answer for one stored event. A later 'duplicate' (the answer to a
    resend) does not replace the outcome first recorded."""
    conn.execute(
        "INSERT INTO sync_outcomes (seq, event_id, outcome, conflict, error, answered_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (seq) DO UPDATE SET outcome = excluded.outcome, "
        "conflict = excluded.conflict, error = excluded.error, answered_at = excluded.answered_at "
        "WHERE excluded.outcome <> 'duplicate'",  # a resend keeps the first answer's outcome
        (seq, event_id, outcome, conflict, error, at),
    )


def parked(conn: sqlite3.Connection) -> list[Parked]:
    return [
        Parked(r["seq"], r["event_id"], r["kind"], r["created_at"], r["error"] or "")
        for r in conn.execute(
            "SELECT s.seq, s.event_id, o.kind, o.created_at, s.error FROM sync_outcomes s "
            "JOIN outbox o USING (seq) WHERE s.outcome = 'rejected' ORDER BY s.seq"
        )
    ]


def outcome_counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {
        r[0]: int(r[1])
        for r in conn.execute("SELECT outcome, COUNT(*) FROM sync_outcomes GROUP BY outcome")
    }


def receive_delivery(
    conn: sqlite3.Connection, delivery_id: str, gift_id: str, quantity: int, note: str, at: str
) -> bool:
    """Count a head-office delivery into stock once: False (nothing written) if this
    delivery id was already received."""
    if conn.execute("SELECT 1 FROM gifts WHERE gift_id = ?", (gift_id,)).fetchone() is None:
        raise NotFound(
            f"head office sent delivery {delivery_id} of gift {gift_id}, which this store "
            "does not have in its catalogue; tell head office"
        )
    cur = conn.execute(
        "INSERT OR IGNORE INTO received_deliveries (delivery_id, gift_id, quantity, note, "
        "received_at) VALUES (?, ?, ?, ?, ?)",
        (delivery_id, gift_id, quantity, note or None, at),
    )
    if cur.rowcount != 1:
        return False
    catalogue.move_stock(
        conn, gift_id, quantity, "receive", delivery_id, at, None, note or "head-office delivery"
    )
    return True


def lot_owner(conn: sqlite3.Connection, lot_id: str) -> str | None:
    row = conn.execute("SELECT member_id FROM point_lots WHERE lot_id = ?", (lot_id,)).fetchone()
    return None if row is None else str(row[0])


def widen_lot_terms(conn: sqlite3.Connection, lot: PointLot) -> None:
    """Before head office's remaining points are written to an existing lot: take its
    dates, and an `original` large enough for both the old and the new remaining."""
    conn.execute(
        "UPDATE point_lots SET earned_on = ?, expires_on = ?, original = MAX(original, ?) "
        "WHERE lot_id = ?",
        (lot.earned_on.isoformat(), lot.expires_on.isoformat(), lot.original, lot.lot_id),
    )


def settle_lot_original(conn: sqlite3.Connection, lot: PointLot) -> None:
    """After the remaining points are written: head office's `original` exactly."""
    conn.execute(
        "UPDATE point_lots SET original = ? WHERE lot_id = ? AND original <> ?",
        (lot.original, lot.lot_id, lot.original),
    )
