"""Typed card numbers with a Luhn check digit."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.cardnumber import luhn_digit, make_card_number, normalise_card_number
from desktop.core.errors import InvalidInput

pytestmark = pytest.mark.unit

BODIES = st.text(alphabet="0123456789", min_size=7, max_size=18)


@pytest.mark.parametrize(
    ("body", "check"),
    [("7992739871", "3"), ("4539578763621486"[:-1], "6"), ("0000000", "0"), ("880000000001", "3")],
)
def test_known_luhn_check_digits(body: str, check: str) -> None:
    assert luhn_digit(body) == check
    assert make_card_number(body) == body + check


@pytest.mark.parametrize("body", ["", "12a4", "12 34", "-1234", "１２３４５６７", "12345²78"])
def test_make_card_number_needs_ascii_digits(body: str) -> None:
    with pytest.raises(InvalidInput):
        make_card_number(body)


def test_normalise_strips_spaces_and_dashes() -> None:
    number = make_card_number("880000000001")
    grouped = f"{number[:4]} {number[4:8]}-{number[8:]}"
    assert normalise_card_number(grouped) == number
    assert normalise_card_number(f"  {number}  ") == number


@pytest.mark.parametrize(
    "text",
    [
        "1234567",  # too short
        "1" * 20,  # too long
        "",
        "8800 0000 000X",
        "8800.0000.0001",
        "１２３４５６７８９０",  # full-width digits are not card digits
        "12345²78",  # str.isdigit() says yes, int() says no
    ],
)
def test_normalise_refuses_what_is_not_a_card_number(text: str) -> None:
    with pytest.raises(InvalidInput, match="expected 8 to 19 digits"):
        normalise_card_number(text)


def test_normalise_refuses_a_wrong_check_digit() -> None:
    number = make_card_number("880000000001")
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    with pytest.raises(InvalidInput, match="wrong check digit"):
        normalise_card_number(wrong)


@given(BODIES)
def test_a_made_number_normalises_to_itself(body: str) -> None:
    number = make_card_number(body)
    assert len(number) == len(body) + 1
    assert normalise_card_number(number) == number


@given(BODIES)
def test_every_single_digit_substitution_is_caught(body: str) -> None:
    number = make_card_number(body)
    for i, old in enumerate(number):
        for new in "0123456789":
            if new == old:
                continue
            typo = number[:i] + new + number[i + 1 :]
            with pytest.raises(InvalidInput, match="wrong check digit"):
                normalise_card_number(typo)


@given(BODIES)
def test_every_adjacent_transposition_is_caught_except_luhns_09_blind_spot(body: str) -> None:
    number = make_card_number(body)
    for i in range(len(number) - 1):
        a, b = number[i], number[i + 1]
        if a == b or {a, b} == {"0", "9"}:
            continue
        swapped = number[:i] + b + a + number[i + 2 :]
        with pytest.raises(InvalidInput, match="wrong check digit"):
            normalise_card_number(swapped)


def test_luhn_cannot_see_a_swapped_09_pair() -> None:
    # A known limit of the Luhn algorithm, documented here so nobody relies on it.
    number = make_card_number("8800000901")
    i = number.index("09")
    swapped = number[:i] + "90" + number[i + 2 :]
    assert normalise_card_number(swapped) == swapped
