"""Gifts and campaigns from the catalogue JSON format (resources/demo/catalogue.json):
`{"gifts": [{"gift_id", "name_zh", "name_en", "category", "prices": [[points, cash_fen]],
"low", "min_tier"?, "active_from"?, "active_until"?, "kind"?, "terms"?}], "campaigns": [...]}`
(`kind` goods/coupon/experience and its `terms`, as `Gift.terms_dict` writes them)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop.core.catalogue import Gift, GiftId, GiftKind, Price, kind_terms
from desktop.core.earning import CAMPAIGN_OCCASIONS, Campaign
from desktop.core.errors import InvalidInput
from desktop.core.members import Tier
from desktop.core.money import parse_int
from desktop.core.occasions import Occasion

#: the window of a campaign tied to an occasion when none is given: from the start
ALWAYS = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


def parse_time(value: Any, what: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"{what} must be an ISO 8601 time, got {value!r}") from None
    if when.tzinfo is None:
        raise InvalidInput(f"{what} needs a UTC offset, e.g. 2027-01-29T00:00:00+08:00")
    return when


def gift_from_json(g: dict[str, Any]) -> Gift:
    try:
        prices = tuple(
            Price(parse_int(p, "price points"), parse_int(c, "price cash")) for p, c in g["prices"]
        )
        kind = GiftKind(g.get("kind", "goods"))
        return Gift(
            GiftId(str(g["gift_id"])),
            str(g["name_zh"]),
            str(g["name_en"]),
            str(g["category"]),
            prices,
            Tier.parse(g.get("min_tier", "regular")),
            parse_time(g.get("active_from"), "active_from"),
            parse_time(g.get("active_until"), "active_until"),
            parse_int(g.get("low", 0), "low-stock threshold"),
            kind,
            *kind_terms(kind, g.get("terms")),
        )
    except (KeyError, TypeError, ValueError) as e:
        raise InvalidInput(f"gift {g.get('gift_id', '?')!r} is malformed: {e!r}") from None


def campaign_from_json(c: dict[str, Any]) -> Campaign:
    """A campaign; one tied to an `occasion` (e.g. "member_day", "qixi") may leave out
    starts and ends: it then runs every month or year until changed."""
    try:
        occasion = _occasion(c.get("occasion"))
        starts, ends = parse_time(c.get("starts"), "starts"), parse_time(c.get("ends"), "ends")
        if occasion is not None:
            starts, ends = starts or ALWAYS[0], ends or ALWAYS[1]
        if starts is None or ends is None:
            raise InvalidInput("a campaign needs starts and ends")
        return Campaign(
            str(c["campaign_id"]),
            str(c["name"]),
            starts,
            ends,
            parse_int(c["multiplier_permille"], "multiplier_permille"),
            frozenset(Tier.parse(t) for t in str(c.get("tiers", "")).split(",") if t.strip()),
            occasion,
        )
    except (KeyError, TypeError, ValueError) as e:
        raise InvalidInput(f"campaign {c.get('campaign_id', '?')!r} is malformed: {e!r}") from None


def _occasion(value: Any) -> Occasion | None:
    if value in (None, ""):
        return None
    try:
        return Occasion(str(value))
    except ValueError:
        known = ", ".join(o.value for o in Occasion if o in CAMPAIGN_OCCASIONS)
        raise InvalidInput(f"unknown occasion {value!r}; one of {known}") from None


def load_catalogue(path: Path | str) -> tuple[list[Gift], list[Campaign]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InvalidInput(f"cannot read the catalogue {path}: {e}") from None
    if not isinstance(data, dict) or not isinstance(data.get("gifts", []), list):
        raise InvalidInput(f"{path} is not a catalogue: expected {{'gifts': [...]}}")
    raw_gifts, raw_campaigns = data.get("gifts", []), data.get("campaigns", [])
    if not isinstance(raw_campaigns, list) or not all(
        isinstance(x, dict) for x in [*raw_gifts, *raw_campaigns]
    ):
        raise InvalidInput(f"{path}: every gift and campaign must be a JSON object")
    gifts = [gift_from_json(g) for g in raw_gifts]
    campaigns = [campaign_from_json(c) for c in raw_campaigns]
    return gifts, campaigns
