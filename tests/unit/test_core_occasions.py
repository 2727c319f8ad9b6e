"""The occasion a greeting card celebrates: holidays from the Chinese calendar, seasons,
the member's birthday first, and overlaps resolved by the documented precedence.

Expected dates are the published ones (State Council holiday notices, almanacs), not
values computed by the code under test."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.errors import InvalidInput
from desktop.core.occasions import (
    SEASONS,
    Occasion,
    birthday_in,
    holiday_dates,
    lunar_date_zh,
    occasion_for,
    season,
)

pytestmark = pytest.mark.unit

Oc = Occasion


@pytest.mark.parametrize(
    ("occasion", "expected"),
    [
        (Oc.SPRING_FESTIVAL, date(2020, 1, 25)),
        (Oc.SPRING_FESTIVAL, date(2023, 1, 22)),
        (Oc.SPRING_FESTIVAL, date(2024, 2, 10)),
        (Oc.SPRING_FESTIVAL, date(2025, 1, 29)),
        (Oc.SPRING_FESTIVAL, date(2026, 2, 17)),
        (Oc.SPRING_FESTIVAL, date(2027, 2, 6)),
        (Oc.LANTERN_FESTIVAL, date(2024, 2, 24)),
        (Oc.LANTERN_FESTIVAL, date(2025, 2, 12)),
        (Oc.LANTERN_FESTIVAL, date(2026, 3, 3)),
        (Oc.DRAGON_BOAT, date(2023, 6, 22)),
        (Oc.DRAGON_BOAT, date(2024, 6, 10)),
        (Oc.DRAGON_BOAT, date(2025, 5, 31)),
        (Oc.DRAGON_BOAT, date(2026, 6, 19)),
        (Oc.MID_AUTUMN, date(2020, 10, 1)),
        (Oc.MID_AUTUMN, date(2023, 9, 29)),
        (Oc.MID_AUTUMN, date(2024, 9, 17)),
        (Oc.MID_AUTUMN, date(2025, 10, 6)),
        (Oc.MID_AUTUMN, date(2026, 9, 25)),
        (Oc.NATIONAL_DAY, date(2026, 10, 1)),
        (Oc.CHRISTMAS, date(2026, 12, 25)),
        (Oc.NEW_YEAR, date(2026, 1, 1)),
    ],
)
def test_holiday_dates_match_the_published_ones(occasion: Occasion, expected: date) -> None:
    assert holiday_dates(expected.year)[occasion] == expected
    # and on the day itself, with no birthday near, that is the card
    if expected != date(2020, 10, 1):  # Mid-Autumn and National Day both: see below
        assert occasion_for(expected, None) is occasion


def test_every_year_of_the_tables_has_all_seven_holidays_in_that_year() -> None:
    for year in range(1900, 2100):
        days = holiday_dates(year)
        assert set(days) == set(SEASONS)
        assert all(d.year == year for d in days.values())
        # lunar 1/15 is always 14 days after lunar 1/1 (the first month has 29 or 30 days)
        assert days[Oc.LANTERN_FESTIVAL] - days[Oc.SPRING_FESTIVAL] == timedelta(days=14)
        assert date(year, 1, 21) <= days[Oc.SPRING_FESTIVAL] <= date(year, 2, 20)


@pytest.mark.parametrize("year", [1899, 2100, 1, 9999])
def test_years_outside_the_chinese_calendar_tables_are_refused(year: int) -> None:
    with pytest.raises(InvalidInput, match="Chinese calendar"):
        holiday_dates(year)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # 2026: Spring Festival 17 Feb, season from 10 Feb; Lantern Festival 3 Mar
        (date(2026, 2, 9), Oc.GENERAL),
        (date(2026, 2, 10), Oc.SPRING_FESTIVAL),
        (date(2026, 3, 2), Oc.SPRING_FESTIVAL),
        (date(2026, 3, 3), Oc.LANTERN_FESTIVAL),
        (date(2026, 3, 4), Oc.GENERAL),
        # Dragon Boat 19 Jun, ±3 days
        (date(2026, 6, 15), Oc.GENERAL),
        (date(2026, 6, 16), Oc.DRAGON_BOAT),
        (date(2026, 6, 22), Oc.DRAGON_BOAT),
        (date(2026, 6, 23), Oc.GENERAL),
        # Mid-Autumn 25 Sep, 7 days before to 2 after
        (date(2026, 9, 17), Oc.GENERAL),
        (date(2026, 9, 18), Oc.MID_AUTUMN),
        (date(2026, 9, 27), Oc.MID_AUTUMN),
        (date(2026, 9, 28), Oc.GENERAL),
        # Golden Week
        (date(2026, 9, 30), Oc.GENERAL),
        (date(2026, 10, 1), Oc.NATIONAL_DAY),
        (date(2026, 10, 7), Oc.NATIONAL_DAY),
        (date(2026, 10, 8), Oc.GENERAL),
        # Christmas 20–26 Dec, New Year 30 Dec – 3 Jan (across the year end)
        (date(2026, 12, 19), Oc.GENERAL),
        (date(2026, 12, 20), Oc.CHRISTMAS),
        (date(2026, 12, 26), Oc.CHRISTMAS),
        (date(2026, 12, 27), Oc.GENERAL),
        (date(2026, 12, 29), Oc.GENERAL),
        (date(2026, 12, 30), Oc.NEW_YEAR),
        (date(2027, 1, 3), Oc.NEW_YEAR),
        (date(2027, 1, 4), Oc.GENERAL),
    ],
)
def test_season_boundaries(day: date, expected: Occasion) -> None:
    assert occasion_for(day, None) is expected


def test_season_gives_first_and_last_day() -> None:
    assert season(Oc.SPRING_FESTIVAL, 2026) == (date(2026, 2, 10), date(2026, 3, 3))
    assert season(Oc.NATIONAL_DAY, 2026) == (date(2026, 10, 1), date(2026, 10, 7))
    with pytest.raises(InvalidInput):
        season(Oc.BIRTHDAY, 2026)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # 2020: Mid-Autumn on 1 October. The day and the equal-distance days after it go
        # to the lunar festival; the rest of Golden Week is National Day
        (date(2020, 9, 30), Oc.MID_AUTUMN),
        (date(2020, 10, 1), Oc.MID_AUTUMN),
        (date(2020, 10, 3), Oc.MID_AUTUMN),
        (date(2020, 10, 4), Oc.NATIONAL_DAY),
        (date(2020, 10, 7), Oc.NATIONAL_DAY),
        # 2025: Mid-Autumn on 6 October, inside Golden Week: the nearer holiday wins
        (date(2025, 9, 29), Oc.MID_AUTUMN),
        (date(2025, 9, 30), Oc.MID_AUTUMN),
        (date(2025, 10, 1), Oc.NATIONAL_DAY),
        (date(2025, 10, 3), Oc.NATIONAL_DAY),
        (date(2025, 10, 4), Oc.MID_AUTUMN),
        (date(2025, 10, 6), Oc.MID_AUTUMN),
        (date(2025, 10, 7), Oc.MID_AUTUMN),
        (date(2025, 10, 8), Oc.MID_AUTUMN),
        (date(2025, 10, 9), Oc.GENERAL),
    ],
)
def test_mid_autumn_and_national_day_overlap(day: date, expected: Occasion) -> None:
    assert occasion_for(day, None) is expected


@pytest.mark.parametrize(
    ("day", "birthday", "expected"),
    [
        (date(2026, 5, 11), date(1990, 5, 14), Oc.BIRTHDAY),
        (date(2026, 5, 17), date(1990, 5, 14), Oc.BIRTHDAY),
        (date(2026, 5, 10), date(1990, 5, 14), Oc.GENERAL),
        (date(2026, 5, 18), date(1990, 5, 14), Oc.GENERAL),
        # the birthday beats a holiday, even on the holiday's own day
        (date(2026, 2, 17), date(1980, 2, 15), Oc.BIRTHDAY),
        (date(2026, 10, 1), date(1975, 10, 1), Oc.BIRTHDAY),
        # across the year end
        (date(2026, 12, 29), date(1985, 1, 1), Oc.BIRTHDAY),
        (date(2027, 1, 2), date(1985, 12, 31), Oc.BIRTHDAY),
        (date(2027, 1, 2), date(1985, 12, 29), Oc.NEW_YEAR),
        # 29 February in a common year is kept on 28 February (2027: no holiday near)
        (date(2027, 2, 24), date(2000, 2, 29), Oc.GENERAL),
        (date(2027, 2, 25), date(2000, 2, 29), Oc.BIRTHDAY),
        (date(2027, 3, 3), date(2000, 2, 29), Oc.BIRTHDAY),
        (date(2027, 3, 4), date(2000, 2, 29), Oc.GENERAL),
        # and on 29 February in a leap year
        (date(2028, 2, 25), date(2000, 2, 29), Oc.GENERAL),
        (date(2028, 2, 26), date(2000, 2, 29), Oc.BIRTHDAY),
        (date(2028, 3, 3), date(2000, 2, 29), Oc.BIRTHDAY),
        (date(2028, 3, 4), date(2000, 2, 29), Oc.GENERAL),
    ],
)
def test_birthday_precedence(day: date, birthday: date, expected: Occasion) -> None:
    assert occasion_for(day, birthday) is expected


def test_a_29_february_birthday_is_kept_on_28_february_in_common_years() -> None:
    assert birthday_in(2027, date(2000, 2, 29)) == date(2027, 2, 28)
    assert birthday_in(2028, date(2000, 2, 29)) == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 2, 10), "正月初一"),
        (date(2024, 2, 9), "腊月三十"),
        (date(2025, 1, 28), "腊月廿九"),  # 2025 had no 大年三十
        (date(2025, 10, 6), "八月十五"),
        (date(2025, 5, 31), "五月初五"),
        (date(2023, 3, 22), "闰二月初一"),
        (date(1899, 12, 31), None),
        (date(2101, 6, 1), None),
    ],
)
def test_lunar_date_in_chinese(day: date, expected: str | None) -> None:
    assert lunar_date_zh(day) == expected


DAYS = st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31))


@given(day=DAYS, birthday=st.none() | st.dates())
def test_occasion_for_never_raises(day: date, birthday: date | None) -> None:
    assert isinstance(occasion_for(day, birthday), Occasion)


@given(day=DAYS)
def test_a_holiday_card_is_only_given_in_that_holidays_season(day: date) -> None:
    occasion = occasion_for(day, None)
    assert occasion is not Oc.BIRTHDAY
    if occasion is not Oc.GENERAL:
        years = (day.year - 1, day.year, day.year + 1)
        assert any(season(occasion, y)[0] <= day <= season(occasion, y)[1] for y in years)


@given(day=DAYS, birthday=st.dates())
def test_a_birthday_near_the_day_always_wins(day: date, birthday: date) -> None:
    kept = birthday_in(day.year, birthday)
    if abs((kept - day).days) <= 3:
        assert occasion_for(day, birthday) is Oc.BIRTHDAY


def test_every_day_1950_to_2090_and_the_length_of_each_season() -> None:
    # every day, no birthday: each holiday that overlaps nothing gets its whole season
    # every year; Mid-Autumn and Golden Week share what is left of their 10 + 7 days
    day, counts = date(1950, 1, 1), Counter[tuple[int, Occasion]]()
    while day <= date(2090, 12, 31):
        counts[day.year, occasion_for(day, None)] += 1
        day += timedelta(days=1)
    for year in range(1950, 2091):
        assert counts[year, Oc.SPRING_FESTIVAL] == 21
        assert counts[year, Oc.LANTERN_FESTIVAL] == 1
        assert counts[year, Oc.DRAGON_BOAT] == 7
        assert counts[year, Oc.CHRISTMAS] == 7
        assert counts[year, Oc.NEW_YEAR] == 5  # 1–3 January and 30–31 December
        autumn = counts[year, Oc.MID_AUTUMN] + counts[year, Oc.NATIONAL_DAY]
        mid_autumn = holiday_dates(year)[Oc.MID_AUTUMN]
        first = max(mid_autumn - timedelta(days=7), date(year, 10, 1))
        last = min(mid_autumn + timedelta(days=2), date(year, 10, 7))
        overlap = max(0, (last - first).days + 1)
        assert autumn == 10 + 7 - overlap
        # 1 October is National Day unless it is Mid-Autumn too, and Golden Week keeps at
        # least two days (Mid-Autumn on 5 October: its season covers the whole week)
        assert counts[year, Oc.NATIONAL_DAY] >= 2
        if mid_autumn != date(year, 10, 1):
            assert occasion_for(date(year, 10, 1), None) is Oc.NATIONAL_DAY
