"""The risk rules: parsing head office's setting, and evaluating one redemption."""

from __future__ import annotations

from desktop.core.offline import CodeKind
from desktop.core.redemption import Refusal, RefusalReason
from desktop.core.risk import Action, Attempt, Recent, RiskRules, Scope, evaluate, parse_rules

EXAMPLE = {
    "velocity": [
        {"scope": "member", "window_minutes": 60, "max": 3, "action": "verify"},
        {"scope": "cashier", "window_minutes": 10, "max": 20, "action": "verify"},
        {"scope": "gift", "window_minutes": 60, "max": 30, "action": "refuse"},
    ],
    "self_redemption": "refuse",
    "second_verification": {"points_over": 5000, "cash_fen_over": 50000},
}


def attempt(**kw: object) -> Attempt:
    base: dict[str, object] = {
        "member_id": "M00000001",
        "cashier_id": "C01",
        "cashier_is_member": False,
        "units": {"G501": 1},
        "points": 500,
        "cash_fen": 0,
        "code_kind": CodeKind.STATIC_CARD,
    }
    base.update(kw)
    return Attempt(**base)  # type: ignore[arg-type]


def rules() -> RiskRules:
    parsed, problems = parse_rules(EXAMPLE)
    assert problems == []
    return parsed


def test_the_example_parses_and_round_trips() -> None:
    r = rules()
    assert [(v.scope, v.window_minutes, v.max, v.action) for v in r.velocity] == [
        (Scope.MEMBER, 60, 3, Action.VERIFY),
        (Scope.CASHIER, 10, 20, Action.VERIFY),
        (Scope.GIFT, 60, 30, Action.REFUSE),
    ]
    assert (r.self_redemption, r.points_over, r.cash_fen_over) == (Action.REFUSE, 5000, 50000)
    assert parse_rules(r.as_dict()) == (r, [])
    assert r.windows() == {(Scope.MEMBER, 60), (Scope.CASHIER, 10), (Scope.GIFT, 60)}


def test_bad_parts_are_skipped_and_reported_the_good_ones_kept() -> None:
    data = {
        "velocity": [
            {"scope": "member", "window_minutes": 60, "max": 3, "action": "verify"},
            {"scope": "planet", "window_minutes": 60, "max": 3, "action": "verify"},
            {"scope": "member", "window_minutes": 0, "max": 3, "action": "verify"},
            {"scope": "member", "window_minutes": 60, "max": 2.5, "action": "verify"},
            {"scope": "member", "window_minutes": 60, "max": True, "action": "verify"},
            {"scope": "member", "window_minutes": 60, "max": 3, "action": "shrug"},
            "nonsense",
        ],
        "self_redemption": "maybe",
        "second_verification": {"points_over": "5000", "cash_fen_over": 100},
    }
    r, problems = parse_rules(data)
    assert len(r.velocity) == 1
    assert r.self_redemption is None
    assert (r.points_over, r.cash_fen_over) == (None, 100)
    assert len(problems) == 8
    assert any("scope" in p for p in problems)
    assert any("self_redemption" in p for p in problems)
    assert parse_rules("everything")[0] == RiskRules()
    assert parse_rules({}) == (RiskRules(), [])


def test_velocity_triggers_only_beyond_max() -> None:
    r = rules()
    assert evaluate(r, attempt(), Recent(member={60: 2})) == ()
    (t,) = evaluate(r, attempt(), Recent(member={60: 3}))
    assert (t.rule, t.action) == ("velocity:member/60min", Action.VERIFY)
    assert "4 redemptions" in t.detail
    (t,) = evaluate(r, attempt(), Recent(cashier={10: 20}))
    assert t.rule == "velocity:cashier/10min"
    assert evaluate(r, attempt(units={"G501": 2}), Recent(gift={("G501", 60): 28})) == ()
    (t,) = evaluate(r, attempt(units={"G501": 3}), Recent(gift={("G501", 60): 28}))
    assert (t.rule, t.action) == ("velocity:gift/60min", Action.REFUSE)


def test_self_redemption_and_amounts() -> None:
    r = rules()
    (t,) = evaluate(r, attempt(cashier_is_member=True), Recent())
    assert (t.rule, t.action) == ("self_redemption", Action.REFUSE)
    assert evaluate(r, attempt(points=5000, cash_fen=50000), Recent()) == ()
    big = evaluate(r, attempt(points=5001, cash_fen=50001), Recent())
    assert [(t.rule, t.action, t.phone_code_satisfies) for t in big] == [
        ("points_over/5000", Action.VERIFY, True),
        ("cash_fen_over/50000", Action.VERIFY, True),
    ]
    phone = attempt(points=9000, cash_fen=90000, code_kind=CodeKind.ROTATING_PHONE)
    assert evaluate(r, phone, Recent()) == ()  # the phone code is the second verification
    # but a phone code does not lift a velocity rule
    assert len(evaluate(r, phone, Recent(member={60: 3}))) == 1


def test_no_rules_trigger_nothing() -> None:
    everything = Recent({60: 99}, {10: 99}, {("G501", 60): 99})
    assert evaluate(RiskRules(), attempt(points=10**9, cashier_is_member=True), everything) == ()


def test_risk_refusals_explain_themselves() -> None:
    need = Refusal(
        RefusalReason.VERIFICATION_NEEDED, rules=("points_over/5000",), phone_code_would_do=True
    )
    assert "manager's PIN" in need.explain() and "phone code" in need.explain()
    velocity = Refusal(RefusalReason.VERIFICATION_NEEDED, rules=("velocity:member/60min",))
    assert "phone code" not in velocity.explain()
    refused = Refusal(RefusalReason.RISK_REFUSED, rules=("velocity:gift/60min",))
    assert "velocity:gift/60min" in refused.explain()
