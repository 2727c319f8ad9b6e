"""Issue #15: the till and the manager screen as a new cashier and manager meet them, driven as
a person would (clicks, typed keys, F-keys, a keyboard-wedge scan) on the real window over a
demo store on a real SQLite file. Every result is read back: widget text, rows, PDF text."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_login import approve
from till_support import Store, settled
from waits import WAIT_MS

from desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.gui

CLICK = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier


def stock_of(store: Store, gift_id: str) -> int:
    return int(store.rows("SELECT stock FROM gifts WHERE gift_id = ?", (gift_id,))[0][0])


def manager_screen(qtbot, window: MainWindow) -> None:
    """F9 and the manager's PIN, as the manager taps it on the pad."""
    qtbot.keyClick(window.till.scan, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: window.pin_dialog is not None, timeout=WAIT_MS)
    approve(qtbot, window.pin_dialog, "M01", "9999")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.manager_screen, timeout=WAIT_MS)
    active(qtbot, window)


def active(qtbot, window: MainWindow) -> None:
    """The window active again once the PIN dialog has gone (the window manager's job)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)


def typed(qtbot, box, text: str) -> None:
    """Keys typed into a focused number field (the wedge hands them on a moment later)."""
    qtbot.keyClicks(box, text)
    qtbot.waitUntil(lambda: box.text() == text, timeout=WAIT_MS)


# --- number fields ----------------------------------------------------------------------------
def test_number_fields_select_on_focus_and_a_large_delivery_asks_first(
    qtbot, store: Store, window: MainWindow
) -> None:
    # Given the manager on the Stock tab with G105 picked (9 on hand)
    manager_screen(qtbot, window)
    screen = window.manager_screen
    tab = screen.stock_tab
    screen.show_tab(tab)
    qtbot.waitUntil(lambda: tab.select_gift("G105"), timeout=WAIT_MS)
    qtbot.waitUntil(tab.receive_button.isEnabled, timeout=WAIT_MS)
    before = stock_of(store, "G105")
    # When the manager clicks into the Quantity box (it shows 1) and types 10
    box = tab.receive_qty
    assert box.text() == "1"
    qtbot.mouseClick(box.lineEdit(), CLICK)
    qtbot.waitUntil(lambda: box.lineEdit().selectedText() == "1", timeout=WAIT_MS)
    typed(qtbot, box, "10")
    # Then it holds 10, not 110
    assert box.value() == 10
    # When a slip makes it 110 and Receive is clicked: nothing is booked, the tab asks first
    qtbot.keyClick(box, Qt.Key.Key_A, CTRL)
    qtbot.waitUntil(lambda: box.lineEdit().selectedText() == "10", timeout=WAIT_MS)
    typed(qtbot, box, "110")
    qtbot.mouseClick(tab.receive_button, CLICK)
    assert tab.confirm.isVisible()
    assert "110" in tab.confirm_text.text() and f"{before} on hand" in tab.confirm_text.text()
    settled(qtbot, window)
    assert stock_of(store, "G105") == before
    # "No, correct it" goes back to the field with its number selected
    qtbot.mouseClick(tab.confirm_no, CLICK)
    assert not tab.confirm.isVisible()
    qtbot.waitUntil(lambda: box.lineEdit().selectedText() == "110", timeout=WAIT_MS)
    typed(qtbot, box, "12")
    qtbot.mouseClick(tab.receive_button, CLICK)
    qtbot.waitUntil(lambda: "Received 12" in tab.notice.text(), timeout=WAIT_MS)
    assert stock_of(store, "G105") == before + 12
    assert not tab.confirm.isVisible()

    # The count: "Counted on the shelf" shows 0; Tab into it and type 14 → 14
    qtbot.waitUntil(tab.adjust_button.isEnabled, timeout=WAIT_MS)
    count = tab.adjust_qty
    assert count.text() == "0"
    qtbot.mouseClick(count.lineEdit(), CLICK)
    qtbot.waitUntil(lambda: count.lineEdit().selectedText() == "0", timeout=WAIT_MS)
    typed(qtbot, count, "14")
    assert count.value() == 14
    # A count of 140 asks first; confirmed, it is booked once
    qtbot.keyClick(count, Qt.Key.Key_A, CTRL)
    qtbot.waitUntil(lambda: count.lineEdit().selectedText() == "14", timeout=WAIT_MS)
    typed(qtbot, count, "140")
    tab.adjust_reason.setFocus()
    qtbot.keyClicks(tab.adjust_reason.lineEdit(), "Stock count")
    qtbot.waitUntil(lambda: tab.adjust_reason.currentText() == "Stock count", timeout=WAIT_MS)
    qtbot.mouseClick(tab.adjust_button, CLICK)
    assert tab.confirm.isVisible() and "140" in tab.confirm_text.text()
    qtbot.mouseClick(tab.confirm_yes, CLICK)
    qtbot.waitUntil(lambda: "140 on hand now" in tab.notice.text(), timeout=WAIT_MS)
    assert stock_of(store, "G105") == 140
    moves = store.rows(
        "SELECT COUNT(*) FROM stock_ledger WHERE gift_id = 'G105' AND delta = ?",
        (140 - (before + 12),),
    )
    assert moves[0][0] == 1


def test_settings_numbers_select_on_tab(qtbot, store: Store, window: MainWindow) -> None:
    manager_screen(qtbot, window)
    screen = window.manager_screen
    tab = screen.settings_tab
    screen.show_tab(tab)
    qtbot.waitUntil(lambda: tab.loaded is not None, timeout=WAIT_MS)
    first = tab.limit_fields["per_redemption_points"]
    second = tab.limit_fields["per_member_day_static_points"]
    old = second.text()
    first.setFocus()
    qtbot.keyClick(first, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is second, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: second.selectedText() == old, timeout=WAIT_MS)
