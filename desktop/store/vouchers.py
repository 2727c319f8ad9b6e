"""Paper vouchers keyed in (db/store/0009_paper_vouchers.sql): which paper each keyed-in
redemption came from. Written by the key-in transaction (desktop/services/vouchers.py),
together with its redemption, stock moves, ledger rows, request record and outbox event."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from desktop.core.members import mask_name


@dataclass(frozen=True)
class KeyedVoucher:
    """One keyed-in voucher as the list and the reconciliation show it."""

    voucher_no: str
    receipt_no: str
    redemption_id: str
    business_day: str
    written_at: str
    written_by: str  # "name (id)"
    keyed_in_at: str
    keyed_in_by: str  # "name (id)"
    member_id: str
    member_masked: str  # never the member's full name
    gifts: str  # "G101 保温杯 ×2, …"
    points: int
    cash_fen: int
    overdraft: int  # points the member's lots could not cover (their debt)
    voided: bool


def find(conn: sqlite3.Connection, voucher_no: str) -> KeyedVoucher | None:
    rows = _select(conn, "WHERE p.voucher_no = ?", (voucher_no,))
    return rows[0] if rows else None


def by_redemption(conn: sqlite3.Connection, redemption_id: str) -> KeyedVoucher:
    return _select(conn, "WHERE p.redemption_id = ?", (redemption_id,))[0]


def listed(conn: sqlite3.Connection, day: str | None = None) -> list[KeyedVoucher]:
    """The vouchers keyed in on business day `day` (every one when None), in key-in order."""
    if day is None:
        return _select(conn, "", ())
    return _select(conn, "WHERE r.business_day = ?", (day,))


def insert(
    conn: sqlite3.Connection,
    *,
    voucher_no: str,
    redemption_id: str,
    written_at: str,
    written_by: str,
    keyed_in_by: str,
    keyed_in_at: str,
    overdraft: int,
) -> None:
    conn.execute(
        "INSERT INTO paper_vouchers (voucher_no, redemption_id, written_at, written_by, "
        "keyed_in_by, keyed_in_at, overdraft) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (voucher_no, redemption_id, written_at, written_by, keyed_in_by, keyed_in_at, overdraft),
    )


def _select(conn: sqlite3.Connection, where: str, params: tuple[str, ...]) -> list[KeyedVoucher]:
    rows = conn.execute(
        "SELECT p.*, r.receipt_no, r.business_day, r.member_id, r.points, r.cash_fen, "
        "m.name AS member_name, w.name AS written_name, k.name AS keyed_name, "
        "(SELECT group_concat(l.gift_id || ' ' || g.name_zh || ' ×' || l.quantity, ', ') "
        " FROM redemption_lines l JOIN gifts g USING (gift_id) "
        " WHERE l.redemption_id = p.redemption_id) AS gifts, "
        "EXISTS (SELECT 1 FROM voids v WHERE v.redemption_id = p.redemption_id) AS voided "
        "FROM paper_vouchers p JOIN redemptions r ON r.redemption_id = p.redemption_id "
        "JOIN members m ON m.member_id = r.member_id "
        "LEFT JOIN staff w ON w.staff_id = p.written_by "
        "LEFT JOIN staff k ON k.staff_id = p.keyed_in_by "
        f"{where} ORDER BY p.keyed_in_at, p.voucher_no",
        params,
    ).fetchall()
    return [
        KeyedVoucher(
            r["voucher_no"],
            r["receipt_no"],
            r["redemption_id"],
            r["business_day"],
            r["written_at"],
            f"{r['written_name'] or ''} ({r['written_by']})",
            r["keyed_in_at"],
            f"{r['keyed_name'] or ''} ({r['keyed_in_by']})",
            r["member_id"],
            mask_name(r["member_name"]),
            r["gifts"] or "",
            int(r["points"]),
            int(r["cash_fen"]),
            int(r["overdraft"]),
            bool(r["voided"]),
        )
        for r in rows
    ]
