"""The blessing line at the till's confirm step: typed into the basket's blessing box, it is
stored with the redemption (never sent to head office) and printed on the greeting card; a
blessing too long or with a control character is refused with what to fix, and nothing is
redeemed."""

from __future__ import annotations

import json

import pytest
from pypdf import PdfReader
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit
from till_support import Store, press, scan, shown, type_keys
from waits import WAIT_MS

from desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def ime_commit(qtbot, widget: QLineEdit, text: str) -> None:
    """What a Chinese input method sends when the cashier picks the characters."""
    before = widget.text()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)
    qtbot.waitUntil(lambda: widget.text() == before + text, timeout=WAIT_MS)


def _serve(qtbot, store: Store, window: MainWindow):
    till = window.till
    till.next_customer_ms = 60_000
    member = store.member(
        lambda v: v.member.tier.value == "gold" and v.available >= 4000 and not v.expiring
    )
    scan(qtbot, window, store.card(member.member.member_id))
    shown(qtbot, window, member)
    type_keys(qtbot, till.search, "flask")
    press(qtbot, till.search)
    assert [i.gift.gift_id for i in till.basket.items] == ["G501"]
    return till, member


def test_a_blessing_typed_at_confirm_prints_on_the_card(
    qtbot, store: Store, window: MainWindow
) -> None:
    till, member = _serve(qtbot, store, window)
    # When the cashier types the member's blessing and presses Enter in the box
    box = till.basket_view.blessing
    assert box.isEnabled()
    box.setFocus()
    ime_commit(qtbot, box, "  祝妈妈身体健康")  # Chinese comes from the input method
    type_keys(qtbot, box, " Love you  ")
    press(qtbot, box)
    # Then the redemption is committed with the blessing, trimmed
    qtbot.waitUntil(lambda: till.receipt is not None, timeout=WAIT_MS)
    rows = store.rows("SELECT receipt_no, blessing FROM redemptions")
    assert [r["blessing"] for r in rows] == ["祝妈妈身体健康 Love you"]
    receipt_no = rows[0]["receipt_no"]
    # and it stays at the store: the redemption event does not carry it
    events = store.rows("SELECT payload FROM outbox WHERE kind = 'redemption'")
    assert len(events) == 1
    assert "祝妈妈" not in events[0]["payload"]
    assert "blessing" not in json.loads(events[0]["payload"])
    # and the greeting card printed to the archive carries it
    card = store.app.printing.archive.path_for("card", receipt_no)
    qtbot.waitUntil(card.exists, timeout=WAIT_MS)
    text = PdfReader(card).pages[0].extract_text()
    assert "祝妈妈身体健康 Love you" in text
    assert member.member.name in text
    # and the box is empty for the next customer
    till.next_customer()
    qtbot.waitUntil(lambda: till.view is None, timeout=WAIT_MS)
    assert till.basket_view.blessing.text() == ""


@pytest.mark.parametrize(
    ("blessing", "says"),
    [
        ("福" * 25, "too long (50 columns, at most 48"),
        ("祝你\x07快乐", "unprintable character (U+0007)"),
        ("生日快乐😀", "cannot print 😀"),
    ],
    ids=["too-long", "control-character", "not-in-the-font"],
)
def test_a_bad_blessing_is_refused_and_nothing_is_redeemed(
    qtbot, store: Store, window: MainWindow, blessing: str, says: str
) -> None:
    till, _member = _serve(qtbot, store, window)
    balance_before = store.rows("SELECT COUNT(*) AS n FROM points_ledger")[0]["n"]
    till.basket_view.blessing.setText(blessing)
    press(qtbot, till.search)  # Enter in the empty search confirms
    qtbot.waitUntil(lambda: says in till.status.text(), timeout=WAIT_MS)
    assert "Not recorded" in till.status.text()
    assert "try again" not in till.status.text()  # a retry as it is cannot help
    assert till.receipt is None
    assert store.rows("SELECT COUNT(*) AS n FROM redemptions")[0]["n"] == 0
    assert store.rows("SELECT COUNT(*) AS n FROM points_ledger")[0]["n"] == balance_before
    # the basket and the blessing stay, to be fixed; a fixed blessing then goes through
    assert [i.gift.gift_id for i in till.basket.items] == ["G501"]
    till.basket_view.blessing.setText("福" * 24)
    press(qtbot, till.search)
    qtbot.waitUntil(lambda: till.receipt is not None, timeout=WAIT_MS)
    assert [r["blessing"] for r in store.rows("SELECT blessing FROM redemptions")] == ["福" * 24]
