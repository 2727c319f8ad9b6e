"""The manager's paper-voucher tab on the real window (pytest-qt, offscreen) against a demo
store on a real SQLite file: a voucher keyed in appears in the list and in the database,
the same number again is refused with nothing changed, a mistyped number is refused, and a
member whose points no longer cover a voucher is recorded only once the overdraft is
confirmed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from test_manager import open_window
from waits import WAIT_MS

from desktop.core.vouchers import make_voucher_no
from desktop.services.app import StoreServices
from desktop.ui.tabs.voucher_tab import VoucherTab

pytestmark = pytest.mark.gui

CLICK = Qt.MouseButton.LeftButton


@pytest.fixture
def app(demo_path: Path) -> Iterator[StoreServices]:
    services = StoreServices.open(demo_path)
    yield services
    services.close()


def fill(tab: VoucherTab, voucher: str, member: str, gifts: str) -> None:
    written = datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(minutes=40)
    tab.voucher_no.setText(voucher)
    tab.member.setText(member)
    tab.gifts.setText(gifts)
    tab.written_at.setText(f"{written:%Y-%m-%d %H:%M}")
    tab.written_by.setText("C01")


def keyed(app: StoreServices) -> list[tuple[str, int]]:
    return [
        (r[0], r[1])
        for r in app.db.query("SELECT voucher_no, overdraft FROM paper_vouchers ORDER BY 1")
    ]


def test_key_in_a_voucher_a_duplicate_is_refused_an_overdraft_is_confirmed(
    qtbot, app: StoreServices
) -> None:
    poor = app.db.scalar(
        "SELECT member_id FROM members WHERE status = 'active' AND balance BETWEEN 1 AND 499 "
        "ORDER BY member_id LIMIT 1"
    )
    pv1, pv2 = make_voucher_no(1), make_voucher_no(2)
    w = open_window(qtbot, app)
    try:
        tab = w.manager_screen.voucher_tab
        w.manager_screen.show_tab(tab)
        # When the manager keys in a voucher for two bags
        fill(tab, pv1, "M00000001", "G101:2")
        qtbot.mouseClick(tab.key_in_button, CLICK)
        qtbot.waitUntil(lambda: tab.table.rowCount() == 1, timeout=WAIT_MS)
        # Then it is a receipt, listed, and recorded
        assert f"Voucher {pv1} keyed in as receipt" in tab.notice.text()
        assert tab.table.item(0, 0).text() == pv1
        assert tab.table.item(0, 6).text() == "200"
        assert keyed(app) == [(pv1, 0)]
        assert tab.voucher_no.text() == ""  # the form is ready for the next paper
        # When the same number is keyed in again: refused, saying which receipt it is
        receipt = tab.table.item(0, 1).text()
        fill(tab, pv1, "M00000001", "G101")
        qtbot.mouseClick(tab.key_in_button, CLICK)
        qtbot.waitUntil(lambda: "Not keyed in" in tab.notice.text(), timeout=WAIT_MS)
        assert "already keyed in" in tab.notice.text() and receipt in tab.notice.text()
        assert keyed(app) == [(pv1, 0)]
        # When a mistyped number is keyed in: refused before anything is looked up
        tab.voucher_no.setText("PV0000019")
        qtbot.mouseClick(tab.key_in_button, CLICK)
        qtbot.waitUntil(lambda: "check digit" in tab.notice.text(), timeout=WAIT_MS)
        # When a member's points no longer cover the voucher: asked, nothing recorded yet
        fill(tab, pv2, poor, "G501")
        qtbot.mouseClick(tab.key_in_button, CLICK)
        qtbot.waitUntil(tab.confirm.isVisible, timeout=WAIT_MS)
        assert "no longer cover" in tab.confirm_text.text()
        assert keyed(app) == [(pv1, 0)]
        # cancelled: still nothing; asked again and confirmed: recorded as debt
        qtbot.mouseClick(tab.confirm_no, CLICK)
        assert not tab.confirm.isVisible() and keyed(app) == [(pv1, 0)]
        qtbot.mouseClick(tab.key_in_button, CLICK)
        qtbot.waitUntil(tab.confirm.isVisible, timeout=WAIT_MS)
        qtbot.mouseClick(tab.confirm_yes, CLICK)
        qtbot.waitUntil(lambda: tab.table.rowCount() == 2, timeout=WAIT_MS)
        assert "recorded as the member's debt" in tab.notice.text()
        ((_, overdraft),) = [k for k in keyed(app) if k[0] == pv2]
        balance = app.db.scalar("SELECT balance FROM members WHERE member_id = ?", (poor,))
        assert overdraft > 0 and balance == -overdraft
        assert tab.table.item(1, 7).text() == str(overdraft)
    finally:
        w.session.close()
