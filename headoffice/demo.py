"""Demo data for head office: the demo catalogue and campaigns (resources/demo/), and
members numbered like the demo store's (M00000001…, card numbers 8800… with a Luhn check
digit), each with a few point lots. Deterministic for a seed."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from desktop.core.cardnumber import make_card_number
from desktop.core.journeys import JourneyConfig
from desktop.core.members import Member, MemberId, MemberStatus, Tier
from desktop.core.names import member_name
from desktop.resources import DEMO
from headoffice.admin import Admin, Opening
from headoffice.catalogue import load_catalogue

CATALOGUE = DEMO / "catalogue.json"
# points scale with the tier, so platinum members can afford the 5000-point gifts
_TIERS = ((Tier.REGULAR, 1), (Tier.SILVER, 2), (Tier.GOLD, 4), (Tier.PLATINUM, 10))


def demo_member_id(n: int) -> str:
    return f"M{n:08d}"


def demo_card_number(n: int) -> str:
    return make_card_number(f"8800{n:08d}")


@dataclass(frozen=True, slots=True)
class Seeded:
    gifts: int
    campaigns: int
    members: int
    points: int


def demo_member(n: int, rng: random.Random) -> tuple[Member, int]:
    """Member number `n`, and the scale of their points."""
    tier, scale = _TIERS[0] if rng.random() < 0.55 else rng.choice(_TIERS[1:])
    birthday = date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))
    status = MemberStatus.BLOCKED if n % 97 == 0 else MemberStatus.ACTIVE
    member = Member(
        MemberId(demo_member_id(n)),
        member_name(rng),
        tier,
        status,
        demo_card_number(n),
        birthday,
    )
    return member, scale


def demo_lots(rng: random.Random, scale: int, today: date) -> tuple[Opening, ...]:
    """Last year's points (expiring at the end of this year), this year's, and for some
    members short-lived bonus points that run out within the month."""
    lots = []
    if rng.random() < 0.8:
        lots.append(Opening(rng.randint(50, 1500) * scale, date(today.year - 1, 6, 1)))
    if rng.random() < 0.8:
        lots.append(Opening(rng.randint(50, 1500) * scale, date(today.year, 1, 1)))
    if rng.random() < 0.3:
        expires = today + timedelta(days=rng.randint(3, 28))
        lots.append(Opening(rng.randint(20, 300) * scale, today - timedelta(days=30), expires))
    return tuple(lots)


def seed_demo(admin: Admin, members: int = 200, seed: int = 2026) -> Seeded:
    """Load the demo catalogue and campaigns, and `members` demo members with lots.
    Running it again updates the same gifts and members and adds further lots."""
    gifts, campaigns = load_catalogue(CATALOGUE)
    # the demo shows every journey (head office's own default keeps bonuses off)
    admin.set_setting("journeys", JourneyConfig().as_dict())
    for g in gifts:
        admin.upsert_gift(g)
    for c in campaigns:
        admin.upsert_campaign(c)
    rng = random.Random(seed)
    today = admin.clock().date()
    points = 0
    for n in range(1, members + 1):
        member, scale = demo_member(n, rng)
        lots = demo_lots(rng, scale, today)
        admin.upsert_member(member, lots)
        points += sum(o.points for o in lots)
    return Seeded(len(gifts), len(campaigns), members, points)
