"""Typed card numbers: the digits printed under the QR, ending in a Luhn check digit,
so a mistyped digit or a swapped pair is caught at the till."""

from __future__ import annotations

from desktop.core.errors import InvalidInput


def luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def make_card_number(body: str) -> str:
    if not (body.isascii() and body.isdigit()):
        raise InvalidInput("a card number body must be digits only")
    return body + luhn_digit(body)


def normalise_card_number(text: str) -> str:
    """Digits with spaces or dashes removed; raises InvalidInput if the check digit fails."""
    digits = "".join(ch for ch in text if ch not in " -")
    if not (digits.isascii() and digits.isdigit()) or not 8 <= len(digits) <= 19:
        raise InvalidInput(f"{text!r} is not a card number: expected 8 to 19 digits")
    if luhn_digit(digits[:-1]) != digits[-1]:
        raise InvalidInput(f"card number {text!r} has a wrong check digit: check for a typo")
    return digits
