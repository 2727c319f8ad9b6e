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


def overrides(conn: sqlite3.Connection, day: str) -> list[sqlite3.Row]:
    """Redemptions a manager approved beyond the offline limits, with whether voided."""
    return conn.execute(
        "SELECT r.receipt_no, r.created_at, r.cashier_id, c.name AS cashier_name, "
        "r.override_by, m.name AS manager_name, r.member_id, r.points, r.cash_fen, "
        "v.void_id IS NOT NULL AS voided "
        "FROM redemptions r JOIN staff c ON c.staff_id = r.cashier_id "
        "JOIN staff m ON m.staff_id = r.override_by "
        "LEFT JOIN voids v ON v.redemption_id = r.redemption_id "
        "WHERE r.business_day = ? AND r.override_by IS NOT NULL ORDER BY r.created_at",
        (day,),
    ).fetchall()


def stock_notes(conn: sqlite3.Connection, day: str) -> list[sqlite3.Row]:
    """The day's deliveries and counts with their reasons (stock_ledger receive/adjust
    rows); a head-office delivery is marked by its row in received_deliveries."""
    return conn.execute(
        "SELECT s.entry_id, s.at, s.gift_id, g.name_zh, s.kind, s.delta, s.staff_id, "
        "st.name AS staff_name, s.reason, s.ref, d.delivery_id IS NOT NULL AS headoffice "
        "FROM stock_ledger s JOIN gifts g ON g.gift_id = s.gift_id "
        "LEFT JOIN staff st ON st.staff_id = s.staff_id "
        "LEFT JOIN received_deliveries d ON d.delivery_id = s.ref AND s.kind = 'receive' "
        "WHERE substr(s.at, 1, 10) = ? AND s.kind IN ('receive', 'adjust') "
        "ORDER BY s.at, s.entry_id",
        (day,),
    ).fetchall()


def redemption_lines(conn: sqlite3.Connection, day: str) -> list[sqlite3.Row]:
    """Every line of every redemption of the business day, voided ones included (marked),
    in receipt order: what the cash office's CSV lists."""
    return conn.execute(
        "SELECT r.receipt_no, r.created_at, r.cashier_id, c.name AS cashier_name, "
        "r.member_id, mb.name AS member_name, l.gift_id, g.name_zh, l.quantity, "
        "l.quantity * l.points_each AS points, l.quantity * l.cash_fen_each AS cash_fen, "
        "r.offline, r.override_by, o.name AS override_name, v.created_at AS voided_at, "
        "v.manager_id AS void_manager_id, vm.name AS void_manager_name "
        "FROM redemptions r JOIN redemption_lines l ON l.redemption_id = r.redemption_id "
        "JOIN staff c ON c.staff_id = r.cashier_id "
        "JOIN members mb ON mb.member_id = r.member_id "
        "JOIN gifts g ON g.gift_id = l.gift_id "
        "LEFT JOIN staff o ON o.staff_id = r.override_by "
        "LEFT JOIN voids v ON v.redemption_id = r.redemption_id "
        "LEFT JOIN staff vm ON vm.staff_id = v.manager_id "
        "WHERE r.business_day = ? ORDER BY r.receipt_no, l.line_no",
        (day,),
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
