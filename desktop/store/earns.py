"""Earns: points for a purchase, with the campaign that multiplied them. Written by the
till's earn transaction with the new lot, the ledger rows, the request record and the
outbox event (services/till.py)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class EarnResult:
    earn_id: str
    member_id: str
    points: int
    balance_after: int
    campaign: str | None
    replayed: bool = False


def insert(
    conn: sqlite3.Connection,
    *,
    earn_id: str,
    member_id: str,
    cashier_id: str,
    amount_fen: int,
    points: int,
    campaign_id: str | None,
    balance_after: int,
    created_at: str,
) -> None:
    conn.execute(
        "INSERT INTO earns (earn_id, member_id, cashier_id, amount_fen, points, "
        "campaign_id, balance_after, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            earn_id,
            member_id,
            cashier_id,
            amount_fen,
            points,
            campaign_id,
            balance_after,
            created_at,
        ),
    )


def result(conn: sqlite3.Connection, earn_id: str, replayed: bool = False) -> EarnResult:
    row = conn.execute(
        "SELECT earn_id, member_id, points, balance_after, campaign_id FROM earns "
        "WHERE earn_id = ?",
        (earn_id,),
    ).fetchone()
    return EarnResult(row[0], row[1], row[2], row[3], row[4], replayed)
