"""The till's session: the store services, the two background lanes (database and I/O,
desktop/ui/worker.py), who is logged in, the head-office link status, the background sync
loop, and the idle lock. Screens share one session and react to its signals; they never
talk to each other directly.

Which lane: `run_db` for a job that only works the store (it must not wait on a network or
a device); `run_io` for a job that waits on a printer or head office, even if it reads or
writes the store in short sections."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop.core.errors import LanternError
from desktop.services.app import StoreServices
from desktop.services.staff import Staff
from desktop.services.sync import BadHeadOfficeAddress
from desktop.services.sync_loop import LoopStatus, SyncLoop
from desktop.ui.qt import QApplication, QEvent, QObject, QTimer, Signal
from desktop.ui.worker import Lanes

log = logging.getLogger(__name__)

IDLE_LOCK_SECONDS = 120
CLOSE_WAIT_MS = 30_000  # at close, the longest a job still running may take (its timeouts)


@dataclass(frozen=True)
class LinkStatus:
    online: bool
    waiting: int  # events not yet acknowledged by head office
    last_sync: str | None  # ISO time of the last successful sync
    detail: str = ""
    refused: str | None = None  # head office refuses the store's chain: recover it


class TillSession(QObject):
    staff_changed = Signal(object)  # Staff | None (None = locked / logged out)
    link_changed = Signal(object)  # LinkStatus
    store_changed = Signal()  # catalogue, stock or business day may have changed
    sync_changed = Signal(object)  # LoopStatus: a sync round started (syncing) or ended
    language_saved = Signal(str)  # the store's language setting changed (Settings)
    _loop_status = Signal(object)  # the loop's thread to the GUI thread

    def __init__(
        self,
        app: StoreServices,
        idle_lock_seconds: int = IDLE_LOCK_SECONDS,
        *,
        lanes: Lanes | None = None,
        sync_interval: float | None = None,
    ) -> None:
        """`sync_interval`: run the background sync loop (a round now, then every so many
        seconds) for as long as the session is open; None: sync only when asked."""
        super().__init__()
        self.app = app
        self.lanes = lanes or Lanes.split()
        self.staff: Staff | None = None
        self.link = LinkStatus(True, 0, None)
        self.sync_status: LoopStatus | None = None  # the last round's, once one ran
        self.sync_loop: SyncLoop | None = None
        self._manual_round = False
        self._link_asked = 0
        self._closed = False
        self.idle_lock_seconds = idle_lock_seconds
        self._last_input = time.monotonic()
        self._idle = QTimer(self)
        self._idle.setInterval(1000)
        self._idle.timeout.connect(self._check_idle)
        self._idle.start()
        qapp = QApplication.instance()
        if qapp is not None:
            qapp.installEventFilter(self)
        self._loop_status.connect(self._on_sync_status)
        self.store_changed.connect(self.refresh_link)  # events waiting may have changed
        if sync_interval is not None:
            self.sync_loop = SyncLoop(
                app.sync, sync_interval, on_status=self._loop_status.emit, recovery=app.recovery
            )
            self.sync_loop.start()
        self.refresh_link()

    # --- the background -------------------------------------------------------------------
    def run_db(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
    ) -> None:
        """Store work on the database lane (one thread, in order); the callbacks run back on
        the GUI thread. `fn` must not wait on a network or a device: use `run_io`."""
        self.lanes.db.run(fn, on_done, on_error)

    def run_io(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
    ) -> None:
        """Work that waits on a printer, head office or another device, on the I/O lane, so
        it never holds up the database lane; the callbacks run back on the GUI thread."""
        self.lanes.io.run(fn, on_done, on_error)

    # --- who is at the till ---------------------------------------------------------------
    def logged_in(self, staff: Staff) -> None:
        self.staff = staff
        self._last_input = time.monotonic()
        log.info("%s (%s) logged in at the till", staff.name, staff.staff_id)
        self.staff_changed.emit(staff)

    def lock(self) -> None:
        if self.staff is not None:
            log.info("till locked (%s)", self.staff.staff_id)
        self.staff = None
        self.staff_changed.emit(None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in (
            QEvent.Type.KeyPress,
            QEvent.Type.MouseButtonPress,
            QEvent.Type.TouchBegin,
        ):
            self._last_input = time.monotonic()
        return False

    def _check_idle(self) -> None:
        if self.staff is not None and time.monotonic() - self._last_input > self.idle_lock_seconds:
            self.lock()

    # --- head office --------------------------------------------------------------------------
    def refresh_link(self) -> None:
        """Read the link state and the events waiting again (on the I/O lane: the link check
        may ask the network); an answer overtaken by a newer check is dropped."""
        app = self.app
        self._link_asked += 1
        asked = self._link_asked

        def read() -> LinkStatus:
            state = app.ctx.link()
            waiting = app.sync.waiting()
            last = state.last_sync.isoformat() if state.last_sync else None
            return LinkStatus(state.online, waiting, last, refused=state.refused)

        self.run_io(
            read,
            lambda status: self._set_link(status) if asked == self._link_asked else None,
            lambda e: log.warning("link status unavailable: %s", e),
        )

    def _set_link(self, status: object) -> None:
        assert isinstance(status, LinkStatus)
        if status != self.link:
            self.link = status
            self.link_changed.emit(status)

    # --- sync ---------------------------------------------------------------------------------
    def sync_now(self) -> None:
        """A sync round now. With the background loop running, it is woken (no second round
        beside it); otherwise one round runs on the I/O lane. Either way `sync_changed` says
        when the round starts and how it ended."""
        loop = self.sync_loop
        if loop is not None and loop.running:
            loop.sync_now()
            return
        if self._manual_round:
            return  # the one asked before is still running
        self._manual_round = True
        sync = self.app.sync
        last = self.sync_status or LoopStatus(self.link.online, self.link.waiting, None, None)
        self._on_sync_status(dataclasses.replace(last, syncing=True, report=None))

        def round_once() -> LoopStatus:
            report, error, misconfigured = None, None, False
            try:
                report = sync.sync_once()
            except BadHeadOfficeAddress as e:  # the store's own settings: named for the manager
                error, misconfigured = str(e), True
                log.error("sync now: head-office settings unusable: %s", e)
            except LanternError as e:  # unreachable, refused, not connected: a status
                error = str(e)
            s = sync.status()
            return LoopStatus(
                s.online, s.waiting, s.last_success_at, error, False, 0.0, report, misconfigured
            )

        def ended(status: object) -> None:
            self._manual_round = False
            self._on_sync_status(status)

        def failed(e: Exception) -> None:
            error = f"unexpected error: {type(e).__name__}: {e}"
            ended(dataclasses.replace(last, last_error=error, syncing=False, report=None))

        self.run_io(round_once, ended, failed)

    def _on_sync_status(self, status: object) -> None:
        assert isinstance(status, LoopStatus)
        if self._closed:
            return
        self.sync_status = status
        self.sync_changed.emit(status)
        if not status.syncing:
            self.refresh_link()

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Stop the idle lock and the sync loop (the round in progress ends within the
        client's timeouts) and let the jobs still running finish. Closing twice is fine."""
        if self._closed:
            return
        self._closed = True
        self._idle.stop()
        loop = self.sync_loop
        if loop is not None:
            loop.on_status = None
            if not loop.stop(CLOSE_WAIT_MS / 1000):
                log.warning("the sync round did not end in time; the till closes without it")
        if not self.lanes.wait(CLOSE_WAIT_MS):
            log.warning("background work still running as the till closes")
