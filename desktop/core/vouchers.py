"""Paper fallback vouchers: when a till itself is down, staff write redemptions on
pre-numbered paper vouchers, and a manager keys them in later (desktop/services/vouchers.py).

A voucher number is `PV`, six digits of the book's serial, and a Luhn check digit (the same
scheme as card numbers, desktop/core/cardnumber.py), so a mistyped digit or a swapped pair
is refused before anything is looked up. Pure: time is an argument."""

from __future__ import annotations

from datetime import datetime, timedelta

from desktop.core.cardnumber import luhn_digit
from desktop.core.errors import InvalidInput

PREFIX = "PV"
DIGITS = 6
#: The code kind a keyed-in voucher's redemption is recorded with: no card was scanned,
#: the manager vouches for the paper.
CODE_KIND = "paper_voucher"
#: How old a voucher may be when keyed in: paper older than this goes to head office.
MAX_AGE = timedelta(days=7)
#: A written time a little ahead of the till's clock is a clock difference, not a mistake.
CLOCK_SLACK = timedelta(minutes=5)


def make_voucher_no(serial: int) -> str:
    """The printed number of voucher `serial` of the books (1 to 999999)."""
    if isinstance(serial, bool) or not isinstance(serial, int) or not 0 < serial < 10**DIGITS:
        raise InvalidInput(f"a voucher serial is a whole number from 1 to 999999, got {serial!r}")
    body = f"{serial:0{DIGITS}d}"
    return PREFIX + body + luhn_digit(body)


def normalise_voucher_no(text: str) -> str:
    """`PV` + 7 digits, upper case, spaces and dashes removed; raises InvalidInput for
    anything else or a wrong check digit."""
    compact = "".join(ch for ch in str(text) if ch not in " -").upper()
    body = compact[len(PREFIX) :]
    if (
        not compact.startswith(PREFIX)
        or len(body) != DIGITS + 1
        or not (body.isascii() and body.isdigit())
    ):
        raise InvalidInput(
            f"{text!r} is not a paper voucher number: expected PV and 7 digits, e.g. PV0000018"
        )
    if luhn_digit(body[:-1]) != body[-1] or int(body[:-1]) == 0:
        raise InvalidInput(
            f"voucher number {text!r} has a wrong check digit: check the number on the paper"
        )
    return compact


def check_written_at(written: datetime, now: datetime) -> None:
    """Refuse a written time in the future or older than MAX_AGE (both aware datetimes)."""
    if written.tzinfo is None or now.tzinfo is None:
        raise InvalidInput("the voucher's written time needs a time zone")
    if written > now + CLOCK_SLACK:
        raise InvalidInput(
            f"the voucher says it was written at {written:%Y-%m-%d %H:%M}, which is in the "
            "future: check the date and time on the paper"
        )
    if now - written > MAX_AGE:
        raise InvalidInput(
            f"the voucher was written at {written:%Y-%m-%d %H:%M}, more than "
            f"{MAX_AGE.days} days ago: send it to head office instead of keying it in"
        )


def parse_gift_spec(spec: str) -> tuple[str, int]:
    """`G101` or `G101:2` as (gift id, quantity)."""
    gift, _, qty = spec.strip().partition(":")
    gift = gift.strip()
    if not gift:
        raise InvalidInput(f"{spec!r} is not a gift: expected GIFT or GIFT:QUANTITY, e.g. G101:2")
    if not qty:
        return gift, 1
    if not (qty.isascii() and qty.isdigit()) or int(qty) <= 0:
        raise InvalidInput(
            f"{spec!r}: the quantity must be a whole number greater than zero, e.g. G101:2"
        )
    return gift, int(qty)


def parse_written_at(text: str) -> datetime:
    """The date and time on the paper as typed: `2026-06-15 14:30` (store time) or ISO 8601
    with an offset."""
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not a date and time: type it as on the paper, e.g. 2026-06-15 14:30"
        ) from None
