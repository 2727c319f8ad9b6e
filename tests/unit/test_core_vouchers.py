"""Paper voucher numbers and the checks on what is written on the paper (pure)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from desktop.core.errors import InvalidInput
from desktop.core.vouchers import (
    check_written_at,
    make_voucher_no,
    normalise_voucher_no,
    parse_gift_spec,
)

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=SH)


def test_a_voucher_number_is_pv_six_digits_and_a_luhn_check_digit() -> None:
    assert make_voucher_no(1) == "PV0000018"
    assert make_voucher_no(123456) == "PV1234566"
    assert normalise_voucher_no(" pv-000 0018 ") == "PV0000018"
    for serial in (1, 42, 999_999):
        assert normalise_voucher_no(make_voucher_no(serial)) == make_voucher_no(serial)


@pytest.mark.parametrize("bad", [0, -1, 1_000_000, True, "12"])
def test_a_serial_outside_the_books_is_refused(bad: object) -> None:
    with pytest.raises(InvalidInput, match="voucher serial"):
        make_voucher_no(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "typo",
    [
        "PV0000017",  # last digit wrong
        "PV0000081",  # a swapped pair
        "PV1000018",  # one digit wrong
        "PV0000000",  # serial 0 is never printed
    ],
)
def test_a_mistyped_number_fails_its_check_digit(typo: str) -> None:
    with pytest.raises(InvalidInput, match="wrong check digit"):
        normalise_voucher_no(typo)


@pytest.mark.parametrize("bad", ["", "PV", "PV000001", "PV00000180", "XX0000018", "PVABCDEFG"])
def test_what_is_not_a_voucher_number_says_what_is_expected(bad: str) -> None:
    with pytest.raises(InvalidInput, match="expected PV and 7 digits"):
        normalise_voucher_no(bad)


def test_written_time_may_be_up_to_seven_days_old_and_not_in_the_future() -> None:
    check_written_at(NOW - timedelta(days=7), NOW)
    check_written_at(NOW + timedelta(minutes=4), NOW)  # a till clock a little behind
    with pytest.raises(InvalidInput, match="in the future"):
        check_written_at(NOW + timedelta(hours=1), NOW)
    with pytest.raises(InvalidInput, match="more than 7 days ago"):
        check_written_at(NOW - timedelta(days=7, minutes=1), NOW)
    with pytest.raises(InvalidInput, match="time zone"):
        check_written_at(NOW.replace(tzinfo=None), NOW)


def test_gift_specs_carry_an_optional_quantity() -> None:
    assert parse_gift_spec("G101") == ("G101", 1)
    assert parse_gift_spec(" G501:3 ") == ("G501", 3)
    for bad in ("", ":2", "G101:0", "G101:-1", "G101:x"):
        with pytest.raises(InvalidInput):
            parse_gift_spec(bad)
