"""A store whose sync head office refuses (restored from an old backup): the window says so
plainly, and the manager's sync tab offers the way out — recover, back up, stop redemptions
meanwhile (pytest-qt, offscreen, demo store on a real file)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_manager import CLICK, open_window
from waits import WAIT_MS

from desktop.services.app import StoreServices
from desktop.services.context import REFUSED, REFUSED_POLICY
from desktop.store import settings

pytestmark = pytest.mark.gui


@pytest.fixture
def app(demo_path: Path) -> Iterator[StoreServices]:
    services = StoreServices.open(demo_path)
    yield services
    services.close()


def test_refused_sync_is_said_plainly_and_the_sync_tab_offers_the_way_out(
    qtbot, app: StoreServices, tmp_path: Path
) -> None:
    # Given a store whose last sync head office refused (its head office is down now)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app.sync.connect(f"http://127.0.0.1:{port}", "SH001", "s3cret")
    with app.db.write() as conn:
        settings.put(conn, REFUSED, "head office holds a different version of events")
        settings.put(conn, "backup_folder", str(tmp_path / "bk"))
    w = open_window(qtbot, app)
    try:
        # Then the status bar says so plainly
        qtbot.waitUntil(lambda: "SYNC REFUSED" in w.link_label.text(), timeout=WAIT_MS)
        tab = w.manager_screen.sync_tab
        w.manager_screen.show_tab(tab)
        qtbot.waitUntil(lambda: tab.status is not None, timeout=WAIT_MS)
        assert "SYNC REFUSED" in tab.state.text()
        assert tab.recover_button.isEnabled() and not tab.stop_box.isChecked()
        # When the manager stops redemptions meanwhile, the choice is kept
        qtbot.mouseClick(tab.stop_box, CLICK)
        qtbot.waitUntil(lambda: app.ctx.setting(REFUSED_POLICY) == "stop", timeout=WAIT_MS)
        # When the manager backs up now, the backup is written
        qtbot.mouseClick(tab.backup_button, CLICK)
        qtbot.waitUntil(lambda: "Backed up to" in tab.notice.text(), timeout=WAIT_MS)
        assert len(list((tmp_path / "bk").glob("*.db"))) == 1
        # When the manager recovers while head office does not answer, it says why
        qtbot.mouseClick(tab.recover_button, CLICK)
        qtbot.waitUntil(lambda: "Recovery failed" in tab.notice.text(), timeout=WAIT_MS * 3)
        assert "unreachable" in tab.notice.text()
    finally:
        w.session.close()
