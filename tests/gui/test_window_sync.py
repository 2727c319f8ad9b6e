"""The window owns the background sync loop: it starts with the window, the status bar follows
its rounds by signal (online, events waiting), "Sync now" wakes it instead of running a second
round beside it, and it stops when the window closes. Against a real `lantern headoffice
serve` process over HTTP (tests/e2e's fixtures)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e.conftest import HeadOfficeProcess, add_member, new_store, staff
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from waits import WAIT_MS

from desktop.services.app import StoreServices
from desktop.services.sync_loop import LoopStatus, SyncLoop
from desktop.services.till import LineRequest, Receipt
from desktop.ui.main_window import MainWindow
from headoffice.catalogue import load_catalogue
from headoffice.db import open_db
from headoffice.demo import CATALOGUE
from headoffice.engine import HeadOffice

pytestmark = [pytest.mark.gui, pytest.mark.headoffice]

MEMBER = "M00000001"
HOUR = 3600.0  # the loop's interval: within a test, a round runs only at start or when woken


@pytest.fixture
def connected(tmp_path: Path) -> Iterator[StoreServices]:
    """A new store connected to a real head office that knows one member and sent stock."""
    db = open_db(str(tmp_path / "headoffice.db"))
    office = HeadOffice(db)
    for gift in load_catalogue(CATALOGUE)[0]:
        office.admin.upsert_gift(gift)
    add_member(office, MEMBER, 1000)
    secret = office.admin.create_store("SH001", "Store SH001")
    office.admin.deliver("SH001", "G101", 5)
    server = HeadOfficeProcess(tmp_path / "headoffice.db", tmp_path / "headoffice.log")
    server.start()
    app = new_store(tmp_path / "store.db", "SH001", server.url, secret)
    yield app
    app.close()
    server.stop()
    db.close()


def test_the_window_runs_the_sync_loop_and_sync_now_wakes_it(
    qtbot, connected: StoreServices
) -> None:
    app = connected
    statuses: list[LoopStatus] = []
    # Given the till window with its sync loop (as `lantern app` opens it)
    w = MainWindow(app, language="en", sync_interval=HOUR)
    qtbot.addWidget(w)
    w.session.sync_changed.connect(statuses.append)
    w.show()
    loop = w.session.sync_loop
    assert loop is not None and loop.running
    # Then its first round runs at once, and the status bar says so without being polled
    qtbot.waitUntil(
        lambda: loop.rounds == 1 and bool(statuses) and not statuses[-1].syncing,
        timeout=WAIT_MS,
    )
    assert statuses[-1].last_error is None and statuses[-1].report is not None
    online = "Head office online · {n} events waiting to sync"
    qtbot.waitUntil(lambda: w.link_label.text() == online.format(n=0), timeout=WAIT_MS)
    # When the member redeems, the event waiting shows
    receipt = app.till.redeem(staff(app, "C01"), str(uuid.uuid4()), MEMBER, (LineRequest("G101"),))
    assert isinstance(receipt, Receipt)
    w.session.store_changed.emit()
    qtbot.waitUntil(lambda: w.link_label.text() == online.format(n=1), timeout=WAIT_MS)
    # When the manager presses "Sync now" on the sync tab
    w.session.logged_in(app.login("C01", "1111"))
    w.manager_screen.enter(app.login("M01", "9999", manager=True))
    w.stack.setCurrentWidget(w.manager_screen)
    tab = w.manager_screen.sync_tab
    w.manager_screen.show_tab(tab)
    qtbot.waitUntil(lambda: tab.status is not None and tab.sync_button.isEnabled(), timeout=WAIT_MS)
    qtbot.mouseClick(tab.sync_button, Qt.MouseButton.LeftButton)
    # Then the loop runs its second round (no round beside it) and sends the event
    qtbot.waitUntil(lambda: tab.notice.text().startswith("Synced"), timeout=WAIT_MS)
    assert "1 events sent" in tab.notice.text()
    assert loop.rounds == 2
    assert not w.session._manual_round
    qtbot.waitUntil(lambda: w.link_label.text() == online.format(n=0), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: tab.waiting.text() == "0", timeout=WAIT_MS)
    # When the window closes, the loop stops with it
    w.close()
    assert not loop.running


def test_the_till_started_as_lantern_app_stops_its_loop_with_the_window(
    connected: StoreServices,
) -> None:
    from desktop.ui.main import run

    seen: dict[str, object] = {}

    def look() -> None:  # inside the window's event loop
        windows = [
            x for x in QApplication.topLevelWidgets() if isinstance(x, MainWindow) and x.isVisible()
        ]
        loop = windows[0].session.sync_loop if len(windows) == 1 else None
        if loop is None or loop.rounds < 1:
            QTimer.singleShot(20, look)
            return
        seen.update(loop=loop, running=loop.running, error=loop.last and loop.last.last_error)
        windows[0].close()  # the window's own loop ends; the test's application goes on

    # Given `lantern app` on a connected store (the window and its sync loop, until closed)
    QTimer.singleShot(0, look)
    assert run(connected, None, HOUR) == 0
    # Then the window's loop ran a round against head office while it was open, and stopped
    loop = seen["loop"]
    assert isinstance(loop, SyncLoop)
    assert seen["running"] is True and seen["error"] is None
    assert not loop.running
