"""Member journeys: what the till offers a member on a day (docs/programme-journeys.md).

Head office sets the rules as the setting `journeys` (one dict, sent whole to stores):

    {"welcome_back": {"enabled": true,
                      "tiers": [{"min_days": 30, "bonus_points": 50, "gift_id": null},
                                {"min_days": 90, "bonus_points": 200, "gift_id": null},
                                {"min_days": 180, "bonus_points": 500, "gift_id": "G-MUG"}]},
     "starter": {"enabled": true, "max_points": 300, "bonus_points": 0, "gift_id": null,
                 "suggest": 3},
     "birthday": {"enabled": true, "days": 3, "bonus_points": 200, "gift_id": null},
     "expiring": {"enabled": true, "days": 30, "suggest": 3}}

- **welcome_back**: a member with no earn or redemption (at any store) for `min_days` whole
  business days is dormant; the tier with the largest `min_days` reached applies (1–3,
  3–6, 6+ months: 30/90/180). Once per dormancy spell: the spell is named by the last
  activity day, so the member must be active again before another one.
- **starter**: a member who never redeemed: gifts at or below `max_points` are suggested,
  and an optional free gift and/or bonus points are offered once ("first").
- **birthday**: the birthday (29 February kept on 28 February in common years) within
  `days` of the day: bonus points and/or a gift, once per birthday year, and a multiplier
  on purchases in the window (`birthday_campaign`).
- **expiring**: not an offer but a hint: points expiring within `days` and up to `suggest`
  gifts that use them best.

Each journey can be switched off with `"enabled": false`; a missing journey uses its
defaults. Pure: the day is an argument.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta
from typing import Any

from desktop.core.catalogue import Gift
from desktop.core.earning import Campaign
from desktop.core.errors import InvalidInput
from desktop.core.limits import CEILING
from desktop.core.members import Member
from desktop.core.occasions import birthday_in

MAX_DAYS = 3660  # ten years: a dormancy or a window longer than this is a typo
MAX_SUGGEST = 10
MAX_PERMILLE = 10_000  # a birthday multiplier above 10x is a typo
BIRTHDAY_CAMPAIGN = "birthday"  # the campaign id an earn in the birthday window carries


class Journey(enum.StrEnum):
    WELCOME_BACK = "welcome_back"
    STARTER = "starter"
    BIRTHDAY = "birthday"


@dataclass(frozen=True, slots=True)
class DormancyTier:
    min_days: int
    bonus_points: int = 0
    gift_id: str | None = None


@dataclass(frozen=True, slots=True)
class WelcomeBack:
    enabled: bool = True
    tiers: tuple[DormancyTier, ...] = (
        DormancyTier(30, 50),
        DormancyTier(90, 200),
        DormancyTier(180, 500),
    )


@dataclass(frozen=True, slots=True)
class Starter:
    enabled: bool = True
    max_points: int = 300
    bonus_points: int = 0
    gift_id: str | None = None
    suggest: int = 3


@dataclass(frozen=True, slots=True)
class Birthday:
    enabled: bool = True
    days: int = 3
    bonus_points: int = 200
    gift_id: str | None = None
    #: points earned on purchases in the birthday window, per mille (2000: double points);
    #: 1000 is none. It does not stack with campaigns: the better of the two counts.
    multiplier_permille: int = 1000


@dataclass(frozen=True, slots=True)
class Expiring:
    enabled: bool = True
    days: int = 30
    suggest: int = 3


@dataclass(frozen=True, slots=True)
class JourneyConfig:
    welcome_back: WelcomeBack = field(default_factory=WelcomeBack)
    starter: Starter = field(default_factory=Starter)
    birthday: Birthday = field(default_factory=Birthday)
    expiring: Expiring = field(default_factory=Expiring)

    def points_off(self) -> JourneyConfig:
        """The same rules with the journeys that give points or gifts (welcome back,
        birthday) switched off, and the starter journey giving none: only suggestions."""
        return JourneyConfig(
            replace(self.welcome_back, enabled=False),
            replace(self.starter, bonus_points=0, gift_id=None),
            replace(self.birthday, enabled=False),
            self.expiring,
        )

    def as_dict(self) -> dict[str, Any]:
        """As the setting's JSON (lists, not tuples)."""
        out = asdict(self)
        out["welcome_back"]["tiers"] = list(out["welcome_back"]["tiers"])
        return out


def _whole(section: str, values: Mapping[str, Any], key: str, default: int, top: int) -> int:
    value = values.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
        raise InvalidInput(
            f"journeys.{section}.{key} must be a whole number from 0 to {top}, got {value!r}"
        )
    return value


def _gift(section: str, values: Mapping[str, Any]) -> str | None:
    value = values.get("gift_id")
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise InvalidInput(f"journeys.{section}.gift_id must be a gift code or null, got {value!r}")
    return value


def _enabled(section: str, values: Mapping[str, Any]) -> bool:
    value = values.get("enabled", True)
    if not isinstance(value, bool):
        raise InvalidInput(f"journeys.{section}.enabled must be true or false, got {value!r}")
    return value


def _section(values: Mapping[str, Any], name: str, known: set[str]) -> Mapping[str, Any]:
    section = values.get(name, {})
    if not isinstance(section, Mapping):
        raise InvalidInput(f"journeys.{name} must be an object, got {section!r}")
    unknown = sorted(set(section) - known - {"enabled"})
    if unknown:
        raise InvalidInput(f"journeys.{name} has unknown key(s): {', '.join(unknown)}")
    return section


def parse_config(values: Any) -> JourneyConfig:
    """The setting `journeys` as head office wrote it; InvalidInput naming the bad key."""
    if values is None:
        return JourneyConfig()
    if not isinstance(values, Mapping):
        raise InvalidInput(f"journeys must be an object, got {values!r}")
    unknown = sorted(set(values) - {"welcome_back", "starter", "birthday", "expiring"})
    if unknown:
        raise InvalidInput(f"journeys has unknown journey(s): {', '.join(unknown)}")
    wb = _section(values, "welcome_back", {"tiers"})
    tiers_raw = wb.get("tiers", [asdict(t) for t in WelcomeBack().tiers])
    if not isinstance(tiers_raw, list) or not tiers_raw:
        raise InvalidInput("journeys.welcome_back.tiers must be a non-empty list")
    tiers = []
    for i, t in enumerate(tiers_raw):
        where = f"welcome_back.tiers[{i}]"
        if not isinstance(t, Mapping) or set(t) - {"min_days", "bonus_points", "gift_id"}:
            raise InvalidInput(
                f"journeys.{where} must be an object of min_days, bonus_points, gift_id"
            )
        days = _whole(where, t, "min_days", 0, MAX_DAYS)
        if days < 1:
            raise InvalidInput(f"journeys.{where}.min_days must be at least 1")
        tiers.append(
            DormancyTier(days, _whole(where, t, "bonus_points", 0, CEILING), _gift(where, t))
        )
    if len({t.min_days for t in tiers}) != len(tiers):
        raise InvalidInput("journeys.welcome_back.tiers has the same min_days twice")
    st = _section(values, "starter", {"max_points", "bonus_points", "gift_id", "suggest"})
    bd = _section(values, "birthday", {"days", "bonus_points", "gift_id", "multiplier_permille"})
    multiplier = _whole("birthday", bd, "multiplier_permille", 1000, MAX_PERMILLE)
    if multiplier < 1000:
        raise InvalidInput(
            f"journeys.birthday.multiplier_permille must be at least 1000 (1x), got {multiplier}"
        )
    ex = _section(values, "expiring", {"days", "suggest"})
    return JourneyConfig(
        WelcomeBack(_enabled("welcome_back", wb), tuple(sorted(tiers, key=lambda t: t.min_days))),
        Starter(
            _enabled("starter", st),
            _whole("starter", st, "max_points", 300, CEILING),
            _whole("starter", st, "bonus_points", 0, CEILING),
            _gift("starter", st),
            _whole("starter", st, "suggest", 3, MAX_SUGGEST),
        ),
        Birthday(
            _enabled("birthday", bd),
            _whole("birthday", bd, "days", 3, 183),
            _whole("birthday", bd, "bonus_points", 200, CEILING),
            _gift("birthday", bd),
            multiplier,
        ),
        Expiring(
            _enabled("expiring", ex),
            _whole("expiring", ex, "days", 30, MAX_DAYS),
            _whole("expiring", ex, "suggest", 3, MAX_SUGGEST),
        ),
    )


@dataclass(frozen=True, slots=True)
class Offer:
    """A journey the till can apply now: `period` is the key that makes it once per member."""

    journey: Journey
    period: str
    bonus_points: int
    gift_id: str | None
    dormant_days: int | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.journey.value, self.period)

    @property
    def gives_something(self) -> bool:
        return self.bonus_points > 0 or self.gift_id is not None


@dataclass(frozen=True, slots=True)
class MemberFacts:
    """What the rules need to know about a member beyond the member record."""

    last_active: date | None  # last earn or redemption at any store known here
    ever_redeemed: bool
    used: frozenset[tuple[str, str]] = frozenset()  # (journey, period) already applied


def dormant_days(day: date, last_active: date | None) -> int | None:
    """Whole business days since the last activity (day D + 90 is 90 days)."""
    return None if last_active is None else (day - last_active).days


def birthday_year(day: date, birthday: date, days: int) -> int | None:
    """The year of the birthday within `days` of `day` (a 1 January birthday seen on 29
    December is next year's), or None."""
    for year in (day.year, day.year + 1, day.year - 1):
        if MINYEAR <= year <= MAXYEAR and abs((birthday_in(year, birthday) - day).days) <= days:
            return year
    return None


def offers(config: JourneyConfig, member: Member, day: date, facts: MemberFacts) -> list[Offer]:
    """The journeys that apply to `member` on business day `day`, not yet used."""
    out: list[Offer] = []
    wb = config.welcome_back
    idle = dormant_days(day, facts.last_active)
    if wb.enabled and facts.last_active is not None and idle is not None:
        reached = [t for t in wb.tiers if idle >= t.min_days]
        if reached:
            tier = reached[-1]
            out.append(
                Offer(
                    Journey.WELCOME_BACK,
                    facts.last_active.isoformat(),
                    tier.bonus_points,
                    tier.gift_id,
                    idle,
                )
            )
    st = config.starter
    if st.enabled and not facts.ever_redeemed:
        out.append(Offer(Journey.STARTER, "first", st.bonus_points, st.gift_id))
    bd = config.birthday
    if bd.enabled and member.birthday is not None:
        year = birthday_year(day, member.birthday, bd.days)
        if year is not None:
            out.append(Offer(Journey.BIRTHDAY, str(year), bd.bonus_points, bd.gift_id))
    return [o for o in out if o.key not in facts.used]


def _eligible(
    gifts: Iterable[tuple[Gift, int]], member: Member, now: datetime, available: int
) -> list[tuple[Gift, int]]:
    """Gifts the member could take now: active, in stock, tier allowed, affordable (the
    default price, points only or points + cash)."""
    return [
        (g, g.prices[0].points)
        for g, stock in gifts
        if stock > 0
        and g.active_at(now)
        and member.tier.at_least(g.min_tier)
        and 0 < g.prices[0].points <= available
    ]


def suggest_for_expiring(
    gifts: Iterable[tuple[Gift, int]],
    member: Member,
    now: datetime,
    available: int,
    expiring: int,
    limit: int,
) -> list[Gift]:
    """Up to `limit` gifts that use the expiring points best: first those that use them
    all with the least beyond, then those that use the most of them."""
    if expiring <= 0 or limit <= 0:
        return []
    ranked = sorted(
        _eligible(gifts, member, now, available),
        key=lambda gp: (max(0, expiring - gp[1]), max(0, gp[1] - expiring), gp[0].gift_id),
    )
    return [g for g, _ in ranked[:limit]]


def suggest_for_starter(
    gifts: Iterable[tuple[Gift, int]],
    member: Member,
    now: datetime,
    available: int,
    max_points: int,
    limit: int,
) -> list[Gift]:
    """Up to `limit` low-threshold gifts (at or below `max_points`) the member can take,
    the dearest first (the most the first redemption can give)."""
    if limit <= 0:
        return []
    ranked = sorted(
        ((g, p) for g, p in _eligible(gifts, member, now, available) if p <= max_points),
        key=lambda gp: (-gp[1], gp[0].gift_id),
    )
    return [g for g, _ in ranked[:limit]]


def birthday_campaign(
    config: JourneyConfig, member: Member, day: date, now: datetime
) -> Campaign | None:
    """The birthday window's multiplier on purchases, as a campaign of its own for `now`
    (campaigns do not stack: the best one counts), or None: no multiplier, the journey off,
    no birthday on record, or `day` outside the window (29 February kept on 28 February)."""
    bd = config.birthday
    if not bd.enabled or bd.multiplier_permille <= 1000 or member.birthday is None:
        return None
    if birthday_year(day, member.birthday, bd.days) is None:
        return None
    return Campaign(
        BIRTHDAY_CAMPAIGN,
        "生日周 Birthday week",
        now,
        now + timedelta(seconds=1),
        bd.multiplier_permille,
    )
