"""The till screen driven for real (pytest-qt, offscreen) on a demo store on a real SQLite file:
a signed member code scanned by keyboard-wedge keystrokes, a gift picked by the keyboard, the
redemption confirmed, the receipt committed and printed to the PDF archive; refusals worded for
the cashier; the customer display; switching language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from till_support import (
    T0,
    Store,
    press,
    scan,
    shown,
    type_keys,
)
from waits import WAIT_MS

from desktop.core.redemption import Refusal
from desktop.printing.backends import PrinterError
from desktop.services.till import LineRequest
from desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def rich(store: Store, tier: str = "gold", at_least: int = 4000):
    return store.member(
        lambda v: v.member.tier.value == tier and v.available >= at_least and not v.expiring
    )


# --- the whole path ---------------------------------------------------------------------------
def test_scan_pick_confirm_prints_the_receipt(qtbot, store: Store, window: MainWindow) -> None:
    till = window.till
    till.next_customer_ms = 400
    member = rich(store)
    # Given a member's signed card, when the scanner types it (focus in the scan field)
    scan(qtbot, window, store.card(member.member.member_id))
    # Then the member panel shows the masked name, the tier and the balance, and focus is in
    # the gift search, ready for the cashier to type
    shown(qtbot, window, member)
    assert till.member_panel.tier.text() == "Gold"
    assert till.member_balance.text() == f"{member.balance:,}"
    assert QApplication.focusWidget() is till.search
    # When the cashier types a few letters, Enter (adds the first match), Enter (confirms)
    type_keys(qtbot, till.search, "flask")
    press(qtbot, till.search)
    assert [(i.gift.gift_id, i.quantity) for i in till.basket.items] == [("G501", 1)]
    assert till.basket_view.points_after.text() == f"{member.balance - 500:,}"
    press(qtbot, till.search)
    # Then the redemption is committed: one row, 500 points, the receipt number on screen
    qtbot.waitUntil(lambda: till.receipt is not None, timeout=WAIT_MS)
    rows = store.rows("SELECT * FROM redemptions")
    assert len(rows) == 1 and rows[0]["points"] == 500
    assert rows[0]["member_id"] == member.member.member_id
    receipt_no = rows[0]["receipt_no"]
    assert receipt_no in till.status.text()
    assert f"{member.balance - 500:,}" in till.status.text()
    # and the receipt and greeting card are printed to the PDF archive, after the commit
    archive = store.app.printing.archive
    qtbot.waitUntil(lambda: archive.path_for("receipt", receipt_no).exists(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "Printed" in till.member_panel.notice.text(), timeout=WAIT_MS)
    assert archive.path_for("card", receipt_no).exists()
    # and the catalogue shows the stock that is left
    qtbot.waitUntil(lambda: till.catalogue.tiles["G501"].offer.stock == 34, timeout=WAIT_MS)
    assert till.catalogue.tiles["G501"].stock.text() == "Stock 34"
    # Then after a moment the till is ready for the next customer
    qtbot.waitUntil(lambda: till.view is None, timeout=WAIT_MS)
    assert till.basket.items == []
    assert "next customer" in till.status.text()


def test_touch_a_tile_and_pay_with_points_and_cash(qtbot, store: Store, window) -> None:
    till = window.till
    member = rich(store)
    scan(qtbot, window, store.card(member.member.member_id))
    shown(qtbot, window, member)
    # When the cashier touches the oil tile, taps + and chooses points + cash
    qtbot.mouseClick(till.catalogue.tiles["G503"], Qt.MouseButton.LeftButton)
    row = till.basket_view.rows[0]
    qtbot.mouseClick(row.plus, Qt.MouseButton.LeftButton)
    row = till.basket_view.rows[0]
    qtbot.mouseClick(row.pay.button(1), Qt.MouseButton.LeftButton)
    # Then the totals are 2 × (400 points + ¥20.00)
    assert till.basket_view.total_points.text() == "800"
    assert till.basket_view.total_cash.text() == "¥40.00"
    assert till.basket_view.points_after.text() == f"{member.balance - 800:,}"
    # and F12 confirms it as such
    press(qtbot, till.search, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: till.receipt is not None, timeout=WAIT_MS)
    (line,) = store.rows("SELECT * FROM redemption_lines")
    assert (line["gift_id"], line["quantity"], line["points_each"], line["cash_fen_each"]) == (
        "G503",
        2,
        400,
        2000,
    )
    # The customer display thanked the member, in Chinese and English
    assert "Thank you" in window.customer.title.text()
    assert "谢谢" in window.customer.title.text()
    assert till.receipt.receipt_no in window.customer.receipt.text()


def test_a_double_enter_deducts_once(qtbot, store: Store, window: MainWindow) -> None:
    till = window.till
    member = rich(store)
    scan(qtbot, window, store.card(member.member.member_id))
    shown(qtbot, window, member)
    type_keys(qtbot, till.search, "G101")
    press(qtbot, till.search)
    # When Enter comes twice in a row on the confirm
    press(qtbot, till.search)
    assert not till.confirm_button.isEnabled()  # disabled while the redemption runs
    press(qtbot, till.search)
    qtbot.waitUntil(lambda: till.receipt is not None, timeout=WAIT_MS)
    press(qtbot, till.search)
    store.app.printing.process()  # let printing finish before counting
    # Then there is one redemption, one request, and 100 points left the balance once
    assert len(store.rows("SELECT * FROM redemptions")) == 1
    assert len(store.rows("SELECT * FROM requests WHERE kind = 'redeem'")) == 1
    view = store.app.till.member_view(member.member.member_id)
    assert view.balance == member.balance - 100


def test_a_retry_after_a_lost_answer_deducts_once(
    qtbot, store: Store, window: MainWindow, monkeypatch
) -> None:
    till = window.till
    member = rich(store)
    real = store.app.till.redeem
    calls: list[str] = []

    def answer_lost(*args, **kwargs):
        calls.append(args[1])  # the request id
        result = real(*args, **kwargs)
        if len(calls) == 1:
            raise TimeoutError("the answer was lost")
        return result

    monkeypatch.setattr(store.app.till, "redeem", answer_lost)
    scan(qtbot, window, store.card(member.member.member_id))
    shown(qtbot, window, member)
    type_keys(qtbot, till.search, "G102")
    press(qtbot, till.search)
    press(qtbot, till.search)
    # Given the redemption committed but its answer never came back
    qtbot.waitUntil(lambda: "try again" in till.status.text(), timeout=WAIT_MS)
    assert till.state == "serving"
    # When the cashier presses Enter again
    press(qtbot, till.search)
    qtbot.waitUntil(lambda: till.receipt is not None, timeout=WAIT_MS)
    # Then the retry carried the same request id and was answered with the same receipt
    assert calls[0] == calls[1]
    assert till.receipt.replayed
    assert len(store.rows("SELECT * FROM redemptions")) == 1


# --- refusals ---------------------------------------------------------------------------------
def test_insufficient_points(qtbot, store: Store, window: MainWindow) -> None:
    till = window.till
    member = store.member(lambda v: v.member.tier.value == "regular" and 150 <= v.available < 500)
    scan(qtbot, window, store.card(member.member.member_id))
    shown(qtbot, window, member)
    # The 600-point rice is shown disabled, with the reason on the tile
    tile = till.catalogue.tiles["G502"]
    assert not tile.isEnabled()
    assert tile.reason.isVisible() and tile.reason.text() == "Not enough points (needs 600)"
    assert till.catalogue.tiles["G101"].isEnabled()
    # When the cashier adds bags with F8 beyond the balance and confirms
    type_keys(qtbot, till.search, "bag")
    press(qtbot, till.search)
    wanted = member.available // 100 + 1
    for _ in range(wanted - 1):
        press(qtbot, till.search, Qt.Key.Key_F8)
    assert till.basket.items[0].quantity == wanted
    press(qtbot, till.search, Qt.Key.Key_F12)
    # Then the refusal says why, in numbers, and nothing was written
    expected = f"Not enough points: {member.available:,} available, {wanted * 100:,} needed."
    qtbot.waitUntil(lambda: till.status.text() == expected, timeout=WAIT_MS)
    assert till.member_panel.message_kind() == "error"
    assert store.rows("SELECT * FROM redemptions") == []
    assert till.confirm_button.isEnabled()  # fix the basket and confirm again


def test_gifts_the_member_cannot_take_are_disabled_with_the_reason(
    qtbot, store: Store, window: MainWindow
) -> None:
    till = window.till
    member = rich(store, "gold", 9000)
    scan(qtbot, window, store.card(member.member.member_id))
    shown(qtbot, window, member)
    tiles = till.catalogue.tiles
    # Platinum-only, out of stock, and a Spring Festival gift in June
    reasons = {g: tiles[g].reason.text() for g in ("G5004", "G108", "G5007")}
    assert reasons == {
        "G5004": "Platinum members and above",
        "G108": "Out of stock",
        "G5007": "Not available now",
    }
    assert not any(tiles[g].isEnabled() for g in reasons)
    assert tiles["G5006"].isEnabled()  # the gold gift is open to gold
    # Searching for the platinum gift and Enter adds nothing
    type_keys(qtbot, till.search, "G5004")
    press(qtbot, till.search)
    assert till.basket.items == []
    assert "No gift the member can take" in till.status.text()
    # A filter by band and category narrows the grid; Esc clears the search
    press(qtbot, till.search, Qt.Key.Key_Escape)
    assert till.search.text() == ""
    # The search matches Chinese names too; Enter would add the first the member can take
    till.search.setText("保温杯")
    assert [o.gift.gift_id for o in till.catalogue.visible_offers()] == ["G108", "G501"]
    assert till.catalogue.first_match().gift.gift_id == "G501"
    till.search.clear()
    till.catalogue.bands.button(5000).click()
    till.catalogue.category.setCurrentIndex(till.catalogue.category.findData("vouchers"))
    assert [o.gift.gift_id for o in till.catalogue.visible_offers()] == ["G5006"]


def test_out_of_stock_at_confirm(qtbot, store: Store, window: MainWindow) -> None:
    till = window.till
    member = rich(store)
    scan(qtbot, window, store.card(member.member.member_id))
    shown(qtbot, window, member)
    # Given two mooncake boxes in the basket (4 in stock)
    type_keys(qtbot, till.search, "mooncake")
    press(qtbot, till.search)
    press(qtbot, till.search, Qt.Key.Key_F8)
    # When another till redeems three of them first
    other = store.member(
        lambda v: v.available >= 2400 and v.member.member_id != member.member.member_id
    )
    cashier = store.app.login("C02", "2222")
    line = (LineRequest("G504", 3),)
    done = store.app.till.redeem(cashier, "other-till", other.member.member_id, line)
    assert not isinstance(done, Refusal)
    press(qtbot, till.search, Qt.Key.Key_F12)
    # Then the refusal names the gift and the stock left
    qtbot.waitUntil(lambda: "out of stock" in till.status.text(), timeout=WAIT_MS)
    assert till.status.text() == "月饼礼盒 Mooncake gift box is out of stock: 1 left, 2 wanted."
    assert len(store.rows("SELECT * FROM redemptions")) == 1


@pytest.mark.parametrize("case", ["revoked", "forged", "phone expired", "phone used", "unknown"])
def test_refused_codes_are_worded_for_the_cashier(
    qtbot, store: Store, window: MainWindow, case: str
) -> None:
    till = window.till
    member_id = "M00000003"
    if case == "revoked":
        code = store.card(member_id, serial=1)
        store.app.setup.revoke_card(member_id, 1)
        expected = "Card revoked: ask for the new card."
    elif case == "forged":
        good = store.card(member_id)
        code = good[:-10] + ("A" if good[-10] != "A" else "B") + good[-9:]
        expected = "Forged code: the signature does not match. Do not redeem."
    elif case == "phone expired":
        code = store.phone(member_id).code(T0 - timedelta(minutes=5))
        expected = "Phone code expired: ask the member to refresh it."
    elif case == "phone used":
        code = store.phone(member_id).code(T0)
        store.app.till.identify(code)  # it was shown once already
        expected = "Code already used: ask the member to refresh the code."
    else:
        code = "M99999999"
        expected = "Unknown member or card number: check it and scan again."
    scan(qtbot, window, code)
    qtbot.waitUntil(lambda: till.status.text() == expected, timeout=WAIT_MS)
    assert till.member_panel.message_kind() == "error"
    assert till.view is None
    assert till.member_name.text() == "Scan the member's card or phone code"


# --- language and the customer display ---------------------------------------------------------
def test_switching_language_changes_the_till_to_chinese(
    qtbot, store: Store, window: MainWindow
) -> None:
    till = window.till
    member = rich(store)
    scan(qtbot, window, store.card(member.member.member_id))
    shown(qtbot, window, member)
    type_keys(qtbot, till.search, "G501")
    press(qtbot, till.search)
    # When the cashier switches to Chinese
    qtbot.mouseClick(window.language_button, Qt.MouseButton.LeftButton)
    # Then the till's labels, buttons, tiles and the tier badge are in Chinese
    assert window.language.current == "zh_CN"
    qtbot.waitUntil(lambda: till.confirm_button.text().startswith("确认兑换"), timeout=WAIT_MS)
    assert till.basket_view.title.text() == "兑换清单"
    assert till.member_panel.tier.text() == "金卡"
    assert till.member_panel.balance_caption.text() == "积分余额"
    assert till.catalogue.tiles["G108"].reason.text() == "已兑完"
    assert till.catalogue.tiles["G101"].stock.text() == "库存 120"
    assert till.catalogue.bands.button(0).text() == "全部"
    assert "积分" in till.basket_view.rows[0].total.text()
    # and back
    qtbot.mouseClick(window.language_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: till.confirm_button.text().startswith("Confirm"), timeout=WAIT_MS)


def test_the_customer_display_follows_the_till(qtbot, store: Store, window: MainWindow) -> None:
    display = window.customer
    # With one screen it is not shown (it is full screen on a second screen when there is one)
    assert not display.isVisible()
    assert "欢迎" in display.title.text() and "Welcome" in display.title.text()
    member = rich(store)
    scan(qtbot, window, store.card(member.member.member_id))
    shown(qtbot, window, member)
    type_keys(qtbot, window.till.search, "G501")
    press(qtbot, window.till.search)
    # Then it shows the masked name, the balance, the gift with its points and the points after
    assert member.member.masked_name in display.member.text()
    assert f"{member.balance:,}" in display.balance.text()
    assert display.view.lines[0].name_zh == "不锈钢保温杯"
    assert display.view.points == 500
    assert f"{member.balance - 500:,}" in display.after.text()
    assert "积分" in display.after_caption.text() and "Points after" in display.after_caption.text()
    # and Esc (with the search empty) clears the customer
    press(qtbot, window.till.search, Qt.Key.Key_Escape)
    assert display.view.empty


class JammedPrinter:
    """A receipt printer with its cover open: every job fails as a real one would."""

    name = "counter"

    def accepts(self, kind) -> bool:
        return kind == "receipt"

    def is_usable(self) -> bool:
        return True

    def print_job(self, job) -> None:
        raise PrinterError("cover open: close the printer cover")


def test_a_printer_fault_is_a_warning_and_the_redemption_stands(
    qtbot, store: Store, window: MainWindow
) -> None:
    till = window.till
    store.app.printing.add_backend(JammedPrinter())
    member = rich(store)
    scan(qtbot, window, store.card(member.member.member_id))
    shown(qtbot, window, member)
    type_keys(qtbot, till.search, "G101")
    press(qtbot, till.search)
    press(qtbot, till.search)
    qtbot.waitUntil(lambda: till.receipt is not None, timeout=WAIT_MS)
    # Then the printer's fault is shown as a warning, and the redemption is kept
    qtbot.waitUntil(lambda: till.member_panel.message_kind("notice") == "warn", timeout=WAIT_MS)
    assert "cover open" in till.member_panel.notice.text()
    assert "The redemption stands" in till.member_panel.notice.text()
    assert len(store.rows("SELECT * FROM redemptions")) == 1
    assert till.member_panel.message_kind() == "ok"
    # and the warning outlives the customer (the next one is served meanwhile)
    till.next_customer()
    assert till.member_panel.message_kind("notice") == "warn"
