"""The till's background sync: a thread that runs a sync round every `interval` seconds,
backs off (exponentially, with jitter, capped) while head office is unreachable, and
reports its status through a callback after every round. No Qt here: the UI wraps the
callback in a signal (it is called on the loop's thread, never the GUI thread).

With a `recovery` service the loop also keeps the store safe: a restored store that still
has to recover (`recovery_pending`) recovers instead of syncing, and after every round an
online backup is taken when events wait and the last one is 15 minutes old
(RecoveryService.backup_if_due) — on this thread, never the GUI's."""

from __future__ import annotations

import dataclasses
import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from desktop.core.errors import LanternError
from desktop.services.sync import BadHeadOfficeAddress, NotConnected, SyncReport, SyncService
from desktop.sync.client import RateLimited

if TYPE_CHECKING:
    from desktop.services.recovery import RecoveryService

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoopStatus:
    online: bool
    waiting: int  # events head office has not acknowledged
    last_success: datetime | None
    last_error: str | None  # None after a successful round
    syncing: bool = False  # a round is running now
    next_in: float = 0.0  # seconds until the next round
    report: SyncReport | None = None  # the last round's figures, after a success
    misconfigured: bool = False  # the round failed on the store's own settings (the address)


class SyncLoop:
    def __init__(
        self,
        service: SyncService,
        interval: float = 30.0,
        *,
        max_backoff: float = 300.0,
        on_status: Callable[[LoopStatus], None] | None = None,
        rand: Callable[[], float] = random.random,
        recovery: RecoveryService | None = None,
    ) -> None:
        if interval <= 0:
            raise ValueError("the sync interval must be positive")
        self.service = service
        self.interval = interval
        self.max_backoff = max_backoff
        self.on_status = on_status
        self._rand = rand
        self.recovery = recovery
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.failures = 0
        self.rounds = 0
        self.last: LoopStatus | None = None

    # --- control ---------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="lantern-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> bool:
        """Ask the loop to stop and wait for the round in progress (bounded by the client's
        timeouts). True when the thread has ended."""
        self._stop.set()
        self._wake.set()
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def sync_now(self) -> None:
        """Run the next round now instead of after the wait."""
        self._wake.set()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wait_after_failures(self, failures: int) -> float:
        """Seconds to wait after `failures` failed rounds in a row (0: the interval)."""
        if failures <= 0:
            return self.interval
        ceiling = min(self.max_backoff, self.interval * 2.0 ** (failures - 1))
        return ceiling * (0.5 + 0.5 * self._rand())

    # --- the thread ------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            self._emit(self._status(None, syncing=True))
            report, error, misconfigured, at_least = None, None, False, 0.0
            try:
                if self.recovery is not None and self.recovery.pending():
                    recovered = self.recovery.recover()
                    report = recovered.sync
                    if recovered.sync_error is not None:
                        raise LanternError(recovered.sync_error)
                else:
                    report = self.service.sync_once()
                self.failures = 0
            except NotConnected as e:
                error, self.failures = str(e), 0  # nothing to back off from: check again later
            except (
                BadHeadOfficeAddress
            ) as e:  # the store's settings: logged, shown, and tried again
                error, misconfigured = str(e), True
                self.failures += 1
                log.error("sync round %d: head-office settings unusable: %s", self.rounds + 1, e)
            except RateLimited as e:  # head office said how long to wait: at least that
                error, at_least = str(e), e.retry_after
                self.failures += 1
            except LanternError as e:
                error = str(e)
                self.failures += 1
                log.warning("sync round %d failed: %s", self.rounds + 1, e)
            except Exception as e:  # a bug must not kill the till's sync for good
                log.exception("sync round %d failed unexpectedly", self.rounds + 1)
                error = f"unexpected error: {type(e).__name__}: {e}"
                self.failures += 1
            self.rounds += 1
            self._backup()
            wait = max(at_least, self.wait_after_failures(self.failures))
            status = self._status(error, next_in=wait, report=report)
            self._emit(dataclasses.replace(status, misconfigured=misconfigured))
            if self._stop.is_set():
                break
            self._wake.wait(wait)
            self._wake.clear()

    def _backup(self) -> None:
        if self.recovery is None:
            return
        try:
            self.recovery.backup_if_due()
        except Exception:  # a full disk must not stop the sync; the log says why
            log.exception("automatic backup failed")

    def _status(
        self,
        error: str | None,
        *,
        syncing: bool = False,
        next_in: float = 0.0,
        report: SyncReport | None = None,
    ) -> LoopStatus:
        try:
            s = self.service.status()
            return LoopStatus(
                s.online, s.waiting, s.last_success_at, error, syncing, next_in, report
            )
        except Exception as e:  # the database is busy or gone: still report something
            log.warning("sync status unavailable: %s", e)
            return LoopStatus(False, 0, None, error or str(e), syncing, next_in, report)

    def _emit(self, status: LoopStatus) -> None:
        self.last = status
        if self.on_status is None:
            return
        try:
            self.on_status(status)
        except Exception:
            log.exception("sync status callback failed")
