"""Members, their point lots and the append-only points ledger.

`apply_account` is the one way points change: it takes the account before and after a
domain operation and writes the lot changes, the ledger rows that explain them and the
cached balance, inside the caller's transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlite_utils import Database

from desktop.core.errors import NotFound
from desktop.core.lots import LotId, LotTake, PointLot, PointsAccount, movements
from desktop.core.members import Member, MemberId, MemberStatus, Tier


def _member(row: sqlite3.Row) -> Member:
    return Member(
        member_id=MemberId(row["member_id"]),
        name=row["name"],
        tier=Tier(row["tier"]),
        status=MemberStatus(row["status"]),
        card_number=row["card_number"],
        birthday=date.fromisoformat(row["birthday"]) if row["birthday"] else None,
    )


def get_member(conn: sqlite3.Connection, member_id: str) -> Member:
    row = conn.execute("SELECT * FROM members WHERE member_id = ?", (member_id,)).fetchone()
    if row is None:
        raise NotFound(f"unknown member {member_id!r}: check the code or card number")
    return _member(row)


def find_member_by_card(conn: sqlite3.Connection, card_number: str) -> Member:
    row = conn.execute("SELECT * FROM members WHERE card_number = ?", (card_number,)).fetchone()
    if row is None:
        raise NotFound(f"no member has card number {card_number}: check the number")
    return _member(row)


def exists(conn: sqlite3.Connection, member_id: str) -> bool:
    return (
        conn.execute("SELECT 1 FROM members WHERE member_id = ?", (member_id,)).fetchone()
        is not None
    )


def cards(conn: sqlite3.Connection) -> list[tuple[str, str | None]]:
    """(member id, card number) of every member, by member id."""
    return [
        (str(r[0]), r[1])
        for r in conn.execute("SELECT member_id, card_number FROM members ORDER BY member_id")
    ]


def count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM members").fetchone()[0])


def insert_member(conn: sqlite3.Connection, m: Member) -> None:
    conn.execute(
        "INSERT INTO members (member_id, name, tier, status, card_number, birthday) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            m.member_id,
            m.name,
            m.tier.value,
            m.status.value,
            m.card_number,
            m.birthday.isoformat() if m.birthday else None,
        ),
    )


def upsert_member(conn: sqlite3.Connection, m: Member) -> bool:
    """Head office's details of a member (name, tier, status, card, birthday); points are
    left alone. True when the member is new to this store. Head office decides who holds a
    card number: another member here still holding it loses it (their own snapshot
    brings their new one)."""
    if m.card_number is not None:
        conn.execute(
            "UPDATE members SET card_number = NULL WHERE card_number = ? AND member_id <> ?",
            (m.card_number, m.member_id),
        )
    new = conn.execute("SELECT 1 FROM members WHERE member_id = ?", (m.member_id,)).fetchone()
    if new is None:
        insert_member(conn, m)
        return True
    conn.execute(
        "UPDATE members SET name = ?, tier = ?, status = ?, card_number = ?, birthday = ? "
        "WHERE member_id = ?",
        (
            m.name,
            m.tier.value,
            m.status.value,
            m.card_number,
            m.birthday.isoformat() if m.birthday else None,
            m.member_id,
        ),
    )
    return False


def load_account(conn: sqlite3.Connection, member_id: str) -> PointsAccount:
    lots = tuple(
        PointLot(
            LotId(r["lot_id"]),
            date.fromisoformat(r["earned_on"]),
            date.fromisoformat(r["expires_on"]),
            r["original"],
            r["remaining"],
        )
        for r in conn.execute(
            "SELECT * FROM point_lots WHERE member_id = ? ORDER BY expires_on, earned_on, lot_id",
            (member_id,),
        )
    )
    debt = conn.execute("SELECT debt FROM members WHERE member_id = ?", (member_id,)).fetchone()
    if debt is None:
        raise NotFound(f"unknown member {member_id!r}")
    return PointsAccount(lots, int(debt[0]))


def cached_balance(conn: sqlite3.Connection, member_id: str) -> int:
    row = conn.execute("SELECT balance FROM members WHERE member_id = ?", (member_id,)).fetchone()
    if row is None:
        raise NotFound(f"unknown member {member_id!r}")
    return int(row[0])


def apply_account(
    conn: sqlite3.Connection,
    member_id: str,
    before: PointsAccount,
    after: PointsAccount,
    kind: str,
    ref: str,
    at: str,
) -> None:
    """Write the difference between two accounts as lot updates plus ledger rows."""
    for move in movements(before, after):
        lot = move.lot
        if lot is not None and move.new:
            conn.execute(
                "INSERT INTO point_lots (lot_id, member_id, earned_on, expires_on, original, "
                "remaining) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    lot.lot_id,
                    member_id,
                    lot.earned_on.isoformat(),
                    lot.expires_on.isoformat(),
                    lot.original,
                    lot.remaining,
                ),
            )
        elif lot is not None:
            conn.execute(
                "UPDATE point_lots SET remaining = ? WHERE lot_id = ?", (lot.remaining, lot.lot_id)
            )
        if move.delta:
            conn.execute(
                "INSERT INTO points_ledger (member_id, lot_id, delta, kind, ref, at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (member_id, lot.lot_id if lot else None, move.delta, kind, ref, at),
            )
    conn.execute(
        "UPDATE members SET balance = ?, debt = ? WHERE member_id = ?",
        (after.balance, after.debt, member_id),
    )


def redeem_takes(conn: sqlite3.Connection, redemption_id: str) -> tuple[tuple[LotTake, ...], int]:
    """What a redemption took, as this store's ledger recorded it: (lot takes, overdraft)."""
    takes: dict[str, int] = {}
    overdraft = 0
    for lot_id, delta in conn.execute(
        "SELECT lot_id, delta FROM points_ledger WHERE ref = ? AND kind = 'redeem'",
        (redemption_id,),
    ):
        if lot_id is None:
            overdraft -= delta
        else:
            takes[lot_id] = takes.get(lot_id, 0) - delta
    return tuple(LotTake(LotId(k), v) for k, v in takes.items() if v > 0), overdraft


def with_expired_lots(conn: sqlite3.Connection, day: date) -> list[str]:
    """Members holding points in lots that expired before `day`."""
    return [
        str(r[0])
        for r in conn.execute(
            "SELECT DISTINCT member_id FROM point_lots WHERE remaining > 0 AND expires_on < ?",
            (day.isoformat(),),
        )
    ]


#: The effect of each of this store's events on the member's points (outbox payloads)
_EFFECT = {"earn": 1, "void": 1, "redemption": -1, "expiry": -1, "journey": 1}
#: Read through the index on the event's member and seq (store schema 8,
#: `outbox_member`): a scan only touches that member's unacknowledged events.
UNCONFIRMED_EFFECT_SQL = (
    "SELECT COALESCE(SUM((CASE kind "
    + " ".join(f"WHEN '{kind}' THEN {sign}" for kind, sign in _EFFECT.items())
    + " END) * COALESCE(json_extract(payload, '$.points'), "
    "json_extract(payload, '$.bonus_points'), 0)), 0) FROM outbox "
    "WHERE json_extract(payload, '$.member_id') = ? AND seq > ? AND kind IN ("
    + ", ".join(f"'{kind}'" for kind in _EFFECT)
    + ")"
)


def unconfirmed_effect(conn: sqlite3.Connection, member_id: str, after_seq: int) -> int:
    """The net change this store's events after `after_seq` (those head office has not
    acknowledged) made to the member's points: earns, voids and journeys' bonus points add,
    redemptions and expiry take away. Head office's balance plus this is the balance shown
    here."""
    total = conn.execute(UNCONFIRMED_EFFECT_SQL, (member_id, after_seq)).fetchone()[0]
    return int(total)


def insert_bulk(
    conn: sqlite3.Connection,
    members: Iterable[dict[str, Any]],
    lots: Iterable[dict[str, Any]],
    ledger: Iterable[dict[str, Any]],
) -> None:
    """Many members with their opening lots and ledger rows at once (demo and benchmark
    stores), streamed through sqlite-utils' insert_all, inside the caller's transaction.
    The caller makes each member's `balance` equal to its ledger rows."""
    db = Database(conn, recursive_triggers=False)  # the store connection has them on already
    db.table("members").insert_all(members, batch_size=5000)
    db.table("point_lots").insert_all(lots, batch_size=5000)
    db.table("points_ledger").insert_all(ledger, batch_size=5000)


def ledger_mismatches(conn: sqlite3.Connection) -> list[str]:
    """Every way the cached figures disagree with the ledger; empty when all is well."""
    problems = []
    for r in conn.execute(
        "SELECT m.member_id, m.balance, m.debt, COALESCE(l.total, 0) AS total, "
        "COALESCE(l.debt_moves, 0) AS debt_moves FROM members m "
        "LEFT JOIN (SELECT member_id, SUM(delta) AS total, "
        "SUM(CASE WHEN lot_id IS NULL THEN delta ELSE 0 END) AS debt_moves "
        "FROM points_ledger GROUP BY member_id) l ON l.member_id = m.member_id "
        "WHERE m.balance <> COALESCE(l.total, 0) OR m.debt <> -COALESCE(l.debt_moves, 0)"
    ):
        problems.append(
            f"member {r['member_id']}: cached balance {r['balance']} / debt {r['debt']} but "
            f"ledger sums to {r['total']} / debt {-r['debt_moves']}"
        )
    for r in conn.execute(
        "SELECT p.lot_id, p.remaining, COALESCE(SUM(l.delta), 0) AS total FROM point_lots p "
        "LEFT JOIN points_ledger l ON l.lot_id = p.lot_id GROUP BY p.lot_id "
        "HAVING p.remaining <> COALESCE(SUM(l.delta), 0)"
    ):
        problems.append(
            f"lot {r['lot_id']}: remaining {r['remaining']} but ledger sums to {r['total']}"
        )
    return problems


def unexplained_negative_balances(conn: sqlite3.Connection) -> int:
    """Members below zero with no overdraft recorded to explain it."""
    return int(
        conn.execute("SELECT COUNT(*) FROM members WHERE balance < 0 AND debt = 0").fetchone()[0]
    )
