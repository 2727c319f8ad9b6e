"""The counts stock intelligence needs (desktop/core/stock_policy.py): units redeemed per
gift, the movements of a period, and the replenishment requests this store sent."""

from __future__ import annotations

import sqlite3


def redeemed_between(conn: sqlite3.Connection, first_day: str, last_day: str) -> dict[str, int]:
    """Units of each gift redeemed (not voided) on the business days [first_day, last_day]."""
    return {
        str(r[0]): int(r[1])
        for r in conn.execute(
            "SELECT l.gift_id, SUM(l.quantity) FROM redemption_lines l "
            "JOIN redemptions r ON r.redemption_id = l.redemption_id "
            "LEFT JOIN voids v ON v.redemption_id = l.redemption_id "
            "WHERE r.business_day BETWEEN ? AND ? AND v.void_id IS NULL GROUP BY l.gift_id",
            (first_day, last_day),
        )
    }


def turnover(conn: sqlite3.Connection, first_day: str, last_day: str) -> list[sqlite3.Row]:
    """Per gift over the business days [first_day, last_day]: stock before, received,
    redeemed (net of voids), adjusted, stock after; its last movement and its last
    redemption not voided (up to last_day)."""
    return conn.execute(
        "SELECT g.gift_id, g.name_zh, "
        "COALESCE(SUM(CASE WHEN substr(s.at, 1, 10) < :first THEN s.delta END), 0) AS opening, "
        "COALESCE(SUM(CASE WHEN substr(s.at, 1, 10) BETWEEN :first AND :last "
        "  AND s.kind = 'receive' THEN s.delta END), 0) AS received, "
        "COALESCE(-SUM(CASE WHEN substr(s.at, 1, 10) BETWEEN :first AND :last "
        "  AND s.kind IN ('redeem', 'void') THEN s.delta END), 0) AS redeemed, "
        "COALESCE(SUM(CASE WHEN substr(s.at, 1, 10) BETWEEN :first AND :last "
        "  AND s.kind = 'adjust' THEN s.delta END), 0) AS adjusted, "
        "COALESCE(SUM(CASE WHEN substr(s.at, 1, 10) <= :last THEN s.delta END), 0) AS closing, "
        "MAX(CASE WHEN substr(s.at, 1, 10) <= :last THEN substr(s.at, 1, 10) END) "
        "  AS last_movement, "
        "(SELECT MAX(r.business_day) FROM redemption_lines l "
        "  JOIN redemptions r ON r.redemption_id = l.redemption_id "
        "  LEFT JOIN voids v ON v.redemption_id = l.redemption_id "
        "  WHERE l.gift_id = g.gift_id AND v.void_id IS NULL AND r.business_day <= :last) "
        "  AS last_redemption "
        "FROM gifts g LEFT JOIN stock_ledger s ON s.gift_id = g.gift_id "
        "GROUP BY g.gift_id ORDER BY g.gift_id",
        {"first": first_day, "last": last_day},
    ).fetchall()


def add_request(
    conn: sqlite3.Connection,
    request_id: str,
    gift_id: str,
    quantity: int,
    stock: int,
    threshold: int,
    staff_id: str,
    note: str | None,
    at: str,
) -> None:
    conn.execute(
        "INSERT INTO replenishment_requests (request_id, gift_id, quantity, stock, threshold, "
        "staff_id, note, requested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (request_id, gift_id, quantity, stock, threshold, staff_id, note, at),
    )


def request(conn: sqlite3.Connection, request_id: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM replenishment_requests WHERE request_id = ?", (request_id,)
    ).fetchone()
    return row


def latest_requests(conn: sqlite3.Connection) -> dict[str, sqlite3.Row]:
    """Each gift's newest replenishment request."""
    rows = conn.execute(
        "SELECT * FROM replenishment_requests q WHERE q.rowid = (SELECT p.rowid FROM "
        "replenishment_requests p WHERE p.gift_id = q.gift_id "
        "ORDER BY p.requested_at DESC, p.rowid DESC LIMIT 1)"
    ).fetchall()
    return {str(r["gift_id"]): r for r in rows}


def fulfil_request(conn: sqlite3.Connection, request_id: str, delivery_id: str, at: str) -> bool:
    """Mark a request fulfilled by a head-office delivery; False if it is unknown here or
    already fulfilled."""
    cur = conn.execute(
        "UPDATE replenishment_requests SET delivery_id = ?, fulfilled_at = ? "
        "WHERE request_id = ? AND delivery_id IS NULL",
        (delivery_id, at, request_id),
    )
    return cur.rowcount == 1
