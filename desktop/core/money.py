"""Points and fen are integers. Nothing here touches a float.

`Points` and `Fen` are NewTypes over int so signatures say which unit they carry; parsing
helpers turn text typed by a person (or passed on a command line) into exact integers or
raise InvalidInput with a message a cashier can act on.
"""

from __future__ import annotations

import re
from typing import NewType

from desktop.core.errors import InvalidInput
from desktop.core.limits import CEILING, within_ceiling

Points = NewType("Points", int)
Fen = NewType("Fen", int)

FEN_PER_YUAN = 100
_INT_RE = re.compile(r"^[+-]?\d+$")
_YUAN_RE = re.compile(r"^(\d+)(?:\.(\d{1,2}))?$")


def parse_int(text: str | int, what: str) -> int:
    """An integer from text; "12.0", "1e3" and "" are refused, not rounded, and nothing
    beyond CEILING (desktop.core.limits) is accepted, however it is written."""
    if isinstance(text, bool):
        raise InvalidInput(f"{what} must be a whole number, not {text!r}")
    if isinstance(text, int):
        return within_ceiling(text, what)
    s = str(text).strip()
    if not _INT_RE.match(s):
        raise InvalidInput(f"{what} must be a whole number, got {text!r}")
    if len(s.lstrip("+-").lstrip("0")) > len(str(CEILING)):
        raise InvalidInput(
            f"{what} is too large a number ({len(s)} characters; at most {CEILING:,})"
        )
    return within_ceiling(int(s), what)


def parse_points(text: str | int, what: str = "points") -> Points:
    """Strictly positive whole points."""
    value = parse_int(text, what)
    if value <= 0:
        raise InvalidInput(f"{what} must be greater than zero, got {value}")
    return Points(value)


def parse_quantity(text: str | int, what: str = "quantity") -> int:
    """A strictly positive whole quantity (gifts, stock units)."""
    value = parse_int(text, what)
    if value <= 0:
        raise InvalidInput(f"{what} must be greater than zero, got {value}")
    return value


def parse_yuan(text: str) -> Fen:
    """Yuan as typed ("128", "128.5", "128.50") into exact fen; no floats, no rounding."""
    if not isinstance(text, str):
        raise InvalidInput(f"amount must be text such as '128.50', not {type(text).__name__}")
    m = _YUAN_RE.match(str(text).strip())
    if not m:
        raise InvalidInput(
            f"amount must be yuan with at most two decimals, e.g. 128.50; got {text!r}"
        )
    whole, frac = m.group(1), (m.group(2) or "").ljust(2, "0")
    if len(whole.lstrip("0")) > len(str(CEILING)):
        raise InvalidInput(f"amount is too large a number: {len(whole)} digits before the point")
    return Fen(within_ceiling(int(whole) * FEN_PER_YUAN + int(frac), "amount in fen"))


def yuan_text(fen: int) -> str:
    """Fen as yuan text with two decimals (12850 → "128.50"); the exact inverse of parse_yuan."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // FEN_PER_YUAN}.{fen % FEN_PER_YUAN:02d}"
