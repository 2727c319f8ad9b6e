"""The manager's stock tab with stock intelligence (pytest-qt, offscreen, a real demo store):
the low-stock alert derived from the redemption rate is shown with the rate, a manager asks
head office for more (one request, read back from the outbox), and the turnover report is
written with its slow movers (the PDF read back)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from test_manager import open_window
from waits import WAIT_MS

from desktop.services.app import StoreServices
from desktop.services.sync_apply import _apply_settings
from desktop.services.till import LineRequest, Receipt

pytestmark = pytest.mark.gui

CLICK = Qt.MouseButton.LeftButton
POLICY = {"safety_share_permille": 1000, "rate_window_days": 10, "projection_days": 30}


@pytest.fixture
def app(demo_path: Path) -> Iterator[StoreServices]:
    services = StoreServices.open(demo_path)
    yield services
    services.close()


def test_the_derived_alert_and_a_replenishment_request(qtbot, app: StoreServices) -> None:
    # Given head office's policy (alert: all of 30 days' projected redemptions) and 3 of
    # G1004 redeemed today: 8 → 5 on hand, 9 projected, alert at 9 (its own: 2)
    with app.db.write() as conn:
        problems: list[str] = []
        _apply_settings(conn, {"stock_policy": POLICY}, problems)
        assert problems == []
    cashier = app.login("C01", "1111")
    receipt = app.till.redeem(cashier, str(uuid.uuid4()), "M00000044", (LineRequest("G1004", 3),))
    assert isinstance(receipt, Receipt)
    w = open_window(qtbot, app)
    try:
        tab = w.manager_screen.stock_tab
        w.manager_screen.show_tab(tab)
        qtbot.waitUntil(lambda: tab.select_gift("G1004"), timeout=WAIT_MS)
        row = tab.table.currentRow()
        # Then the tab shows the derived alert and the rate it comes from
        assert tab.table.item(row, 3).text() == "9"
        assert tab.table.item(row, 4).text() == "3 in 10 d"
        assert "Redeemed 3 in the last 10 days" in tab.rate.text()
        assert "Alert at 9 (the gift's own: 2)" in tab.rate.text()
        lows = [tab.low.item(i).text() for i in range(tab.low.count())]
        assert any(t.startswith("G1004") and "5 left (alert at 9)" in t for t in lows)
        # and offers to ask for the projected redemptions less the stock: 9 − 5
        assert tab.request_qty.value() == 4
        assert tab.request_state.text() == "Nothing requested yet."
        # When the manager asks head office for 6, with a note
        tab.request_qty.setValue(6)
        tab.request_note.setText("before the festival")
        qtbot.mouseClick(tab.request_button, CLICK)
        qtbot.waitUntil(
            lambda: "Asked head office for 6 of G1004" in tab.notice.text(), timeout=WAIT_MS
        )
        # Then one replenishment event is in the outbox, as the tab asked
        events = app.db.query("SELECT payload FROM outbox WHERE kind = 'replenishment'")
        assert len(events) == 1
        payload = json.loads(events[0][0])
        assert (payload["gift_id"], payload["quantity"], payload["stock"]) == ("G1004", 6, 5)
        assert (payload["threshold"], payload["note"]) == (9, "before the festival")
        # and the tab says it is pending, and does not offer to ask again
        qtbot.waitUntil(
            lambda: tab.select_gift("G1004") and "pending" in tab.request_state.text(),
            timeout=WAIT_MS,
        )
        assert "requested 6 on" in tab.request_state.text()
        assert not tab.request_button.isEnabled()
        lows = [tab.low.item(i).text() for i in range(tab.low.count())]
        assert any(t.startswith("G1004") and "requested 6 on" in t for t in lows)

        # When the manager writes the turnover report
        qtbot.mouseClick(tab.turnover_button, CLICK)
        qtbot.waitUntil(lambda: "Turnover report written" in tab.notice.text(), timeout=WAIT_MS)
        # Then the slow movers are listed (never redeemed, in stock), G1004 is not one
        slow = [tab.slow.item(i).text() for i in range(tab.slow.count())]
        assert any(t.startswith("G105 ") for t in slow)
        assert not any(t.startswith("G1004 ") for t in slow)
        assert not tab.turnover_progress.isVisible()
        pdf = Path(tab.turnover_paths.text().splitlines()[0].removeprefix("PDF: "))
        text = "".join(p.extract_text() for p in PdfReader(str(pdf)).pages)
        assert "库存周转报表" in text and "G1004" in text
    finally:
        w.session.close()
