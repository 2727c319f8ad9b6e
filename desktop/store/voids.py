"""Voids: a manager's undoing of a redemption of the current business day (at most one
per redemption). Written by the till's void transaction with the points given back, the
stock returned, the request record and the outbox event (services/till.py)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class VoidResult:
    void_id: str
    receipt_no: str
    points_returned: int
    balance_after: int
    replayed: bool = False


@dataclass(frozen=True)
class PriorVoid:
    created_at: str
    manager_id: str


def prior(conn: sqlite3.Connection, redemption_id: str) -> PriorVoid | None:
    """The void of this redemption, if it was voided already."""
    row = conn.execute(
        "SELECT created_at, manager_id FROM voids WHERE redemption_id = ?", (redemption_id,)
    ).fetchone()
    return None if row is None else PriorVoid(row[0], row[1])


def insert(
    conn: sqlite3.Connection,
    *,
    void_id: str,
    redemption_id: str,
    manager_id: str,
    cashier_id: str,
    reason: str,
    balance_after: int,
    created_at: str,
) -> None:
    conn.execute(
        "INSERT INTO voids (void_id, redemption_id, manager_id, cashier_id, reason, "
        "balance_after, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (void_id, redemption_id, manager_id, cashier_id, reason, balance_after, created_at),
    )


def result(conn: sqlite3.Connection, void_id: str, replayed: bool = False) -> VoidResult:
    row = conn.execute(
        "SELECT v.void_id, r.receipt_no, r.points, v.balance_after FROM voids v "
        "JOIN redemptions r USING (redemption_id) WHERE v.void_id = ?",
        (void_id,),
    ).fetchone()
    return VoidResult(row[0], row[1], row[2], row[3], replayed)


def is_voided(conn: sqlite3.Connection, receipt_no: str) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM voids JOIN redemptions USING (redemption_id) WHERE receipt_no = ?",
            (receipt_no,),
        ).fetchone()
        is not None
    )
