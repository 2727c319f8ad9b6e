"""Redemptions and their lines (db/store/0001_initial.sql): what a member took, for how
many points and how much cash, on which business day, by which cashier, online or not.

Rows are written once, by the till's redeem transaction, together with the stock moves,
the points ledger rows, the request record and the outbox event (services/till.py)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from desktop.core.coupons import CouponRecord
from desktop.core.members import mask_name
from desktop.core.offline import OfflineUsage
from desktop.store import coupons as coupons_repo


@dataclass(frozen=True)
class ReceiptLine:
    gift_id: str
    name_zh: str
    name_en: str
    quantity: int
    points_each: int
    cash_fen_each: int


@dataclass(frozen=True)
class Receipt:
    receipt_no: str
    redemption_id: str
    created_at: str
    cashier_id: str
    member_id: str
    masked_name: str
    lines: tuple[ReceiptLine, ...]
    points: int
    cash_fen: int
    balance_before: int
    balance_after: int
    offline: bool
    replayed: bool = False  # True when this answers a retry of an earlier request
    blessing: str | None = None  # the line printed on the greeting card (stays here)
    coupons: tuple[CouponRecord, ...] = ()  # the coupon codes it issued, one per unit


@dataclass(frozen=True)
class SoldLine:
    gift_id: str
    quantity: int
    points_each: int
    cash_fen_each: int


@dataclass(frozen=True)
class NewRedemption:
    redemption_id: str
    receipt_no: str
    business_day: date
    member_id: str
    cashier_id: str
    points: int
    cash_fen: int
    balance_before: int
    balance_after: int
    code_kind: str
    offline: bool
    override_by: str | None
    created_at: str
    lines: tuple[SoldLine, ...]
    blessing: str | None = None


@dataclass(frozen=True)
class Redeemed:
    """What a void needs to know of a redemption."""

    redemption_id: str
    receipt_no: str
    business_day: str
    member_id: str
    points: int


@dataclass(frozen=True)
class ReceiptRow:
    """One line of a day's list of receipts (the manager's void screen)."""

    receipt_no: str
    at: datetime  # store time
    member: str  # masked name
    cashier: str  # "name (id)"
    points: int
    cash_fen: int
    voided_by: str | None  # the approving manager's id, once voided
    voided_at: datetime | None


def next_receipt_no(conn: sqlite3.Connection, store_id: str, day: date) -> str:
    """STORE-YYYYMMDD-NNNNN, sequential per business day (a range scan on the unique
    receipt_no index: constant cost however busy the day). After a recovery the store is in
    a new epoch and its numbers read STORE-YYYYMMDD-E2-NNNNN: a receipt the lost database
    printed is never issued again (desktop/store/recovery.py)."""
    row = conn.execute("SELECT value FROM settings WHERE key = 'epoch'").fetchone()
    epoch = int(row[0]) if row else 1
    prefix = f"{store_id}-{day:%Y%m%d}-" + (f"E{epoch}-" if epoch > 1 else "")
    last = conn.execute(
        "SELECT MAX(receipt_no) FROM redemptions WHERE receipt_no >= ? AND receipt_no < ?",
        (prefix, prefix + "~"),
    ).fetchone()[0]
    n = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{n:05d}"


def insert(conn: sqlite3.Connection, r: NewRedemption) -> None:
    """The redemption and its lines (the caller moves the stock and the points)."""
    conn.execute(
        "INSERT INTO redemptions (redemption_id, receipt_no, business_day, member_id, "
        "cashier_id, points, cash_fen, balance_before, balance_after, code_kind, "
        "offline, override_by, created_at, blessing) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            r.redemption_id,
            r.receipt_no,
            r.business_day.isoformat(),
            r.member_id,
            r.cashier_id,
            r.points,
            r.cash_fen,
            r.balance_before,
            r.balance_after,
            r.code_kind,
            int(r.offline),
            r.override_by,
            r.created_at,
            r.blessing,
        ),
    )
    conn.executemany(
        "INSERT INTO redemption_lines (redemption_id, line_no, gift_id, quantity, "
        "points_each, cash_fen_each) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (r.redemption_id, no, x.gift_id, x.quantity, x.points_each, x.cash_fen_each)
            for no, x in enumerate(r.lines, 1)
        ],
    )


def receipt(conn: sqlite3.Connection, redemption_id: str, replayed: bool = False) -> Receipt:
    r = conn.execute(
        "SELECT r.*, m.name FROM redemptions r JOIN members m USING (member_id) "
        "WHERE redemption_id = ?",
        (redemption_id,),
    ).fetchone()
    lines = tuple(
        ReceiptLine(
            x["gift_id"],
            x["name_zh"],
            x["name_en"],
            x["quantity"],
            x["points_each"],
            x["cash_fen_each"],
        )
        for x in conn.execute(
            "SELECT l.*, g.name_zh, g.name_en FROM redemption_lines l JOIN gifts g USING (gift_id) "
            "WHERE redemption_id = ? ORDER BY line_no",
            (redemption_id,),
        )
    )
    return Receipt(
        r["receipt_no"],
        redemption_id,
        r["created_at"],
        r["cashier_id"],
        r["member_id"],
        mask_name(r["name"]),
        lines,
        r["points"],
        r["cash_fen"],
        r["balance_before"],
        r["balance_after"],
        bool(r["offline"]),
        replayed,
        r["blessing"],
        coupons_repo.of_redemption(conn, redemption_id),
    )


def find(conn: sqlite3.Connection, receipt_no: str) -> Redeemed | None:
    row = conn.execute(
        "SELECT redemption_id, receipt_no, business_day, member_id, points FROM redemptions "
        "WHERE receipt_no = ?",
        (receipt_no,),
    ).fetchone()
    return None if row is None else Redeemed(row[0], row[1], row[2], row[3], row[4])


def gifts_taken(conn: sqlite3.Connection, redemption_id: str) -> list[tuple[str, int]]:
    """(gift id, quantity) per line, in line order."""
    return [
        (str(r[0]), int(r[1]))
        for r in conn.execute(
            "SELECT gift_id, quantity FROM redemption_lines WHERE redemption_id = ? "
            "ORDER BY line_no",
            (redemption_id,),
        )
    ]


def offline_usage(
    conn: sqlite3.Connection, member_id: str, day: date, last_sync: datetime | None
) -> OfflineUsage:
    """What offline redemptions since the last successful sync used of the offline caps:
    the member's points on business day `day`, whether the member was served, members
    served and points in all (voided redemptions do not count)."""
    # julianday() compares instants, whatever offset each timestamp was written with
    since = last_sync.isoformat() if last_sync else "0001-01-01T00:00:00+00:00"
    live = (
        "offline = 1 AND julianday(created_at) > julianday(?) "
        "AND redemption_id NOT IN (SELECT redemption_id FROM voids)"
    )
    member_today = conn.execute(
        f"SELECT COALESCE(SUM(points), 0) FROM redemptions WHERE {live} "
        "AND member_id = ? AND business_day = ?",
        (since, member_id, day.isoformat()),
    ).fetchone()[0]
    served = conn.execute(
        f"SELECT COUNT(DISTINCT member_id), COALESCE(SUM(points), 0), "
        f"SUM(member_id = ?) FROM redemptions WHERE {live}",
        (member_id, since),
    ).fetchone()
    return OfflineUsage(
        member_points_today=int(member_today),
        member_already_served=bool(served[2]),
        members_served=int(served[0]),
        store_points=int(served[1]),
        last_sync=last_sync,
    )


def day_receipts(conn: sqlite3.Connection, day: date, tz: tzinfo) -> list[ReceiptRow]:
    """The redemptions of business day `day`, newest first, with their voids."""
    rows = conn.execute(
        "SELECT r.receipt_no, r.created_at, m.name AS member, s.name AS cashier, r.cashier_id, "
        "r.points, r.cash_fen, v.manager_id, v.created_at AS voided_at FROM redemptions r "
        "JOIN members m USING (member_id) LEFT JOIN staff s ON s.staff_id = r.cashier_id "
        "LEFT JOIN voids v USING (redemption_id) WHERE r.business_day = ? "
        "ORDER BY r.created_at DESC, r.receipt_no DESC",
        (day.isoformat(),),
    ).fetchall()
    return [
        ReceiptRow(
            r["receipt_no"],
            datetime.fromisoformat(r["created_at"]).astimezone(tz),
            mask_name(r["member"]),
            f"{r['cashier'] or ''} ({r['cashier_id']})",
            r["points"],
            r["cash_fen"],
            r["manager_id"],
            datetime.fromisoformat(r["voided_at"]).astimezone(tz) if r["voided_at"] else None,
        )
        for r in rows
    ]
