"""Member journeys at the store: what the rules need to know about a member (last activity
here and at any store, ever redeemed, journeys already used) and the uses themselves.
Written by the till's journey transaction with the bonus lot, the stock movement, the
request record and the outbox event (services/journeys.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from desktop.core.catalogue import Gift
from desktop.core.journeys import MemberFacts
from desktop.store.catalogue import _gift

#: A gift row parsed once (member_view is on the scan path): a row is hashable by its
#: values, so a changed gift or stock is a new entry.
_parsed = lru_cache(maxsize=1024)(_gift)


@dataclass(frozen=True)
class JourneyUse:
    use_id: str
    member_id: str
    journey: str
    period: str
    bonus_points: int
    gift_id: str | None
    dormant_days: int | None
    at: str
    replayed: bool = False


def facts(conn: sqlite3.Connection, member_id: str) -> MemberFacts:
    """Last activity = the later of head office's `last_active_on` (any store) and this
    store's own last earn or redemption; three indexed look-ups, no outbox scan."""
    row = conn.execute(
        "SELECT last_active_on, redeemed_anywhere FROM members WHERE member_id = ?",
        (member_id,),
    ).fetchone()
    earned = conn.execute(
        "SELECT MAX(substr(created_at, 1, 10)) FROM earns WHERE member_id = ?", (member_id,)
    ).fetchone()[0]
    redeemed = conn.execute(
        "SELECT MAX(business_day) FROM redemptions WHERE member_id = ?", (member_id,)
    ).fetchone()[0]
    days = [d for d in (row[0] if row else None, earned, redeemed) if d]
    used = frozenset(
        (str(r[0]), str(r[1]))
        for r in conn.execute(
            "SELECT journey, period FROM journey_uses WHERE member_id = ?", (member_id,)
        )
    )
    return MemberFacts(
        date.fromisoformat(max(days)) if days else None,
        bool(row and row[1]) or redeemed is not None,
        used,
    )


def gifts_within(conn: sqlite3.Connection, points: int) -> list[tuple[Gift, int]]:
    """Gifts in stock whose default price is 1 to `points` points, with their stock: what a
    suggestion may choose from (desktop/core/journeys.py filters tier and dates)."""
    rows = conn.execute(
        "SELECT * FROM gifts WHERE stock > 0 AND json_extract(prices, '$[0][0]') BETWEEN 1 AND ? "
        "ORDER BY gift_id",
        (points,),
    ).fetchall()
    return [(_parsed(r), int(r["stock"])) for r in rows]


def used(conn: sqlite3.Connection, member_id: str, journey: str, period: str) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM journey_uses WHERE member_id = ? AND journey = ? AND period = ?",
            (member_id, journey, period),
        ).fetchone()
        is not None
    )


def insert(
    conn: sqlite3.Connection, use: JourneyUse, cashier_id: str, *, if_new: bool = False
) -> bool:
    """This store's use of a journey. `if_new` (a recovery taking back its own events):
    nothing when the member already has that journey for that period; False then."""
    cur = conn.execute(
        "INSERT INTO journey_uses (use_id, member_id, journey, period, source, cashier_id, "
        "bonus_points, gift_id, dormant_days, at) VALUES (?, ?, ?, ?, 'store', ?, ?, ?, ?, ?)"
        + (" ON CONFLICT (member_id, journey, period) DO NOTHING" if if_new else ""),
        (
            use.use_id,
            use.member_id,
            use.journey,
            use.period,
            cashier_id,
            use.bonus_points,
            use.gift_id,
            use.dormant_days,
            use.at,
        ),
    )
    return cur.rowcount == 1


def get(conn: sqlite3.Connection, use_id: str, replayed: bool = False) -> JourneyUse:
    r = conn.execute(
        "SELECT use_id, member_id, journey, period, bonus_points, gift_id, dormant_days, at "
        "FROM journey_uses WHERE use_id = ?",
        (use_id,),
    ).fetchone()
    return JourneyUse(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], replayed)


def from_headoffice(
    conn: sqlite3.Connection,
    member_id: str,
    last_active_on: date | None,
    redeemed: bool,
    uses: Iterable[tuple[str, str]],
    at: str,
) -> None:
    """What a member snapshot says about journeys: kept beside this store's own uses (a
    key this store used itself is already there)."""
    conn.execute(
        "UPDATE members SET last_active_on = ?, redeemed_anywhere = ? WHERE member_id = ?",
        (last_active_on.isoformat() if last_active_on else None, int(redeemed), member_id),
    )
    for journey, period in uses:
        if journey not in ("welcome_back", "starter", "birthday"):
            continue  # a journey this store does not know yet
        conn.execute(
            "INSERT INTO journey_uses (use_id, member_id, journey, period, source, at) "
            "VALUES (?, ?, ?, ?, 'headoffice', ?) "
            "ON CONFLICT (member_id, journey, period) DO NOTHING",
            (f"ho:{member_id}:{journey}:{period}", member_id, journey, period, at),
        )
