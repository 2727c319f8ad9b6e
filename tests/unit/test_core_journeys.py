"""Member journeys: the pure rules (desktop/core/journeys.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from desktop.core.catalogue import Gift, GiftId, Price
from desktop.core.errors import InvalidInput
from desktop.core.journeys import (
    Journey,
    JourneyConfig,
    MemberFacts,
    birthday_year,
    offers,
    parse_config,
    suggest_for_expiring,
    suggest_for_starter,
)
from desktop.core.members import Member, MemberId, Tier

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 10, 12, 0, tzinfo=SH)


def member(birthday: date | None = None, tier: Tier = Tier.REGULAR) -> Member:
    return Member(MemberId("M00000001"), "张伟", tier, birthday=birthday)


def gift(gid: str, points: int, tier: Tier = Tier.REGULAR) -> Gift:
    return Gift(GiftId(gid), gid, gid, "other", (Price(points),), tier)


ACTIVE = MemberFacts(last_active=date(2026, 12, 1), ever_redeemed=True)


def kinds(found: list) -> list[str]:
    return [o.journey.value for o in found]


def test_defaults_parse_and_round_trip() -> None:
    config = parse_config(None)
    assert config == JourneyConfig()
    assert parse_config(config.as_dict()) == config
    assert [t.min_days for t in config.welcome_back.tiers] == [30, 90, 180]


@pytest.mark.parametrize(
    "bad",
    [
        [],
        {"nope": {}},
        {"welcome_back": {"tiers": []}},
        {"welcome_back": {"tiers": [{"min_days": 0}]}},
        {"welcome_back": {"tiers": [{"min_days": 30}, {"min_days": 30}]}},
        {"welcome_back": {"tiers": [{"min_days": 30, "bonus": 5}]}},
        {"birthday": {"bonus_points": -1}},
        {"birthday": {"bonus_points": True}},
        {"starter": {"gift_id": ""}},
        {"expiring": {"enabled": "yes"}},
        {"expiring": {"suggest": 11}},
        {"birthday": {"day": 3}},
    ],
)
def test_bad_config_is_refused_naming_the_key(bad: object) -> None:
    with pytest.raises(InvalidInput, match="journeys"):
        parse_config(bad)


def test_dormancy_tiers_one_three_six_months() -> None:
    config = JourneyConfig()
    last = date(2026, 1, 1)
    for idle, bonus in [(29, None), (30, 50), (89, 50), (90, 200), (179, 200), (180, 500)]:
        day = last + timedelta(days=idle)
        found = offers(config, member(), day, MemberFacts(last, True))
        wb = [o for o in found if o.journey is Journey.WELCOME_BACK]
        if bonus is None:
            assert wb == []
        else:
            assert [(o.bonus_points, o.dormant_days, o.period) for o in wb] == [
                (bonus, idle, "2026-01-01")
            ]


def test_welcome_back_once_per_spell_and_switched_off() -> None:
    last = date(2026, 1, 1)
    day = date(2026, 6, 1)
    used = frozenset({("welcome_back", "2026-01-01")})
    assert offers(JourneyConfig(), member(), day, MemberFacts(last, True, used)) == []
    # active again later: a new spell, a new period
    later = MemberFacts(date(2026, 7, 1), True, used)
    assert kinds(offers(JourneyConfig(), member(), date(2026, 12, 1), later)) == ["welcome_back"]
    off = parse_config({"welcome_back": {"enabled": False}})
    assert offers(off, member(), day, MemberFacts(last, True)) == []


def test_never_active_member_is_not_dormant_but_a_starter() -> None:
    found = offers(JourneyConfig(), member(), date(2026, 6, 1), MemberFacts(None, False))
    assert [(o.journey, o.period) for o in found] == [(Journey.STARTER, "first")]
    used = MemberFacts(None, False, frozenset({("starter", "first")}))
    assert offers(JourneyConfig(), member(), date(2026, 6, 1), used) == []
    assert offers(JourneyConfig(), member(), date(2026, 6, 1), MemberFacts(None, True)) == []


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2028, 2, 29), 2028),  # leap year: the day itself
        (date(2028, 3, 3), 2028),  # within 3 days after
        (date(2028, 3, 4), None),
        (date(2027, 2, 28), 2027),  # common year: kept on 28 February
        (date(2027, 2, 25), 2027),
        (date(2027, 3, 3), 2027),  # 28 Feb + 3
        (date(2027, 3, 4), None),
        (date(2027, 2, 24), None),
    ],
)
def test_birthday_on_29_february(day: date, year: int | None) -> None:
    born = date(2000, 2, 29)
    assert birthday_year(day, born, 3) == year
    found = offers(JourneyConfig(), member(born), day, MemberFacts(day, True))
    expected = [] if year is None else [(Journey.BIRTHDAY, str(year), 200)]
    assert [(o.journey, o.period, o.bonus_points) for o in found] == expected


def test_birthday_across_new_year_counts_for_the_birthday_year() -> None:
    born = date(1990, 1, 1)
    found = offers(JourneyConfig(), member(born), date(2026, 12, 29), ACTIVE)
    assert [(o.journey, o.period) for o in found] == [(Journey.BIRTHDAY, "2027")]
    used = MemberFacts(date(2026, 12, 29), True, frozenset({("birthday", "2027")}))
    assert offers(JourneyConfig(), member(born), date(2027, 1, 2), used) == []


def test_expiring_suggestions_use_the_points_best() -> None:
    gifts = [
        (gift("A", 100), 5),
        (gift("B", 280), 5),
        (gift("C", 320), 5),
        (gift("D", 300), 0),  # out of stock
        (gift("E", 290, Tier.GOLD), 5),  # tier not allowed
        (gift("F", 5000), 5),  # not affordable
        (gift("G", 400), 5),
    ]
    found = suggest_for_expiring(gifts, member(), NOW, 1000, 300, 3)
    assert [g.gift_id for g in found] == ["C", "G", "B"]
    assert suggest_for_expiring(gifts, member(), NOW, 1000, 0, 3) == []
    gold = member(tier=Tier.GOLD)
    assert [g.gift_id for g in suggest_for_expiring(gifts, gold, NOW, 1000, 290, 1)] == ["E"]


def test_starter_suggestions_low_threshold() -> None:
    gifts = [(gift("A", 100), 5), (gift("B", 280), 5), (gift("C", 320), 5)]
    found = suggest_for_starter(gifts, member(), NOW, 1000, 300, 3)
    assert [g.gift_id for g in found] == ["B", "A"]
    assert [g.gift_id for g in suggest_for_starter(gifts, member(), NOW, 150, 300, 3)] == ["A"]


def test_the_birthday_multiplier_is_checked_and_applies_in_the_window_only() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from desktop.core.errors import InvalidInput
    from desktop.core.journeys import birthday_campaign, parse_config
    from desktop.core.members import Member, MemberId, Tier

    for bad in (999, 10_001, "2000", True):
        with pytest.raises(InvalidInput, match="multiplier_permille"):
            parse_config({"birthday": {"multiplier_permille": bad}})
    rules = parse_config({"birthday": {"days": 3, "multiplier_permille": 2000}})
    member = Member(MemberId("M00000001"), "王芳", Tier.REGULAR, birthday=date(1990, 12, 31))
    now = datetime(2027, 1, 2, 12, tzinfo=ZoneInfo("Asia/Shanghai"))
    campaign = birthday_campaign(rules, member, now.date(), now)  # across New Year
    assert campaign is not None and campaign.multiplier_permille == 2000
    assert campaign.applies(Tier.REGULAR, now)
    assert birthday_campaign(rules, member, date(2027, 1, 4), now) is None  # day 4: outside
    off = parse_config({"birthday": {"enabled": False, "multiplier_permille": 2000}})
    assert birthday_campaign(off, member, now.date(), now) is None
    assert birthday_campaign(parse_config({}), member, now.date(), now) is None  # 1x: none
