"""The gift catalogue: prices in points or points + cash, tier restrictions, active windows,
and low-stock thresholds. Stock counts live in the store's stock ledger and are passed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NewType

from desktop.core.errors import InvalidInput
from desktop.core.limits import within_ceiling
from desktop.core.members import Tier

GiftId = NewType("GiftId", str)

VALUE_BANDS = (100, 500, 1000, 5000)


@dataclass(frozen=True, slots=True)
class Price:
    """One way to pay for a gift: points, plus optionally cash in fen."""

    points: int
    cash_fen: int = 0

    def __post_init__(self) -> None:
        within_ceiling(self.points, "a price's points")
        within_ceiling(self.cash_fen, "a price's cash in fen")
        if self.points < 0 or self.cash_fen < 0 or (self.points == 0 and self.cash_fen == 0):
            raise InvalidInput(
                f"a price needs positive points and/or cash, got {self.points} points "
                f"and {self.cash_fen} fen"
            )

    @property
    def with_cash(self) -> bool:
        return self.cash_fen > 0


@dataclass(frozen=True, slots=True)
class Gift:
    gift_id: GiftId
    name_zh: str
    name_en: str
    category: str
    prices: tuple[Price, ...]  # the first is the default; others are alternatives
    min_tier: Tier = Tier.REGULAR
    active_from: datetime | None = None
    active_until: datetime | None = None  # exclusive
    low_stock_threshold: int = 0

    def __post_init__(self) -> None:
        if not self.prices:
            raise InvalidInput(f"gift {self.gift_id} has no price")
        if self.low_stock_threshold < 0:
            raise InvalidInput("low-stock threshold must be zero or more")

    def active_at(self, now: datetime) -> bool:
        if self.active_from is not None and now < self.active_from:
            return False
        return self.active_until is None or now < self.active_until

    def price(self, option: int) -> Price:
        if not 0 <= option < len(self.prices):
            raise InvalidInput(
                f"gift {self.gift_id} has {len(self.prices)} price option(s); "
                f"option {option} does not exist"
            )
        return self.prices[option]

    @property
    def value_band(self) -> int:
        """The catalogue band (100/500/1000/5000) of the default points price."""
        return value_band(self.prices[0].points)

    def is_low(self, stock: int) -> bool:
        return stock <= self.low_stock_threshold


def value_band(points: int) -> int:
    """The largest band not above `points` (anything under 100 is in the 100 band)."""
    band = VALUE_BANDS[0]
    for b in VALUE_BANDS:
        if points >= b:
            band = b
    return band
