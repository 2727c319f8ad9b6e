"""The one way into the background: run a service call on the thread pool and get the
result (or the exception) back on the GUI thread by signal. Widgets are never touched from
the worker."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from desktop.core.errors import LanternError
from desktop.ui.qt import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.fn()
        except LanternError as e:  # an expected refusal: the UI shows its message
            log.info("background operation refused: %s", e)
            self.signals.failed.emit(e)
        except Exception as e:
            log.exception("background operation failed unexpectedly")
            self.signals.failed.emit(e)
        else:
            self.signals.done.emit(result)


class Background:
    """Serialises store work on one worker thread (one writer per database)."""

    def __init__(self) -> None:
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(1)
        self._jobs: set[_Job] = set()

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
    ) -> None:
        job = _Job(fn)
        job.setAutoDelete(False)
        self._jobs.add(job)

        def finish(callback: Callable[[Any], None], value: Any) -> None:
            self._jobs.discard(job)
            callback(value)

        job.signals.done.connect(lambda r: finish(on_done, r))
        job.signals.failed.connect(lambda e: finish(on_error, e))
        self.pool.start(job)

    def wait(self, msecs: int = 5000) -> bool:
        return bool(self.pool.waitForDone(msecs))
