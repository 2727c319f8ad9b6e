"""Errors from below the UI (the services' English) reach the manager's notices in the till's
language: Chinese when the till runs in Chinese (desktop/i18n.py's catalogue)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from test_login import approve, log_in
from waits import WAIT_MS

from desktop.services.app import StoreServices
from desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.gui

CLICK = Qt.MouseButton.LeftButton


@pytest.fixture
def app(demo_path: Path) -> Iterator[StoreServices]:
    services = StoreServices.open(demo_path)
    yield services
    services.close()


def manager_window(qtbot, app: StoreServices, language: str) -> MainWindow:
    w = MainWindow(app, language=language)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: len(w.login.staff) == 3, timeout=WAIT_MS)
    log_in(qtbot, w, "C01", "1111")
    qtbot.mouseClick(w.manager_button, CLICK)
    approve(qtbot, w.pin_dialog, "M01", "9999")
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.manager_screen, timeout=WAIT_MS)
    return w


def close(w: MainWindow) -> None:
    """Back to English first: the translator a window installs stays on the application,
    and the next tests expect English."""
    w.language.set("en")
    w.session.close()


def adjust_to_what_is_on_hand(qtbot, w: MainWindow, app: StoreServices) -> str:
    """A count equal to the stock: the stock service refuses it (nothing to adjust)."""
    tab = w.manager_screen.stock_tab
    w.manager_screen.show_tab(tab)
    qtbot.waitUntil(
        lambda: tab.select_gift("G105") and tab.adjust_button.isEnabled(), timeout=WAIT_MS
    )
    on_hand = int(app.db.scalar("SELECT stock FROM gifts WHERE gift_id = 'G105'"))
    tab.adjust_qty.setValue(on_hand)
    tab.adjust_reason.setEditText("盘点")
    before = tab.notice.text()
    qtbot.mouseClick(tab.adjust_button, CLICK)
    qtbot.waitUntil(lambda: tab.notice.text() not in ("", before), timeout=WAIT_MS)
    return str(tab.notice.text())


@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [
        ("zh_CN", "礼品 G105：盘点数与库存相符", "nothing to adjust"),
        ("en", "gift G105: the count matches the stock", "盘点数"),
    ],
)
def test_a_refused_stock_count_is_worded_in_the_tills_language(
    qtbot, app: StoreServices, language: str, expected: str, absent: str
) -> None:
    # Given the manager screen with the till in `language`
    w = manager_window(qtbot, app, language)
    try:
        # When a count that changes nothing is entered, the stock service refuses it
        text = adjust_to_what_is_on_hand(qtbot, w, app)
        # Then the notice gives the service's reason in the till's language
        assert expected in text, text
        assert absent not in text, text
    finally:
        close(w)


def test_an_unreachable_head_office_is_reported_in_chinese(qtbot, app: StoreServices) -> None:
    # Given a store connected to a head office that does not answer, the till in Chinese
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app.sync.connect(f"http://127.0.0.1:{port}", "SH001", "s3cret")
    w = manager_window(qtbot, app, "zh_CN")
    try:
        tab = w.manager_screen.sync_tab
        w.manager_screen.show_tab(tab)
        qtbot.waitUntil(lambda: tab.status is not None, timeout=WAIT_MS)
        # When the manager syncs now
        qtbot.mouseClick(tab.sync_button, CLICK)
        qtbot.waitUntil(lambda: tab.last_error.text() not in ("", "—"), timeout=WAIT_MS)
        # Then the sync client's English reason is shown in Chinese, the address kept
        assert f"无法连接总部 http://127.0.0.1:{port}" in tab.last_error.text()
        assert "unreachable" not in tab.last_error.text()
        qtbot.waitUntil(lambda: "无法连接总部" in tab.notice.text(), timeout=WAIT_MS)
    finally:
        close(w)
