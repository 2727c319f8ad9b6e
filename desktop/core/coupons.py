"""Coupon codes: each coupon unit redeemed gets one, printed on the receipt (text and QR).

A code is 16 Crockford base-32 characters of randomness (80 bits: unguessable) and one
check character (Luhn mod 32, which catches every single wrong character and every swap of
two neighbours but 0↔Z), shown in groups of four: `7K3D-QW9M-2XHT-R6PA-F`. Reading one back forgives
case, spaces, hyphens and the letters Crockford maps (O→0, I/L→1).

A code is minted only by the redemption that issues it, in the same transaction, and its
row names that redemption (store and head office alike: docs/programme-coupons.md).

Pure: the random bytes and today are arguments."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from desktop.core.errors import InvalidInput

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_ALIASES = {"O": "0", "I": "1", "L": "1"}
RANDOM_BYTES = 10  # 80 bits
BODY = 16
LENGTH = BODY + 1


class CouponStatus(enum.StrEnum):
    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"
    VOIDED = "voided"
    UNKNOWN = "unknown"  # well formed, but no such code was issued
    MISTYPED = "mistyped"  # the check character (or the length, or a letter) is wrong


def check_char(body: str) -> str:
    """Luhn mod 32 over the Crockford values of `body`."""
    total = 0
    factor = 2
    for c in reversed(body):
        addend = factor * _VALUE[c]
        total += addend // 32 + addend % 32
        factor = 3 - factor
    return ALPHABET[(32 - total % 32) % 32]


def mint(random: bytes) -> str:
    """A code (canonical form, no hyphens) from RANDOM_BYTES random bytes."""
    if len(random) != RANDOM_BYTES:
        raise InvalidInput(f"a coupon code needs {RANDOM_BYTES} random bytes, got {len(random)}")
    n = int.from_bytes(random, "big")
    body = "".join(ALPHABET[(n >> (5 * i)) & 31] for i in reversed(range(BODY)))
    return body + check_char(body)


def normalise(text: str) -> str | None:
    """The canonical code from what was typed or scanned, or None when it is mistyped."""
    cleaned = "".join(c for c in text.upper() if c not in " -\t")
    cleaned = "".join(_ALIASES.get(c, c) for c in cleaned)
    if len(cleaned) != LENGTH or any(c not in _VALUE for c in cleaned):
        return None
    return cleaned if check_char(cleaned[:BODY]) == cleaned[BODY] else None


def shown(code: str) -> str:
    """The code as printed: groups of four, then the check character."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def valid_until(day: date, valid_days: int) -> date:
    """The last day a coupon redeemed on business day `day` can be used."""
    return day + timedelta(days=valid_days - 1)


@dataclass(frozen=True, slots=True)
class CouponRecord:
    """A coupon as either end holds it."""

    code: str
    gift_id: str
    redemption_id: str
    valid_until: date
    used_at: str | None = None
    voided_at: str | None = None


def status(record: CouponRecord | None, today: date) -> CouponStatus:
    """The verdict for a code found (`record`) or not (None) on `today`; a voided coupon
    is voided even if used, a used one is used even if now past its date."""
    if record is None:
        return CouponStatus.UNKNOWN
    if record.voided_at is not None:
        return CouponStatus.VOIDED
    if record.used_at is not None:
        return CouponStatus.USED
    return CouponStatus.EXPIRED if today > record.valid_until else CouponStatus.VALID
