"""A malformed head-office address is refused where it is saved (the settings service and
`store connect` share one rule), and one that got into the store anyway fails its sync
round as a configuration error: recorded, shown offline, logged, and the loop goes on."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from desktop.core.errors import InvalidInput
from desktop.services.app import StoreServices
from desktop.services.store_settings import check
from desktop.services.sync import BadHeadOfficeAddress
from desktop.services.sync_loop import SyncLoop
from desktop.store import sync_state
from desktop.store.database import open_store

from ._helpers import Clock
from .test_sync_loop import Statuses

pytestmark = pytest.mark.store

PASTED_TWICE = "http://127.0.0.1:1http://127.0.0.1:8765"
BAD = [
    PASTED_TWICE,
    "http://127.0.0.1:99999",
    "http://:8765",
    "http://ho office:8765",
    "ftp://ho.test",
    "http://ho.test?x=1",
]
GOOD = ["http://127.0.0.1:8765", "https://ho.example.com/lantern/", "http://10.0.0.5"]


@pytest.fixture
def sapp(db_path: Path, clock: Clock) -> Iterator[StoreServices]:
    app = StoreServices(open_store(db_path), clock)
    yield app
    app.close()


@pytest.mark.parametrize("url", BAD)
def test_store_connect_refuses_a_malformed_address(sapp: StoreServices, url: str) -> None:
    with pytest.raises(InvalidInput, match="not valid"):
        sapp.sync.connect(url, "SH001", "s3cret")
    assert sapp.sync.connection() is None


@pytest.mark.parametrize("url", GOOD)
def test_a_good_address_is_kept_without_its_trailing_slash(sapp: StoreServices, url: str) -> None:
    c = sapp.sync.connect(url, "SH001", "s3cret")
    assert c.url == url.rstrip("/")


def test_the_settings_refuse_what_store_connect_refuses(sapp: StoreServices) -> None:
    sapp.sync.connect("http://127.0.0.1:8765", "SH001", "s3cret")
    old = sapp.settings.read(120)
    new = replace(old, headoffice_url=PASTED_TWICE)
    with pytest.raises(InvalidInput, match="nothing was saved"):
        check(new)
    with pytest.raises(InvalidInput):
        sapp.settings.save(new, old)
    connection = sapp.sync.connection()
    assert connection is not None and connection.url == "http://127.0.0.1:8765"


def test_a_bad_address_in_the_store_fails_the_round_and_the_loop_goes_on(
    sapp: StoreServices, caplog: pytest.LogCaptureFixture
) -> None:
    # Given an address that got into the store before it was checked (an older version)
    with sapp.db.write() as tx:
        sync_state.put_connection(tx, sync_state.Connection(PASTED_TWICE, "SH001", "s3cret"))
    # When a round runs by hand: a configuration error, recorded, and the link is offline
    with pytest.raises(BadHeadOfficeAddress, match="Settings"):
        sapp.sync.sync_once()
    status = sapp.sync.status()
    assert status.last_error is not None and "not valid" in status.last_error
    assert not status.online
    # When the background loop runs rounds: each is logged with what was wrong, the status
    # says it is a configuration error, and the loop is still running after several
    seen = Statuses()
    loop = SyncLoop(sapp.sync, 0.01, max_backoff=0.02, on_status=seen, rand=lambda: 0.0)
    with caplog.at_level(logging.ERROR, logger="desktop.services.sync_loop"):
        loop.start()
        try:
            seen.wait_for(lambda s: not s.syncing and s.misconfigured and loop.rounds >= 3)
            assert loop.running
        finally:
            assert loop.stop()
    failed = [s for s in seen.seen if not s.syncing]
    assert failed and all(s.misconfigured and not s.online for s in failed)
    assert any("head-office settings unusable" in r.getMessage() for r in caplog.records)
    assert any(PASTED_TWICE in r.getMessage() for r in caplog.records)
