"""Earning points for a purchase: base rate, tier multipliers, campaigns."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.earning import DEFAULT_TIER_PERMILLE, Campaign, EarnRule, points_for_purchase
from desktop.core.errors import InvalidInput
from desktop.core.members import Tier

pytestmark = pytest.mark.unit

NOW = datetime(2025, 1, 29, 15, 0)  # Spring Festival 2025
RULE = EarnRule()


def campaign(
    cid: str,
    permille: int,
    starts: datetime = datetime(2025, 1, 28),
    ends: datetime = datetime(2025, 2, 5),
    tiers: frozenset[Tier] = frozenset(),
) -> Campaign:
    return Campaign(cid, cid, starts, ends, permille, tiers)


@pytest.mark.parametrize(
    ("fen", "points"), [(12850, 128), (100, 1), (99, 0), (199, 1), (1, 0), (1_000_000, 10_000)]
)
def test_one_point_per_yuan_rounded_down(fen: int, points: int) -> None:
    q = points_for_purchase(fen, Tier.REGULAR, NOW, RULE)
    assert q.points == points
    assert q.tier_permille == 1000
    assert q.campaign is None


@pytest.mark.parametrize(
    ("tier", "points"),
    [(Tier.REGULAR, 128), (Tier.SILVER, 154), (Tier.GOLD, 192), (Tier.PLATINUM, 257)],
)
def test_tier_multipliers(tier: Tier, points: int) -> None:
    # ¥128.50: silver 1.2× = 154.2 → 154, gold 1.5× = 192.75 → 192, platinum 2× = 257.
    q = points_for_purchase(12850, tier, NOW, RULE)
    assert q.points == points
    assert q.tier_permille == DEFAULT_TIER_PERMILLE[tier]


def test_the_rule_is_configurable() -> None:
    rule = EarnRule(fen_per_point=200, tier_permille={Tier.GOLD: 3000})
    assert points_for_purchase(10_000, Tier.GOLD, NOW, rule).points == 150
    # A tier missing from the table earns at 1×.
    assert points_for_purchase(10_000, Tier.SILVER, NOW, rule).points == 50


def test_the_best_campaign_wins_and_campaigns_do_not_stack() -> None:
    double = campaign("double", 2000)
    triple = campaign("triple", 3000)
    small = campaign("small", 1100)
    q = points_for_purchase(10_000, Tier.GOLD, NOW, RULE, (double, triple, small))
    assert q.campaign == triple
    assert q.points == 450  # ¥100 × 1.5 (gold) × 3; not × 2 × 3 × 1.1 stacked


def test_a_campaign_restricted_to_tiers_only_applies_to_them() -> None:
    plat_only = campaign("plat", 3000, tiers=frozenset({Tier.PLATINUM}))
    everyone = campaign("all", 1500)
    gold = points_for_purchase(10_000, Tier.GOLD, NOW, RULE, (plat_only, everyone))
    assert gold.campaign == everyone
    assert gold.points == 225
    plat = points_for_purchase(10_000, Tier.PLATINUM, NOW, RULE, (plat_only, everyone))
    assert plat.campaign == plat_only
    assert plat.points == 600


@pytest.mark.parametrize(
    ("now", "applies"),
    [
        (datetime(2025, 1, 27, 23, 59, 59), False),
        (datetime(2025, 1, 28, 0, 0), True),  # start is inclusive
        (datetime(2025, 2, 4, 23, 59, 59), True),
        (datetime(2025, 2, 5, 0, 0), False),  # end is exclusive
    ],
)
def test_campaign_window_boundaries(now: datetime, applies: bool) -> None:
    c = campaign("spring", 2000)
    q = points_for_purchase(10_000, Tier.REGULAR, now, RULE, (c,))
    assert (q.campaign == c) is applies
    assert q.points == (200 if applies else 100)


@pytest.mark.parametrize("fen", [0, -100])
def test_a_purchase_must_be_positive(fen: int) -> None:
    with pytest.raises(InvalidInput, match="greater than zero"):
        points_for_purchase(fen, Tier.GOLD, NOW, RULE)


def test_campaign_validation() -> None:
    with pytest.raises(InvalidInput):
        campaign("zero", 0)
    with pytest.raises(InvalidInput, match="at least 1000"):
        campaign("lowers points", 999)
    with pytest.raises(InvalidInput):
        EarnRule(fen_per_point=0)
    with pytest.raises(InvalidInput):
        campaign("backwards", 2000, starts=datetime(2025, 2, 5), ends=datetime(2025, 2, 5))


@given(
    fen=st.integers(min_value=1, max_value=10**9),
    tier=st.sampled_from(Tier),
    permille=st.integers(min_value=1000, max_value=10_000),
)
def test_points_are_exactly_the_rounded_down_product(fen: int, tier: Tier, permille: int) -> None:
    q = points_for_purchase(fen, tier, NOW, RULE, (campaign("c", permille),))
    exact_times_1e8 = fen * DEFAULT_TIER_PERMILLE[tier] * permille  # points × 100 × 10⁶
    assert q.points == exact_times_1e8 // 10**8
    assert q.points * 10**8 <= exact_times_1e8 < (q.points + 1) * 10**8
