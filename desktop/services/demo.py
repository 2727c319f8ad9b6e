"""The demo store: a believable Shanghai store with Chinese member names, tiers, lots that
expire at different dates, ~30 gifts (one a coupon) across the 100/500/1000/5000 bands (some platinum-only,
some points + cash, a couple near their low-stock threshold). Deterministic for a seed.

`populate_bulk` adds members at benchmark scale (1,000,000) in one fast transaction."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from desktop.core.cardnumber import make_card_number
from desktop.core.catalogue import Gift, GiftId, GiftKind, Price, kind_terms
from desktop.core.lots import ExpiryPolicy
from desktop.core.members import Member, MemberId, MemberStatus, Tier
from desktop.core.names import member_name
from desktop.resources import DEMO
from desktop.services.app import StoreServices
from desktop.services.setup import OpeningLot, init_store
from desktop.store import members as members_repo

DEMO_FILE = DEMO / "catalogue.json"

TIER_WEIGHTS = [(Tier.REGULAR, 55), (Tier.SILVER, 25), (Tier.GOLD, 14), (Tier.PLATINUM, 6)]


def demo_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    return data


def member_id(n: int) -> str:
    return f"M{n:08d}"


def card_number(n: int) -> str:
    return make_card_number(f"8800{n:08d}")


def _tier(rng: random.Random) -> Tier:
    return rng.choices([t for t, _ in TIER_WEIGHTS], [w for _, w in TIER_WEIGHTS])[0]


def _lots(
    rng: random.Random, tier: Tier, today: date, policy: ExpiryPolicy
) -> tuple[OpeningLot, ...]:
    scale = {Tier.REGULAR: 1, Tier.SILVER: 2, Tier.GOLD: 4, Tier.PLATINUM: 10}[tier]
    lots = []
    # last year's points (expire at the end of this year: "expiring soon" in December),
    # this year's, and for some members a lot earned two years ago on a longer policy
    for years_ago in (1, 0):
        if rng.random() < 0.8:
            earned = date(
                today.year - years_ago, rng.randint(1, 12 if years_ago else today.month), 1
            )
            points = rng.randint(50, 1500) * scale
            lots.append(OpeningLot(points, earned, policy.expires_on(earned)))
    if rng.random() < 0.3:
        # campaign bonus points are valid for 60 days: some run out within the month
        expires = today + timedelta(days=rng.randint(3, 28))
        lots.append(OpeningLot(rng.randint(20, 300) * scale, expires - timedelta(days=60), expires))
    return tuple(lots)


def build_demo(
    path: Path | str,
    members: int = 200,
    seed: int = 2026,
    clock: Callable[[], datetime] | None = None,
) -> StoreServices:
    """Create the demo store at `path` (a new file) and open today's business day."""
    data = demo_data()
    s = data["store"]
    db = init_store(path, s["store_id"], s["name_zh"], s["name_en"], s["timezone"])
    app = StoreServices(db, clock)
    for staff in data["staff"]:
        app.setup.add_staff(staff["staff_id"], staff["name"], staff["role"], staff["pin"])
    for c in data["campaigns"]:
        app.setup.add_campaign(c)
    for g in data["gifts"]:
        kind = GiftKind(g.get("kind", "goods"))
        coupon, session = kind_terms(kind, g.get("terms"))  # a coupon's or experience's
        app.setup.upsert_gift(
            Gift(
                gift_id=GiftId(g["gift_id"]),
                name_zh=g["name_zh"],
                name_en=g["name_en"],
                category=g["category"],
                prices=tuple(Price(p, c) for p, c in g["prices"]),
                min_tier=Tier(g.get("min_tier", "regular")),
                active_from=datetime.fromisoformat(g["active_from"])
                if g.get("active_from")
                else None,
                active_until=datetime.fromisoformat(g["active_until"])
                if g.get("active_until")
                else None,
                low_stock_threshold=g["low"],
                kind=kind,
                coupon=coupon,
                session=session,
            ),
            g["stock"],
        )
    rng = random.Random(seed)
    today = app.ctx.today()
    policy = app.ctx.expiry_policy()
    for n in range(1, members + 1):
        tier = _tier(rng)
        status = MemberStatus.BLOCKED if n % 97 == 0 else MemberStatus.ACTIVE
        birthday = date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))
        m = Member(MemberId(member_id(n)), member_name(rng), tier, status, card_number(n), birthday)
        app.setup.add_member(m, _lots(rng, tier, today, policy))
    manager = next(x for x in data["staff"] if x["role"] == "manager")
    app.day.open(app.login(manager["staff_id"], manager["pin"], manager=True))
    return app


def populate_bulk(
    app: StoreServices, members: int, ledger_rows: int, seed: int = 7, start: int = 1
) -> None:
    """Add `members` members (ids from `start`) with `ledger_rows` opening lots spread
    over them, streamed through sqlite-utils' insert_all in one transaction. Cached
    balances match the ledger."""
    rng = random.Random(seed)
    today = app.ctx.today()
    policy = app.ctx.expiry_policy()
    at = app.ctx.now().isoformat()
    lots: list[dict[str, Any]] = []
    balances: dict[str, int] = {}
    for _ in range(ledger_rows):
        mid = member_id(rng.randrange(start, start + members))
        earned = date(today.year - rng.randint(0, 1), rng.randint(1, today.month), 1)
        points = rng.randint(100, 3000)
        lots.append(
            {
                "lot_id": str(uuid.UUID(int=rng.getrandbits(128))),
                "member_id": mid,
                "earned_on": earned.isoformat(),
                "expires_on": policy.expires_on(earned).isoformat(),
                "original": points,
                "remaining": points,
            }
        )
        balances[mid] = balances.get(mid, 0) + points

    def member_rows() -> Iterator[dict[str, Any]]:
        for n in range(start, start + members):
            mid = member_id(n)
            yield {
                "member_id": mid,
                "name": member_name(rng),
                "tier": _tier(rng).value,
                "status": "active",
                "card_number": card_number(n),
                "balance": balances.get(mid, 0),
            }

    with app.db.write() as tx:
        members_repo.insert_bulk(
            tx,
            member_rows(),
            lots,
            (
                {
                    "member_id": lot["member_id"],
                    "lot_id": lot["lot_id"],
                    "delta": lot["original"],
                    "kind": "opening",
                    "ref": "opening",
                    "at": at,
                }
                for lot in lots
            ),
        )


def ensure_demo_day(app: StoreServices) -> None:
    """A demo store reopened on a later date gets that day opened by the demo manager."""
    if not app.day.state().opened_at:
        manager = next(x for x in demo_data()["staff"] if x["role"] == "manager")
        app.day.open(app.login(manager["staff_id"], manager["pin"], manager=True))
