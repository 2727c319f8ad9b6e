"""The till's session: the store services, the one background worker, who is logged in,
the language, the head-office link status, and the idle lock. Screens share one session
and react to its signals; they never talk to each other directly."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop.services.app import StoreServices
from desktop.services.staff import Staff
from desktop.ui.qt import QApplication, QEvent, QObject, QTimer, Signal
from desktop.ui.worker import Background

log = logging.getLogger(__name__)

IDLE_LOCK_SECONDS = 120


@dataclass(frozen=True)
class LinkStatus:
    online: bool
    waiting: int  # events not yet acknowledged by head office
    last_sync: str | None  # ISO time of the last successful sync
    detail: str = ""


class TillSession(QObject):
    staff_changed = Signal(object)  # Staff | None (None = locked / logged out)
    link_changed = Signal(object)  # LinkStatus
    store_changed = Signal()  # catalogue, stock or business day may have changed

    def __init__(self, app: StoreServices, idle_lock_seconds: int = IDLE_LOCK_SECONDS) -> None:
        super().__init__()
        self.app = app
        self.background = Background()
        self.staff: Staff | None = None
        self.link = LinkStatus(True, 0, None)
        self.idle_lock_seconds = idle_lock_seconds
        self._last_input = time.monotonic()
        self._idle = QTimer(self)
        self._idle.setInterval(1000)
        self._idle.timeout.connect(self._check_idle)
        self._idle.start()
        self._poll = QTimer(self)
        self._poll.setInterval(5000)
        self._poll.timeout.connect(self.refresh_link)
        self._poll.start()
        qapp = QApplication.instance()
        if qapp is not None:
            qapp.installEventFilter(self)
        self.refresh_link()

    # --- the background -------------------------------------------------------------------
    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
    ) -> None:
        """Run a store call off the GUI thread; the callbacks run back on the GUI thread."""
        self.background.run(fn, on_done, on_error)

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
        app = self.app

        def read() -> LinkStatus:
            state = app.ctx.link()
            waiting = app.sync.waiting()
            last = state.last_sync.isoformat() if state.last_sync else None
            return LinkStatus(state.online, waiting, last)

        self.run(read, self._set_link, lambda e: log.warning("link status unavailable: %s", e))

    def _set_link(self, status: object) -> None:
        assert isinstance(status, LinkStatus)
        if status != self.link:
            self.link = status
            self.link_changed.emit(status)

    def close(self) -> None:
        self._idle.stop()
        self._poll.stop()
        self.background.wait()
