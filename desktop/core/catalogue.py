"""The gift catalogue: prices in points or points + cash, tier restrictions, active windows,
and low-stock thresholds. Stock counts live in the store's stock ledger and are passed in.

Beyond physical goods (docs/programme-coupons.md): a gift is of a kind — `goods`, a `coupon`
(spend threshold, amount off, valid days; each unit redeemed prints a verifiable code,
`desktop.core.coupons`) or an `experience` (a session at a time and place; its places are its
stock). Gifts fall in value bands (low / mid / high, thresholds from head office's
`catalogue` setting) and the most redeemed recently are marked hot."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NewType

from desktop.core.errors import InvalidInput
from desktop.core.limits import within_ceiling
from desktop.core.members import Tier

GiftId = NewType("GiftId", str)

VALUE_BANDS = (100, 500, 1000, 5000)


class GiftKind(enum.StrEnum):
    GOODS = "goods"
    COUPON = "coupon"
    EXPERIENCE = "experience"


@dataclass(frozen=True, slots=True)
class CouponTerms:
    """A coupon's terms: `off_fen` off a spend of at least `threshold_fen`, valid `valid_days`
    business days from the day it was redeemed (that day counts as the first)."""

    threshold_fen: int
    off_fen: int
    valid_days: int

    def __post_init__(self) -> None:
        for value, what in (
            (self.threshold_fen, "spend threshold in fen"),
            (self.off_fen, "amount off in fen"),
            (self.valid_days, "valid days"),
        ):
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidInput(f"a coupon's {what} must be a whole number, got {value!r}")
            within_ceiling(value, f"a coupon's {what}")
        if not self.threshold_fen >= self.off_fen > 0:
            raise InvalidInput(
                f"a coupon needs a spend threshold at least its amount off and an amount off "
                f"above zero, got threshold {self.threshold_fen} fen and {self.off_fen} fen off"
            )
        if not 0 < self.valid_days <= MAX_VALID_DAYS:
            raise InvalidInput(
                f"a coupon is valid for 1 to {MAX_VALID_DAYS} days, got {self.valid_days}"
            )

    @property
    def title_zh(self) -> str:
        """满300减80 (yuan, with fen only when there are any)."""
        return f"满{_yuan(self.threshold_fen)}减{_yuan(self.off_fen)}"

    @property
    def title_en(self) -> str:
        return f"¥{_yuan(self.off_fen)} off ¥{_yuan(self.threshold_fen)}"

    def as_dict(self) -> dict[str, int]:
        return {
            "threshold_fen": self.threshold_fen,
            "off_fen": self.off_fen,
            "valid_days": self.valid_days,
        }


MAX_VALID_DAYS = 3660


@dataclass(frozen=True, slots=True)
class Session:
    """An experience's session: when it starts and where (its places are the gift's stock)."""

    starts: datetime
    place: str

    def __post_init__(self) -> None:
        if self.starts.tzinfo is None:
            raise InvalidInput(
                "an experience's session time needs an offset, e.g. 2026-12-20T14:00:00+08:00"
            )
        if not self.place.strip() or len(self.place) > 200:
            raise InvalidInput("an experience needs a place (1 to 200 characters)")

    def as_dict(self) -> dict[str, str]:
        return {"starts": self.starts.isoformat(), "place": self.place}


def _yuan(fen: int) -> str:
    return f"{fen // 100}" if fen % 100 == 0 else f"{fen // 100}.{fen % 100:02d}"


def kind_terms(
    kind: GiftKind, terms: Mapping[str, Any] | None
) -> tuple[CouponTerms | None, Session | None]:
    """A kind's terms from their stored/wire form (`Gift.terms_dict`); raises InvalidInput."""
    if kind is GiftKind.GOODS:
        return None, None
    if not isinstance(terms, Mapping):
        raise InvalidInput(f"a gift of kind {kind.value} needs its terms, got {terms!r}")
    try:
        if kind is GiftKind.COUPON:
            return CouponTerms(terms["threshold_fen"], terms["off_fen"], terms["valid_days"]), None
        starts = terms["starts"]
        if not isinstance(starts, str) or not isinstance(terms["place"], str):
            raise InvalidInput(f"an experience's terms are text, got {dict(terms)!r}")
        return None, Session(datetime.fromisoformat(starts), terms["place"])
    except KeyError as e:
        raise InvalidInput(f"a gift of kind {kind.value} lacks {e.args[0]} in its terms") from None
    except ValueError as e:  # fromisoformat
        raise InvalidInput(f"an experience's session time is not an ISO time: {e}") from None


class Band(enum.StrEnum):
    LOW = "low"
    MID = "mid"
    HIGH = "high"


@dataclass(frozen=True, slots=True)
class BandThresholds:
    """Value bands by default points price: low < `mid` ≤ mid < `high` ≤ high."""

    mid: int = 500
    high: int = 2000

    def __post_init__(self) -> None:
        if not 0 < self.mid < self.high:
            raise InvalidInput(
                f"value bands need 0 < mid < high points, got mid {self.mid} and high {self.high}"
            )

    def band(self, points: int) -> Band:
        if points >= self.high:
            return Band.HIGH
        return Band.MID if points >= self.mid else Band.LOW


@dataclass(frozen=True, slots=True)
class CatalogueRules:
    """Head office's `catalogue` setting: value bands and what makes a gift hot (among the
    `hot_top` most redeemed by units over the last `hot_days` days at this store, with at
    least `hot_min_units` units)."""

    bands: BandThresholds = BandThresholds()
    hot_days: int = 30
    hot_top: int = 3
    hot_min_units: int = 1

    def __post_init__(self) -> None:
        if not 0 < self.hot_days <= 366 or not 0 <= self.hot_top <= 100:
            raise InvalidInput(
                f"hot marks need 1 to 366 days and a top of 0 to 100, got {self.hot_days} "
                f"days and top {self.hot_top}"
            )
        if self.hot_min_units < 1:
            raise InvalidInput(f"hot marks need at least 1 unit, got {self.hot_min_units}")

    def as_dict(self) -> dict[str, int]:
        return {
            "band_mid": self.bands.mid,
            "band_high": self.bands.high,
            "hot_days": self.hot_days,
            "hot_top": self.hot_top,
            "hot_min_units": self.hot_min_units,
        }

    @classmethod
    def from_mapping(cls, value: Any) -> CatalogueRules:
        """From the setting's JSON; missing keys take the defaults. Raises InvalidInput."""
        if not isinstance(value, Mapping):
            raise InvalidInput(f"the catalogue setting must be an object, got {value!r}")
        default = cls().as_dict()
        unknown = sorted(set(value) - set(default))
        if unknown:
            raise InvalidInput(f"the catalogue setting has unknown keys {unknown}")
        merged = {**default, **value}
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in merged.values()):
            raise InvalidInput(f"the catalogue setting needs whole numbers, got {dict(value)!r}")
        return cls(
            BandThresholds(merged["band_mid"], merged["band_high"]),
            merged["hot_days"],
            merged["hot_top"],
            merged["hot_min_units"],
        )


def hot_gifts(units: Mapping[str, int], rules: CatalogueRules) -> frozenset[str]:
    """The gifts marked hot from units redeemed per gift over the rules' window: the top
    `hot_top` by units (ties at the cut all in), each with at least `hot_min_units`."""
    ranked = sorted(((n, g) for g, n in units.items() if n >= rules.hot_min_units), reverse=True)
    if not ranked or rules.hot_top == 0:
        return frozenset()
    cut = ranked[min(rules.hot_top, len(ranked)) - 1][0]
    return frozenset(g for n, g in ranked if n >= cut)


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
    kind: GiftKind = GiftKind.GOODS
    coupon: CouponTerms | None = None  # a coupon's terms (kind coupon only)
    session: Session | None = None  # an experience's session (kind experience only)

    def __post_init__(self) -> None:
        if not self.prices:
            raise InvalidInput(f"gift {self.gift_id} has no price")
        if self.low_stock_threshold < 0:
            raise InvalidInput("low-stock threshold must be zero or more")
        if (self.kind is GiftKind.COUPON) != (self.coupon is not None):
            raise InvalidInput(
                f"gift {self.gift_id}: a coupon needs its terms (threshold, amount off, "
                "valid days), and only a coupon has them"
            )
        if (self.kind is GiftKind.EXPERIENCE) != (self.session is not None):
            raise InvalidInput(
                f"gift {self.gift_id}: an experience needs its session (time and place), "
                "and only an experience has one"
            )

    def active_at(self, now: datetime) -> bool:
        """Redeemable at `now`: within its window, and for an experience, before its session
        starts."""
        if self.session is not None and now >= self.session.starts:
            return False
        if self.active_from is not None and now < self.active_from:
            return False
        return self.active_until is None or now < self.active_until

    def terms_dict(self) -> dict[str, Any] | None:
        """The kind's terms as stored and sent (None for goods); `kind_terms` reads them."""
        if self.coupon is not None:
            return self.coupon.as_dict()
        return self.session.as_dict() if self.session is not None else None

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

    def band(self, thresholds: BandThresholds) -> Band:
        """Low / mid / high by the default points price."""
        return thresholds.band(self.prices[0].points)

    def is_low(self, stock: int) -> bool:
        return stock <= self.low_stock_threshold


def value_band(points: int) -> int:
    """The largest band not above `points` (anything under 100 is in the 100 band)."""
    band = VALUE_BANDS[0]
    for b in VALUE_BANDS:
        if points >= b:
            band = b
    return band
