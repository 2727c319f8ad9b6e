"""The till window, driven for real with pytest-qt (offscreen): the till screen in the shell."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from waits import WAIT_MS

from desktop.services.app import StoreServices
from desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, demo_path: Path) -> Iterator[MainWindow]:
    app = StoreServices.open(demo_path)
    w = MainWindow(app, language="en")
    qtbot.addWidget(w)
    w.show()
    w.session.logged_in(app.login("C01", "1111"))
    yield w
    w.close()
    app.close()


def test_window_shows_store_and_catalogue(qtbot, window: MainWindow) -> None:
    # Given the demo store, when the window opens, the catalogue loads off the GUI thread
    till = window.till
    qtbot.waitUntil(lambda: len(till.catalogue.tiles) == 31, timeout=WAIT_MS)
    assert window.stack.currentWidget() is till
    assert "上海南京东路店" in till.header.text()
    assert "open" in till.day_label.text()
    assert {"G101", "G5004", "G5007"} <= set(till.catalogue.tiles)
    # A gift at or under its low-stock threshold carries the mark; one well stocked does not
    low = till.catalogue.tiles["G504"]
    assert low.stock.text() == "Stock 4"
    assert low.low.isVisibleTo(low) and "Low stock" in low.low.text()
    assert not till.catalogue.tiles["G101"].low.isVisibleTo(till.catalogue.tiles["G101"])
    # Every tile is a touch target of at least 48 × 48 px
    assert all(t.height() >= 48 and t.width() >= 48 for t in till.catalogue.tiles.values())


def test_scanner_keystrokes_show_member(qtbot, window: MainWindow) -> None:
    # Given the scan field has focus, when a scanner types a member id and Enter
    till = window.till
    qtbot.keyClicks(till.scan, "M00000001")
    qtbot.keyClick(till.scan, Qt.Key.Key_Return)
    # Then the member panel shows the masked name and the balance from the store
    expected = window.app.till.member_view("M00000001")
    qtbot.waitUntil(lambda: till.member_name.text() == expected.member.masked_name, timeout=WAIT_MS)
    assert till.member_balance.text() == f"{expected.balance:,}"
    assert till.scan.text() == ""


def test_unknown_member_shows_clear_error(qtbot, window: MainWindow) -> None:
    till = window.till
    qtbot.keyClicks(till.scan, "M99999999")
    qtbot.keyClick(till.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Unknown member" in till.status.text(), timeout=WAIT_MS)
    assert till.view is None
    assert till.member_name.text() == "Scan the member's card or phone code"
