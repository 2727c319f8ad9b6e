"""Logging in at the till, the idle lock, the lock shortcut and manager approvals, driven on
the real window (pytest-qt, offscreen) against a demo store on a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from waits import WAIT_MS

from desktop.services.app import StoreServices
from desktop.store import settings
from desktop.store.staff import Staff
from desktop.ui.dialogs.manager_pin import ManagerPinDialog
from desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def app(demo_path: Path) -> Iterator[StoreServices]:
    services = StoreServices.open(demo_path)
    yield services
    services.close()


@pytest.fixture
def window(qtbot, app: StoreServices) -> Iterator[MainWindow]:
    w = MainWindow(app, language="en")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: len(w.login.staff) == 3, timeout=WAIT_MS)
    yield w
    w.session.close()


def tap_pin(qtbot, pad, pin: str) -> None:
    for digit in pin:
        qtbot.mouseClick(pad.digit_keys[digit], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(pad.ok, Qt.MouseButton.LeftButton)


def log_in(qtbot, w: MainWindow, staff_id: str, pin: str) -> None:
    w.login.select(staff_id)
    tap_pin(qtbot, w.login.pad, pin)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.till, timeout=WAIT_MS)


def approve(qtbot, dialog: ManagerPinDialog, staff_id: str, pin: str) -> None:
    dialog.set_manager(staff_id)
    tap_pin(qtbot, dialog.pad, pin)


def test_log_in_with_the_pin_pad(qtbot, window: MainWindow) -> None:
    # Given the log-in screen with the active staff listed
    names = [window.login.staff_list.item(i).text() for i in range(3)]
    assert any("王小丽" in n and "C01" in n for n in names)
    # When 王小丽 taps her PIN on the pad and OK
    log_in(qtbot, window, "C01", "1111")
    # Then the till is shown and the status bar names her
    assert window.session.staff == Staff("C01", "王小丽", "cashier")
    assert "王小丽" in window.staff_label.text()
    assert window.login.pad.pin() == ""


def test_log_in_with_the_keyboard_alone(qtbot, window: MainWindow) -> None:
    # Given focus in the PIN field, ↓ moves to the next person without leaving it
    window.login.select("C01")
    field = window.login.pad.field
    qtbot.keyClick(field, Qt.Key.Key_Down)
    assert window.login.selected_id() == "C02"
    # When the digits and Enter are typed
    qtbot.keyClicks(field, "2222")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    # Then 陈建国 is logged in
    qtbot.waitUntil(lambda: window.session.staff is not None, timeout=WAIT_MS)
    assert window.session.staff.staff_id == "C02"


def test_wrong_pin_says_so_and_the_till_stays_locked(qtbot, window: MainWindow) -> None:
    # When a wrong PIN is tapped
    window.login.select("C01")
    tap_pin(qtbot, window.login.pad, "1234")
    message = window.login.message
    qtbot.waitUntil(lambda: "Wrong PIN" in message.text(), timeout=WAIT_MS)
    # Then the message counts the tries left, and nothing else changes
    assert "王小丽" in message.text() and "4 tries left" in message.text()
    assert window.session.staff is None
    assert window.stack.currentWidget() is window.login
    assert window.login.pad.pin() == ""
    # When four more wrong PINs lock the account, even the right PIN is refused for now
    for left in (3, 2, 1):
        tap_pin(qtbot, window.login.pad, "1234")
        qtbot.waitUntil(lambda n=left: f"{n} tries left" in message.text(), timeout=WAIT_MS)
    tap_pin(qtbot, window.login.pad, "1234")
    qtbot.waitUntil(lambda: "locked" in message.text(), timeout=WAIT_MS)
    until = window.app.db.scalar("SELECT locked_until FROM staff WHERE staff_id = 'C01'")
    assert f"Try again after {until[11:16]}" in message.text()
    message.clear()
    tap_pin(qtbot, window.login.pad, "1111")
    qtbot.waitUntil(lambda: "locked" in message.text(), timeout=WAIT_MS)
    assert window.session.staff is None
    assert window.stack.currentWidget() is window.login


def test_idle_lock_from_the_store_setting(qtbot, demo_path: Path) -> None:
    # Given a store whose manager set a one-second idle lock
    app = StoreServices.open(demo_path)
    with app.db.write() as conn:
        settings.put(conn, "idle_lock_seconds", 1)
    w = MainWindow(app, language="en")
    qtbot.addWidget(w)
    w.show()
    try:
        qtbot.waitUntil(lambda: w.session.idle_lock_seconds == 1, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: len(w.login.staff) == 3, timeout=WAIT_MS)
        # When a cashier logs in and then nobody touches the till
        log_in(qtbot, w, "C01", "1111")
        # Then it locks by itself, back to the log-in screen, the same person preselected
        qtbot.waitUntil(lambda: w.stack.currentWidget() is w.login, timeout=WAIT_MS)
        assert w.session.staff is None
        assert "Locked" in w.staff_label.text()
        qtbot.waitUntil(lambda: w.login.selected_id() == "C01", timeout=WAIT_MS)
    finally:
        w.session.close()
        app.close()


def test_lock_button_and_ctrl_l(qtbot, window: MainWindow) -> None:
    log_in(qtbot, window, "C01", "1111")
    assert window.lock_button.isVisible()
    qtbot.mouseClick(window.lock_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.login
    assert not window.lock_button.isVisible()
    log_in(qtbot, window, "C02", "2222")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    qtbot.keyClick(window.till, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.session.staff is None, timeout=WAIT_MS)
    assert window.stack.currentWidget() is window.login


def test_request_override_calls_back_with_the_manager(qtbot, window: MainWindow) -> None:
    # Given a cashier at the till who needs an override
    log_in(qtbot, window, "C01", "1111")
    got: list[Staff] = []
    window.request_override(got.append)
    dialog = window.pin_dialog
    assert dialog is not None and dialog.isVisible()
    # When the cashier tries her own PIN, it is refused and the dialog stays
    approve(qtbot, dialog, "C01", "1111")
    qtbot.waitUntil(lambda: "not a manager" in dialog.message.text(), timeout=WAIT_MS)
    assert got == [] and dialog.isVisible()
    # When the manager types his, the callback gets him
    approve(qtbot, dialog, "M01", "9999")
    qtbot.waitUntil(lambda: got != [], timeout=WAIT_MS)
    assert got == [Staff("M01", "李经理", "manager")]
    assert window.pin_dialog is None


def test_manager_screen_needs_a_manager_pin_and_esc_returns(qtbot, window: MainWindow) -> None:
    log_in(qtbot, window, "C01", "1111")
    # F9 with the focus anywhere in the till opens the approval
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    qtbot.keyClick(window.till, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: window.pin_dialog is not None, timeout=WAIT_MS)
    dialog = window.pin_dialog
    # Cancel: still at the till
    qtbot.mouseClick(dialog.cancel, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.till
    # The Manager button and the manager's PIN: the manager screen
    qtbot.mouseClick(window.manager_button, Qt.MouseButton.LeftButton)
    approve(qtbot, window.pin_dialog, "M01", "9999")
    screen = window.manager_screen
    qtbot.waitUntil(lambda: window.stack.currentWidget() is screen, timeout=WAIT_MS)
    assert "李经理" in screen.title.text()
    # Esc goes back to the till, and the manager is forgotten (offscreen, the window has to
    # be activated again by hand after the dialog)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    qtbot.keyClick(screen.tabs, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.till
    assert screen.manager is None


def test_the_log_in_screen_in_chinese(qtbot, app: StoreServices) -> None:
    # Given the till in Simplified Chinese
    w = MainWindow(app, language="zh_CN")
    qtbot.addWidget(w)
    w.show()
    try:
        qtbot.waitUntil(lambda: len(w.login.staff) == 3, timeout=WAIT_MS)
        assert w.login.title.text() == "登录收银台"
        assert w.login.pad.ok.text() == "确定"
        assert "收银员" in w.login.staff_list.item(0).text()
        # When a wrong PIN is tapped, the refusal is worded in Chinese too
        w.login.select("C02")
        tap_pin(qtbot, w.login.pad, "0000")
        qtbot.waitUntil(lambda: "再错 4 次" in w.login.message.text(), timeout=WAIT_MS)
        assert "陈建国" in w.login.message.text()
    finally:
        w.language.set("en")  # the translator is the application's: leave English behind
        w.session.close()
