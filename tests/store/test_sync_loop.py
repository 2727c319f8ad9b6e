"""The till's background sync loop: rounds on a timer, backoff while head office is
unreachable, status through a callback, and a clean stop."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop.services.app import StoreServices
from desktop.services.sync_loop import LoopStatus, SyncLoop
from desktop.store.database import open_store
from desktop.sync.client import RateLimited
from desktop.sync.protocol import PushAnswer

from ._helpers import Clock
from ._sync import ScriptedHeadOffice

pytestmark = pytest.mark.store


@pytest.fixture
def ho() -> ScriptedHeadOffice:
    return ScriptedHeadOffice()


@pytest.fixture
def sapp(db_path: Path, clock: Clock, ho: ScriptedHeadOffice) -> Iterator[StoreServices]:
    app = StoreServices(open_store(db_path), clock)
    app.sync.client_factory = lambda url, store_id, secret: ho
    app.sync.connect("http://ho.test", "SH001", "s3cret")
    yield app
    app.close()


class Statuses:
    def __init__(self) -> None:
        self.seen: list[LoopStatus] = []
        self.changed = threading.Condition()

    def __call__(self, status: LoopStatus) -> None:
        with self.changed:
            self.seen.append(status)
            self.changed.notify_all()

    def wait_for(self, test: object, timeout: float = 5.0) -> LoopStatus:
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for s in self.seen:
                    if test(s):  # type: ignore[operator]
                        return s
                left = deadline - time.monotonic()
                assert left > 0, f"no such status in {self.seen}"
                self.changed.wait(left)


def test_the_loop_backs_off_while_offline_and_reports_online_when_back(
    sapp: StoreServices, ho: ScriptedHeadOffice
) -> None:
    # Given head office is down and the loop runs every 50 ms
    ho.down = True
    statuses = Statuses()
    loop = SyncLoop(sapp.sync, 0.05, max_backoff=0.2, on_status=statuses, rand=lambda: 1.0)
    loop.start()
    try:
        # Then it reports offline with the reason and the events waiting
        off = statuses.wait_for(lambda s: not s.syncing and s.last_error is not None)
        assert not off.online and off.waiting == 1 and "unreachable" in (off.last_error or "")
        # And waits longer after each failure, up to the cap
        statuses.wait_for(lambda s: loop.failures >= 3)
        assert loop.wait_after_failures(1) == 0.05
        assert loop.wait_after_failures(2) == 0.1
        assert loop.wait_after_failures(9) == 0.2
        # When head office comes back, the next round reports online, nothing waiting
        ho.down = False
        loop.sync_now()
        on = statuses.wait_for(lambda s: s.online and not s.syncing)
        assert on.waiting == 0 and on.last_error is None and on.last_success is not None
        assert on.report is not None and on.report.pushed == 1
        assert loop.failures == 0
    finally:
        # And it stops promptly
        assert loop.stop(5.0)
    assert not loop.running


def test_a_failing_status_callback_does_not_stop_the_loop(sapp: StoreServices) -> None:
    rounds = threading.Event()

    def bad(status: LoopStatus) -> None:
        if not status.syncing:
            rounds.set()
        raise ValueError("UI went away")

    loop = SyncLoop(sapp.sync, 0.02, on_status=bad)
    loop.start()
    try:
        assert rounds.wait(5)
        time.sleep(0.1)
        assert loop.running and loop.rounds >= 2
    finally:
        assert loop.stop(5.0)


class _RateLimited(ScriptedHeadOffice):
    def push(self, body: dict[str, Any]) -> PushAnswer:
        raise RateLimited("head office at http://ho.test asks this store to wait 42 s", 42.0)


def test_the_loop_waits_at_least_as_long_as_head_office_asks(db_path: Path, clock: Clock) -> None:
    # Given head office answers 429 with Retry-After: 42 (the client gave up waiting)
    app = StoreServices(open_store(db_path), clock)
    app.sync.client_factory = lambda url, store_id, secret: _RateLimited()
    app.sync.connect("http://ho.test", "SH001", "s3cret")
    statuses = Statuses()
    loop = SyncLoop(app.sync, 0.05, max_backoff=0.2, on_status=statuses, rand=lambda: 1.0)
    loop.start()
    try:
        # Then the next round is not before 42 s, although its own backoff is 0.05 s
        done = statuses.wait_for(lambda s: not s.syncing and s.last_error is not None)
        assert done.next_in == 42.0 and "wait 42 s" in (done.last_error or "")
        assert loop.failures == 1
    finally:
        assert loop.stop(5.0)
        app.close()
