"""Bounds on every amount, quantity and points value, so no typed, scripted or synced
number can mint points or overflow a 64-bit column.

Two levels:
- `CEILING` is absolute: no points, fen or quantity value anywhere in Lantern may be larger
  (10^12: a million times any real purchase, and far from SQLite's 2^63 even when a million
  such rows are summed). Parsers refuse text beyond it before it becomes a number.
- `Bounds` are the programme's sane limits per operation (one earn, one redemption, one
  stock movement…). Head office sets them (settings `bounds`, pulled by stores); these
  defaults only seed a new store. A value beyond its bound is refused with a message that
  names the bound, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from desktop.core.errors import InvalidInput

CEILING = 10**12


class BoundExceeded(InvalidInput):
    """A value beyond its configured bound (or beyond CEILING)."""


@dataclass(frozen=True, slots=True)
class Bounds:
    earn_amount_fen: int = 10_000_000  # ¥100,000.00: one purchase
    earn_points: int = 500_000  # points one purchase may earn
    redemption_points: int = 1_000_000  # points one redemption may deduct
    redemption_cash_fen: int = 1_000_000  # ¥10,000.00 cash taken in one redemption
    line_quantity: int = 99  # units of one gift on one basket line
    basket_lines: int = 30  # lines in one basket
    stock_quantity: int = 100_000  # units received, counted or adjusted at once
    opening_points: int = 10_000_000  # an opening lot given to a member
    price_points: int = 1_000_000  # a gift's price in points
    price_cash_fen: int = 1_000_000  # a gift's cash part, in fen

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= CEILING:
                raise InvalidInput(
                    f"bound {f.name} must be a whole number from 1 to {CEILING:,}, got {value!r}"
                )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> Bounds:
        """Bounds from a settings value: missing names keep their default, unknown names
        are ignored (a newer head office may send more), wrong values are refused."""
        if not data:
            return cls()
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def check(self, name: str, value: int, what: str) -> int:
        """`value` if it is within bound `name`, else BoundExceeded saying so."""
        bound = int(getattr(self, name))
        if value > bound:
            raise BoundExceeded(
                f"{what} {value:,} is more than the limit of {bound:,} ({name}); check the "
                "number, or ask head office to raise the limit (nothing was changed)"
            )
        return value


def within_ceiling(value: int, what: str) -> int:
    """`value` if its size is at most CEILING, else BoundExceeded."""
    if abs(value) > CEILING:
        raise BoundExceeded(
            f"{what} {value} is beyond any amount Lantern accepts (at most {CEILING:,}); "
            "check the number (nothing was changed)"
        )
    return value
