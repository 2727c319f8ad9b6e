"""Risk controls in the store (db/store/0013_risk.sql): staff linked to member cards,
counts of recent redemptions for the velocity rules, the rules each redemption triggered
(and who verified it), and the attempts the rules refused."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from desktop.core.errors import NotFound
from desktop.core.risk import Triggered

# live redemptions after an instant; julianday() compares instants whatever the offset, and
# the business day (indexed) narrows the rows first
_LIVE_SINCE = (
    "r.business_day >= ? AND julianday(r.created_at) > julianday(?) "
    "AND r.redemption_id NOT IN (SELECT redemption_id FROM voids)"
)


def link_member(conn: sqlite3.Connection, staff_id: str, member_id: str | None) -> None:
    """Link a staff member to a member card (None: unlink)."""
    if (
        member_id is not None
        and not conn.execute("SELECT 1 FROM members WHERE member_id = ?", (member_id,)).fetchone()
    ):
        raise NotFound(f"no member {member_id!r} in this store: sync, or check the member id")
    if not conn.execute(
        "UPDATE staff SET member_id = ? WHERE staff_id = ?", (member_id, staff_id)
    ).rowcount:
        raise NotFound(f"no staff member {staff_id!r}: check the staff id")


def linked_member(conn: sqlite3.Connection, staff_id: str) -> str | None:
    row = conn.execute("SELECT member_id FROM staff WHERE staff_id = ?", (staff_id,)).fetchone()
    return None if row is None else row[0]


def _bounds(since: datetime, since_day: date) -> tuple[str, str]:
    return (since_day - timedelta(days=1)).isoformat(), since.isoformat()


def member_count(conn: sqlite3.Connection, member_id: str, since: datetime, day: date) -> int:
    """The member's live redemptions after `since` (`day`: its business day)."""
    return int(
        conn.execute(
            f"SELECT COUNT(*) FROM redemptions r WHERE r.member_id = ? AND {_LIVE_SINCE}",
            (member_id, *_bounds(since, day)),
        ).fetchone()[0]
    )


def cashier_count(conn: sqlite3.Connection, cashier_id: str, since: datetime, day: date) -> int:
    return int(
        conn.execute(
            f"SELECT COUNT(*) FROM redemptions r WHERE r.cashier_id = ? AND {_LIVE_SINCE}",
            (cashier_id, *_bounds(since, day)),
        ).fetchone()[0]
    )


def gift_units(conn: sqlite3.Connection, gift_id: str, since: datetime, day: date) -> int:
    return int(
        conn.execute(
            # CROSS JOIN keeps SQLite's join order: the window's redemptions (by business
            # day) first, then their lines, rather than every line of the gift ever
            "SELECT COALESCE(SUM(l.quantity), 0) FROM redemptions r CROSS JOIN redemption_lines l "
            f"ON l.redemption_id = r.redemption_id WHERE l.gift_id = ? AND {_LIVE_SINCE}",
            (gift_id, *_bounds(since, day)),
        ).fetchone()[0]
    )


def record(
    conn: sqlite3.Connection,
    redemption_id: str,
    triggered: Iterable[Triggered],
    verified_by: str | None,
) -> None:
    """The rules a redemption triggered, in its own transaction."""
    conn.executemany(
        "INSERT INTO redemption_risks (redemption_id, rule, action, verified_by) "
        "VALUES (?, ?, ?, ?)",
        [(redemption_id, t.rule, t.action.value, verified_by) for t in triggered],
    )


def record_refusal(
    conn: sqlite3.Connection,
    request_id: str,
    day: date,
    member_id: str,
    cashier_id: str,
    rules: Iterable[str],
    points: int,
    cash_fen: int,
    at: str,
) -> None:
    """An attempt the rules refused; a retry of the same request is recorded once."""
    conn.execute(
        "INSERT OR IGNORE INTO risk_refusals (request_id, business_day, member_id, cashier_id, "
        "rules, points, cash_fen, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (request_id, day.isoformat(), member_id, cashier_id, json.dumps(list(rules)), points,
         cash_fen, at),
    )  # fmt: skip


@dataclass(frozen=True)
class RiskException:
    """One line of the reconciliation's exceptions: a redemption that triggered a rule, or
    an attempt a rule refused (no receipt)."""

    at: str  # ISO time as written
    receipt_no: str  # "" for a refused attempt
    member_id: str
    cashier_id: str
    cashier_name: str
    rule: str
    action: str  # verify / refuse
    verified_by: str | None
    verifier_name: str
    voided: bool = False


def day_exceptions(conn: sqlite3.Connection, day: str) -> list[RiskException]:
    """Business day `day`'s redemptions that triggered a rule (voided ones too) and the
    attempts a rule refused, in time order."""
    out = [
        RiskException(
            r["created_at"],
            r["receipt_no"],
            r["member_id"],
            r["cashier_id"],
            r["cashier_name"] or "",
            r["rule"],
            r["action"],
            r["verified_by"],
            r["verifier_name"] or "",
            r["void_id"] is not None,
        )
        for r in conn.execute(
            "SELECT r.created_at, r.receipt_no, r.member_id, r.cashier_id, c.name AS cashier_name, "
            "k.rule, k.action, k.verified_by, m.name AS verifier_name, v.void_id "
            "FROM redemption_risks k JOIN redemptions r USING (redemption_id) "
            "LEFT JOIN staff c ON c.staff_id = r.cashier_id "
            "LEFT JOIN staff m ON m.staff_id = k.verified_by "
            "LEFT JOIN voids v ON v.redemption_id = r.redemption_id WHERE r.business_day = ?",
            (day,),
        )
    ]
    for r in conn.execute(
        "SELECT f.created_at, f.member_id, f.cashier_id, c.name AS cashier_name, f.rules "
        "FROM risk_refusals f LEFT JOIN staff c ON c.staff_id = f.cashier_id "
        "WHERE f.business_day = ?",
        (day,),
    ):
        for rule in json.loads(r["rules"]):
            refused = RiskException(
                r["created_at"], "", r["member_id"], r["cashier_id"], r["cashier_name"] or "",
                rule, "refuse", None, "",
            )  # fmt: skip
            out.append(refused)
    out.sort(key=lambda e: (datetime.fromisoformat(e.at), e.receipt_no, e.rule))
    return out
