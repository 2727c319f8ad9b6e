"""What the till needs to verify member codes offline: head-office public keys, card
serials, revocations, and the replay cache of phone codes accepted at this store."""

from __future__ import annotations

import sqlite3
from datetime import date

from desktop.core.codes import IssuerKey


def issuer_keys(conn: sqlite3.Connection) -> dict[int, IssuerKey]:
    return {
        r["key_id"]: IssuerKey(
            r["key_id"],
            bytes.fromhex(r["public"]),
            date.fromisoformat(r["not_after"]) if r["not_after"] else None,
        )
        for r in conn.execute("SELECT key_id, public, not_after FROM issuer_keys")
    }


def put_issuer_key(conn: sqlite3.Connection, key: IssuerKey, at: str) -> None:
    conn.execute(
        "INSERT INTO issuer_keys (key_id, public, not_after, added_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (key_id) DO UPDATE SET public = excluded.public, "
        "not_after = excluded.not_after",
        (key.key_id, key.public.hex(), key.not_after.isoformat() if key.not_after else None, at),
    )


def current_serial(conn: sqlite3.Connection, member_no: int) -> int | None:
    row = conn.execute(
        "SELECT card_serial FROM members WHERE member_id = ?", (f"M{member_no:08d}",)
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def set_card_serial(conn: sqlite3.Connection, member_id: str, serial: int) -> None:
    conn.execute("UPDATE members SET card_serial = ? WHERE member_id = ?", (serial, member_id))


def is_revoked(conn: sqlite3.Connection, member_no: int, serial: int) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM revoked_cards WHERE member_no = ? AND serial = ?", (member_no, serial)
        ).fetchone()
        is not None
    )


def revoke(conn: sqlite3.Connection, member_no: int, serial: int, at: str) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO revoked_cards (member_no, serial, revoked_at) VALUES (?, ?, ?)",
        (member_no, serial, at),
    )


def use_code(conn: sqlite3.Connection, replay_key: str, member_id: str, at: str) -> bool:
    """Record a phone code as used; False if it was already used (a replay). Must run in
    the write transaction that accepts the code."""
    cur = conn.execute(
        "INSERT OR IGNORE INTO code_uses (replay_key, member_id, used_at) VALUES (?, ?, ?)",
        (replay_key, member_id, at),
    )
    return cur.rowcount == 1


def claim_code_use(
    conn: sqlite3.Connection, member_id: str, since: str, redemption_id: str
) -> str | None:
    """The replay key of the member's latest phone code scanned at or after `since` that no
    redemption has claimed yet, now claimed by `redemption_id`; None when there is none.
    Must run in the redemption's write transaction."""
    row = conn.execute(
        "SELECT replay_key FROM code_uses WHERE member_id = ? AND redemption_id IS NULL "
        "AND julianday(used_at) >= julianday(?) ORDER BY julianday(used_at) DESC LIMIT 1",
        (member_id, since),
    ).fetchone()
    if row is None:
        return None
    conn.execute(
        "UPDATE code_uses SET redemption_id = ? WHERE replay_key = ?", (redemption_id, row[0])
    )
    return str(row[0])


def prune_code_uses(conn: sqlite3.Connection, before: str) -> int:
    """Forget uses older than the acceptance window (they can no longer be replayed)."""
    return conn.execute(
        "DELETE FROM code_uses WHERE julianday(used_at) < julianday(?)", (before,)
    ).rowcount
