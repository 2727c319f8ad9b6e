"""The till window, driven for real with pytest-qt (offscreen)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop.services.app import StoreServices
from desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, demo_path: Path) -> Iterator[MainWindow]:
    app = StoreServices.open(demo_path)
    w = MainWindow(app)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.background.wait()
    app.close()


def test_window_shows_store_and_catalogue(qtbot, window: MainWindow) -> None:
    # Given the demo store, when the window opens, the catalogue loads off the GUI thread
    qtbot.waitUntil(lambda: window.table.rowCount() == 30, timeout=5000)
    assert "上海南京东路店" in window.header.text()
    assert "open" in window.day_label.text()
    codes = {window.table.item(r, 0).text() for r in range(window.table.rowCount())}
    assert {"G101", "G5004", "G5007"} <= codes
    low = [
        window.table.item(r, 3).text()
        for r in range(30)
        if window.table.item(r, 0).text() == "G504"
    ]
    assert low == ["4 ⚠"]


def test_scanner_keystrokes_show_member(qtbot, window: MainWindow) -> None:
    # Given the scan field has focus, when a scanner types a member id and Enter
    qtbot.keyClicks(window.scan, "M00000001")
    qtbot.keyClick(window.scan, Qt.Key.Key_Return)
    # Then the member panel shows the masked name and the balance from the store
    expected = window.app.till.member_view("M00000001")
    qtbot.waitUntil(lambda: window.member_name.text() == expected.member.masked_name, timeout=5000)
    assert window.member_balance.text() == f"{expected.balance:,}"
    assert window.scan.text() == ""


def test_unknown_member_shows_clear_error(qtbot, window: MainWindow) -> None:
    qtbot.keyClicks(window.scan, "M99999999")
    qtbot.keyClick(window.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "unknown member" in window.status.text(), timeout=5000)
    assert window.member_name.text() == "—"
