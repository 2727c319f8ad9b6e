"""Parsing text typed by a person into exact integers: points, quantities and fen."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.errors import InvalidInput, LanternError
from desktop.core.limits import CEILING
from desktop.core.money import parse_int, parse_points, parse_quantity, parse_yuan, yuan_text

pytestmark = pytest.mark.unit

NOT_WHOLE = ["12.0", "1e3", "", "   ", "abc", "12a", "1_000", "0x10", "1 2", "12.5", "--1", "+-1"]


@pytest.mark.parametrize("text", NOT_WHOLE)
def test_parse_int_refuses_anything_but_a_whole_number(text: str) -> None:
    with pytest.raises(InvalidInput, match="whole number"):
        parse_int(text, "stock change")


@pytest.mark.parametrize("value", [True, False])
def test_parse_int_refuses_booleans(value: bool) -> None:
    with pytest.raises(InvalidInput, match="whole number"):
        parse_int(value, "quantity")


def test_parse_int_refuses_a_float_instead_of_rounding_it() -> None:
    with pytest.raises(InvalidInput):
        parse_int(12.0, "quantity")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", 12), (" 7 ", 7), ("+5", 5), ("-3", -3), ("0", 0), (42, 42), (-1, -1), ("007", 7)],
)
def test_parse_int_accepts_whole_numbers_of_either_sign(text: str | int, expected: int) -> None:
    assert parse_int(text, "n") == expected


def test_parse_int_names_the_field_in_its_message() -> None:
    with pytest.raises(InvalidInput, match="counted quantity"):
        parse_int("twelve", "counted quantity")


def test_a_number_too_long_to_convert_is_invalid_input_not_a_crash() -> None:
    # Python refuses to convert more than 4300 digits with a ValueError; the cashier
    # (or script) must get an InvalidInput like any other bad number.
    with pytest.raises(InvalidInput):
        parse_int("9" * 5000, "points")
    with pytest.raises(InvalidInput):
        parse_yuan("9" * 5000)


@given(st.integers())
def test_parse_int_round_trips_every_integer_within_the_ceiling(n: int) -> None:
    # beyond desktop.core.limits.CEILING nothing is a valid amount (issue 9: an earn of
    # 92,233,720,368,547,758 points was accepted)
    if abs(n) <= CEILING:
        assert parse_int(str(n), "n") == n
    else:
        with pytest.raises(InvalidInput):
            parse_int(str(n), "n")


@given(st.text(max_size=12))
def test_parse_int_either_parses_or_raises_invalid_input(text: str) -> None:
    try:
        value = parse_int(text, "n")
    except LanternError as e:
        assert isinstance(e, InvalidInput)
    else:
        assert isinstance(value, int)
        assert value == int(text)


@pytest.mark.parametrize("parse", [parse_points, parse_quantity])
@pytest.mark.parametrize("value", ["12.0", "1e3", "", "abc", True, 0, "0", -1, "-5", "+0"])
def test_points_and_quantities_must_be_positive_whole_numbers(parse, value) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput):
        parse(value)


@pytest.mark.parametrize("parse", [parse_points, parse_quantity])
def test_points_and_quantities_accept_positive_whole_numbers(parse) -> None:  # type: ignore[no-untyped-def]
    assert parse("1") == 1
    assert parse(" 250 ") == 250
    assert parse(3) == 3


def test_zero_message_says_greater_than_zero() -> None:
    with pytest.raises(InvalidInput, match="greater than zero"):
        parse_quantity("0")
    with pytest.raises(InvalidInput, match="points must be greater than zero"):
        parse_points(-7)


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("128.5", 12850),
        ("128.50", 12850),
        ("128", 12800),
        ("0.01", 1),
        ("0.1", 10),
        ("12.0", 1200),
        (" 3.07 ", 307),
        ("0", 0),
        ("19999999.99", 1999999999),
    ],
)
def test_parse_yuan_is_exact(text: str, fen: int) -> None:
    result = parse_yuan(text)
    assert result == fen
    assert type(result) is int


@pytest.mark.parametrize(
    "text", ["12.345", "1e3", "", "abc", "-5", "-0.5", "+5", ".5", "12.", "1,000", "12.5.1", "¥12"]
)
def test_parse_yuan_refuses_malformed_amounts(text: str) -> None:
    with pytest.raises(InvalidInput, match="at most two decimals"):
        parse_yuan(text)


def test_parse_yuan_refuses_a_boolean() -> None:
    with pytest.raises(InvalidInput):
        parse_yuan(True)  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=10**10 - 1), st.integers(min_value=0, max_value=99))
def test_parse_yuan_matches_integer_arithmetic(yuan: int, fen: int) -> None:
    assert parse_yuan(f"{yuan}.{fen:02d}") == yuan * 100 + fen
    if fen % 10 == 0:
        assert parse_yuan(f"{yuan}.{fen // 10}") == yuan * 100 + fen


def test_parse_yuan_refuses_floats() -> None:
    # a float has already lost exactness: 0.1 + 0.2 must never become fen
    with pytest.raises(InvalidInput, match="text"):
        parse_yuan(0.1 + 0.2)  # type: ignore[arg-type]


def test_yuan_text_is_the_inverse_of_parse_yuan() -> None:
    for fen in (0, 5, 50, 12850, 100000001):
        assert parse_yuan(yuan_text(fen)) == fen
    assert yuan_text(-250) == "-2.50"
