"""Pull: a page of the change log as the *current* state of each changed entity
(snapshots, not diffs), so a store can apply a page twice without harm."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from typing import Any

from desktop.core.catalogue import CatalogueRules
from desktop.core.journeys import JourneyConfig
from desktop.core.limits import Bounds
from desktop.core.occasions import OccasionConfig
from desktop.core.offline import OfflineLimits
from desktop.core.risk import Action, RiskRules
from desktop.core.stock_policy import StockPolicy
from headoffice.accounts import DEFAULT_EXPIRY_YEARS
from headoffice.db import Row, Tx

SETTINGS_DEFAULTS: dict[str, Any] = {
    "offline_limits": asdict(OfflineLimits()),
    "expiry_years_kept": DEFAULT_EXPIRY_YEARS,
    "bounds": Bounds().as_dict(),
    "occasions": OccasionConfig().as_dict(),
    "catalogue": CatalogueRules().as_dict(),  # value bands, hot marks
    "stock_policy": StockPolicy().as_dict(),
    # off until head office sets rules, but for a cashier's own card (desktop/core/risk.py)
    "risk_rules": RiskRules(self_redemption=Action.VERIFY).as_dict(),
    # journeys that give points are off until head office turns them on: an upgraded head
    # office does not start handing out bonuses; suggestions (starter, expiring) are on
    "journeys": JourneyConfig().points_off().as_dict(),
}


def member(tx: Tx, member_id: str, today: date) -> dict[str, Any] | None:
    """A member with balance, debt, flag and lots: every lot with points left, and used-up
    lots until their expiry (a void at the store may still return points to them)."""
    m = tx.one("SELECT * FROM members WHERE member_id = ?", (member_id,))
    if m is None:
        return None
    lots = tx.all(
        "SELECT lot_id, earned_on, expires_on, original, remaining FROM lots "
        "WHERE member_id = ? AND (remaining > 0 OR expires_on >= ?) "
        "ORDER BY expires_on, earned_on, lot_id",
        (member_id, today.isoformat()),
    )
    # the last earn or redemption at any store (a journey's bonus lot is no activity)
    active = tx.one(
        "SELECT MAX(substr(at, 1, 10)) AS day FROM ledger l WHERE member_id = ? "
        "AND kind IN ('earn', 'redeem') AND NOT EXISTS "
        "(SELECT 1 FROM journey_uses j WHERE j.use_id = l.ref)",
        (member_id,),
    )
    redeemed = tx.one(
        "SELECT MAX(business_day) AS day FROM redemptions WHERE member_id = ?", (member_id,)
    )
    days = [str(r["day"]) for r in (active, redeemed) if r is not None and r["day"] is not None]
    journeys = tx.all(
        "SELECT DISTINCT journey, period FROM journey_uses WHERE member_id = ? "
        "ORDER BY journey, period",
        (member_id,),
    )
    return {
        "member_id": m["member_id"],
        "name": m["name"],
        "tier": m["tier"],
        "status": m["status"],
        "card_number": m["card_number"],
        "card_serial": m["card_serial"],
        "birthday": m["birthday"],
        "balance": int(m["balance"]),
        "debt": int(m["debt"]),
        "flagged": bool(m["flagged"]),
        "last_active_on": max(days) if days else None,
        "redeemed": redeemed is not None and redeemed["day"] is not None,
        "journeys": [[r["journey"], r["period"]] for r in journeys],
        "lots": [
            {
                "lot_id": r["lot_id"],
                "earned_on": r["earned_on"],
                "expires_on": r["expires_on"],
                "original": int(r["original"]),
                "remaining": int(r["remaining"]),
            }
            for r in lots
        ],
    }


def gift(tx: Tx, gift_id: str) -> dict[str, Any] | None:
    g = tx.one("SELECT * FROM gifts WHERE gift_id = ?", (gift_id,))
    if g is None:
        return None
    return {
        "gift_id": g["gift_id"],
        "name_zh": g["name_zh"],
        "name_en": g["name_en"],
        "category": g["category"],
        "prices": json.loads(g["prices"]),
        "min_tier": g["min_tier"],
        "active_from": g["active_from"],
        "active_until": g["active_until"],
        "low_stock_threshold": int(g["low_stock_threshold"]),
        "kind": g["kind"],
        "terms": json.loads(g["terms"]) if g["terms"] else None,
    }


def campaign(tx: Tx, campaign_id: str) -> dict[str, Any] | None:
    c = tx.one("SELECT * FROM campaigns WHERE campaign_id = ?", (campaign_id,))
    if c is None:
        return None
    return {
        "campaign_id": c["campaign_id"],
        "name": c["name"],
        "starts": c["starts"],
        "ends": c["ends"],
        "multiplier_permille": int(c["multiplier_permille"]),
        "tiers": c["tiers"],
        "occasion": c["occasion"],
    }


def key(tx: Tx, key_id: str) -> dict[str, Any] | None:
    k = tx.one("SELECT * FROM issuer_keys WHERE key_id = ?", (int(key_id),))
    if k is None:
        return None
    return {"key_id": int(k["key_id"]), "public": k["public"], "not_after": k["not_after"]}


def revocation(tx: Tx, ref: str) -> dict[str, Any] | None:
    member_no, _, serial = ref.partition(":")
    r = tx.one(
        "SELECT member_no, serial FROM revocations WHERE member_no = ? AND serial = ?",
        (int(member_no), int(serial)),
    )
    return None if r is None else {"member_no": int(r["member_no"]), "serial": int(r["serial"])}


def delivery(tx: Tx, delivery_id: str, store_id: str) -> dict[str, Any] | None:
    d = tx.one(
        "SELECT * FROM deliveries WHERE delivery_id = ? AND store_id = ?", (delivery_id, store_id)
    )
    if d is None:
        return None
    out = {
        "delivery_id": d["delivery_id"],
        "gift_id": d["gift_id"],
        "quantity": int(d["quantity"]),
        "note": d["note"],
    }
    if d["request_id"] is not None:  # it answers a store's replenishment request
        out["request_id"] = d["request_id"]
    return out


def design(tx: Tx, occasion: str) -> dict[str, Any] | None:
    d = tx.one("SELECT * FROM card_designs WHERE occasion = ?", (occasion,))
    return None if d is None else {"occasion": d["occasion"], "design": json.loads(d["design"])}


def settings(tx: Tx) -> dict[str, Any]:
    """Every setting stores know, head office's value or the default."""
    out = dict(SETTINGS_DEFAULTS)
    for r in tx.all("SELECT key, value FROM settings"):
        out[r["key"]] = json.loads(r["value"])
    return out


def total(tx: Tx, day: str, store_id: str) -> dict[str, Any]:
    """Head office's sums of the store's applied, not voided, redemptions of one business
    day: what the store's daily reconciliation compares with its own."""
    t = tx.one(
        "SELECT COUNT(*) AS n, COALESCE(SUM(points), 0) AS points, "
        "COALESCE(SUM(cash_fen), 0) AS cash FROM redemptions "
        "WHERE store_id = ? AND business_day = ? AND void_id IS NULL",
        (store_id, day),
    )
    assert t is not None
    return {
        "day": day,
        "redemptions": int(t["n"]),
        "points": int(t["points"]),
        "cash_fen": int(t["cash"]),
    }


def page(tx: Tx, rows: list[Row], store_id: str, today: date) -> dict[str, Any]:
    """The snapshots for a page of change-log rows, each entity once."""
    out: dict[str, Any] = {
        "members": [],
        "gifts": [],
        "campaigns": [],
        "keys": [],
        "revocations": [],
        "deliveries": [],
        "settings": {},
        "designs": [],
        "totals": [],
    }
    seen: set[tuple[str, str]] = set()
    for r in rows:
        entity, ref = str(r["entity"]), str(r["entity_key"])
        if (entity, ref) in seen:
            continue
        seen.add((entity, ref))
        snap: dict[str, Any] | None
        if entity == "member":
            snap, where = member(tx, ref, today), "members"
        elif entity == "gift":
            snap, where = gift(tx, ref), "gifts"
        elif entity == "campaign":
            snap, where = campaign(tx, ref), "campaigns"
        elif entity == "key":
            snap, where = key(tx, ref), "keys"
        elif entity == "revocation":
            snap, where = revocation(tx, ref), "revocations"
        elif entity == "delivery":
            snap, where = delivery(tx, ref, store_id), "deliveries"
        elif entity == "design":
            snap, where = design(tx, ref), "designs"
        elif entity == "total":
            snap, where = total(tx, ref, store_id), "totals"
        elif entity == "setting":
            out["settings"] = settings(tx)
            continue
        else:
            raise ValueError(f"change log names an unknown entity {entity!r}")
        if snap is not None:
            out[where].append(snap)
    return out
