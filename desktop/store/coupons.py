"""Coupon codes this store issued: one row per coupon unit redeemed, written by the
redemption's own transaction (the row names it), voided with it."""

from __future__ import annotations

import sqlite3
from datetime import date

from desktop.core.coupons import CouponRecord


def insert(
    conn: sqlite3.Connection, code: str, redemption_id: str, gift_id: str, valid_until: date
) -> None:
    conn.execute(
        "INSERT INTO coupons (code, redemption_id, gift_id, valid_until) VALUES (?, ?, ?, ?)",
        (code, redemption_id, gift_id, valid_until.isoformat()),
    )


def exists(conn: sqlite3.Connection, code: str) -> bool:
    return conn.execute("SELECT 1 FROM coupons WHERE code = ?", (code,)).fetchone() is not None


def find(conn: sqlite3.Connection, code: str) -> CouponRecord | None:
    r = conn.execute("SELECT * FROM coupons WHERE code = ?", (code,)).fetchone()
    return None if r is None else _record(r)


def of_redemption(conn: sqlite3.Connection, redemption_id: str) -> tuple[CouponRecord, ...]:
    return tuple(
        _record(r)
        for r in conn.execute(
            "SELECT * FROM coupons WHERE redemption_id = ? ORDER BY rowid", (redemption_id,)
        )
    )


def void_for(conn: sqlite3.Connection, redemption_id: str, at: str) -> int:
    return conn.execute(
        "UPDATE coupons SET voided_at = ? WHERE redemption_id = ? AND voided_at IS NULL",
        (at, redemption_id),
    ).rowcount


def _record(r: sqlite3.Row) -> CouponRecord:
    return CouponRecord(
        r["code"],
        r["gift_id"],
        r["redemption_id"],
        date.fromisoformat(r["valid_until"]),
        None,  # a store does not see a coupon's use (head office does)
        r["voided_at"],
    )
