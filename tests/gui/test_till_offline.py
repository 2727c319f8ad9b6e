"""The till with head office unreachable: it keeps serving within the offline limits, never
blocks the GUI thread while the link is slow, asks for a manager beyond the limits (the same
redemption, same request id, re-run with the manager's approval), and recovers when head office
is back."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import Qt, QTimer
from till_support import (
    Store,
    press,
    scan,
    settled,
    shown,
    type_keys,
)
from waits import WAIT_MS

from desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def test_going_offline_and_back_while_the_window_stays_responsive(
    qtbot, store: Store, window: MainWindow
) -> None:
    till = window.till
    ticks: list[int] = []
    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(lambda: ticks.append(1))
    heartbeat.start()
    # Given head office goes away, and finding that out takes the network 0.6 s
    store.link.online = False
    store.link.delay = 0.6
    window.session.refresh_link()
    # Then the GUI thread keeps running while the worker waits on the network
    qtbot.waitUntil(lambda: "OFFLINE" in window.link_label.text(), timeout=WAIT_MS)
    waiting = window.session.link.waiting
    assert len(ticks) >= 20  # ~60 at 10 ms; a blocked GUI thread would give ~0
    assert till.offline.isVisible()
    # and a small redemption still goes through, offline, within the limits
    member = store.member(lambda v: v.available >= 500 and not v.pending_sync)
    scan(qtbot, window, store.card(member.member.member_id))
    shown(qtbot, window, member)
    type_keys(qtbot, till.search, "G101")
    press(qtbot, till.search)
    press(qtbot, till.search)
    qtbot.waitUntil(lambda: till.receipt is not None, timeout=WAIT_MS)
    (row,) = store.rows("SELECT offline, points FROM redemptions")
    assert (row["offline"], row["points"]) == (1, 100)
    # and the member panel shows what head office has yet to confirm: 100 points taken
    qtbot.waitUntil(lambda: till.member_panel.pending.text() == "-100", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.session.link.waiting == waiting + 1, timeout=WAIT_MS)
    assert f"{waiting + 1} events waiting" in window.link_label.text()
    # When head office is back
    store.link.online = True
    window.session.refresh_link()
    qtbot.waitUntil(lambda: "Head office online" in window.link_label.text(), timeout=WAIT_MS)
    assert not till.offline.isVisible()
    heartbeat.stop()


def test_beyond_the_offline_limit_a_manager_override_re_runs_the_same_redemption(
    qtbot, store: Store, window: MainWindow
) -> None:
    till = window.till
    # The shell's manager PIN dialog is tested with the shell; here the test is the manager.
    till.override_needed.disconnect(window.request_override)
    store.link.online = False
    window.session.refresh_link()
    qtbot.waitUntil(till.offline.isVisible, timeout=WAIT_MS)
    member = store.member(lambda v: v.member.tier.value == "gold" and v.available >= 2500)
    scan(qtbot, window, store.card(member.member.member_id))
    shown(qtbot, window, member)
    # Given 2 500 points on a static card: over the 2 000 a member may take per day offline
    type_keys(qtbot, till.search, "G1005")  # the ¥100 gift card, 1 800 points
    press(qtbot, till.search)
    type_keys(qtbot, till.search, "G506")  # the plush panda, 550 points
    press(qtbot, till.search)
    press(qtbot, till.search)
    qtbot.waitUntil(lambda: "manager override is needed" in till.status.text(), timeout=WAIT_MS)
    assert "over this member's offline limit for today" in till.status.text()
    assert till.basket_view.override.isVisible()
    intent = till.intent
    assert store.rows("SELECT * FROM redemptions") == []
    # When the cashier asks for the override (F10) and a manager approves
    with qtbot.waitSignal(till.override_needed, timeout=WAIT_MS) as asked:
        press(qtbot, till.search, Qt.Key.Key_F10)
    approve = asked.args[0]
    approve(store.app.login("M01", "9999", manager=True))
    # Then the same redemption (same request id) is recorded with the manager's name
    qtbot.waitUntil(lambda: till.receipt is not None, timeout=WAIT_MS)
    (row,) = store.rows("SELECT * FROM redemptions")
    assert (row["points"], row["offline"], row["override_by"]) == (2350, 1, "M01")
    (request,) = store.rows("SELECT request_id FROM requests WHERE kind = 'redeem'")
    assert request["request_id"] == intent


def test_an_override_for_a_basket_that_changed_since_is_ignored(
    qtbot, store: Store, window: MainWindow, caplog: pytest.LogCaptureFixture
) -> None:
    till = window.till
    till.override_needed.disconnect(window.request_override)
    store.link.online = False
    window.session.refresh_link()
    member = store.member(lambda v: v.member.tier.value == "gold" and v.available >= 4000)
    scan(qtbot, window, store.card(member.member.member_id))
    shown(qtbot, window, member)
    type_keys(qtbot, till.search, "G1005")
    press(qtbot, till.search)
    press(qtbot, till.search, Qt.Key.Key_F8)  # 2 × 1 800
    press(qtbot, till.search)
    qtbot.waitUntil(till.basket_view.override.isVisible, timeout=WAIT_MS)
    with qtbot.waitSignal(till.override_needed, timeout=WAIT_MS) as asked:
        till.basket_view.override.click()
    # When the cashier takes one off before the manager answers
    press(qtbot, till.search, Qt.Key.Key_F7)
    with caplog.at_level(logging.INFO, logger="desktop.ui.checkout"):
        asked.args[0](store.app.login("M01", "9999", manager=True))
    # Then the approval is turned down, being for the other basket
    assert "manager approval ignored: the basket changed" in caplog.text
    # and once every store job asked for has answered, nothing was redeemed
    settled(qtbot, window)
    assert not till.checkout.busy
    assert till.state == "serving"
    assert store.rows("SELECT * FROM redemptions") == []
    assert not till.basket_view.override.isVisible()
