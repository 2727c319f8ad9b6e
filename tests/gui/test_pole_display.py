"""The pole display driven by the real till window (pytest-qt, offscreen): the store's
"pole_display" setting names a (fake) display, and what the customer display shows reaches
it as bytes, off the GUI thread, through scan → gift → confirm → thanks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from till_support import SlowClock, Store, press, scan, shown, type_keys
from waits import WAIT_MS

from desktop.printing.fake_pole import FakePole
from desktop.services.display import set_pole_display
from desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, store: Store) -> Iterator[MainWindow]:
    # Given a store with a pole display configured before the till starts
    set_pole_display(store.app.ctx, "dummy")
    w = MainWindow(store.app, language="en")
    qtbot.addWidget(w)
    w.wedge.clock = SlowClock()
    w.show()
    qtbot.waitExposed(w)
    w.session.logged_in(store.app.login("C01", "1111"))
    qtbot.waitUntil(lambda: len(w.till.catalogue.tiles) == 31, timeout=WAIT_MS)
    yield w
    w.close()


def screen(window: MainWindow) -> tuple[str, str]:
    pole = window.customer.pole
    assert pole is not None and isinstance(pole.transport, FakePole)
    return tuple(line.strip() for line in pole.transport.screen)  # type: ignore[return-value]


def test_the_pole_display_follows_the_till(qtbot, store: Store, window: MainWindow) -> None:
    # The display welcomes whoever comes (in Chinese: the setting's default charset)
    qtbot.waitUntil(lambda: screen(window)[0] == "欢迎光临 Welcome", timeout=WAIT_MS)
    member = store.member(lambda v: v.available >= 2000 and not v.expiring)
    # When the cashier scans the member's card
    scan(qtbot, window, store.card(member.member.member_id))
    shown(qtbot, window, member)
    # Then the pole shows the masked name and the balance, never the full name
    qtbot.waitUntil(lambda: screen(window)[1].startswith("积分余额"), timeout=WAIT_MS)
    first, second = screen(window)
    assert first.startswith("会员") and first.endswith(member.member.masked_name)
    assert second.endswith(f"{member.balance:,}")
    pole = window.customer.pole
    assert pole is not None and isinstance(pole.transport, FakePole)
    assert member.member.name.encode("gb18030") not in pole.transport.output
    # When a flask is added and paid with points + cash (F6)
    type_keys(qtbot, window.till.search, "G501")
    press(qtbot, window.till.search)
    press(qtbot, window.till.search, Qt.Key.Key_F6)
    # Then the pole shows the total with the cash and the points after
    after = member.balance - 300
    qtbot.waitUntil(lambda: screen(window)[0] == "合计   300分+￥15.00", timeout=WAIT_MS)
    assert screen(window)[1] == f"兑换后余额{after:>10,}"  # 5 Han characters: 10 columns
    # When the cashier confirms, Then the pole thanks the member with the points left
    press(qtbot, window.till.search)
    qtbot.waitUntil(lambda: screen(window)[0] == "谢谢光临 Thank you!", timeout=WAIT_MS)
    assert screen(window)[1].endswith(f"{after:,}")
    assert pole.transport.unknown == [] and pole.transport.opened == 1
