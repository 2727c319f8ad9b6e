"""The gift catalogue: prices, options, active windows, bands and low stock."""

from __future__ import annotations

from datetime import datetime

import pytest

from desktop.core.catalogue import Gift, GiftId, Price, value_band
from desktop.core.errors import InvalidInput
from desktop.core.members import Tier

pytestmark = pytest.mark.unit


def gift(*prices: Price, **kw: object) -> Gift:
    return Gift(GiftId("G1"), "保温杯", "Vacuum flask", "home", prices, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("points", "cash"), [(0, 0), (-1, 0), (100, -1), (-5, 500)])
def test_a_price_needs_positive_points_and_or_cash(points: int, cash: int) -> None:
    with pytest.raises(InvalidInput, match="a price needs positive points"):
        Price(points, cash)


def test_points_plus_cash_price() -> None:
    assert Price(600, 3000).with_cash
    assert not Price(1000).with_cash
    assert Price(0, 990).with_cash


def test_a_gift_needs_a_price_and_a_sane_threshold() -> None:
    with pytest.raises(InvalidInput, match="has no price"):
        gift()
    with pytest.raises(InvalidInput):
        gift(Price(100), low_stock_threshold=-1)


def test_price_options() -> None:
    g = gift(Price(1000), Price(600, 3000))
    assert g.price(0) == Price(1000)
    assert g.price(1) == Price(600, 3000)
    for bad in (-1, 2):
        with pytest.raises(InvalidInput, match="2 price option"):
            g.price(bad)


def test_active_window_start_inclusive_end_exclusive() -> None:
    g = gift(Price(100), active_from=datetime(2025, 1, 28), active_until=datetime(2025, 2, 5))
    assert not g.active_at(datetime(2025, 1, 27, 23, 59))
    assert g.active_at(datetime(2025, 1, 28))
    assert g.active_at(datetime(2025, 2, 4, 23, 59))
    assert not g.active_at(datetime(2025, 2, 5))
    assert gift(Price(100)).active_at(datetime(1999, 1, 1))


@pytest.mark.parametrize(
    ("points", "band"),
    [(1, 100), (99, 100), (100, 100), (499, 100), (500, 500), (999, 500), (1000, 1000),
     (4999, 1000), (5000, 5000), (80_000, 5000)],
)  # fmt: skip
def test_value_band(points: int, band: int) -> None:
    assert value_band(points) == band


def test_gift_value_band_uses_the_default_price() -> None:
    assert gift(Price(1200), Price(100, 5000)).value_band == 1000


def test_low_stock_is_at_or_below_the_threshold() -> None:
    g = gift(Price(100), low_stock_threshold=5)
    assert g.is_low(5)
    assert g.is_low(0)
    assert not g.is_low(6)


def test_tier_restriction_defaults_to_everyone() -> None:
    assert gift(Price(100)).min_tier is Tier.REGULAR
