"""The till never queues a scan behind I/O: store work runs on the database lane, printing and
sync rounds on the I/O lane or the sync loop's thread. Each test holds a real TCP port silent
(a printer or head office that takes the connection and never answers) until the next
member has been shown, then lets it go: with one shared lane the member would wait behind
the silent port, and the test would time out."""

from __future__ import annotations

from typing import Any

import pytest
from till_support import Blackhole, Store, press, scan, shown, type_keys
from waits import WAIT_MS

from desktop.printing.backends import EscPosPrinter, EscPosSpec, open_escpos
from desktop.services.sync_loop import LoopStatus
from desktop.sync.client import HeadOfficeClient
from desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.gui

SILENT_SECONDS = 60  # the clients' timeout here: far longer than any test waits for a member


def two_members(store: Store) -> tuple[Any, Any]:
    first = store.member(lambda v: v.available >= 500)
    second = store.member(lambda v: v.member.member_id != first.member.member_id)
    return first, second


def test_a_scan_is_served_while_the_network_printer_is_silent(
    qtbot, store: Store, window: MainWindow
) -> None:
    till = window.till
    silent = Blackhole()
    spec = f"network:127.0.0.1:{silent.port}"
    store.app.printing.add_backend(
        EscPosPrinter(spec, opener=lambda: open_escpos(EscPosSpec.parse(spec), SILENT_SECONDS))
    )
    outcomes: list[str] = []
    till.checkout.printed.connect(lambda receipt_no, _: outcomes.append(receipt_no))
    till.checkout.print_failed.connect(lambda receipt_no, _: outcomes.append(receipt_no))
    first, second = two_members(store)
    try:
        # Given a redemption whose receipt is being printed on a printer that does not answer
        scan(qtbot, window, store.card(first.member.member_id))
        shown(qtbot, window, first)
        type_keys(qtbot, till.search, "G101")
        press(qtbot, till.search)
        press(qtbot, till.search)
        qtbot.waitUntil(lambda: till.receipt is not None, timeout=WAIT_MS)
        receipt_no = till.receipt.receipt_no
        qtbot.waitUntil(silent.waiting, timeout=WAIT_MS)
        # When the next customer's card is scanned
        scan(qtbot, window, store.card(second.member.member_id))
        # Then the member is shown while the printer still has not answered
        shown(qtbot, window, second)
        assert outcomes == []
        assert "Printing" in till.member_panel.notice.text()
    finally:
        silent.release()
    # and once the printer fails, the failure is reported and the redemption stands
    qtbot.waitUntil(lambda: outcomes == [receipt_no], timeout=WAIT_MS)
    (job,) = [j for j in store.app.printing.pending() if j.backend == spec]
    assert job.status == "failed" and job.last_error
    assert len(store.rows("SELECT * FROM redemptions")) == 1


def test_a_scan_is_served_while_a_sync_round_waits_on_a_silent_head_office(
    qtbot, store: Store, window: MainWindow
) -> None:
    silent = Blackhole()
    app = store.app
    app.sync.client_factory = lambda url, sid, secret: HeadOfficeClient(
        url, sid, secret, SILENT_SECONDS, attempts=1
    )
    app.sync.connect(f"http://127.0.0.1:{silent.port}", "SH001", "s3cret")
    statuses: list[LoopStatus] = []
    window.session.sync_changed.connect(statuses.append)
    first, _ = two_members(store)
    try:
        # Given "Sync now" (no background loop in this window: the round runs on the I/O
        # lane) against a head office that takes the connection and never answers
        window.session.sync_now()
        qtbot.waitUntil(silent.waiting, timeout=WAIT_MS)
        assert [s.syncing for s in statuses] == [True]
        # When a card is scanned, the member is shown while the round is still waiting
        scan(qtbot, window, store.card(first.member.member_id))
        shown(qtbot, window, first)
        assert [s.syncing for s in statuses] == [True]
    finally:
        silent.release()
    # and once head office fails, the round ends with the error
    qtbot.waitUntil(lambda: len(statuses) == 2, timeout=WAIT_MS)
    assert not statuses[-1].syncing and statuses[-1].last_error
    assert app.sync.status().last_error
