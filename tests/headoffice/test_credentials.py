"""Credential guessing: a client that presents wrong secrets backs off (429 with
Retry-After) instead of costing head office an scrypt run each; verified credentials are
remembered per process so a good store's request costs no scrypt run, and a rotated or
revoked secret stops working at once all the same."""

from __future__ import annotations

import statistics
import threading
import time
from pathlib import Path

import httpx
import pytest
from test_server import auth, served, setup

from headoffice.auth import Verdict
from headoffice.db import open_db
from headoffice.engine import HeadOffice
from headoffice.throttle import Backoff, retry_after
from tests.reliability import record

pytestmark = pytest.mark.headoffice


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_backoff_lets_a_few_failures_through_then_doubles_the_wait() -> None:
    # Given a back-off with 3 free failures, waits from 1 s up to 8 s, forgotten after 60 s
    ticks = Ticks()
    b = Backoff(free=3, base=1.0, cap=8.0, forget=60.0, clock=ticks)
    # When a client fails 3 times it still need not wait
    assert [b.failed("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert b.wait("a") == 0.0
    # Then each further failure doubles the wait, up to the cap
    assert [b.failed("a") for _ in range(6)] == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert b.wait("a") == 8.0 and b.wait("b") == 0.0  # another client is not affected
    ticks.now += 5
    assert b.wait("a") == 3.0 and retry_after(3.0) == "3" and retry_after(0.2) == "1"
    ticks.now += 3
    assert b.wait("a") == 0.0
    # And a verified secret, or a quiet minute, forgets the failures
    b.succeeded("a")
    assert b.failed("a") == 0.0
    for _ in range(5):
        b.failed("c")
    ticks.now += 61
    assert b.wait("c") == 0.0 and b.failed("c") == 0.0


def test_backoff_keeps_a_bounded_number_of_clients() -> None:
    b = Backoff(free=0, max_clients=100, clock=Ticks())
    for n in range(1000):
        b.failed(f"10.0.{n // 256}.{n % 256}")
    assert len(b._clients) == 100
    assert b.wait("10.0.3.231") > 0 and b.wait("10.0.0.0") == 0.0


def test_a_verified_secret_needs_no_scrypt_run_but_rotation_and_revocation_count_at_once(
    ho: HeadOffice,
) -> None:
    secret = ho.admin.create_store("SH001", "store")
    # Given a secret verified once
    check = ho.check_credentials
    assert check("SH001", secret, may_hash=False) is Verdict.NOT_CHECKED  # not verified yet
    assert check("SH001", secret) is Verdict.VERIFIED
    # Then it passes without a hash (may_hash=False: an scrypt run is not allowed)
    assert check("SH001", secret, may_hash=False) is Verdict.REMEMBERED
    assert check("SH001", secret) is Verdict.REMEMBERED
    assert ho.verified.presented_before("SH001", secret)
    assert not ho.verified.presented_before("SH001", secret + "x")
    assert not ho.verified.presented_before("BJ001", secret)
    assert check("SH001", secret + "x", may_hash=False) is Verdict.NOT_CHECKED
    assert check("SH001", secret + "x") is Verdict.REFUSED
    # When the secret is rotated (by another process: a fresh HeadOffice on the database)
    new = HeadOffice(ho.db).admin.rotate_secret("SH001")
    # Then the old secret misses the cache and is refused at once, the new one works
    assert check("SH001", secret, may_hash=False) is Verdict.NOT_CHECKED
    assert check("SH001", secret) is Verdict.REFUSED
    assert check("SH001", new) is Verdict.VERIFIED
    assert ho.authenticate("SH001", new) and not ho.authenticate("SH001", secret)
    # When the store is revoked, even its remembered secret is refused, without a hash
    HeadOffice(ho.db).admin.revoke_store("SH001")
    assert check("SH001", new, may_hash=False) is Verdict.REFUSED
    # An unknown store is refused (after a dummy hash, so it costs the same)
    assert check("NOPE", new) is Verdict.REFUSED
    assert check("NOPE", new, may_hash=False) is Verdict.NOT_CHECKED


@pytest.mark.reliability
def test_a_guesser_is_answered_429_and_good_stores_keep_syncing(tmp_path: Path) -> None:
    # Given a served head office with a store that has synced once (its secret verified)
    target = str(tmp_path / "headoffice.db")
    logs = setup(target, ("SH001", "BJ001"))
    sh = logs["SH001"]
    with served(target, tmp_path) as url, httpx.Client(base_url=url, timeout=10) as good:

        def good_request() -> float:
            started = time.perf_counter()
            r = good.get("/v1/sync/changes", params={"limit": "1"}, headers=auth(sh))
            assert r.status_code == 200, r.text
            return time.perf_counter() - started

        # (a rotated secret stops working at once, although the old one was remembered)
        good_request()
        db = open_db(target)
        try:
            new = HeadOffice(db).admin.rotate_secret("SH001")
        finally:
            db.close()
        old = good.get("/v1/sync/changes", headers=auth(sh))
        assert old.status_code == 401 and old.json() == {"error": "unauthorized"}
        sh.secret = new
        good_request()
        quiet = [good_request() for _ in range(20)]
        # When another client on the same address guesses BJ001's secret for 2 seconds
        statuses: list[int] = []
        waits: list[str] = []
        stop = threading.Event()

        def guess() -> None:
            with httpx.Client(base_url=url, timeout=10) as http:
                n = 0
                while not stop.is_set():
                    n += 1
                    r = http.get("/v1/sync/changes", headers=auth(logs["BJ001"], f"guess{n}"))
                    statuses.append(r.status_code)
                    if r.status_code == 429:
                        waits.append(r.headers["Retry-After"])
                        assert r.json() == {
                            "error": "too many wrong credentials from this address: try again later"
                        }

        guesser = threading.Thread(target=guess)
        guesser.start()
        busy: list[float] = []
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            busy.append(good_request())
            time.sleep(0.01)
        stop.set()
        guesser.join(10)
        # Then after the free failures the guesses cost no scrypt run: 429 with Retry-After
        tried, limited, refused = len(statuses), statuses.count(429), statuses.count(401)
        assert set(statuses) <= {401, 429}
        assert tried > 50 and limited >= tried - 10
        assert refused <= 5 + 3  # 5 free, then 1 s, 2 s (…) apart within 2 s
        assert all(w.isdigit() and int(w) >= 1 for w in waits)
        # And the good store, whose secret is remembered, was served all along
        assert len(busy) >= 20
        slowdown = statistics.median(busy) / statistics.median(quiet)
    record(
        "Credential guesses",
        "wrong secrets from one address for 2 s",
        tried=tried,
        rate_limited=limited,
        scrypt_runs=refused,
        good_requests=len(busy),
        good_refused=0,
        good_slowdown=f"{slowdown:.2f}x",
    )
