"""Stock intelligence rules (desktop/core/stock_policy.py): the policy and its validation,
the derived safety threshold (integer arithmetic, rounded up, never below the gift's own),
the suggested replenishment, turnover per mille, slow movers, repricing by a percentage."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.catalogue import Gift, GiftId, Price
from desktop.core.errors import InvalidInput
from desktop.core.stock_policy import (
    StockPolicy,
    Turnover,
    is_slow_mover,
    ratio_text,
    repriced_points,
    turnover_permille,
)

BAG = Gift(GiftId("G101"), "环保购物袋", "Bag", "home", (Price(100),), low_stock_threshold=5)
DAY = date(2026, 12, 7)


def test_the_default_policy_is_a_fifth_of_a_month_s_projected_redemptions() -> None:
    p = StockPolicy()
    assert p.as_dict() == {
        "safety_share_permille": 200,
        "rate_window_days": 30,
        "projection_days": 30,
        "slow_mover_days": 90,
    }
    assert p.projected(60) == 60
    assert p.safety(60) == 12  # 20% of 60
    assert p.threshold(BAG, 60) == 12
    assert p.threshold(BAG, 10) == 5  # 2 < the gift's own 5
    assert p.safety(1) == 1  # 0.2 rounds up to 1
    assert p.safety(0) == 0


def test_projection_scales_the_window_and_rounds_up_once() -> None:
    p = StockPolicy(safety_share_permille=250, rate_window_days=7, projection_days=30)
    # 10 in 7 days → 42.86 over 30 days → 43; 25% of 42.86 = 10.71 → 11 (not 25% of 43)
    assert p.projected(10) == 43
    assert p.safety(10) == 11
    lv = p.level(BAG, stock=11, redeemed=10)
    assert (lv.threshold, lv.projected, lv.suggested, lv.low, lv.derived) == (
        11,
        43,
        32,
        True,
        True,
    )
    assert not p.level(BAG, stock=12, redeemed=10).low
    assert p.level(BAG, stock=50, redeemed=10).suggested == 0


@given(
    share=st.integers(0, 100_000),
    window=st.integers(1, 3650),
    ahead=st.integers(1, 3650),
    redeemed=st.integers(0, 10**6),
    own=st.integers(0, 1000),
)
def test_the_threshold_is_the_exact_ceiling_and_never_below_the_gift_s_own(
    share: int, window: int, ahead: int, redeemed: int, own: int
) -> None:
    from fractions import Fraction
    from math import ceil

    p = StockPolicy(share, window, ahead, 90)
    gift = Gift(GiftId("G1"), "礼", "Gift", "x", (Price(1),), low_stock_threshold=own)
    exact = Fraction(share, 1000) * Fraction(redeemed * ahead, window)
    assert p.safety(redeemed) == ceil(exact)
    assert p.threshold(gift, redeemed) == max(own, ceil(exact))
    assert p.projected(redeemed) == ceil(Fraction(redeemed * ahead, window))


@pytest.mark.parametrize(
    "value",
    [
        {"safety_share_permille": 0.2},
        {"safety_share_permille": "200"},
        {"safety_share_permille": -1},
        {"safety_share_permille": 100_001},
        {"rate_window_days": 0},
        {"projection_days": True},
        {"slow_mover_days": 3651},
        {"slow_movers": 90},
        [200],
        "200",
    ],
)
def test_a_bad_policy_is_refused_saying_what_is_wrong(value: object) -> None:
    with pytest.raises(InvalidInput, match="stock policy"):
        StockPolicy.from_mapping(value)  # type: ignore[arg-type]


def test_missing_fields_keep_their_defaults() -> None:
    assert StockPolicy.from_mapping({"slow_mover_days": 60}) == StockPolicy(slow_mover_days=60)
    assert StockPolicy.from_mapping(None) == StockPolicy()


def test_turnover_is_redeemed_units_per_average_stock_in_per_mille() -> None:
    assert turnover_permille(20, 100, 60) == 250  # 20 / 80
    assert turnover_permille(0, 10, 10) == 0
    assert turnover_permille(5, 0, 0) is None
    assert ratio_text(1250) == "1.25" and ratio_text(None) == "-" and ratio_text(7) == "0.00"
    assert ratio_text(-1250) == "-1.25"
    t = Turnover("G101", "袋", 100, 30, 70, -2, 58, date(2026, 12, 1), date(2026, 11, 30))
    assert t.turnover_permille == (2000 * 70) // 158
    assert t.days_since_movement(DAY) == 6 and t.days_since_redemption(DAY) == 7
    with pytest.raises(InvalidInput, match="does not add up"):
        Turnover("G101", "袋", 100, 30, 70, -2, 59, None, None)


def test_a_slow_mover_is_in_stock_with_no_redemption_in_the_period() -> None:
    assert is_slow_mover(5, None, DAY, 90)
    assert is_slow_mover(5, date(2026, 9, 8), DAY, 90)  # 90 days ago
    assert not is_slow_mover(5, date(2026, 9, 9), DAY, 90)  # 89 days ago
    assert not is_slow_mover(0, None, DAY, 90)  # nothing on hand: not slow, just out


def test_repricing_by_a_percentage_rounds_to_the_nearest_point() -> None:
    assert repriced_points(200, -20) == 160
    assert repriced_points(333, -20) == 266  # 266.4
    assert repriced_points(335, -10) == 302  # 301.5 rounds half up
    assert repriced_points(1, -99) == 1  # never below one point
    assert repriced_points(100, 50) == 150
    assert repriced_points(0, -20) == 0  # a cash-only price stays cash-only
    for bad in (-100, 1001):
        with pytest.raises(InvalidInput, match="price change"):
            repriced_points(100, bad)
