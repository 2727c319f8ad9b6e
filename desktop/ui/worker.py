"""The ways into the background: run a service call off the GUI thread and get the result (or
the exception) back on the GUI thread by signal. Widgets are never touched from a worker.

There are two lanes, as Anki keeps collection operations apart from other background work:

- the **database lane**: one thread, so the store's work runs one job at a time in the order
  it was asked (identify, member view, quote, redeem, void, stock, the day, settings, …). A
  job here never waits on a network or a device, so the next scan's look-up waits at most
  for the store work queued before it.
- the **I/O lane**: a few threads for whatever waits on a network or a device (printing to
  printers, a manual sync round, the link check). Such a job may read and write the store in
  short sections (the store has its own lock), but its wait happens here, never in front of
  the database lane.

`Lanes.shared()` puts both on one thread: the single worker the till had before, kept only
to measure against (bench/bench_till_lanes.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop.core.errors import LanternError
from desktop.ui.qt import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

IO_THREADS = 3  # a print, a sync round and a link check can all wait at once


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, lane: str, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.lane = lane
        self.fn = fn
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.fn()
        except LanternError as e:  # an expected refusal: the UI shows its message
            log.info("%s lane: operation refused: %s", self.lane, e)
            self.signals.failed.emit(e)
        except Exception as e:
            log.exception("%s lane: operation failed unexpectedly", self.lane)
            self.signals.failed.emit(e)
        else:
            self.signals.done.emit(result)


class Lane:
    """A queue of background jobs on `threads` worker threads (1: strictly in order)."""

    def __init__(self, name: str, threads: int = 1) -> None:
        self.name = name
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(threads)
        self._jobs: set[_Job] = set()

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
    ) -> None:
        """`fn()` on the lane; `on_done(result)` or `on_error(exception)` on the GUI thread."""
        job = _Job(self.name, fn)
        job.setAutoDelete(False)
        self._jobs.add(job)

        def finish(callback: Callable[[Any], None], value: Any) -> None:
            self._jobs.discard(job)
            callback(value)

        job.signals.done.connect(lambda r: finish(on_done, r))
        job.signals.failed.connect(lambda e: finish(on_error, e))
        self.pool.start(job)

    @property
    def pending(self) -> int:
        """Jobs asked for whose answer has not reached the GUI thread yet."""
        return len(self._jobs)

    def wait(self, msecs: int = 5000) -> bool:
        """Wait (blocking) until every job has run; True when none is left running."""
        return bool(self.pool.waitForDone(msecs))


@dataclass(frozen=True)
class Lanes:
    db: Lane
    io: Lane

    @classmethod
    def split(cls, io_threads: int = IO_THREADS) -> Lanes:
        """The till's lanes: one database thread, and I/O threads beside it."""
        return cls(Lane("database", 1), Lane("io", io_threads))

    @classmethod
    def shared(cls) -> Lanes:
        """Everything on one thread, I/O in front of the next scan (the old till; for
        comparison only)."""
        lane = Lane("shared", 1)
        return cls(lane, lane)

    @property
    def is_shared(self) -> bool:
        return self.db is self.io

    def wait(self, msecs: int = 5000) -> bool:
        ok = self.db.wait(msecs)
        return (self.io.wait(msecs) if not self.is_shared else True) and ok
