"""Member journeys at the till: a dormant member scanned gets the welcome-back prompt, the
cashier gives it with one click, the balance changes, and a second scan prompts nothing;
points expiring soon are shown with gifts that use them."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from till_support import T0, Store, scan, settled, shown
from waits import WAIT_MS

from desktop.core.journeys import Journey
from desktop.core.members import MemberStatus
from desktop.store import journeys as journeys_repo
from desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.gui

LAST_SEEN = date(2026, 3, 1)  # head office's last activity for the member, any store


def test_a_dormant_member_is_welcomed_back_once(qtbot, store: Store, window: MainWindow) -> None:
    till = window.till
    panel = till.member_panel
    member = store.member(
        lambda v: (
            v.member.status is MemberStatus.ACTIVE
            and not any(o.journey is Journey.BIRTHDAY for o in v.journeys.offers)
        )
    )
    member_id = member.member.member_id
    # Given head office last saw the member on 1 March (no activity since, at any store)
    with store.app.db.write() as conn:
        journeys_repo.from_headoffice(conn, member_id, LAST_SEEN, True, (), T0.isoformat())
    idle = (T0.date() - LAST_SEEN).days
    assert idle >= 90
    # When the member is scanned
    scan(qtbot, window, store.card(member_id))
    shown(qtbot, window, member)
    # Then the panel prompts the welcome back: 90+ days dormant, 200 bonus points
    qtbot.waitUntil(
        lambda: [b.objectName() for b in panel.journey_buttons] == ["journey_welcome_back"],
        timeout=WAIT_MS,
    )
    button = panel.journey_buttons[0]
    assert f"Welcome back! {idle} days" in button.text()
    assert "+200 bonus points" in button.text()
    # When the cashier clicks it (twice: a double click gives it once)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    # Then the balance shows the bonus, the prompt is gone, and it was recorded once
    qtbot.waitUntil(
        lambda: till.member_balance.text() == f"{member.balance + 200:,}", timeout=WAIT_MS
    )
    qtbot.waitUntil(lambda: panel.journey_buttons == [], timeout=WAIT_MS)
    assert "Given: 200 bonus points" in till.status.text()
    uses = store.rows("SELECT journey, period, bonus_points, source FROM journey_uses")
    assert [tuple(u) for u in uses] == [("welcome_back", LAST_SEEN.isoformat(), 200, "store")]
    assert len(store.rows("SELECT * FROM outbox WHERE kind = 'journey'")) == 1
    # When the member is scanned again
    till.next_customer()
    qtbot.waitUntil(lambda: till.view is None, timeout=WAIT_MS)
    scan(qtbot, window, store.card(member_id))
    shown(qtbot, window, member)
    settled(qtbot, window)
    # Then there is no prompt and the balance keeps the bonus
    assert panel.journey_buttons == []
    assert till.member_balance.text() == f"{member.balance + 200:,}"


def test_points_expiring_soon_are_shown_with_suggested_gifts(
    qtbot, store: Store, window: MainWindow
) -> None:
    member = store.member(
        lambda v: v.member.status is MemberStatus.ACTIVE and bool(v.journeys.expiring_gifts)
    )
    scan(qtbot, window, store.card(member.member.member_id))
    shown(qtbot, window, member)
    hint = window.till.member_panel.journey_hint
    qtbot.waitUntil(lambda: "expire by" in hint.text(), timeout=WAIT_MS)
    j = member.journeys
    assert f"{j.expiring_points:,} pts expire by {j.expiring[-1][0].isoformat()}" in hint.text()
    assert j.expiring_gifts[0].name_en in hint.text()
    assert hint.isVisible()
