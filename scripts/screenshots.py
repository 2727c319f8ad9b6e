"""Regenerate the till screenshots in docs/screenshots/, in Simplified Chinese and English.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [OUT_DIR]

A demo store on a fixed day with a head-office key, the real MainWindow rendered offscreen
(widget.grab): the log-in screen, the till after a member's card was scanned and two gifts
put in the basket, and the customer display; then what a new cashier and manager meet
(issue #15): going on with the member after a sale, F9 after a sale (the PIN dialog drawn
over the till), a refused code that is not echoed, the Void tab, a large delivery asked
about, a malformed head-office address refused and a bad one shown, the day closed with
its closing reconciliation, and the till on a closed day; then the gift programme (issue
#12): a dormant member's welcome-back prompt with points expiring soon, a coupon among the
gifts, a risk rule asking for a second verification, the stock tab's derived alert, and a
paper voucher keyed in."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop.services.app import StoreServices
from desktop.services.demo import build_demo
from desktop.store import sync_state
from desktop.ui.main import application
from desktop.ui.main_window import MainWindow
from desktop.ui.qt import QApplication, QPainter, QPixmap, QWidget
from headoffice.issuing import KeyFile, issue_card

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 10, 15, 20, tzinfo=SH)


def wait(qapp: QApplication, until: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not until():
        qapp.processEvents()
        if time.monotonic() > deadline:
            raise RuntimeError("the window did not get there in time")
        time.sleep(0.005)
    for _ in range(20):
        qapp.processEvents()


def over(window: QWidget, dialog: QWidget) -> QPixmap:
    """The window with a dialog drawn over its middle, as the person sees it."""
    shot = window.grab()
    top = dialog.grab()
    painter = QPainter(shot)
    painter.drawPixmap((shot.width() - top.width()) // 2, (shot.height() - top.height()) // 3, top)
    painter.end()
    return shot


def first_day(qapp: QApplication, w: MainWindow, app: StoreServices, code: str, out: Path) -> None:
    """The states issue #15 fixed, one screenshot each (`w` shows the basket of two gifts)."""
    lang = w.language.current
    till = w.till
    till.next_customer_ms = 3_600_000  # the after-sale state stays for the shots
    till.confirm()
    wait(qapp, lambda: till.state == "done")
    till.search.setText("G101")
    till.on_search_enter()  # another gift for the same member, after the sale
    wait(qapp, lambda: till.state == "serving" and len(till.basket.items) == 1)
    w.grab().save(str(out / f"till-after-sale-{lang}.png"))
    till.confirm()
    wait(qapp, lambda: till.state == "done")
    w.open_manager()  # F9 in the after-sale state: the PIN dialog, at once
    dialog = w.pin_dialog
    assert dialog is not None
    wait(qapp, lambda: dialog.manager.count() > 0)
    over(w, dialog).save(str(out / f"pin-after-sale-{lang}.png"))
    dialog.reject()
    till.next_customer()
    till.scan.setText("9999")  # a PIN typed into the scan field
    till.on_scan()
    wait(qapp, lambda: till.member_panel.message_kind() == "error")
    w.grab().save(str(out / f"till-refused-code-{lang}.png"))

    w.open_manager()
    dialog = w.pin_dialog
    assert dialog is not None
    dialog.set_manager("M01")
    dialog.submit("9999")
    screen = w.manager_screen
    wait(qapp, lambda: w.stack.currentWidget() is screen)
    wait(qapp, lambda: len(screen.void_tab.rows) >= 2)
    w.grab().save(str(out / f"manager-void-{lang}.png"))

    stock = screen.stock_tab
    screen.show_tab(stock)
    wait(qapp, lambda: stock.select_gift("G105") and stock.receive_button.isEnabled())
    stock.receive_qty.setValue(110)
    stock.receive()
    wait(qapp, stock.confirm.isVisible)
    w.grab().save(str(out / f"manager-stock-confirm-{lang}.png"))
    stock.confirm_no.click()

    app.sync.connect("http://127.0.0.1:8765", app.ctx.store_id, "demo-secret")
    settings = screen.settings_tab
    screen.show_tab(settings)
    wait(qapp, lambda: settings.loaded is not None and settings.headoffice.isEnabled())
    settings.headoffice.setText("http://127.0.0.1:1http://127.0.0.1:8765")
    settings.save()
    w.grab().save(str(out / f"manager-settings-address-{lang}.png"))
    with app.db.write() as tx:  # an address from an older version, never checked
        sync_state.put_connection(
            tx, sync_state.Connection("http://127.0.0.1:1http://x", app.ctx.store_id, "s")
        )
    screen.show_tab(screen.sync_tab)
    w.session.sync_now()
    wait(qapp, lambda: "http" in screen.sync_tab.last_error.text())
    wait(qapp, lambda: "#b3261e" in w.link_label.styleSheet())
    w.grab().save(str(out / f"manager-sync-bad-address-{lang}.png"))

    day = screen.day_tab
    screen.show_tab(day)
    wait(qapp, day.close_button.isEnabled)
    day.ask_close()
    day.close_day()
    wait(qapp, day.print_button.isVisible, timeout=60)
    w.grab().save(str(out / f"manager-day-closed-{lang}.png"))

    w.back_to_till()
    w.on_scanned(code)
    wait(qapp, lambda: till.state == "serving")
    till.search.setText("G101")
    till.on_search_enter()
    wait(qapp, lambda: till.member_panel.message_kind() == "error")
    w.grab().save(str(out / f"till-day-closed-{lang}.png"))


def programme(
    qapp: QApplication, language: str, keys: KeyFile, key_id: int, tmp: Path, out: Path
) -> None:
    """The gift programme's states (issue #12), on a store of their own."""
    from datetime import timedelta

    from desktop.core.catalogue import CouponTerms, Gift, GiftId, GiftKind, Price
    from desktop.core.vouchers import make_voucher_no
    from desktop.store import catalogue, journeys, settings

    path = tmp / f"programme-{language}.db"
    build_demo(path, members=60, clock=lambda: NOW).close()
    app = StoreServices(StoreServices.open(path, clock=lambda: NOW).db, lambda: NOW)
    app.setup.add_issuer_key(keys.keys[key_id].issuer_key())
    member = max(
        r[0]
        for r in app.db.query(
            "SELECT member_id FROM members WHERE status = 'active' AND balance BETWEEN 3000 AND 6000"
        )
    )
    app.setup.set_card_serial(member, 1)
    code = issue_card(keys, member, 1, NOW.date())
    coupon = Gift(
        GiftId("C300"), "满300减80券", "¥80 off ¥300", "coupon", (Price(800),),
        kind=GiftKind.COUPON, coupon=CouponTerms(30000, 8000, 7),
    )  # fmt: skip
    with app.db.write() as conn:  # head office last saw the member 120 days ago
        last = NOW.date() - timedelta(days=120)
        journeys.from_headoffice(conn, member, last, True, (), NOW.isoformat())
        settings.put(conn, "risk_rules", {"second_verification": {"points_over": 1000}})
        catalogue.upsert_gift(conn, coupon)
        catalogue.move_stock(conn, "C300", 20, "receive", "shot-1", NOW.isoformat(), "M01")
    w = MainWindow(app, language=language)
    w.resize(1180, 760)
    w.show()
    wait(qapp, lambda: w.login.staff_list.count() > 0)
    w.session.logged_in(app.login("C01", "1111"))
    till = w.till
    wait(qapp, lambda: len(till.catalogue.tiles) > 0)
    w.on_scanned(code)
    wait(qapp, lambda: len(till.member_panel.journey_buttons) > 0)
    w.grab().save(str(out / f"till-journey-{language}.png"))
    till.search.setText("G1001")  # 1 200 points on a printed card: over the rule's 1 000
    till.on_search_enter()
    wait(qapp, lambda: len(till.basket.items) == 1)
    till.confirm()
    wait(qapp, lambda: w.pin_dialog is not None)
    dialog = w.pin_dialog
    assert dialog is not None
    wait(qapp, lambda: dialog.manager.count() > 0)
    over(w, dialog).save(str(out / f"till-verification-{language}.png"))
    dialog.reject()

    w.open_manager()
    dialog = w.pin_dialog
    assert dialog is not None
    dialog.set_manager("M01")
    dialog.submit("9999")
    screen = w.manager_screen
    wait(qapp, lambda: w.stack.currentWidget() is screen)
    stock = screen.stock_tab
    screen.show_tab(stock)
    wait(qapp, lambda: stock.select_gift("G101"))
    w.grab().save(str(out / f"manager-stock-alert-{language}.png"))
    tab = screen.voucher_tab
    screen.show_tab(tab)
    tab.voucher_no.setText(make_voucher_no(1024))
    tab.member.setText(member)
    tab.gifts.setText("G101:2")
    tab.written_at.setText(f"{NOW - timedelta(hours=2):%Y-%m-%d %H:%M}")
    tab.written_by.setText("C01")
    tab.key_in()
    wait(qapp, lambda: tab.table.rowCount() == 1)
    w.grab().save(str(out / f"manager-vouchers-{language}.png"))
    w.close()
    app.close()
    for _ in range(20):
        qapp.processEvents()


def main() -> int:
    qapp = application()  # as the till starts: the shipped CJK font, whatever the system has
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        keys = KeyFile(Path(tmp) / "keys.json")
        key = keys.new_key(NOW.date())
        for language in ("zh_CN", "en"):
            path = Path(tmp) / f"demo-{language}.db"  # a store each: the day gets closed
            build_demo(path, members=60, clock=lambda: NOW).close()
            app = StoreServices(StoreServices.open(path, clock=lambda: NOW).db, lambda: NOW)
            app.setup.add_issuer_key(key.issuer_key())
            member = max(
                (
                    r[0]
                    for r in app.db.query(
                        "SELECT member_id FROM members WHERE status = 'active' AND balance BETWEEN 3000 AND 6000"
                    )
                ),
                default="M00000001",
            )
            app.setup.set_card_serial(member, 1)
            code = issue_card(keys, member, 1, NOW.date())
            w = MainWindow(app, language=language)
            w.resize(1180, 760)
            w.show()
            suffix = language
            wait(qapp, lambda w=w: w.login.staff_list.count() > 0)
            w.grab().save(str(out / f"login-{suffix}.png"))
            w.session.logged_in(app.login("C01", "1111"))
            wait(qapp, lambda w=w: len(w.till.catalogue.tiles) > 0)
            w.on_scanned(code)
            wait(qapp, lambda w=w: w.till.member_name.text() not in ("", "—"))
            for gift in ("G501", "G104"):
                w.till.search.setText(gift)
                w.till.on_search_enter()
                for _ in range(30):
                    qapp.processEvents()
            w.till.search.clear()
            wait(qapp, lambda: True)
            w.grab().save(str(out / f"till-{suffix}.png"))
            w.customer.resize(1024, 600)
            w.customer.grab().save(str(out / f"customer-display-{suffix}.png"))
            first_day(qapp, w, app, code, out)
            w.close()
            app.close()
            for _ in range(20):
                qapp.processEvents()
            programme(qapp, language, keys, key.key_id, Path(tmp), out)
    for p in sorted(out.glob("*.png")):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
