"""Stock intelligence: the safety threshold from the redemption rate, the replenishment a
manager is offered to ask for, turnover and slow movers (docs/programme-stock.md).

Head office sets the policy (settings key `stock_policy`); the store supplies the counts
(units redeemed, stock, days). Integers only: a share is per mille, every division rounds
up where a threshold or quantity comes out of it. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from typing import Any

from desktop.core.catalogue import Gift
from desktop.core.errors import InvalidInput

#: the largest value any policy field may take (10 years of days, 100× the projection)
MOST = 3650
MOST_SHARE_PERMILLE = 100_000


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


@dataclass(frozen=True, slots=True)
class StockPolicy:
    safety_share_permille: int = 200  # the alert: 20% of the projected redemptions
    rate_window_days: int = 30  # redemptions counted over the last 30 days (today included)
    projection_days: int = 30  # projected over the next 30 days ("monthly")
    slow_mover_days: int = 90  # no redemption in 90 days while in stock: a slow mover

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            top = MOST_SHARE_PERMILLE if f.name == "safety_share_permille" else MOST
            low = 0 if f.name == "safety_share_permille" else 1
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= top:
                raise InvalidInput(
                    f"stock policy {f.name} must be a whole number from {low} to {top}, "
                    f"got {value!r}"
                )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> StockPolicy:
        """A policy from a settings value: missing names keep their default, unknown names
        are refused (a typing slip must not pass as a policy), wrong values are refused."""
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise InvalidInput(f"a stock policy is an object of whole numbers, got {data!r}")
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise InvalidInput(
                f"unknown stock policy field(s) {', '.join(map(str, unknown))}; "
                f"known: {', '.join(sorted(names))}"
            )
        return cls(**dict(data))

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def projected(self, redeemed: int) -> int:
        """Units expected to be redeemed over `projection_days`, from `redeemed` units over
        the last `rate_window_days` (rounded up)."""
        return _ceil_div(max(redeemed, 0) * self.projection_days, self.rate_window_days)

    def safety(self, redeemed: int) -> int:
        """The share of the projected redemptions (one rounding, up)."""
        return _ceil_div(
            self.safety_share_permille * max(redeemed, 0) * self.projection_days,
            1000 * self.rate_window_days,
        )

    def threshold(self, gift: Gift, redeemed: int) -> int:
        """The low-stock alert for `gift` at this store: the safety share of its projected
        redemptions, never below the gift's configured `low_stock_threshold`."""
        return max(gift.low_stock_threshold, self.safety(redeemed))

    def level(self, gift: Gift, stock: int, redeemed: int) -> StockLevel:
        threshold = self.threshold(gift, redeemed)
        projected = self.projected(redeemed)
        return StockLevel(
            gift=gift,
            stock=stock,
            redeemed=redeemed,
            window_days=self.rate_window_days,
            projected=projected,
            threshold=threshold,
            suggested=max(projected - stock, 0),
        )


@dataclass(frozen=True, slots=True)
class StockLevel:
    """One gift at one store: stock, recent redemptions and the alert they give."""

    gift: Gift
    stock: int
    redeemed: int  # units redeemed (not voided) over the last `window_days`
    window_days: int
    projected: int  # units expected over the projection period
    threshold: int  # the derived low-stock alert (never below the gift's own)
    suggested: int  # what to ask head office for: projected − stock, at least 0

    @property
    def low(self) -> bool:
        """At or below the alert, as `Gift.is_low` is for the configured threshold."""
        return self.stock <= self.threshold

    @property
    def derived(self) -> bool:
        """The alert comes from the redemption rate, not the gift's configured threshold."""
        return self.threshold > self.gift.low_stock_threshold


@dataclass(frozen=True, slots=True)
class Turnover:
    """One gift over a period: opening + received − redeemed + adjusted = closing."""

    gift_id: str
    name: str
    opening: int
    received: int
    redeemed: int  # units redeemed, net of voids
    adjusted: int
    closing: int
    last_movement: date | None
    last_redemption: date | None

    def __post_init__(self) -> None:
        if self.opening + self.received - self.redeemed + self.adjusted != self.closing:
            raise InvalidInput(
                f"gift {self.gift_id}: the turnover does not add up ({self.opening} + "
                f"{self.received} - {self.redeemed} + {self.adjusted} <> {self.closing})"
            )

    @property
    def turnover_permille(self) -> int | None:
        """Units redeemed per unit of average stock ((opening + closing) / 2), per mille,
        rounded down; None when there was no stock on average."""
        return turnover_permille(self.redeemed, self.opening, self.closing)

    def days_since_movement(self, today: date) -> int | None:
        return None if self.last_movement is None else (today - self.last_movement).days

    def days_since_redemption(self, today: date) -> int | None:
        return None if self.last_redemption is None else (today - self.last_redemption).days

    def slow(self, today: date, policy: StockPolicy) -> bool:
        return is_slow_mover(self.closing, self.last_redemption, today, policy.slow_mover_days)


@dataclass(frozen=True, slots=True)
class TurnoverReport:
    store_id: str
    first: date
    last: date
    generated_at: datetime
    policy: StockPolicy
    rows: tuple[Turnover, ...]

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def slow_movers(self) -> tuple[Turnover, ...]:
        return tuple(r for r in self.rows if r.slow(self.last, self.policy))


def turnover_permille(redeemed: int, opening: int, closing: int) -> int | None:
    total = opening + closing
    if total <= 0:
        return None
    return (2000 * redeemed) // total


def ratio_text(permille: int | None) -> str:
    """A turnover per mille for display: 1250 → "1.25", None → "-"."""
    if permille is None:
        return "-"
    if permille < 0:
        return "-" + ratio_text(-permille)
    return f"{permille // 1000}.{(permille % 1000) // 10:02d}"


def is_slow_mover(stock: int, last_redemption: date | None, today: date, days: int) -> bool:
    """In stock, and nothing redeemed in the last `days` days (or ever)."""
    if stock <= 0:
        return False
    return last_redemption is None or (today - last_redemption).days >= days


def repriced_points(points: int, percent: int) -> int:
    """`points` changed by `percent` (−20: a fifth off), rounded to the nearest point (half
    up), never below 1; a cash-only price (0 points) stays cash-only."""
    if isinstance(percent, bool) or not -99 <= percent <= 1000:
        raise InvalidInput(f"a price change must be from -99% to +1000%, got {percent}%")
    if points == 0:
        return 0
    return max((points * (100 + percent) + 50) // 100, 1)
