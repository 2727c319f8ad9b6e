"""Ledger queries behind the daily reconciliation. Every figure is a sum over ledger rows
of one business day; timestamps are written in the store's time zone, so the first ten
characters of `at` / `created_at` are the local calendar day."""

from __future__ import annotations

import sqlite3
from typing import Any


def day_totals(conn: sqlite3.Connection, day: str) -> dict[str, int]:
    row = conn.execute(
        "SELECT COUNT(*) AS n, COALESCE(SUM(points), 0) AS points, "
        "COALESCE(SUM(cash_fen), 0) AS cash, "
        "COALESCE(SUM(offline), 0) AS offline FROM redemptions r "
        "WHERE business_day = ? AND redemption_id NOT IN (SELECT redemption_id FROM voids)",
        (day,),
    ).fetchone()
    voided = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(r.points), 0), COALESCE(SUM(r.cash_fen), 0) "
        "FROM voids v JOIN redemptions r USING (redemption_id) WHERE r.business_day = ?",
        (day,),
    ).fetchone()
    return {
        "redemptions": row["n"],
        "points": row["points"],
        "cash_fen": row["cash"],
        "offline_redemptions": row["offline"],
        "voided_count": voided[0],
        "voided_points": voided[1],
        "voided_cash_fen": voided[2],
    }


def per_cashier(conn: sqlite3.Connection, day: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT r.cashier_id, s.name, "
        "SUM(v.void_id IS NULL) AS redemptions, "
        "COALESCE(SUM(CASE WHEN v.void_id IS NULL THEN r.points END), 0) AS points, "
        "COALESCE(SUM(CASE WHEN v.void_id IS NULL THEN r.cash_fen END), 0) AS cash_fen, "
        "SUM(v.void_id IS NOT NULL) AS voids "
        "FROM redemptions r JOIN staff s ON s.staff_id = r.cashier_id "
        "LEFT JOIN voids v USING (redemption_id) WHERE r.business_day = ? "
        "GROUP BY r.cashier_id ORDER BY r.cashier_id",
        (day,),
    ).fetchall()


def voids(conn: sqlite3.Connection, day: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT r.receipt_no, v.created_at, r.cashier_id, c.name AS cashier_name, "
        "v.manager_id, m.name AS manager_name, v.reason, r.points, r.cash_fen "
        "FROM voids v JOIN redemptions r USING (redemption_id) "
        "JOIN staff c ON c.staff_id = r.cashier_id JOIN staff m ON m.staff_id = v.manager_id "
        "WHERE r.business_day = ? ORDER BY v.created_at",
        (day,),
    ).fetchall()


def stock_movements(conn: sqlite3.Connection, day: str) -> list[sqlite3.Row]:
    """Per gift: stock before the day, each kind of movement during it, low-stock mark."""
    return conn.execute(
        "SELECT g.gift_id, g.name_zh, g.low_stock_threshold, "
        "COALESCE(SUM(CASE WHEN substr(s.at, 1, 10) < :day THEN s.delta END), 0) AS opening, "
        "COALESCE(SUM(CASE WHEN substr(s.at, 1, 10) = :day AND s.kind = 'receive' "
        "  THEN s.delta END), 0) AS received, "
        "COALESCE(-SUM(CASE WHEN substr(s.at, 1, 10) = :day AND s.kind = 'redeem' "
        "  THEN s.delta END), 0) AS redeemed, "
        "COALESCE(SUM(CASE WHEN substr(s.at, 1, 10) = :day AND s.kind = 'void' "
        "  THEN s.delta END), 0) AS voided_back, "
        "COALESCE(SUM(CASE WHEN substr(s.at, 1, 10) = :day AND s.kind = 'adjust' "
        "  THEN s.delta END), 0) AS adjusted, "
        "COALESCE(SUM(CASE WHEN substr(s.at, 1, 10) <= :day THEN s.delta END), 0) AS closing "
        "FROM gifts g LEFT JOIN stock_ledger s ON s.gift_id = g.gift_id "
        "GROUP BY g.gift_id ORDER BY g.gift_id",
        {"day": day},
    ).fetchall()


def business_day(conn: sqlite3.Connection, day: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT d.*, o.name AS opened_name, c.name AS closed_name FROM business_days d "
        "LEFT JOIN staff o ON o.staff_id = d.opened_by "
        "LEFT JOIN staff c ON c.staff_id = d.closed_by WHERE d.day = ?",
        (day,),
    ).fetchone()
    return row


def unconfirmed_events(conn: sqlite3.Connection, day: str, acked_seq: int) -> int:
    return int(
        conn.execute(
            "SELECT COUNT(*) FROM outbox WHERE seq > ? AND substr(created_at, 1, 10) = ?",
            (acked_seq, day),
        ).fetchone()[0]
    )


def link_changes(conn: sqlite3.Connection, day: str) -> list[tuple[str, bool]]:
    """Head-office link state changes up to the end of `day`, oldest first: (at, online)."""
    return [
        (str(r[0]), bool(r[1]))
        for r in conn.execute(
            "SELECT at, online FROM link_log WHERE substr(at, 1, 10) <= ? ORDER BY at, rowid",
            (day,),
        )
    ]


def overdrawn_members(conn: sqlite3.Connection, day: str) -> list[dict[str, Any]]:
    return [
        dict(r)
        for r in conn.execute(
            "SELECT DISTINCT m.member_id, m.balance, m.debt FROM members m "
            "JOIN redemptions r ON r.member_id = m.member_id "
            "WHERE r.business_day = ? AND m.debt > 0 ORDER BY m.member_id",
            (day,),
        )
    ]


def record_link(conn: sqlite3.Connection, online: bool, at: str, detail: str = "") -> bool:
    """Log a change of the head-office link state; repeated states are not logged again.
    Returns True when the state changed."""
    last = conn.execute(
        "SELECT online FROM link_log ORDER BY at DESC, rowid DESC LIMIT 1"
    ).fetchone()
    if last is not None and bool(last[0]) == online:
        return False
    conn.execute(
        "INSERT INTO link_log (at, online, detail) VALUES (?, ?, ?)", (at, int(online), detail)
    )
    return True
