"""Earning points for a purchase: a base rate, tier multipliers and campaigns.

Multipliers are integers in per-mille (1500 = 1.5x) so the arithmetic is exact; the result
is rounded down (a member never gets a fraction of a point).

A campaign may be tied to an occasion (desktop/core/occasions.py): it then applies, between
its `starts` and `ends`, only on that occasion's days, every year or month without being
entered again: the member day (×2 on the 10th of every month), or a holiday's season (七夕
×1.5 in its season each year). The day (the store's business day) and head office's
occasion switches are arguments, like the time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from desktop.core.errors import InvalidInput
from desktop.core.members import Tier
from desktop.core.occasions import DEFAULT_CONFIG, Occasion, OccasionConfig, in_window

#: what a campaign may be tied to: the member day and the holidays (not a birthday)
CAMPAIGN_OCCASIONS = frozenset(Occasion) - {Occasion.BIRTHDAY, Occasion.GENERAL}

DEFAULT_TIER_PERMILLE = {
    Tier.REGULAR: 1000,
    Tier.SILVER: 1200,
    Tier.GOLD: 1500,
    Tier.PLATINUM: 2000,
}


@dataclass(frozen=True, slots=True)
class Campaign:
    """A time window with a multiplier, e.g. Spring Festival double points (2000 ‰).
    `tiers` empty means every tier. With an `occasion`, only that occasion's days inside
    the window count (see the module docstring)."""

    campaign_id: str
    name: str
    starts: datetime
    ends: datetime  # exclusive
    multiplier_permille: int
    tiers: frozenset[Tier] = field(default_factory=frozenset)
    occasion: Occasion | None = None

    def __post_init__(self) -> None:
        if self.multiplier_permille < 1000:
            raise InvalidInput(
                f"a campaign multiplier is at least 1000 per mille (1x); got {self.multiplier_permille}"
            )
        if self.ends <= self.starts:
            raise InvalidInput("a campaign must end after it starts")
        if self.occasion is not None and self.occasion not in CAMPAIGN_OCCASIONS:
            known = ", ".join(o.value for o in Occasion if o in CAMPAIGN_OCCASIONS)
            raise InvalidInput(
                f"a campaign cannot be tied to {self.occasion.value}; tie it to one of {known}"
            )

    def applies(
        self,
        tier: Tier,
        now: datetime,
        day: date | None = None,
        occasions: OccasionConfig = DEFAULT_CONFIG,
    ) -> bool:
        """In the window, for this tier, and on the occasion's day (`day`: the store's
        business day; the date of `now` when not given)."""
        if not (self.starts <= now < self.ends and (not self.tiers or tier in self.tiers)):
            return False
        if self.occasion is None:
            return True
        return in_window(self.occasion, day or now.date(), occasions)


@dataclass(frozen=True, slots=True)
class EarnRule:
    fen_per_point: int = 100  # 1 point per yuan spent
    tier_permille: dict[Tier, int] = field(default_factory=lambda: dict(DEFAULT_TIER_PERMILLE))

    def __post_init__(self) -> None:
        if self.fen_per_point <= 0:
            raise InvalidInput(f"fen per point must be greater than zero, got {self.fen_per_point}")
        if any(pm <= 0 for pm in self.tier_permille.values()):
            raise InvalidInput("tier multipliers must be greater than zero")


@dataclass(frozen=True, slots=True)
class EarnQuote:
    points: int
    tier_permille: int
    campaign: Campaign | None


def points_for_purchase(
    amount_fen: int,
    tier: Tier,
    now: datetime,
    rule: EarnRule,
    campaigns: tuple[Campaign, ...] = (),
    day: date | None = None,
    occasions: OccasionConfig = DEFAULT_CONFIG,
) -> EarnQuote:
    """Points earned on a purchase. Campaigns do not stack: the best one that applies wins
    (`day` and `occasions` for campaigns tied to an occasion, see Campaign.applies)."""
    if amount_fen <= 0:
        raise InvalidInput(f"purchase amount must be greater than zero, got {amount_fen} fen")
    tier_pm = rule.tier_permille.get(tier, 1000)
    best = max(
        (c for c in campaigns if c.applies(tier, now, day, occasions)),
        key=lambda c: c.multiplier_permille,
        default=None,
    )
    campaign_pm = best.multiplier_permille if best else 1000
    points = amount_fen * tier_pm * campaign_pm // (rule.fen_per_point * 1000 * 1000)
    return EarnQuote(points, tier_pm, best)
