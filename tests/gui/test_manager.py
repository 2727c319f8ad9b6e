"""The manager screen on the real window (pytest-qt, offscreen), against a demo store on a
real SQLite file: every result is read back from the database or the files written."""

from __future__ import annotations

import io
import socket
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from test_login import approve, log_in, tap_pin
from waits import WAIT_MS

from desktop.core.errors import InvalidInput
from desktop.services.app import StoreServices
from desktop.services.till import LineRequest, Receipt
from desktop.ui.main_window import MainWindow
from desktop.ui.screens.manager import ManagerScreen

pytestmark = pytest.mark.gui

CLICK = Qt.MouseButton.LeftButton


def stock_of(app: StoreServices, gift_id: str) -> int:
    return int(app.db.scalar("SELECT stock FROM gifts WHERE gift_id = ?", (gift_id,)))


@pytest.fixture
def app(demo_path: Path) -> Iterator[StoreServices]:
    services = StoreServices.open(demo_path)
    yield services
    services.close()


def open_window(qtbot, app: StoreServices) -> MainWindow:
    w = MainWindow(app, language="en")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: len(w.login.staff) == 3, timeout=WAIT_MS)
    log_in(qtbot, w, "C01", "1111")
    qtbot.mouseClick(w.manager_button, CLICK)
    approve(qtbot, w.pin_dialog, "M01", "9999")
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.manager_screen, timeout=WAIT_MS)
    return w


@pytest.fixture
def window(qtbot, app: StoreServices) -> Iterator[MainWindow]:
    w = open_window(qtbot, app)
    yield w
    w.session.close()


@pytest.fixture
def screen(window: MainWindow) -> ManagerScreen:
    return window.manager_screen


def test_void_needs_a_manager_pin_and_gives_the_points_back(qtbot, app: StoreServices) -> None:
    # Given a redemption of today by 王小丽
    cashier = app.login("C01", "1111")
    receipt = app.till.redeem(cashier, str(uuid.uuid4()), "M00000002", (LineRequest("G101"),))
    assert isinstance(receipt, Receipt)
    stock_before = stock_of(app, "G101")
    w = open_window(qtbot, app)
    try:
        tab = w.manager_screen.void_tab
        w.manager_screen.show_tab(tab)
        qtbot.waitUntil(lambda: tab.select_receipt(receipt.receipt_no), timeout=WAIT_MS)
        # When the void is asked without a reason, it is refused before any PIN
        qtbot.mouseClick(tab.void_button, CLICK)
        assert "reason" in tab.notice.text()
        assert tab.pin_dialog is None
        # When a reason is given, a manager's PIN is asked
        tab.reason.setEditText("Customer changed their mind")
        qtbot.mouseClick(tab.void_button, CLICK)
        dialog = tab.pin_dialog
        assert dialog is not None and receipt.receipt_no in dialog.purpose_label.text()
        # A cashier's PIN is refused, and nothing is voided
        approve(qtbot, dialog, "C02", "2222")
        qtbot.waitUntil(lambda: "not a manager" in dialog.message.text(), timeout=WAIT_MS)
        assert app.db.scalar("SELECT COUNT(*) FROM voids") == 0
        # The manager's PIN voids it: the points are back, the gift back in stock
        approve(qtbot, dialog, "M01", "9999")
        qtbot.waitUntil(lambda: "voided" in tab.notice.text(), timeout=WAIT_MS)
        assert "100 points returned" in tab.notice.text()
        row = app.db.one("SELECT manager_id, cashier_id, reason FROM voids")
        assert tuple(row) == ("M01", "C01", "Customer changed their mind")
        balance = app.db.scalar("SELECT balance FROM members WHERE member_id = 'M00000002'")
        assert balance == receipt.balance_before
        assert stock_of(app, "G101") == stock_before + 1
        # And the list shows it voided, with no second void possible
        qtbot.waitUntil(lambda: tab.rows and tab.rows[0].voided_by == "M01", timeout=WAIT_MS)
        tab.select_receipt(receipt.receipt_no)
        assert not tab.void_button.isEnabled()
    finally:
        w.session.close()


def test_receive_and_adjust_stock(qtbot, app: StoreServices, screen: ManagerScreen) -> None:
    tab = screen.stock_tab
    screen.show_tab(tab)
    qtbot.waitUntil(lambda: tab.select_gift("G105"), timeout=WAIT_MS)
    before = stock_of(app, "G105")
    # The low-stock list names G105 (9 left, alert at 10)
    lows = [tab.low.item(i).text() for i in range(tab.low.count())]
    assert any(t.startswith("G105") and "9 left" in t for t in lows)
    # Receive a delivery of 12
    tab.receive_qty.setValue(12)
    tab.receive_note.setText("DN-2041")
    qtbot.mouseClick(tab.receive_button, CLICK)
    qtbot.waitUntil(lambda: "Received 12" in tab.notice.text(), timeout=WAIT_MS)
    assert stock_of(app, "G105") == before + 12
    # An adjustment without a reason is refused, and nothing changes
    qtbot.waitUntil(
        lambda: tab.select_gift("G105") and tab.adjust_button.isEnabled(), timeout=WAIT_MS
    )
    tab.adjust_qty.setValue(15)
    qtbot.mouseClick(tab.adjust_button, CLICK)
    assert "reason" in tab.notice.text()
    assert stock_of(app, "G105") == before + 12
    # A count of 15 on the shelf with a reason sets the stock to 15
    tab.adjust_reason.setEditText("Stock count")
    qtbot.mouseClick(tab.adjust_button, CLICK)
    qtbot.waitUntil(lambda: "15 on hand now" in tab.notice.text(), timeout=WAIT_MS)
    assert stock_of(app, "G105") == 15
    row = app.db.one(
        "SELECT delta, reason, staff_id FROM stock_ledger WHERE gift_id = 'G105' "
        "ORDER BY entry_id DESC LIMIT 1"
    )
    assert tuple(row) == (15 - (before + 12), "Stock count", "M01")


def test_open_and_close_the_business_day(qtbot, demo_path: Path) -> None:
    # Given the store on the next day, not opened yet
    tomorrow = datetime.now().astimezone() + timedelta(days=1)
    app = StoreServices.open(demo_path, clock=lambda: tomorrow)
    w = open_window(qtbot, app)
    try:
        tab = w.manager_screen.day_tab
        w.manager_screen.show_tab(tab)
        qtbot.waitUntil(lambda: "not open yet" in tab.state_label.text(), timeout=WAIT_MS)
        day = app.ctx.today().isoformat()
        # Open
        qtbot.mouseClick(tab.open_button, CLICK)
        qtbot.waitUntil(lambda: "is open" in tab.state_label.text(), timeout=WAIT_MS)
        assert app.db.scalar("SELECT opened_by FROM business_days WHERE day = ?", (day,)) == "M01"
        # Close asks first; Cancel changes nothing
        qtbot.mouseClick(tab.close_button, CLICK)
        assert tab.confirm.isVisible()
        qtbot.mouseClick(tab.confirm_no, CLICK)
        assert not tab.confirm.isVisible()
        qtbot.mouseClick(tab.close_button, CLICK)
        qtbot.mouseClick(tab.confirm_yes, CLICK)
        qtbot.waitUntil(lambda: "is closed" in tab.state_label.text(), timeout=WAIT_MS)
        assert app.db.scalar("SELECT closed_by FROM business_days WHERE day = ?", (day,)) == "M01"
        assert not tab.open_button.isEnabled() and not tab.close_button.isEnabled()
        # closing goes on to check, back up and write the closing reconciliation: the test
        # ends when the window does, not while that work still runs on its lane
        qtbot.waitUntil(
            lambda: "Closing reconciliation written" in tab.report_notice.text(), timeout=WAIT_MS
        )
    finally:
        w.session.close()
        app.close()


def test_daily_reconciliation_is_written(qtbot, app: StoreServices, screen: ManagerScreen) -> None:
    tab = screen.day_tab
    screen.show_tab(tab)
    day = app.ctx.today().isoformat()
    qtbot.mouseClick(tab.report_button, CLICK)
    qtbot.waitUntil(lambda: tab.written is not None, timeout=WAIT_MS)
    written = tab.written
    assert written.pdf.exists() and written.csv.exists()
    assert str(written.pdf) in tab.paths.text() and str(written.csv) in tab.paths.text()
    assert "written" in tab.report_notice.text()
    assert not tab.progress.isVisible()
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(written.pdf.read_bytes())).pages
    )
    assert day in text
    assert day in written.csv.read_text(encoding="utf-8")


def test_settings_saved_and_a_bad_value_refused(
    qtbot, app: StoreServices, window: MainWindow
) -> None:
    screen = window.manager_screen
    tab = screen.settings_tab
    screen.show_tab(tab)
    qtbot.waitUntil(lambda: tab.loaded is not None, timeout=WAIT_MS)
    # A bad idle time and a bad printer are refused, each named, and nothing is saved
    tab.idle.setText("5")
    tab.printers.setPlainText("bogus:printer")
    qtbot.mouseClick(tab.save_button, CLICK)
    assert "Not saved" in tab.notice.text()
    assert "Lock after idle (seconds)" in tab.notice.text() and "15 to 3,600" in tab.notice.text()
    assert "bogus:printer" in tab.notice.text()
    assert app.ctx.setting("idle_lock_seconds") is None
    # A printed card's daily limit above the phone code's is refused too
    tab.idle.setText("300")
    tab.printers.setPlainText("")
    tab.limit_fields["per_member_day_static_points"].setText("9000")
    qtbot.mouseClick(tab.save_button, CLICK)
    assert "photocopied" in tab.notice.text()
    # Good values are saved to the store and the idle lock takes them at once
    tab.limit_fields["per_member_day_static_points"].setText("1500")
    tab.camera.setText("0")
    tab.printers.setPlainText("network:10.0.0.9:9100")
    tab.language.setCurrentIndex(tab.language.findData("en"))
    qtbot.mouseClick(tab.save_button, CLICK)
    qtbot.waitUntil(lambda: tab.notice.text() == "Settings saved.", timeout=WAIT_MS)
    assert app.ctx.setting("idle_lock_seconds") == 300
    assert window.session.idle_lock_seconds == 300
    assert app.ctx.setting("offline_limits")["per_member_day_static_points"] == 1500
    assert app.ctx.offline_limits().per_member_day_static_points == 1500
    assert app.ctx.setting("printers") == ["network:10.0.0.9:9100"]
    assert app.ctx.setting("camera_index") == 0
    assert app.ctx.setting("language") == "en"


def test_reprint_a_receipt_by_number(qtbot, app: StoreServices) -> None:
    cashier = app.login("C01", "1111")
    receipt = app.till.redeem(cashier, str(uuid.uuid4()), "M00000002", (LineRequest("G101"),))
    assert isinstance(receipt, Receipt)
    w = open_window(qtbot, app)
    try:
        tab = w.manager_screen.printing_tab
        w.manager_screen.show_tab(tab)
        # An unknown number says so
        tab.receipt_no.setText("SH001-19990101-00001")
        qtbot.mouseClick(tab.reprint_button, CLICK)
        qtbot.waitUntil(lambda: "Not printed" in tab.notice.text(), timeout=WAIT_MS)
        # The receipt's number reprints it into the archive, marked as a reprint
        tab.receipt_no.setText(receipt.receipt_no)
        qtbot.mouseClick(tab.reprint_button, CLICK)
        qtbot.waitUntil(lambda: "Printed: 1" in tab.notice.text(), timeout=WAIT_MS)
        copies = app.db.scalar(
            "SELECT COUNT(*) FROM print_jobs WHERE receipt_no = ? AND copy = 1 AND status = 'printed'",
            (receipt.receipt_no,),
        )
        assert copies == 1
    finally:
        w.session.close()


def test_idle_lock_leaves_the_manager_screen(qtbot, window: MainWindow) -> None:
    window.session.idle_lock_seconds = 1
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.login, timeout=WAIT_MS)
    assert window.manager_screen.manager is None
    # logging in again goes to the till, not back into the manager screen
    tap_pin(qtbot, window.login.pad, "1111")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.till, timeout=WAIT_MS)


def test_sync_now_reports_an_unreachable_head_office(qtbot, app: StoreServices) -> None:
    # Given a store connected to a head office that does not answer (a closed port)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app.sync.connect(f"http://127.0.0.1:{port}", "SH001", "s3cret")
    w = open_window(qtbot, app)
    try:
        tab = w.manager_screen.sync_tab
        w.manager_screen.show_tab(tab)
        qtbot.waitUntil(lambda: tab.status is not None, timeout=WAIT_MS)
        assert f"127.0.0.1:{port}" in tab.head_office.text()
        assert tab.sync_button.isEnabled()
        # When the manager syncs now, the failure is shown and recorded, and the till goes on
        qtbot.mouseClick(tab.sync_button, CLICK)
        qtbot.waitUntil(lambda: "Sync failed" in tab.notice.text(), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: tab.last_error.text() != "—", timeout=WAIT_MS)
        assert tab.state.text() == "OFFLINE"
        assert int(tab.waiting.text()) == app.sync.status().waiting
        # The head-office address can be changed in the settings (the credentials stay)
        settings_tab = w.manager_screen.settings_tab
        w.manager_screen.show_tab(settings_tab)
        qtbot.waitUntil(lambda: settings_tab.loaded is not None, timeout=WAIT_MS)
        assert settings_tab.headoffice.isEnabled()
        settings_tab.headoffice.setText("https://ho.example.cn")
        qtbot.mouseClick(settings_tab.save_button, CLICK)
        qtbot.waitUntil(lambda: settings_tab.notice.text() == "Settings saved.", timeout=WAIT_MS)
        connection = app.sync.connection()
        assert connection is not None
        assert (connection.url, connection.store_id) == ("https://ho.example.cn", "SH001")
    finally:
        w.session.close()


def test_the_shortest_pin_is_set_on_the_settings_screen(
    qtbot, app: StoreServices, window: MainWindow
) -> None:
    screen = window.manager_screen
    tab = screen.settings_tab
    screen.show_tab(tab)
    qtbot.waitUntil(lambda: tab.loaded is not None, timeout=WAIT_MS)
    assert tab.min_pin.text() == "4"
    # Outside 4 to 12 digits is refused, named, and nothing is saved
    tab.min_pin.setText("3")
    qtbot.mouseClick(tab.save_button, CLICK)
    assert "Not saved" in tab.notice.text()
    assert "Shortest PIN (digits)" in tab.notice.text() and "4 to 12" in tab.notice.text()
    assert app.staff.min_pin_length() == 4
    # Six digits is saved: a new PIN shorter than that is refused, old PINs keep working
    tab.min_pin.setText("6")
    qtbot.mouseClick(tab.save_button, CLICK)
    qtbot.waitUntil(lambda: tab.notice.text() == "Settings saved.", timeout=WAIT_MS)
    assert app.staff.min_pin_length() == 6
    with pytest.raises(InvalidInput, match="6"):
        app.setup.add_staff("C77", "新收银员", "cashier", "12345")
    assert app.login("C01", "1111").staff_id == "C01"
