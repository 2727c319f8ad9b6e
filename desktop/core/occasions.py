"""Which greeting card a redemption gets: the occasion chosen from the date.

Pure: the day is an argument, nothing is read from the clock or from disk. The lunar
festivals are computed from the Chinese calendar (the `lunardate` tables, lunar years
1900–2099), never listed per year.

The rule `occasion_for` applies, in order:

1. **Birthday.** The member's birthday within ±3 days of the day (across New Year too:
   a 1 January birthday counts on 29 December). A 29 February birthday is kept on
   28 February in common years. The birthday beats every holiday: it is the member's own.
2. **Holiday seasons.** Each holiday has a season around its day (`SEASONS`):

   | occasion          | day                 | season                                 |
   |-------------------|---------------------|----------------------------------------|
   | spring_festival   | lunar 1/1           | 7 days before, up to the Lantern Festival (lunar 1/15) |
   | lantern_festival  | lunar 1/15          | the day itself                         |
   | dragon_boat       | lunar 5/5           | 3 days before to 3 days after          |
   | mid_autumn        | lunar 8/15          | 7 days before to 2 days after          |
   | national_day      | 1 October           | 1–7 October (Golden Week)              |
   | christmas         | 25 December         | 20–26 December                         |
   | new_year          | 1 January           | 30 December – 3 January                |
   | qixi (七夕)        | lunar 7/7           | 2 days before to the day (if switched on) |
   | valentines        | 14 February         | 12–14 February (if switched on)        |

   When seasons overlap, **the holiday whose own day is nearest wins**, so a holiday's own
   day always beats another holiday's season (Lantern Festival beats the Spring Festival
   season on lunar 1/15; Mid-Autumn on 2025-10-06 beats Golden Week; Valentine's Day
   beats the Spring Festival season on 14 February). Equal distances go to the lunar
   festival (the order of `Occasion`): on 2020-10-01, Mid-Autumn and National Day both,
   the card is Mid-Autumn; on 2014-02-14, Lantern Festival and Valentine's Day both, the
   card is the Lantern Festival. Mid-Autumn and National Day can meet, and Valentine's
   Day can meet the Spring Festival season and the Lantern Festival; the other seasons
   never touch. National Day always keeps 1 October (unless Mid-Autumn is that very day)
   and at least two days of Golden Week (Mid-Autumn on 5 October: 1–2 October National
   Day, 3–7 October Mid-Autumn).
3. **Member day**, the weakest: the store's monthly member day (`OccasionConfig.member_day`,
   e.g. the 10th), only when no birthday and no holiday applies. A month without that day
   (the 31st in a 30-day month, the 29th–31st in February) keeps it on its last day.
4. **General** otherwise.

Which of the switchable occasions are on is head office's setting `"occasions"`
(`OccasionConfig`, passed in: the core never reads settings). The default, all off, is the
rule as it was before they existed: Valentine's Day, 七夕 and the member day give a card
only once head office switches them on.

Campaigns tied to an occasion (desktop/core/earning.py) use `in_window`: a holiday's whole
season, or the member day, whatever card the day gets (a birthday does not take a member's
member-day points away) and whether or not the occasion's card is switched on.

Outside the lunar tables (before 1900, after 2099) only the solar holidays are considered.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, timedelta
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from lunardate import LunarDate

from desktop.core.errors import InvalidInput


class Occasion(StrEnum):
    """A card design per value; the order is the tie-break (lunar festivals first)."""

    SPRING_FESTIVAL = "spring_festival"
    LANTERN_FESTIVAL = "lantern_festival"
    DRAGON_BOAT = "dragon_boat"
    QIXI = "qixi"
    MID_AUTUMN = "mid_autumn"
    NATIONAL_DAY = "national_day"
    CHRISTMAS = "christmas"
    NEW_YEAR = "new_year"
    VALENTINES = "valentines"
    MEMBER_DAY = "member_day"
    BIRTHDAY = "birthday"
    GENERAL = "general"


HOLIDAYS: tuple[Occasion, ...] = tuple(
    o for o in Occasion if o not in (Occasion.MEMBER_DAY, Occasion.BIRTHDAY, Occasion.GENERAL)
)
#: the holidays that give a card only when head office switches them on (OccasionConfig)
SWITCHED: frozenset[Occasion] = frozenset({Occasion.VALENTINES, Occasion.QIXI})
LUNAR: MappingProxyType[Occasion, tuple[int, int]] = MappingProxyType(
    {
        Occasion.SPRING_FESTIVAL: (1, 1),
        Occasion.LANTERN_FESTIVAL: (1, 15),
        Occasion.DRAGON_BOAT: (5, 5),
        Occasion.QIXI: (7, 7),
        Occasion.MID_AUTUMN: (8, 15),
    }
)
SOLAR: MappingProxyType[Occasion, tuple[int, int]] = MappingProxyType(
    {
        Occasion.NATIONAL_DAY: (10, 1),
        Occasion.CHRISTMAS: (12, 25),
        Occasion.NEW_YEAR: (1, 1),
        Occasion.VALENTINES: (2, 14),
    }
)
# (days before, days after) the holiday's own day; lunar 1/15 is always lunar 1/1 + 14 days
SEASONS: MappingProxyType[Occasion, tuple[int, int]] = MappingProxyType(
    {
        Occasion.SPRING_FESTIVAL: (7, 14),
        Occasion.LANTERN_FESTIVAL: (0, 0),
        Occasion.DRAGON_BOAT: (3, 3),
        Occasion.MID_AUTUMN: (7, 2),
        Occasion.NATIONAL_DAY: (0, 6),
        Occasion.CHRISTMAS: (5, 1),
        Occasion.NEW_YEAR: (2, 2),
        Occasion.QIXI: (2, 0),
        Occasion.VALENTINES: (2, 0),
    }
)
BIRTHDAY_DAYS = 3
LUNAR_YEARS = range(1900, 2100)  # what the lunardate tables cover

_ORDER = {o: i for i, o in enumerate(Occasion)}
_MONTHS_ZH = ("正", "二", "三", "四", "五", "六", "七", "八", "九", "十", "冬", "腊")
_DIGITS_ZH = "一二三四五六七八九十"


@dataclass(frozen=True, slots=True)
class OccasionConfig:
    """Head office's switches (setting "occasions"): the member day of the month (1–31,
    None: no member day) and whether Valentine's Day and 七夕 give their own cards."""

    member_day: int | None = None
    valentines: bool = False
    qixi: bool = False

    def __post_init__(self) -> None:
        md = self.member_day
        if md is not None and (
            isinstance(md, bool) or not isinstance(md, int) or not 1 <= md <= 31
        ):
            raise InvalidInput(
                f"the member day is a day of the month, 1 to 31 (or none), not {md!r}"
            )
        for name in ("valentines", "qixi"):
            if not isinstance(getattr(self, name), bool):
                raise InvalidInput(f"occasions: {name} must be true or false")

    @classmethod
    def from_setting(cls, value: Any) -> OccasionConfig:
        """From the setting's JSON, e.g. {"member_day": 10, "valentines": true, "qixi": true};
        a missing key keeps its default. InvalidInput saying what is wrong."""
        if value is None:
            return cls()
        if not isinstance(value, Mapping):
            raise InvalidInput(
                'occasions must be an object like {"member_day": 10, "valentines": true, '
                '"qixi": true}'
            )
        unknown = sorted(set(value) - {"member_day", "valentines", "qixi"})
        if unknown:
            raise InvalidInput(
                f"unknown occasion switch(es) {', '.join(map(str, unknown))}; "
                "known: member_day, valentines, qixi"
            )
        return cls(
            value.get("member_day"), value.get("valentines", False), value.get("qixi", False)
        )

    def as_dict(self) -> dict[str, Any]:
        return {"member_day": self.member_day, "valentines": self.valentines, "qixi": self.qixi}

    def switched_on(self, occasion: Occasion) -> bool:
        """Whether a holiday gives its card (the seven fixed ones always do)."""
        if occasion is Occasion.VALENTINES:
            return self.valentines
        if occasion is Occasion.QIXI:
            return self.qixi
        return occasion in HOLIDAYS


DEFAULT_CONFIG = OccasionConfig()


def member_day_in(year: int, month: int, member_day: int) -> date:
    """The member day of a month: that day, or the month's last day when it has none."""
    return date(year, month, min(member_day, calendar.monthrange(year, month)[1]))


def is_member_day(day: date, config: OccasionConfig) -> bool:
    return config.member_day is not None and day == member_day_in(
        day.year, day.month, config.member_day
    )


def in_window(occasion: Occasion, day: date, config: OccasionConfig = DEFAULT_CONFIG) -> bool:
    """Whether day is in an occasion's window for a campaign tied to it: the member day (as
    configured; never when there is none), or a holiday's season. Birthday and general
    have no window."""
    if occasion is Occasion.MEMBER_DAY:
        return is_member_day(day, config)
    return any(o is occasion for o, _ in holidays_around(day, None))


def holiday_dates(year: int) -> dict[Occasion, date]:
    """The nine holidays of a Gregorian year (the lunar ones of the lunar year that starts
    in it, which all fall inside it). InvalidInput outside the lunar tables (1900–2099)."""
    if year not in LUNAR_YEARS:
        raise InvalidInput(
            f"the Chinese calendar is known for {LUNAR_YEARS.start}–{LUNAR_YEARS.stop - 1}, "
            f"not {year}"
        )
    return dict(_holidays(year))


@lru_cache(maxsize=256)
def _holidays(year: int) -> tuple[tuple[Occasion, date], ...]:
    """Holidays of a year in `Occasion` order; only the solar ones outside the tables."""
    days: dict[Occasion, date] = {}
    if year in LUNAR_YEARS:
        for occasion, (month, day) in LUNAR.items():
            solar: date = LunarDate(year, month, day).to_solar_date()
            days[occasion] = solar
    for occasion, (month, day) in SOLAR.items():
        days[occasion] = date(year, month, day)
    return tuple((o, days[o]) for o in HOLIDAYS if o in days)


def birthday_in(year: int, birthday: date) -> date:
    """The day a birthday is kept in a year: 29 February becomes 28 February in common years."""
    try:
        return birthday.replace(year=year)
    except ValueError:  # 29 February, common year
        return date(year, 2, 28)


def is_birthday_near(day: date, birthday: date, days: int = BIRTHDAY_DAYS) -> bool:
    """The birthday falls within ±days of day (this year's, last year's or next year's)."""
    for year in (day.year - 1, day.year, day.year + 1):
        if MINYEAR <= year <= MAXYEAR and abs((birthday_in(year, birthday) - day).days) <= days:
            return True
    return False


def holidays_around(
    day: date, config: OccasionConfig | None = DEFAULT_CONFIG
) -> list[tuple[Occasion, date]]:
    """Every holiday whose season contains day, with that holiday's own date: those
    switched on in config (every one when config is None)."""
    found: list[tuple[Occasion, date]] = []
    for year in (day.year - 1, day.year, day.year + 1):
        if not MINYEAR <= year <= MAXYEAR:
            continue
        for occasion, when in _holidays(year):
            if config is not None and not config.switched_on(occasion):
                continue
            before, after = SEASONS[occasion]
            if -before <= (day - when).days <= after:
                found.append((occasion, when))
    return found


def occasion_for(
    day: date, birthday: date | None, config: OccasionConfig = DEFAULT_CONFIG
) -> Occasion:
    """The card for a redemption on day (see the module docstring for the rule)."""
    if birthday is not None and is_birthday_near(day, birthday):
        return Occasion.BIRTHDAY
    candidates = holidays_around(day, config)
    if not candidates:
        return Occasion.MEMBER_DAY if is_member_day(day, config) else Occasion.GENERAL
    occasion, _ = min(candidates, key=lambda c: (abs((day - c[1]).days), _ORDER[c[0]]))
    return occasion


def season(occasion: Occasion, year: int) -> tuple[date, date]:
    """First and last day of a holiday's season in a year (InvalidInput for member day,
    birthday and general, which have none, and for years outside the lunar tables)."""
    if occasion not in SEASONS:
        raise InvalidInput(f"{occasion.value} has no fixed season")
    when = holiday_dates(year)[occasion]
    before, after = SEASONS[occasion]
    return when - timedelta(days=before), when + timedelta(days=after)


def lunar_date_zh(day: date) -> str | None:
    """The lunar month and day in Chinese, e.g. "八月十五", "正月初一", "闰六月初三";
    None outside the lunar tables."""
    lunar = LunarDate.from_solar_date(day.year, day.month, day.day)
    try:  # lunardate does not check its range: a date outside it must survive the round trip
        if lunar.to_solar_date() != day:
            return None
    except ValueError:
        return None
    month: int = lunar.month
    number: int = lunar.day
    leap: bool = lunar.is_leap_month
    return ("闰" if leap else "") + _MONTHS_ZH[month - 1] + "月" + _lunar_day_zh(number)


def _lunar_day_zh(n: int) -> str:
    if n <= 10:
        return "初" + _DIGITS_ZH[n - 1]
    if n < 20:
        return "十" + _DIGITS_ZH[n - 11]
    if n == 20:
        return "二十"
    if n < 30:
        return "廿" + _DIGITS_ZH[n - 21]
    return "三十"
