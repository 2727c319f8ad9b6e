"""Members' points at head office: load a `PointsAccount`, write the difference between two
accounts as lot updates plus append-only ledger rows. All arithmetic is desktop.core's
(`PointsAccount.earn/spend/restore/expire`); this module only reads and writes rows."""

from __future__ import annotations

import json
from datetime import date

from desktop.core.errors import InvalidInput, NotFound
from desktop.core.limits import Bounds
from desktop.core.lots import ExpiryPolicy, LotId, PointLot, PointsAccount, movements
from headoffice.db import Tx

DEFAULT_EXPIRY_YEARS = 1


def load_account(tx: Tx, member_id: str, *, lock: bool = True) -> PointsAccount:
    """The member's lots and debt. With `lock`, the member row is locked first (PostgreSQL:
    FOR UPDATE), so two stores' events for one member apply one after the other."""
    row = tx.one(
        "SELECT debt FROM members WHERE member_id = ?" + (tx.for_update if lock else ""),
        (member_id,),
    )
    if row is None:
        raise NotFound(f"unknown member {member_id!r}")
    lots = tuple(
        PointLot(
            LotId(r["lot_id"]),
            date.fromisoformat(r["earned_on"]),
            date.fromisoformat(r["expires_on"]),
            int(r["original"]),
            int(r["remaining"]),
        )
        for r in tx.all(
            "SELECT * FROM lots WHERE member_id = ? ORDER BY expires_on, earned_on, lot_id",
            (member_id,),
        )
    )
    return PointsAccount(lots, int(row["debt"]))


def apply_account(
    tx: Tx,
    member_id: str,
    before: PointsAccount,
    after: PointsAccount,
    kind: str,
    ref: str,
    at: str,
    store_id: str | None = None,
) -> None:
    """Write the difference between two accounts: new lots, changed lots, one ledger row
    per lot movement, one lot-less row for a change of debt, the cached balance and debt.
    Stores pull the member's new state."""
    for move in movements(before, after):
        lot = move.lot
        if lot is not None and move.new:
            tx.execute(
                "INSERT INTO lots (lot_id, member_id, earned_on, expires_on, original, "
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
            tx.execute(
                "UPDATE lots SET remaining = ? WHERE lot_id = ?", (lot.remaining, lot.lot_id)
            )
        if move.delta:
            _ledger(tx, member_id, lot.lot_id if lot else None, move.delta, kind, ref, store_id, at)
    tx.execute(
        "UPDATE members SET balance = ?, debt = ?, updated_at = ? WHERE member_id = ?",
        (after.balance, after.debt, at, member_id),
    )
    tx.changed("member", member_id)


def _ledger(
    tx: Tx,
    member_id: str,
    lot_id: str | None,
    delta: int,
    kind: str,
    ref: str,
    store_id: str | None,
    at: str,
) -> None:
    tx.execute(
        "INSERT INTO ledger (member_id, lot_id, delta, kind, ref, store_id, at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (member_id, lot_id, delta, kind, ref, store_id, at),
    )


def flag_member(tx: Tx, member_id: str, reason: str) -> None:
    """Mark a member for review (an overdraft, a replayed code); the first reason stays
    first, later ones are appended."""
    row = tx.one("SELECT flag_reason FROM members WHERE member_id = ?", (member_id,))
    old = row["flag_reason"] if row else None
    text = reason if not old else f"{old}; {reason}"
    tx.execute(
        "UPDATE members SET flagged = 1, flag_reason = ? WHERE member_id = ?",
        (text[-2000:], member_id),
    )
    tx.changed("member", member_id)


def expiry_policy(tx: Tx) -> ExpiryPolicy:
    row = tx.one("SELECT value FROM settings WHERE key = 'expiry_years_kept'")
    years = json.loads(row["value"]) if row else DEFAULT_EXPIRY_YEARS
    return ExpiryPolicy(int(years))


def bounds(tx: Tx) -> Bounds:
    """The programme's limits per operation (setting `bounds`, defaults filled in); a
    setting no store could use either keeps the defaults."""
    row = tx.one("SELECT value FROM settings WHERE key = 'bounds'")
    try:
        return Bounds.from_mapping(json.loads(row["value"]) if row else None)
    except (InvalidInput, TypeError, ValueError):
        return Bounds()


def ledger_mismatches(tx: Tx) -> list[str]:
    """Every way a cached balance, debt or lot disagrees with the ledger; empty when sound."""
    problems = []
    for r in tx.all(
        "SELECT m.member_id, m.balance, m.debt, COALESCE(l.total, 0) AS total, "
        "COALESCE(l.debt_moves, 0) AS debt_moves FROM members m "
        "LEFT JOIN (SELECT member_id, SUM(delta) AS total, "
        "SUM(CASE WHEN lot_id IS NULL THEN delta ELSE 0 END) AS debt_moves "
        "FROM ledger GROUP BY member_id) l ON l.member_id = m.member_id "
        "WHERE m.balance <> COALESCE(l.total, 0) OR m.debt <> -COALESCE(l.debt_moves, 0)"
    ):
        problems.append(
            f"member {r['member_id']}: cached balance {r['balance']} / debt {r['debt']} but "
            f"ledger sums to {r['total']} / debt {-r['debt_moves']}"
        )
    for r in tx.all(
        "SELECT p.lot_id, p.remaining, COALESCE(SUM(l.delta), 0) AS total FROM lots p "
        "LEFT JOIN ledger l ON l.lot_id = p.lot_id GROUP BY p.lot_id, p.remaining "
        "HAVING p.remaining <> COALESCE(SUM(l.delta), 0)"
    ):
        problems.append(
            f"lot {r['lot_id']}: remaining {r['remaining']} but ledger sums to {r['total']}"
        )
    return problems
