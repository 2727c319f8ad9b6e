"""Issue #15: the till and the manager screen as a new cashier and manager meet them, driven as
a person would (clicks, typed keys, F-keys, a keyboard-wedge scan) on the real window over a
demo store on a real SQLite file. Every result is read back: widget text, rows, PDF text."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_login import approve
from till_support import Store, press, scan, settled, shown, type_keys
from waits import WAIT_MS

from desktop.core.redemption import Refusal
from desktop.services.till import LineRequest, Receipt
from desktop.store import settings
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
    settled(qtbot, window)
    first = tab.limit_fields["per_redemption_points"]
    second = tab.limit_fields["per_member_day_static_points"]
    old = second.text()
    first.setFocus()
    qtbot.keyClick(first, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is second, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: second.selectedText() == old, timeout=WAIT_MS)


# --- after a sale -----------------------------------------------------------------------------
def rich(store: Store):
    return store.member(lambda v: v.member.tier.value == "gold" and v.available >= 4000)


def sell_a_flask(qtbot, store: Store, window: MainWindow):
    """Scan a member, type "flask", Enter, Enter: the sale is done, the member still shown."""
    till = window.till
    till.next_customer_ms = 3_600_000  # the till stays in its after-sale state for the test
    member = rich(store)
    scan(qtbot, window, store.card(member.member.member_id))
    shown(qtbot, window, member)
    type_keys(qtbot, till.search, "flask")
    press(qtbot, till.search)
    press(qtbot, till.search)
    qtbot.waitUntil(lambda: till.receipt is not None, timeout=WAIT_MS)
    return member


def test_after_a_sale_the_cashier_goes_on_with_the_member(
    qtbot, store: Store, window: MainWindow
) -> None:
    # Given a sale just done, the member still on the panel
    till = window.till
    member = sell_a_flask(qtbot, store, window)
    assert till.member_name.text() == member.member.masked_name
    # When the cashier types another gift and Enter
    type_keys(qtbot, till.search, "flask")
    press(qtbot, till.search)
    # Then it goes into a new basket for the same member; the screen does not ask for a scan
    assert "Scan the member" not in till.status.text()
    assert [i.gift.gift_id for i in till.basket.items] == ["G501"]
    assert till.state == "serving" and till.confirm_button.isEnabled()
    # and Enter redeems it as a second receipt
    press(qtbot, till.search)
    qtbot.waitUntil(
        lambda: len(store.rows("SELECT * FROM redemptions")) == 2 and till.state == "done",
        timeout=WAIT_MS,
    )


def test_f9_after_a_sale_opens_the_pin_dialog_and_the_pin_never_reaches_the_scan(
    qtbot, store: Store, window: MainWindow
) -> None:
    # Given the after-sale state
    till = window.till
    sell_a_flask(qtbot, store, window)
    # When the manager presses F9 wherever focus is
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F9)
    # Then the PIN dialog is open at once, and the till's after-sale timer is held
    dialog = window.pin_dialog
    assert dialog is not None and dialog.isVisible()
    assert not till.next_timer.isActive()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.pad.field, timeout=WAIT_MS)
    # and were the till to clear itself now, the scan field would not take the focus
    till.next_customer()
    assert QApplication.focusWidget() is dialog.pad.field
    # When the manager types 9999 and Enter on the keyboard, into the dialog
    dialog.set_manager("M01")
    qtbot.keyClicks(dialog.pad.field, "9999")
    qtbot.keyClick(dialog.pad.field, Qt.Key.Key_Return)
    # Then the manager screen opens; nothing reached the scan field or the member panel
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.manager_screen, timeout=WAIT_MS)
    assert "9999" not in till.status.text() and till.scan.text() == ""


def test_a_rejected_input_is_never_echoed(qtbot, store: Store, window: MainWindow) -> None:
    # Given the till, when a PIN is typed into the scan field by mistake and Enter pressed
    till = window.till
    till.scan.setFocus()
    type_keys(qtbot, till.scan, "9999")
    press(qtbot, till.scan)
    # Then the panel refuses it without repeating it
    qtbot.waitUntil(lambda: "Not accepted" in till.status.text(), timeout=WAIT_MS)
    assert "9999" not in till.status.text()
    assert till.scan.text() == ""


def test_the_day_closed_says_so_and_no_sale_is_built(
    qtbot, store: Store, window: MainWindow
) -> None:
    # Given the business day closed by the manager
    till = window.till
    store.app.day.close(store.app.login("M01", "9999"))
    window.session.store_changed.emit()
    qtbot.waitUntil(lambda: "closed" in till.day_label.text(), timeout=WAIT_MS)
    assert "not open" not in till.day_label.text()
    # When a member is scanned and a gift typed
    member = rich(store)
    scan(qtbot, window, store.card(member.member.member_id))
    shown(qtbot, window, member)
    assert "closed" in till.status.text()
    type_keys(qtbot, till.search, "flask")
    press(qtbot, till.search)
    # Then nothing goes into the basket, the panel says the day is closed, nothing to retry
    assert till.basket.items == []
    assert "business day is closed" in till.status.text()
    assert "try again" not in till.status.text()
    assert not till.confirm_button.isEnabled()
    press(qtbot, till.search)
    settled(qtbot, window)
    assert store.rows("SELECT COUNT(*) FROM redemptions")[0][0] == 0


# --- the head-office address ------------------------------------------------------------------
def test_a_malformed_head_office_address_is_refused_and_a_bad_one_shown(
    qtbot, store: Store, window: MainWindow
) -> None:
    app = store.app
    app.sync.connect("http://127.0.0.1:8765", "SH001", "s3cret")
    # Given the manager on Settings, when the address is pasted twice into the field
    manager_screen(qtbot, window)
    screen = window.manager_screen
    tab = screen.settings_tab
    screen.show_tab(tab)
    qtbot.waitUntil(lambda: tab.loaded is not None and tab.headoffice.isEnabled(), timeout=WAIT_MS)
    settled(qtbot, window)  # no read of the settings still on its way to the form
    tab.headoffice.setFocus()
    qtbot.keyClick(tab.headoffice, Qt.Key.Key_End)
    qtbot.keyClicks(tab.headoffice, "http://127.0.0.1:8765")
    qtbot.waitUntil(lambda: tab.headoffice.text().count("http://") == 2, timeout=WAIT_MS)
    qtbot.mouseClick(tab.save_button, CLICK)
    # Then nothing is saved and the notice says what is wrong
    assert "Not saved" in tab.notice.text() and "not a valid address" in tab.notice.text()
    settled(qtbot, window)
    assert app.sync.connection().url == "http://127.0.0.1:8765"
    # Given an address that got into the store some other way (an older version)
    from desktop.store import sync_state

    with app.db.write() as tx:
        sync_state.put_connection(
            tx, sync_state.Connection("http://127.0.0.1:1http://x", "SH001", "s3cret")
        )
    # When a sync round runs: it fails as a configuration error the status bar names
    screen.show_tab(screen.sync_tab)
    window.session.sync_now()
    qtbot.waitUntil(lambda: "address not valid" in window.link_label.text(), timeout=WAIT_MS)
    assert window.link_label.text().startswith("OFFLINE")
    qtbot.waitUntil(lambda: "not valid" in screen.sync_tab.last_error.text(), timeout=WAIT_MS)


# --- closing the day --------------------------------------------------------------------------
def a_day_with_an_override_and_stock_notes(store: Store) -> Receipt:
    """Offline, a redemption beyond the cap approved by M01; a delivery with its note and a
    count with its reason."""
    app = store.app
    cashier, manager = app.login("C01", "1111"), app.login("M01", "9999")
    store.link.online = False
    with app.db.write() as tx:
        settings.put(tx, "offline_limits", {"per_redemption_points": 150})
    member = rich(store).member.member_id
    lines = (LineRequest("G104", 1, 0),)  # 200 points, over the cap of 150
    assert isinstance(app.till.redeem(cashier, "over-1", member, lines), Refusal)
    receipt = app.till.redeem(cashier, "over-1", member, lines, override_by=manager)
    assert isinstance(receipt, Receipt)
    with app.db.write() as tx:
        settings.put(tx, "offline_limits", {})
    store.link.online = True
    app.stock.receive(manager, "recv-1", "G105", 12, "DN-2041")
    app.stock.adjust(manager, "adj-1", "G504", counted=3, reason="Damaged in store")
    return receipt


def test_closing_the_day_writes_the_closing_reconciliation_with_overrides_and_reasons(
    qtbot, store: Store, window: MainWindow
) -> None:
    receipt = a_day_with_an_override_and_stock_notes(store)
    manager_screen(qtbot, window)
    screen = window.manager_screen
    tab = screen.day_tab
    screen.show_tab(tab)
    qtbot.waitUntil(lambda: "is open" in tab.state_label.text(), timeout=WAIT_MS)
    # Given the mid-day reconciliation written earlier
    qtbot.mouseClick(tab.report_button, CLICK)
    qtbot.waitUntil(lambda: tab.written is not None, timeout=WAIT_MS)
    midday = tab.report_notice.text()
    # When the manager closes the day
    qtbot.mouseClick(tab.close_button, CLICK)
    qtbot.mouseClick(tab.confirm_yes, CLICK)
    # Then the closing reconciliation is written, and offered for printing
    qtbot.waitUntil(
        lambda: "Closing reconciliation written" in tab.report_notice.text(), timeout=WAIT_MS
    )
    assert tab.report_notice.text() != midday
    assert tab.print_button.isVisible()
    assert "closing reconciliation is written" in tab.day_notice.text()
    written = tab.written
    assert str(written.pdf) in tab.paths.text()
    text = "\n".join(page.extract_text() for page in PdfReader(written.pdf).pages)
    # It is the closing one: the day's close with who closed it
    assert "李经理 (M01)" in text
    day = store.app.ctx.today().isoformat()
    closed_at = store.rows("SELECT closed_at FROM business_days WHERE day = ?", (day,))[0][0]
    assert closed_at is not None and closed_at[11:16] in text
    # with the override (which receipt, who approved) and the stock reasons and notes
    assert "Manager overrides of the offline limits" in text
    section = text.split("Manager overrides of the offline limits", 1)[1]
    assert receipt.receipt_no in section and "(M01)" in section
    assert "Damaged in store" in text and "DN-2041" in text
    # "Print" offers the system printer; with none set up it says so
    qtbot.mouseClick(tab.print_button, CLICK)
    qtbot.waitUntil(lambda: "No system printer" in tab.report_notice.text(), timeout=WAIT_MS)


# --- the language -----------------------------------------------------------------------------
@pytest.mark.parametrize(("saved", "expected"), [(None, "zh_CN"), ("en", "en"), ("zh_CN", "zh_CN")])
def test_the_store_language_setting_wins_over_the_system_locale(
    qtbot, store: Store, saved: str | None, expected: str
) -> None:
    # Given a till whose system locale is C (English), and the store's setting
    if saved is not None:
        with store.app.db.write() as tx:
            settings.put(tx, "language", saved)
    # When the till starts without being told a language
    w = MainWindow(store.app)
    qtbot.addWidget(w)
    try:
        # Then it runs in the store's language, the one Settings shows as the default
        assert w.language.current == expected
        assert store.app.settings.read(120).language == expected
        label = "店长 (F9)" if expected == "zh_CN" else "Manager (F9)"
        assert w.manager_button.text() == label
    finally:
        w.session.close()
        w.language.set("en")


def test_saving_the_language_setting_switches_the_till(
    qtbot, store: Store, window: MainWindow
) -> None:
    # Given the store's language set to English, the till in English, the manager on Settings
    with store.app.db.write() as tx:
        settings.put(tx, "language", "en")
    manager_screen(qtbot, window)
    screen = window.manager_screen
    tab = screen.settings_tab
    screen.show_tab(tab)
    qtbot.waitUntil(lambda: tab.loaded is not None, timeout=WAIT_MS)
    settled(qtbot, window)  # every read the screen asked for has answered
    assert tab.language.currentText() == "English"
    # When the manager picks 简体中文 as the language and saves
    tab.language.setCurrentIndex(tab.language.findData("zh_CN"))
    qtbot.mouseClick(tab.save_button, CLICK)
    # Then the setting is saved and the till runs in it now: Settings and the UI agree
    qtbot.waitUntil(lambda: window.language.current == "zh_CN", timeout=WAIT_MS)
    try:
        assert store.app.ctx.setting("language") == "zh_CN"
        qtbot.waitUntil(lambda: window.manager_button.text() == "店长 (F9)", timeout=WAIT_MS)
        assert tab.language.currentText() == "简体中文"
        assert tab.notice.text() == "设置已保存。"
    finally:
        window.language.set("en")


@pytest.mark.parametrize("where", ["idle", "search", "refused"])
def test_f9_opens_the_pin_dialog_from_every_state(
    qtbot, store: Store, window: MainWindow, where: str
) -> None:
    till = window.till
    focus = till.scan
    if where != "idle":
        member = rich(store)
        scan(qtbot, window, store.card(member.member.member_id))
        shown(qtbot, window, member)
        focus = till.search
        if where == "refused":
            type_keys(qtbot, till.search, "zzzz")
            press(qtbot, till.search)
            qtbot.waitUntil(lambda: "No gift" in till.status.text(), timeout=WAIT_MS)
    qtbot.keyClick(focus, Qt.Key.Key_F9)
    assert window.pin_dialog is not None and window.pin_dialog.isVisible()


# --- the Void tab -----------------------------------------------------------------------------
def test_the_void_tab_says_none_only_when_there_are_none(
    qtbot, store: Store, window: MainWindow
) -> None:
    # Given no redemption yet today: the Void tab says so
    manager_screen(qtbot, window)
    screen = window.manager_screen
    tab = screen.void_tab
    screen.show_tab(tab)
    qtbot.waitUntil(lambda: "No redemptions today yet." in tab.notice.text(), timeout=WAIT_MS)
    # When a redemption is made and the tab is shown again
    app = store.app
    member = rich(store).member.member_id
    receipt = app.till.redeem(app.login("C01", "1111"), "r-1", member, (LineRequest("G101"),))
    assert isinstance(receipt, Receipt)
    screen.show_tab(screen.stock_tab)
    screen.show_tab(tab)
    # Then the list has it and nothing below it says there are none
    qtbot.waitUntil(lambda: len(tab.rows) == 1, timeout=WAIT_MS)
    assert tab.table.item(0, 1).text() == receipt.receipt_no
    assert "No redemptions" not in tab.notice.text()
