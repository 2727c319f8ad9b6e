"""Valentine's Day, 七夕 and the member day: occasions head office switches on, and the
campaigns tied to occasions. Expected 七夕 dates are the published ones (almanacs)."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.core.errors import InvalidInput
from desktop.core.occasions import (
    Occasion,
    OccasionConfig,
    holiday_dates,
    in_window,
    member_day_in,
    occasion_for,
    season,
)

pytestmark = pytest.mark.unit

Oc = Occasion
ALL_ON = OccasionConfig(member_day=10, valentines=True, qixi=True)


@pytest.mark.parametrize(
    "qixi", [date(2023, 8, 22), date(2024, 8, 10), date(2025, 8, 29), date(2026, 8, 19)]
)
def test_qixi_is_lunar_7_7_on_the_published_days(qixi: date) -> None:
    assert holiday_dates(qixi.year)[Oc.QIXI] == qixi
    assert occasion_for(qixi, None, ALL_ON) is Oc.QIXI
    assert season(Oc.QIXI, qixi.year) == (date(qixi.year, qixi.month, qixi.day - 2), qixi)


def test_qixi_season_is_two_days_before_to_the_day() -> None:
    assert occasion_for(date(2026, 8, 17), None, ALL_ON) is Oc.QIXI
    assert occasion_for(date(2026, 8, 16), None, ALL_ON) is Oc.GENERAL
    assert occasion_for(date(2026, 8, 20), None, ALL_ON) is Oc.GENERAL


def test_valentines_day_and_its_season() -> None:
    cfg = OccasionConfig(valentines=True)
    assert occasion_for(date(2028, 2, 14), None, cfg) is Oc.VALENTINES
    assert occasion_for(date(2028, 2, 12), None, cfg) is Oc.VALENTINES
    assert occasion_for(date(2028, 2, 15), None, cfg) is Oc.GENERAL
    assert occasion_for(date(2028, 2, 11), None, cfg) is Oc.GENERAL
    # 2026: Spring Festival on 17 February, its season from the 10th; Valentine's own day
    # beats the season, which keeps the days around it
    assert occasion_for(date(2026, 2, 14), None, cfg) is Oc.VALENTINES
    assert occasion_for(date(2026, 2, 15), None, cfg) is Oc.SPRING_FESTIVAL
    assert occasion_for(date(2026, 2, 11), None, cfg) is Oc.SPRING_FESTIVAL
    # 2014-02-14 was Lantern Festival too: equal distance goes to the lunar festival
    assert occasion_for(date(2014, 2, 14), None, cfg) is Oc.LANTERN_FESTIVAL


def test_switched_off_by_default_the_rule_is_as_before() -> None:
    assert occasion_for(date(2028, 2, 14), None) is Oc.GENERAL
    assert occasion_for(date(2025, 8, 29), None) is Oc.GENERAL
    assert occasion_for(date(2027, 3, 10), None) is Oc.GENERAL
    only_qixi = OccasionConfig(qixi=True)
    assert occasion_for(date(2028, 2, 14), None, only_qixi) is Oc.GENERAL
    assert occasion_for(date(2025, 8, 29), None, only_qixi) is Oc.QIXI


def test_member_day_is_the_weakest() -> None:
    assert occasion_for(date(2027, 3, 10), None, ALL_ON) is Oc.MEMBER_DAY
    assert occasion_for(date(2027, 3, 11), None, ALL_ON) is Oc.GENERAL
    # a holiday's season beats it (2026-02-10 is in the Spring Festival season)
    assert occasion_for(date(2026, 2, 10), None, ALL_ON) is Oc.SPRING_FESTIVAL
    # and the member's birthday beats it
    assert occasion_for(date(2027, 3, 10), date(1990, 3, 11), ALL_ON) is Oc.BIRTHDAY


@pytest.mark.parametrize(
    ("member_day", "year", "month", "expected"),
    [
        (10, 2027, 4, date(2027, 4, 10)),
        (31, 2027, 4, date(2027, 4, 30)),  # a 30-day month: its last day
        (31, 2027, 5, date(2027, 5, 31)),
        (30, 2027, 2, date(2027, 2, 28)),
        (29, 2028, 2, date(2028, 2, 29)),  # leap year
        (29, 2027, 2, date(2027, 2, 28)),
        (1, 2027, 2, date(2027, 2, 1)),
    ],
)
def test_member_day_in_short_months(member_day: int, year: int, month: int, expected: date) -> None:
    assert member_day_in(year, month, member_day) == expected
    cfg = OccasionConfig(member_day=member_day)
    assert in_window(Oc.MEMBER_DAY, expected, cfg)
    if expected.day > 1:
        assert not in_window(Oc.MEMBER_DAY, date(year, month, expected.day - 1), cfg)


def test_member_day_31_in_a_30_day_month_is_not_also_the_1st() -> None:
    cfg = OccasionConfig(member_day=31)
    assert occasion_for(date(2027, 6, 30), None, cfg) is Oc.MEMBER_DAY
    assert occasion_for(date(2027, 7, 1), None, cfg) is Oc.GENERAL
    assert occasion_for(date(2027, 7, 31), None, cfg) is Oc.MEMBER_DAY


def test_no_member_day_configured_means_none() -> None:
    assert not in_window(Oc.MEMBER_DAY, date(2027, 3, 10), OccasionConfig())
    assert occasion_for(date(2027, 3, 10), None, OccasionConfig()) is Oc.GENERAL


def test_campaign_windows_ignore_the_card_switches_and_precedence() -> None:
    off = OccasionConfig()
    assert in_window(Oc.QIXI, date(2025, 8, 29), off)
    assert in_window(Oc.VALENTINES, date(2026, 2, 14), off)
    assert in_window(Oc.SPRING_FESTIVAL, date(2026, 2, 14), off)  # its season too
    assert not in_window(Oc.QIXI, date(2025, 8, 30), off)
    assert not in_window(Oc.BIRTHDAY, date(2025, 8, 30), off)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, OccasionConfig()),
        ({}, OccasionConfig()),
        ({"member_day": 10, "valentines": True, "qixi": True}, ALL_ON),
        ({"member_day": None, "qixi": True}, OccasionConfig(qixi=True)),
    ],
)
def test_config_from_setting(value: object, expected: OccasionConfig) -> None:
    config = OccasionConfig.from_setting(value)
    assert config == expected
    assert OccasionConfig.from_setting(config.as_dict()) == config


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ({"member_day": 0}, "1 to 31"),
        ({"member_day": 32}, "1 to 31"),
        ({"member_day": "10"}, "1 to 31"),
        ({"member_day": True}, "1 to 31"),
        ({"valentines": "yes"}, "valentines must be true or false"),
        ({"birthday": True}, "unknown occasion switch"),
        ([10], "must be an object"),
    ],
)
def test_bad_config_is_refused_clearly(value: object, says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        OccasionConfig.from_setting(value)
