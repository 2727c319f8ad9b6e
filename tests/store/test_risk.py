"""Risk controls on a real store database: velocity windows (edges, voids), self-redemption,
the second verification (manager PIN or phone code), and what is recorded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desktop.core.errors import NotAllowed, NotFound
from desktop.core.offline import CodeKind
from desktop.core.redemption import Refusal, RefusalReason
from desktop.services.app import StoreServices
from desktop.services.sync_apply import apply_page
from desktop.services.till import LineRequest, Receipt
from desktop.store import settings
from desktop.store.staff import Staff
from desktop.sync.protocol import ChangesPage

from ._helpers import Clock, counts, one, rows, staff

pytestmark = pytest.mark.store

RICH = "M00000044"  # platinum, 16740 points
GOLD = "M00000011"  # gold, 11492 points
FLASK = (LineRequest("G501", 1),)  # 500 points; option 1 is 300 points + ¥15


def set_rules(app: StoreServices, rules: dict[str, Any]) -> None:
    with app.db.write() as conn:
        settings.put(conn, "risk_rules", rules)


def velocity(scope: str, minutes: int, most: int, action: str = "verify") -> dict[str, Any]:
    return {"scope": scope, "window_minutes": minutes, "max": most, "action": action}


def test_member_velocity_window_edge_and_voids(
    app: StoreServices, cashier: Staff, manager: Staff, clock: Clock, db_path: Path
) -> None:
    set_rules(app, {"velocity": [velocity("member", 60, 2)]})
    first = app.till.redeem(cashier, "r1", RICH, FLASK)
    assert isinstance(first, Receipt)
    clock.advance(minutes=30)
    assert isinstance(app.till.redeem(cashier, "r2", RICH, FLASK), Receipt)
    clock.advance(minutes=29)
    before = counts(db_path)
    third = app.till.redeem(cashier, "r3", RICH, FLASK)
    assert isinstance(third, Refusal)
    assert third.reason is RefusalReason.VERIFICATION_NEEDED
    assert third.rules == ("velocity:member/60min",)
    assert not third.phone_code_would_do
    assert counts(db_path) == before  # a verify refusal writes nothing
    # the quote says the same, before the cashier confirms
    quoted = app.till.quote(RICH, FLASK, cashier_id=cashier.staff_id)
    assert isinstance(quoted, Refusal) and quoted.reason is RefusalReason.VERIFICATION_NEEDED
    # exactly 60 minutes after the first: the first is outside the window
    clock.advance(minutes=1)
    assert isinstance(app.till.redeem(cashier, "r3", RICH, FLASK), Receipt)
    # a voided redemption does not count: void the second, and one more fits
    second_no = one(
        db_path, "SELECT receipt_no FROM redemptions ORDER BY created_at LIMIT 1 OFFSET 1"
    )
    app.till.void(cashier, manager, "v1", second_no, "test")
    assert isinstance(app.till.redeem(cashier, "r4", RICH, FLASK), Receipt)
    assert isinstance(app.till.redeem(cashier, "r5", RICH, FLASK), Refusal)
    # other members are not affected
    assert isinstance(app.till.redeem(cashier, "g1", GOLD, FLASK), Receipt)


def test_a_manager_verifies_and_it_is_recorded_and_sent(
    app: StoreServices, cashier: Staff, manager: Staff, db_path: Path
) -> None:
    set_rules(app, {"velocity": [velocity("member", 60, 0)]})
    refused = app.till.redeem(cashier, "r1", RICH, FLASK)
    assert isinstance(refused, Refusal)
    receipt = app.till.redeem(cashier, "r1", RICH, FLASK, verified_by=manager)
    assert isinstance(receipt, Receipt)
    assert [tuple(r) for r in rows(
        db_path, "SELECT rule, action, verified_by FROM redemption_risks WHERE redemption_id = ?",
        (receipt.redemption_id,),
    )] == [("velocity:member/60min", "verify", "M01")]  # fmt: skip
    payload = json.loads(
        one(db_path, "SELECT payload FROM outbox WHERE kind = 'redemption' ORDER BY seq DESC")
    )
    assert payload["risk"] == ["velocity:member/60min"]
    assert payload["verified_by"] == "M01"
    # the same request again is the same receipt, not a second redemption
    again = app.till.redeem(cashier, "r1", RICH, FLASK, verified_by=manager)
    assert isinstance(again, Receipt) and again.replayed
    # a redemption that triggers nothing carries neither key
    set_rules(app, {})
    plain = app.till.redeem(cashier, "r2", RICH, FLASK, verified_by=manager)
    assert isinstance(plain, Receipt)
    payload = json.loads(
        one(db_path, "SELECT payload FROM outbox WHERE kind = 'redemption' ORDER BY seq DESC")
    )
    assert "risk" not in payload and "verified_by" not in payload


def test_the_cashier_cannot_verify_their_own_redemption(app: StoreServices, manager: Staff) -> None:
    set_rules(app, {"second_verification": {"points_over": 100}})
    with pytest.raises(NotAllowed, match="another manager"):
        app.till.redeem(manager, "r1", RICH, FLASK, verified_by=manager)
    with pytest.raises(NotAllowed):
        app.till.redeem(manager, "r1", RICH, FLASK, verified_by=staff(app, "C01"))


def test_cashier_velocity_counts_every_member(
    app: StoreServices, cashier: Staff, clock: Clock
) -> None:
    set_rules(app, {"velocity": [velocity("cashier", 10, 2, "refuse")]})
    for n, member in enumerate((RICH, GOLD)):
        assert isinstance(app.till.redeem(cashier, f"r{n}", member, FLASK), Receipt)
        clock.advance(minutes=1)
    refused = app.till.redeem(cashier, "r9", RICH, FLASK)
    assert isinstance(refused, Refusal) and refused.reason is RefusalReason.RISK_REFUSED
    # another cashier is not counted with this one
    assert isinstance(app.till.redeem(staff(app, "C02"), "c2", RICH, FLASK), Receipt)


def test_gift_velocity_counts_units_and_refusals_are_logged_once(
    app: StoreServices, cashier: Staff, manager: Staff, db_path: Path
) -> None:
    set_rules(app, {"velocity": [velocity("gift", 60, 3, "refuse")]})
    assert isinstance(app.till.redeem(cashier, "r1", RICH, (LineRequest("G101", 2),)), Receipt)
    before = counts(db_path)
    refused = app.till.redeem(cashier, "r2", GOLD, (LineRequest("G101", 2),))
    assert isinstance(refused, Refusal)
    assert (refused.reason, refused.rules) == (RefusalReason.RISK_REFUSED, ("velocity:gift/60min",))
    # a manager's PIN does not lift a refuse rule
    again = app.till.redeem(cashier, "r2", GOLD, (LineRequest("G101", 2),), verified_by=manager)
    assert isinstance(again, Refusal) and again.reason is RefusalReason.RISK_REFUSED
    logged = [
        tuple(r)
        for r in rows(
            db_path, "SELECT request_id, member_id, cashier_id, rules, points FROM risk_refusals"
        )
    ]
    assert logged == [("r2", GOLD, "C01", '["velocity:gift/60min"]', 200)]
    after = counts(db_path)
    changed = {k: after[k] - before[k] for k in after if after[k] != before[k]}
    assert changed.pop("risk_refusals") == 1
    assert set(changed) <= {"seals"}  # nothing else: no redemption, stock or points
    # one unit still fits; another gift is not counted with G101
    assert isinstance(app.till.redeem(cashier, "r3", GOLD, (LineRequest("G101", 1),)), Receipt)
    assert isinstance(app.till.redeem(cashier, "r4", GOLD, (LineRequest("G102", 3),)), Receipt)


def test_self_redemption(app: StoreServices, cashier: Staff, manager: Staff) -> None:
    set_rules(app, {"self_redemption": "refuse"})
    app.staff.link_member(manager, "C01", RICH)
    assert app.staff.linked_member("C01") == RICH
    refused = app.till.redeem(cashier, "r1", RICH, FLASK)
    assert isinstance(refused, Refusal)
    assert (refused.reason, refused.rules) == (RefusalReason.RISK_REFUSED, ("self_redemption",))
    # another cashier may serve them, and the cashier may serve others
    assert isinstance(app.till.redeem(staff(app, "C02"), "r2", RICH, FLASK), Receipt)
    assert isinstance(app.till.redeem(cashier, "r3", GOLD, FLASK), Receipt)
    set_rules(app, {"self_redemption": "verify"})
    assert isinstance(app.till.redeem(cashier, "r4", RICH, FLASK, verified_by=manager), Receipt)
    # the verifying manager must not be linked to the card either
    app.staff.link_member(manager, "M01", GOLD)
    with pytest.raises(NotAllowed, match="another manager"):
        app.till.redeem(staff(app, "C02"), "r5", GOLD, FLASK, verified_by=manager)
    app.staff.link_member(manager, "C01", None)
    assert isinstance(app.till.redeem(cashier, "r6", RICH, FLASK), Receipt)
    with pytest.raises(NotFound):
        app.staff.link_member(manager, "C01", "M99999999")
    with pytest.raises(NotFound):
        app.staff.link_member(manager, "X99", RICH)
    with pytest.raises(NotAllowed):
        app.staff.link_member(cashier, "C01", RICH)


def test_amount_threshold_needs_a_manager_or_a_phone_code(
    app: StoreServices, cashier: Staff, manager: Staff
) -> None:
    set_rules(app, {"second_verification": {"points_over": 500, "cash_fen_over": 1000}})
    assert isinstance(app.till.redeem(cashier, "ok", RICH, FLASK), Receipt)  # 500: not over
    two = (LineRequest("G501", 2),)
    refused = app.till.redeem(cashier, "r1", RICH, two)
    assert isinstance(refused, Refusal)
    assert refused.rules == ("points_over/500",) and refused.phone_code_would_do
    assert "phone code" in refused.explain()
    cash = app.till.redeem(cashier, "r2", RICH, (LineRequest("G501", 1, 1),))  # ¥15
    assert isinstance(cash, Refusal) and cash.rules == ("cash_fen_over/1000",)
    by_phone = app.till.redeem(cashier, "r3", RICH, two, CodeKind.ROTATING_PHONE)
    assert isinstance(by_phone, Receipt)
    assert isinstance(app.till.redeem(cashier, "r1", RICH, two, verified_by=manager), Receipt)


def test_head_office_rules_arrive_by_sync_and_bad_parts_are_skipped(
    app: StoreServices, cashier: Staff, tmp_path: Path
) -> None:
    rules = {
        "velocity": [velocity("member", 60, 0), velocity("member", -5, 1)],
        "self_redemption": "refuse",
        "second_verification": {"points_over": "lots"},
    }
    page = ChangesPage(cursor=1, more=False, settings={"risk_rules": rules})
    with app.db.write() as conn:
        result = apply_page(conn, page, at="2026-06-15T10:00:00+08:00", designs_folder=tmp_path)
    assert len(result.problems) == 2
    assert all("risk_rules" in p for p in result.problems)
    kept = app.ctx.setting("risk_rules")
    assert kept["velocity"] == [velocity("member", 60, 0)]
    assert kept["self_redemption"] == "refuse" and kept["second_verification"] == {}
    refused = app.till.redeem(cashier, "r1", RICH, FLASK)
    assert isinstance(refused, Refusal) and refused.rules == ("velocity:member/60min",)
    # a value that is not an object keeps the rules in force
    page = ChangesPage(cursor=2, more=False, settings={"risk_rules": ["no"]})
    with app.db.write() as conn:
        result = apply_page(conn, page, at="2026-06-15T10:00:00+08:00", designs_folder=tmp_path)
    assert result.problems and app.ctx.setting("risk_rules") == kept
