"""Risk controls: head office's rules (settings key `risk_rules`) and their evaluation for
one redemption. Pure: the store counts recent redemptions, this decides what they mean.

The settings value::

    {"velocity": [{"scope": "member", "window_minutes": 60, "max": 3, "action": "verify"},
                  {"scope": "cashier", "window_minutes": 10, "max": 20, "action": "verify"},
                  {"scope": "gift", "window_minutes": 60, "max": 30, "action": "refuse"}],
     "self_redemption": "refuse",
     "second_verification": {"points_over": 5000, "cash_fen_over": 50000}}

- velocity: `member` and `cashier` count redemptions, `gift` counts units of one gift, in
  the last `window_minutes` (a redemption exactly `window_minutes` ago is outside the
  window; voided ones do not count). The rule triggers when this redemption would take the
  count beyond `max`.
- self_redemption (`off`, `verify`, `refuse`): a cashier linked to the member's card
  (`lantern staff link-member`) redeeming for that member.
- second_verification: a redemption of more than `points_over` points or `cash_fen_over` fen
  needs a second verification (missing or null: no threshold); a rotating phone code is
  one, so the member showing it instead of a printed card needs no manager.

`verify` needs a manager's PIN (a manager other than the cashier); `refuse` refuses.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from desktop.core.offline import CodeKind

MAX_WINDOW_MINUTES = 7 * 24 * 60  # a week: longer windows are not velocity any more


class Action(enum.Enum):
    VERIFY = "verify"
    REFUSE = "refuse"


class Scope(enum.Enum):
    MEMBER = "member"
    CASHIER = "cashier"
    GIFT = "gift"


@dataclass(frozen=True, slots=True)
class VelocityRule:
    scope: Scope
    window_minutes: int
    max: int
    action: Action

    @property
    def name(self) -> str:
        return f"velocity:{self.scope.value}/{self.window_minutes}min"

    def as_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope.value,
            "window_minutes": self.window_minutes,
            "max": self.max,
            "action": self.action.value,
        }


@dataclass(frozen=True, slots=True)
class RiskRules:
    velocity: tuple[VelocityRule, ...] = ()
    self_redemption: Action | None = None  # None: off
    points_over: int | None = None
    cash_fen_over: int | None = None

    def as_dict(self) -> dict[str, Any]:
        second: dict[str, int] = {}
        if self.points_over is not None:
            second["points_over"] = self.points_over
        if self.cash_fen_over is not None:
            second["cash_fen_over"] = self.cash_fen_over
        return {
            "velocity": [r.as_dict() for r in self.velocity],
            "self_redemption": self.self_redemption.value if self.self_redemption else "off",
            "second_verification": second,
        }

    def windows(self) -> set[tuple[Scope, int]]:
        """(scope, minutes) the store must count recent redemptions for."""
        return {(r.scope, r.window_minutes) for r in self.velocity}


def _whole(value: Any, low: int, high: int | None = None) -> bool:
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and value >= low
        and (high is None or value <= high)
    )


def _velocity_rule(item: Any) -> VelocityRule:
    if not isinstance(item, Mapping):
        raise ValueError("not an object")
    try:
        scope = Scope(item.get("scope"))
    except ValueError:
        raise ValueError("scope must be member, cashier or gift") from None
    try:
        action = Action(item.get("action"))
    except ValueError:
        raise ValueError("action must be verify or refuse") from None
    minutes: Any = item.get("window_minutes")
    most: Any = item.get("max")
    if not _whole(minutes, 1, MAX_WINDOW_MINUTES):
        raise ValueError(f"window_minutes must be a whole number from 1 to {MAX_WINDOW_MINUTES}")
    if not _whole(most, 0):
        raise ValueError("max must be a whole number of zero or more")
    return VelocityRule(scope, minutes, most, action)


def parse_rules(data: Any) -> tuple[RiskRules, list[str]]:
    """Rules from a settings value, and the parts skipped with why (each bad part is
    dropped, the good ones kept). Not an object at all: no rules, one problem."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        return RiskRules(), [f"risk_rules ignored (not an object): {data!r}"]
    velocity: list[VelocityRule] = []
    items = data.get("velocity", [])
    if not isinstance(items, list):
        problems.append(f"risk_rules velocity ignored (not a list): {items!r}")
        items = []
    for item in items:
        try:
            velocity.append(_velocity_rule(item))
        except ValueError as e:
            problems.append(f"risk_rules velocity rule ignored ({e}): {item!r}")
    self_value = data.get("self_redemption", "off")
    self_action: Action | None = None
    if self_value != "off":
        try:
            self_action = Action(self_value)
        except ValueError:
            problems.append(
                f"risk_rules self_redemption ignored (off, verify or refuse): {self_value!r}"
            )
    second = data.get("second_verification") or {}
    thresholds: dict[str, int | None] = {"points_over": None, "cash_fen_over": None}
    if not isinstance(second, Mapping):
        problems.append(f"risk_rules second_verification ignored (not an object): {second!r}")
        second = {}
    for key in thresholds:
        value = second.get(key)
        if value is None:
            continue
        if _whole(value, 0):
            thresholds[key] = value
        else:
            problems.append(f"risk_rules {key} ignored (not a whole number): {value!r}")
    rules = RiskRules(
        tuple(velocity), self_action, thresholds["points_over"], thresholds["cash_fen_over"]
    )
    return rules, problems


@dataclass(frozen=True, slots=True)
class Attempt:
    """The redemption being checked."""

    member_id: str
    cashier_id: str
    cashier_is_member: bool  # the cashier's staff record is linked to this member
    units: Mapping[str, int]  # gift id -> units in the basket
    points: int
    cash_fen: int
    code_kind: CodeKind


@dataclass(frozen=True, slots=True)
class Recent:
    """Live (not voided) redemptions already recorded within each rule's window."""

    member: Mapping[int, int] = field(default_factory=dict)  # minutes -> the member's
    cashier: Mapping[int, int] = field(default_factory=dict)  # minutes -> the cashier's
    gift: Mapping[tuple[str, int], int] = field(default_factory=dict)  # (gift, minutes) -> units


@dataclass(frozen=True, slots=True)
class Triggered:
    rule: str  # e.g. velocity:member/60min, self_redemption, points_over/5000
    action: Action
    detail: str  # English, for logs and the command line
    phone_code_satisfies: bool = False  # the amount rules: a phone code is a verification


def evaluate(rules: RiskRules, attempt: Attempt, recent: Recent) -> tuple[Triggered, ...]:
    """Every rule this redemption triggers, in the order of the rules."""
    out: list[Triggered] = []
    for rule in rules.velocity:
        w = rule.window_minutes
        if rule.scope is Scope.GIFT:
            for gift_id, units in sorted(attempt.units.items()):
                total = recent.gift.get((gift_id, w), 0) + units
                if total > rule.max:
                    detail = f"{total} units of gift {gift_id} in {w} min (max {rule.max})"
                    out.append(Triggered(rule.name, rule.action, detail))
                    break
            continue
        counts = recent.member if rule.scope is Scope.MEMBER else recent.cashier
        total = counts.get(w, 0) + 1
        if total > rule.max:
            who = "member" if rule.scope is Scope.MEMBER else "cashier"
            detail = f"{total} redemptions by this {who} in {w} min (max {rule.max})"
            out.append(Triggered(rule.name, rule.action, detail))
    if rules.self_redemption is not None and attempt.cashier_is_member:
        detail = f"cashier {attempt.cashier_id} is linked to member {attempt.member_id}"
        out.append(Triggered("self_redemption", rules.self_redemption, detail))
    if attempt.code_kind is not CodeKind.ROTATING_PHONE:
        if rules.points_over is not None and attempt.points > rules.points_over:
            detail = f"{attempt.points} points is over {rules.points_over}"
            out.append(Triggered(f"points_over/{rules.points_over}", Action.VERIFY, detail, True))
        if rules.cash_fen_over is not None and attempt.cash_fen > rules.cash_fen_over:
            detail = f"{attempt.cash_fen} fen cash is over {rules.cash_fen_over}"
            out.append(
                Triggered(f"cash_fen_over/{rules.cash_fen_over}", Action.VERIFY, detail, True)
            )
    return tuple(out)


def refusing(triggered: tuple[Triggered, ...]) -> tuple[Triggered, ...]:
    return tuple(t for t in triggered if t.action is Action.REFUSE)
