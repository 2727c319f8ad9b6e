"""Risk rules at the till: a redemption a rule wants verified opens the manager's PIN dialog
with the reason, and goes through (same request) once a manager's PIN is in; a phone code
is the second verification for the amount rule; a `refuse` rule refuses, clearly."""

from __future__ import annotations

from typing import Any

import pytest
from test_login import approve
from till_support import T0, Store, press, scan, shown, type_keys
from waits import WAIT_MS

from desktop.services.till import LineRequest
from desktop.store import settings
from desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def set_rules(store: Store, rules: dict[str, Any]) -> None:
    with store.app.db.write() as conn:
        settings.put(conn, "risk_rules", rules)


def basket(qtbot, window: MainWindow, *gifts: str) -> None:
    till = window.till
    for gift in gifts:
        type_keys(qtbot, till.search, gift)
        press(qtbot, till.search)


def test_a_big_redemption_on_a_printed_card_needs_a_manager_pin(
    qtbot, store: Store, window: MainWindow
) -> None:
    set_rules(store, {"second_verification": {"points_over": 1000}})
    till = window.till
    member = store.member(lambda v: v.available >= 3000)
    scan(qtbot, window, store.card(member.member.member_id))
    shown(qtbot, window, member)
    # Given 1 200 points (the electric toothbrush) on a printed card: over 1 000
    basket(qtbot, window, "G1001")
    press(qtbot, till.search)  # confirm
    # Then the manager's PIN dialog opens, saying why and that a phone code would also do
    qtbot.waitUntil(lambda: window.pin_dialog is not None, timeout=WAIT_MS)
    dialog = window.pin_dialog
    assert "second verification" in dialog.purpose_label.text()
    assert "phone code" in dialog.purpose_label.text()
    assert "(over 1,000 points)" in dialog.purpose_label.text()
    assert "phone code" in till.status.text()
    assert store.rows("SELECT * FROM redemptions") == []
    intent = till.intent
    # When the manager types their PIN
    approve(qtbot, dialog, "M01", "9999")
    # Then the same redemption goes through, recorded with who verified it
    qtbot.waitUntil(lambda: till.receipt is not None, timeout=WAIT_MS)
    (row,) = store.rows("SELECT redemption_id, points FROM redemptions")
    assert row["points"] == 1200
    (risk,) = store.rows("SELECT rule, verified_by FROM redemption_risks")
    assert (risk["rule"], risk["verified_by"]) == ("points_over/1000", "M01")
    (request,) = store.rows("SELECT request_id FROM requests WHERE kind = 'redeem'")
    assert request["request_id"] == intent


def test_a_phone_code_needs_no_manager(qtbot, store: Store, window: MainWindow) -> None:
    set_rules(store, {"second_verification": {"points_over": 1000}})
    till = window.till
    member = store.member(lambda v: v.available >= 3000)
    scan(qtbot, window, store.phone(member.member.member_id).code(T0))
    shown(qtbot, window, member)
    basket(qtbot, window, "G1001")
    press(qtbot, till.search)
    qtbot.waitUntil(lambda: till.receipt is not None, timeout=WAIT_MS)
    assert window.pin_dialog is None
    assert store.rows("SELECT * FROM redemption_risks") == []
    (row,) = store.rows("SELECT points, code_kind FROM redemptions")
    assert (row["points"], row["code_kind"]) == (1200, "rotating")


def test_a_refuse_rule_refuses_with_a_clear_message(
    qtbot, store: Store, window: MainWindow
) -> None:
    # Given a cashier who may redeem at most once in ten minutes, and has done so
    set_rules(
        store,
        {"velocity": [{"scope": "cashier", "window_minutes": 10, "max": 1, "action": "refuse"}]},
    )
    till = window.till
    cashier = store.app.login("C01", "1111")
    first = store.member(lambda v: v.available >= 500)
    store.app.till.redeem(cashier, "earlier", first.member.member_id, (LineRequest("G101"),))
    member = store.member(lambda v: v.available >= 500 and v.member != first.member)
    scan(qtbot, window, store.card(member.member.member_id))
    shown(qtbot, window, member)
    basket(qtbot, window, "G101")
    # When the cashier confirms
    press(qtbot, till.search)
    # Then it is refused, naming the rule and what to do; no manager can lift it
    qtbot.waitUntil(lambda: "Refused by the risk rule" in till.status.text(), timeout=WAIT_MS)
    assert "too many for one cashier in 10 min" in till.status.text()
    assert "Ask the store manager or head office" in till.status.text()
    assert window.pin_dialog is None
    assert not till.basket_view.override.isVisible()
    assert len(store.rows("SELECT * FROM redemptions")) == 1
    (logged,) = store.rows("SELECT member_id, rules FROM risk_refusals")
    assert logged["member_id"] == member.member.member_id


def test_a_member_refused_by_a_rule_sees_it_on_the_gifts(
    qtbot, store: Store, window: MainWindow
) -> None:
    set_rules(
        store,
        {"velocity": [{"scope": "member", "window_minutes": 60, "max": 0, "action": "refuse"}]},
    )
    till = window.till
    member = store.member(lambda v: v.available >= 500)
    scan(qtbot, window, store.card(member.member.member_id))
    shown(qtbot, window, member)
    qtbot.waitUntil(lambda: till.offers["G101"].refusal is not None, timeout=WAIT_MS)
    till.catalogue.chosen.emit(till.offers["G101"])  # the cashier taps the gift's tile
    qtbot.waitUntil(lambda: "Refused by the risk rule" in till.status.text(), timeout=WAIT_MS)
    assert "too many for one member in 60 min" in till.status.text()
    assert not till.basket.items
