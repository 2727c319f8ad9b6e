"""Earning points for a purchase: base rate, tier multipliers, campaigns."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.earning import (
    DEFAULT_TIER_PERMILLE,
    Campaign,
    EarnQuote,
    EarnRule,
    points_for_purchase,
)
from desktop.core.errors import InvalidInput
from desktop.core.members import Tier
from desktop.core.occasions import Occasion, OccasionConfig

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


# --- campaigns tied to an occasion ----------------------------------------------------------

OPEN_START = datetime(2024, 1, 1)
OPEN_END = datetime(2100, 1, 1)


def occasion_campaign(occasion: Occasion, permille: int) -> Campaign:
    return Campaign(
        occasion.value, occasion.value, OPEN_START, OPEN_END, permille, occasion=occasion
    )


def _earn(day: date, config: OccasionConfig, *campaigns: Campaign) -> EarnQuote:
    at = datetime(day.year, day.month, day.day, 12)
    return points_for_purchase(10_000, Tier.REGULAR, at, RULE, campaigns, day, config)


def test_member_day_campaign_every_month_on_the_day_only() -> None:
    member_day = occasion_campaign(Occasion.MEMBER_DAY, 2000)
    config = OccasionConfig(member_day=10)
    for month in (1, 2, 6, 12):
        q = _earn(date(2027, month, 10), config, member_day)
        assert (q.points, q.campaign) == (200, member_day)
        assert _earn(date(2027, month, 11), config, member_day).points == 100
        assert _earn(date(2027, month, 9), config, member_day).points == 100
    # no member day configured: the campaign never applies
    assert _earn(date(2027, 3, 10), OccasionConfig(), member_day).points == 100


def test_member_day_31_in_a_30_day_month_is_its_last_day() -> None:
    member_day = occasion_campaign(Occasion.MEMBER_DAY, 2000)
    config = OccasionConfig(member_day=31)
    assert _earn(date(2027, 4, 30), config, member_day).points == 200
    assert _earn(date(2027, 5, 1), config, member_day).points == 100
    assert _earn(date(2027, 5, 30), config, member_day).points == 100
    assert _earn(date(2027, 5, 31), config, member_day).points == 200
    assert _earn(date(2027, 2, 28), config, member_day).points == 200


@pytest.mark.parametrize(("qixi", "before"), [(date(2025, 8, 29), 27), (date(2026, 8, 19), 17)])
def test_qixi_campaign_each_year_in_its_season(qixi: date, before: int) -> None:
    c = occasion_campaign(Occasion.QIXI, 1500)
    off = OccasionConfig()  # the card switch does not matter to the campaign
    assert _earn(qixi, off, c).points == 150
    assert _earn(qixi.replace(day=before), off, c).points == 150
    assert _earn(qixi.replace(day=before - 1), off, c).points == 100
    assert _earn(qixi.replace(day=qixi.day + 1), off, c).points == 100


def test_an_occasion_campaign_stays_inside_its_own_window() -> None:
    c = Campaign(
        "q",
        "qixi 2025 only",
        datetime(2025, 1, 1),
        datetime(2026, 1, 1),
        1500,
        occasion=Occasion.QIXI,
    )
    assert _earn(date(2025, 8, 29), OccasionConfig(), c).points == 150
    assert _earn(date(2026, 8, 19), OccasionConfig(), c).points == 100


def test_occasion_and_fixed_campaigns_do_not_stack_the_best_wins() -> None:
    member_day = occasion_campaign(Occasion.MEMBER_DAY, 2000)
    fixed = campaign("fixed", 1500)
    q = points_for_purchase(
        10_000, Tier.REGULAR, NOW, RULE, (member_day, fixed), NOW.date(),
        OccasionConfig(member_day=NOW.day),
    )  # fmt: skip
    assert (q.points, q.campaign) == (200, member_day)


def test_the_business_day_not_the_utc_date_decides() -> None:
    member_day = occasion_campaign(Occasion.MEMBER_DAY, 2000)
    late = datetime(2027, 3, 9, 17)  # UTC: 01:00 on the 10th in Beijing
    q = points_for_purchase(
        10_000, Tier.REGULAR, late, RULE, (member_day,), date(2027, 3, 10),
        OccasionConfig(member_day=10),
    )  # fmt: skip
    assert q.points == 200


@pytest.mark.parametrize("occasion", [Occasion.BIRTHDAY, Occasion.GENERAL])
def test_a_campaign_cannot_be_tied_to_birthday_or_general(occasion: Occasion) -> None:
    with pytest.raises(InvalidInput, match=f"cannot be tied to {occasion.value}"):
        occasion_campaign(occasion, 2000)
