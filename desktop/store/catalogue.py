"""Gifts and the append-only stock ledger (cached stock per gift, proven by the ledger)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from desktop.core.catalogue import Gift, GiftId, GiftKind, Price, kind_terms
from desktop.core.earning import Campaign
from desktop.core.errors import InvalidInput, NotFound
from desktop.core.members import Tier
from desktop.core.occasions import Occasion


def _gift(row: sqlite3.Row) -> Gift:
    kind = GiftKind(row["kind"])
    coupon, session = kind_terms(kind, json.loads(row["terms"]) if row["terms"] else None)
    return Gift(
        gift_id=GiftId(row["gift_id"]),
        name_zh=row["name_zh"],
        name_en=row["name_en"],
        category=row["category"],
        prices=tuple(Price(p, c) for p, c in json.loads(row["prices"])),
        min_tier=Tier(row["min_tier"]),
        active_from=datetime.fromisoformat(row["active_from"]) if row["active_from"] else None,
        active_until=datetime.fromisoformat(row["active_until"]) if row["active_until"] else None,
        low_stock_threshold=row["low_stock_threshold"],
        kind=kind,
        coupon=coupon,
        session=session,
    )


def get_gift(conn: sqlite3.Connection, gift_id: str) -> tuple[Gift, int]:
    """The gift and its stock on hand."""
    row = conn.execute("SELECT * FROM gifts WHERE gift_id = ?", (gift_id,)).fetchone()
    if row is None:
        raise NotFound(f"unknown gift {gift_id!r}: check the gift code in the catalogue")
    return _gift(row), int(row["stock"])


def has_gift(conn: sqlite3.Connection, gift_id: str) -> bool:
    return conn.execute("SELECT 1 FROM gifts WHERE gift_id = ?", (gift_id,)).fetchone() is not None


def list_gifts(conn: sqlite3.Connection) -> list[tuple[Gift, int]]:
    rows = conn.execute("SELECT * FROM gifts ORDER BY category, gift_id").fetchall()
    return [(_gift(r), int(r["stock"])) for r in rows]


def upsert_gift(conn: sqlite3.Connection, g: Gift) -> None:
    conn.execute(
        "INSERT INTO gifts (gift_id, name_zh, name_en, category, prices, min_tier, active_from, "
        "active_until, low_stock_threshold, kind, terms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (gift_id) DO UPDATE SET name_zh = excluded.name_zh, "
        "name_en = excluded.name_en, category = excluded.category, prices = excluded.prices, "
        "min_tier = excluded.min_tier, active_from = excluded.active_from, "
        "active_until = excluded.active_until, "
        "low_stock_threshold = excluded.low_stock_threshold, kind = excluded.kind, "
        "terms = excluded.terms",
        (
            g.gift_id,
            g.name_zh,
            g.name_en,
            g.category,
            json.dumps([[p.points, p.cash_fen] for p in g.prices]),
            g.min_tier.value,
            g.active_from.isoformat() if g.active_from else None,
            g.active_until.isoformat() if g.active_until else None,
            g.low_stock_threshold,
            g.kind.value,
            _terms_json(g),
        ),
    )


def _terms_json(g: Gift) -> str | None:
    terms = g.terms_dict()
    return None if terms is None else json.dumps(terms, ensure_ascii=False, sort_keys=True)


def units_redeemed_since(conn: sqlite3.Connection, since: str) -> dict[str, int]:
    """Units redeemed per gift at this store since `since` (ISO time), voids left out."""
    return {
        str(r[0]): int(r[1])
        for r in conn.execute(
            "SELECT l.gift_id, SUM(l.quantity) FROM redemptions r "
            "JOIN redemption_lines l USING (redemption_id) "
            "WHERE r.created_at >= ? AND NOT EXISTS "
            "(SELECT 1 FROM voids v WHERE v.redemption_id = r.redemption_id) "
            "GROUP BY l.gift_id",
            (since,),
        )
    }


def put_campaign(conn: sqlite3.Connection, c: Campaign) -> None:
    """Insert or replace a campaign (head office's current version of it)."""
    put_campaign_text(
        conn,
        c.campaign_id,
        c.name,
        c.starts.isoformat(),
        c.ends.isoformat(),
        c.multiplier_permille,
        ",".join(t.value for t in sorted(c.tiers, key=lambda t: t.rank)),
        c.occasion.value if c.occasion else None,
    )


def put_campaign_text(
    conn: sqlite3.Connection,
    campaign_id: str,
    name: str,
    starts: str,
    ends: str,
    multiplier_permille: int,
    tiers: str,
    occasion: str | None = None,
) -> None:
    """A campaign as set-up files write it: ISO times, tiers comma-separated ("" = all),
    the occasion it is tied to (an Occasion value) or None."""
    conn.execute(
        "INSERT OR REPLACE INTO campaigns (campaign_id, name, starts, ends, multiplier_permille, "
        "tiers, occasion) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (campaign_id, name, starts, ends, multiplier_permille, tiers, occasion),
    )


def campaigns(conn: sqlite3.Connection) -> tuple[Campaign, ...]:
    return tuple(
        Campaign(
            r["campaign_id"],
            r["name"],
            datetime.fromisoformat(r["starts"]),
            datetime.fromisoformat(r["ends"]),
            r["multiplier_permille"],
            frozenset(Tier(t) for t in r["tiers"].split(",") if t),
            Occasion(r["occasion"]) if r["occasion"] else None,
        )
        for r in conn.execute("SELECT * FROM campaigns")
    )


def move_stock(
    conn: sqlite3.Connection,
    gift_id: str,
    delta: int,
    kind: str,
    ref: str,
    at: str,
    staff_id: str | None = None,
    reason: str | None = None,
) -> int:
    """Append a stock movement and update the cached count; returns the new stock.
    A movement that would take stock below zero is refused (nothing written)."""
    row = conn.execute("SELECT stock FROM gifts WHERE gift_id = ?", (gift_id,)).fetchone()
    if row is None:
        raise NotFound(f"unknown gift {gift_id!r}: check the gift code in the catalogue")
    new = int(row[0]) + delta
    if new < 0:
        raise InvalidInput(
            f"gift {gift_id}: stock would go below zero ({row[0]} on hand, change {delta})"
        )
    conn.execute(
        "INSERT INTO stock_ledger (gift_id, delta, kind, ref, staff_id, reason, at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (gift_id, delta, kind, ref, staff_id, reason, at),
    )
    conn.execute("UPDATE gifts SET stock = ? WHERE gift_id = ?", (new, gift_id))
    return new


def movement(conn: sqlite3.Connection, ref: str) -> tuple[str, int, int]:
    """(gift id, change, stock just after it) of the stock movement with reference `ref`."""
    row = conn.execute(
        "SELECT gift_id, delta, entry_id FROM stock_ledger WHERE ref = ?", (ref,)
    ).fetchone()
    if row is None:
        raise NotFound(f"no stock movement {ref!r} in this store")
    stock_then = conn.execute(
        "SELECT SUM(delta) FROM stock_ledger WHERE gift_id = ? AND entry_id <= ?",
        (row[0], row[2]),
    ).fetchone()[0]
    return str(row[0]), int(row[1]), int(stock_then)


def stock_mismatches(conn: sqlite3.Connection) -> list[str]:
    return [
        f"gift {r['gift_id']}: cached stock {r['stock']} but stock ledger sums to {r['total']}"
        for r in conn.execute(
            "SELECT g.gift_id, g.stock, COALESCE(SUM(s.delta), 0) AS total FROM gifts g "
            "LEFT JOIN stock_ledger s ON s.gift_id = g.gift_id GROUP BY g.gift_id "
            "HAVING g.stock <> COALESCE(SUM(s.delta), 0)"
        )
    ]
