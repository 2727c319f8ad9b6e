"""The head-office client against a tiny real HTTP server on loopback that answers well,
answers garbage, fails with 500 or 401, drops the connection or hangs: no mocks."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from desktop.core.lots import LotId
from desktop.core.members import Tier
from desktop.core.wire import Outcome
from desktop.sync.client import (
    HeadOfficeClient,
    HeadOfficeUnreachable,
    RateLimited,
    Refused,
    Unauthorized,
)

pytestmark = pytest.mark.headoffice

SECRET = "s3cret-Vx9"
GOOD_PUSH = {
    "results": [
        {"seq": 1, "event_id": "e1", "outcome": "applied"},
        {"seq": 2, "event_id": "e2", "outcome": "applied_with_conflict", "conflict": "overdraft"},
        {"seq": 3, "event_id": "e3", "outcome": "rejected", "error": "unknown member"},
        {"seq": 5, "event_id": "e5", "outcome": "out_of_order"},
    ],
    "acked_seq": 3,
    "chain": "ok",
}
GOOD_PAGE = {
    "cursor": 1234,
    "more": True,
    "members": [
        {
            "member_id": "M00000001",
            "name": "王芳",
            "tier": "gold",
            "status": "active",
            "card_number": "8800000000013",
            "card_serial": 1,
            "birthday": "1980-02-03",
            "balance": 1200,
            "debt": 0,
            "flagged": False,
            "lots": [
                {
                    "lot_id": "L1",
                    "earned_on": "2026-01-01",
                    "expires_on": "2027-12-31",
                    "original": 500,
                    "remaining": 300,
                }
            ],
        }
    ],
    "gifts": [
        {
            "gift_id": "G101",
            "name_zh": "购物袋",
            "name_en": "Bag",
            "category": "home",
            "prices": [[100, 0]],
            "min_tier": "regular",
            "active_from": None,
            "active_until": None,
            "low_stock_threshold": 20,
        }
    ],
    "campaigns": [
        {
            "campaign_id": "C1",
            "name": "double",
            "starts": "2026-11-01T00:00:00+08:00",
            "ends": "2026-11-12T00:00:00+08:00",
            "multiplier_permille": 2000,
            "tiers": "",
        }
    ],
    "keys": [{"key_id": 1, "public": "ab" * 32, "not_after": None}],
    "revocations": [{"member_no": 7, "serial": 1}],
    "deliveries": [{"delivery_id": "d1", "gift_id": "G101", "quantity": 24, "note": None}],
    "settings": {"offline_limits": {"per_redemption_points": 4000}, "expiry_years_kept": 1},
    "designs": [],
    "totals": [{"day": "2026-11-26", "redemptions": 36, "points": 8100, "cash_fen": 0}],
}


@dataclass
class Reply:
    status: int = 200
    body: bytes | dict[str, Any] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (longer than the timeout: a hang)
    drop: bool = False  # close the connection without an answer
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Script:
    replies: list[Reply] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)

    def next(self) -> Reply:
        return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    script: Script


class Handler(BaseHTTPRequestHandler):
    server: Server

    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.script.requests.append(
            {
                "method": self.command,
                "path": self.path,
                "auth": self.headers.get("Authorization"),
                "body": json.loads(body) if body else None,
            }
        )
        reply = self.server.script.next()
        if reply.delay:
            time.sleep(reply.delay)
        if reply.drop:
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        data = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up waiting

    do_GET = _answer  # noqa: N815 - http.server's names
    do_POST = _answer  # noqa: N815


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server(("127.0.0.1", 0), Handler)
    srv.script = Script()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(5)


@dataclass
class Sleeps:
    waits: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def client(
    srv: Server, sleeps: Sleeps, timeout: float = 2.0, rand: float = 0.0
) -> HeadOfficeClient:
    host, port = srv.server_address[:2]
    return HeadOfficeClient(
        f"http://{host!s}:{port}",
        "SH001",
        SECRET,
        timeout,
        attempts=3,
        backoff=0.5,
        max_backoff=0.8,
        sleep=sleeps,
        rand=lambda: rand,
    )


def no_secret(e: BaseException) -> None:
    assert SECRET not in str(e) and SECRET not in repr(e)


def test_push_sends_credentials_and_parses_every_outcome(server: Server) -> None:
    # Given a head office that answers a push well
    server.script.replies = [Reply(body=GOOD_PUSH)]
    body = {"store_id": "SH001", "events": [], "head": {"seq": 3, "hash": "ab"}}
    # When the store pushes
    with client(server, Sleeps()) as c:
        answer = c.push(body)
    # Then head office got the body and the store's credentials
    (req,) = server.script.requests
    assert (req["method"], req["path"]) == ("POST", "/v1/sync/push")
    assert req["auth"] == f"Lantern-Store SH001:{SECRET}"
    assert req["body"] == body
    # And every outcome is a value
    assert answer.acked_seq == 3 and answer.chain_ok
    assert [r.outcome for r in answer.results] == [
        Outcome.APPLIED,
        Outcome.APPLIED_WITH_CONFLICT,
        Outcome.REJECTED,
        Outcome.OUT_OF_ORDER,
    ]
    assert answer.results[1].conflict == "overdraft"
    assert answer.results[2].error == "unknown member"


def test_changes_are_parsed_into_domain_values(server: Server) -> None:
    server.script.replies = [Reply(body=GOOD_PAGE)]
    with client(server, Sleeps()) as c:
        page = c.changes(1000, 50)
    assert server.script.requests[0]["path"] == "/v1/sync/changes?since=1000&limit=50"
    assert (page.cursor, page.more) == (1234, True)
    (m,) = page.members
    assert m.member.tier is Tier.GOLD and m.card_serial == 1 and m.balance == 1200
    assert m.account.lots[0].lot_id == LotId("L1") and m.account.lots[0].remaining == 300
    assert page.gifts[0].prices[0].points == 100
    assert page.campaigns[0].multiplier_permille == 2000
    assert page.keys[0].public == bytes.fromhex("ab" * 32)
    assert page.deliveries[0].note == "" and page.deliveries[0].quantity == 24
    assert page.totals[0].points == 8100
    assert page.size == 8  # one of each list, and the settings


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"<html>Bad gateway</html>", "not JSON"),
        (b"\xff\xfe\x00garbage", "not JSON"),
        ({"results": "all fine"}, "results: expected a list"),
        ({"results": [], "acked_seq": "3", "chain": "ok"}, "acked_seq: expected an integer"),
        ({"results": [{"seq": 1, "event_id": "e", "outcome": "maybe"}]}, "results[0].outcome"),
        ([1, 2, 3], "expected a JSON object"),
    ],
)
def test_a_head_office_that_answers_garbage_gets_a_clear_error(
    server: Server, body: bytes | dict[str, Any], words: str
) -> None:
    # Given something at the URL that answers 200 with something else than the protocol
    server.script.replies = [Reply(body=body)]  # type: ignore[arg-type]
    sleeps = Sleeps()
    # When the store pushes, Then it is told what was wrong, at once (no retry)
    with client(server, sleeps) as c, pytest.raises(HeadOfficeUnreachable) as e:
        c.push({"store_id": "SH001", "events": [], "head": {"seq": 0, "hash": ""}})
    assert words in str(e.value), str(e.value)
    assert "is the URL right" in str(e.value)
    assert len(server.script.requests) == 1 and sleeps.waits == []
    no_secret(e.value)


def test_a_page_with_a_bad_member_names_the_field(server: Server) -> None:
    page = json.loads(json.dumps(GOOD_PAGE))
    page["members"][0]["lots"][0]["remaining"] = 900  # more than original
    server.script.replies = [Reply(body=page)]
    with client(server, Sleeps()) as c, pytest.raises(HeadOfficeUnreachable) as e:
        c.changes(0, 10)
    assert "members[0].lots[0].remaining" in str(e.value)


def test_500_is_retried_with_exponential_backoff_then_unreachable(server: Server) -> None:
    # Given a head office that keeps failing
    server.script.replies = [Reply(500, {"error": "database is locked"})]
    sleeps = Sleeps()
    with client(server, sleeps, rand=0.0) as c, pytest.raises(HeadOfficeUnreachable) as e:
        c.changes(0, 10)
    # Then it was tried 3 times, waiting 50 % of 0.5 s, then of 1.0 s capped at 0.8 s
    assert len(server.script.requests) == 3
    assert sleeps.waits == [0.25, 0.4]
    assert "HTTP 500: database is locked" in str(e.value)
    assert "tried 3 times" in str(e.value)


def test_jitter_stays_within_the_bound(server: Server) -> None:
    c = client(server, Sleeps(), rand=0.999)
    try:
        assert 0.49 < c.delay(1) <= 0.5
        assert c.delay(10) <= 0.8  # capped
    finally:
        c.close()


def test_a_500_then_an_answer_succeeds(server: Server) -> None:
    server.script.replies = [Reply(503, b"busy"), Reply(body=GOOD_PUSH)]
    sleeps = Sleeps()
    with client(server, sleeps) as c:
        answer = c.push({"store_id": "SH001", "events": [], "head": {"seq": 3, "hash": "ab"}})
    assert answer.acked_seq == 3
    assert len(server.script.requests) == 2 and len(sleeps.waits) == 1


def test_401_is_unauthorized_at_once_and_never_shows_the_secret(server: Server) -> None:
    server.script.replies = [Reply(401, {"error": "unauthorized"})]
    sleeps = Sleeps()
    with client(server, sleeps) as c, pytest.raises(Unauthorized) as e:
        c.push({"store_id": "SH001", "events": [], "head": {"seq": 0, "hash": ""}})
    assert len(server.script.requests) == 1 and sleeps.waits == []
    assert "refused the credentials of store SH001" in str(e.value)
    no_secret(e.value)
    assert SECRET not in repr(c)


def test_400_is_refused_at_once_and_carries_head_offices_error(server: Server) -> None:
    # Given a head office that refuses the push as malformed
    server.script.replies = [Reply(400, {"error": "events[0].seq: expected an integer"})]
    with client(server, Sleeps()) as c, pytest.raises(Refused) as e:
        c.push({"store_id": "SH001", "events": [], "head": {"seq": 0, "hash": ""}})
    # Then it is not "unreachable": a clear error for the manager, not retried
    assert not isinstance(e.value, HeadOfficeUnreachable)
    assert "HTTP 400: events[0].seq: expected an integer" in str(e.value)
    assert "not a network problem" in str(e.value)
    assert len(server.script.requests) == 1


@pytest.mark.parametrize("status", [404, 405, 413, 415, 422])
def test_every_other_4xx_to_a_push_is_refused_not_unreachable(server: Server, status: int) -> None:
    server.script.replies = [Reply(status, {"error": "no"})]
    sleeps = Sleeps()
    with client(server, sleeps) as c, pytest.raises(Refused) as e:
        c.push({"store_id": "SH001", "events": [], "head": None})
    assert f"HTTP {status}: no" in str(e.value)
    assert len(server.script.requests) == 1 and sleeps.waits == []
    no_secret(e.value)


def test_429_waits_retry_after_then_tries_again(server: Server) -> None:
    # Given a head office that asks the client to wait 7 s, then answers
    server.script.replies = [
        Reply(429, {"error": "too many"}, headers={"Retry-After": "7"}),
        Reply(body=GOOD_PUSH),
    ]
    sleeps = Sleeps()
    with client(server, sleeps) as c:
        answer = c.push({"store_id": "SH001", "events": [], "head": None})
    # Then the client waited exactly what head office asked, not its own backoff
    assert answer.acked_seq == 3
    assert sleeps.waits == [7.0] and len(server.script.requests) == 2


def test_429_with_a_long_wait_is_rate_limited_at_once(server: Server) -> None:
    server.script.replies = [Reply(429, {"error": "x"}, headers={"Retry-After": "600"})]
    sleeps = Sleeps()
    with client(server, sleeps) as c, pytest.raises(RateLimited) as e:
        c.changes(0, 10)
    assert e.value.retry_after == 600.0 and sleeps.waits == []
    assert len(server.script.requests) == 1
    assert "wait 600 s" in str(e.value)


def test_429_every_time_ends_rate_limited_after_the_attempts(server: Server) -> None:
    server.script.replies = [Reply(429, {"error": "x"}, headers={"Retry-After": "2"})]
    sleeps = Sleeps()
    with client(server, sleeps) as c, pytest.raises(RateLimited) as e:
        c.changes(0, 10)
    assert sleeps.waits == [2.0, 2.0] and len(server.script.requests) == 3
    assert e.value.retry_after == 2.0


def test_429_without_retry_after_waits_the_backoff(server: Server) -> None:
    server.script.replies = [Reply(429, b""), Reply(body=GOOD_PAGE)]
    sleeps = Sleeps()
    with client(server, sleeps) as c:
        assert c.changes(0, 10).cursor == 1234
    assert sleeps.waits == [0.5]


def test_a_hanging_head_office_times_out(server: Server) -> None:
    # Given a head office that takes longer than the client's timeout to answer
    server.script.replies = [Reply(body=GOOD_PUSH, delay=1.0)]
    sleeps = Sleeps()
    started = time.monotonic()
    with client(server, sleeps, timeout=0.2) as c, pytest.raises(HeadOfficeUnreachable) as e:
        c.changes(0, 10)
    # Then each attempt gave up after the timeout, and the round is "unreachable"
    assert "no answer within 0.2 s" in str(e.value)
    assert len(sleeps.waits) == 2
    assert time.monotonic() - started < 3.0


def test_a_dropped_connection_is_retried(server: Server) -> None:
    server.script.replies = [Reply(drop=True), Reply(body=GOOD_PAGE)]
    with client(server, Sleeps()) as c:
        assert c.changes(0, 10).cursor == 1234
    assert len(server.script.requests) == 2


def test_a_refused_connection_is_unreachable() -> None:
    # Given a port nobody listens on
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    sleeps = Sleeps()
    c = HeadOfficeClient(f"http://127.0.0.1:{port}", "SH001", SECRET, 1.0, sleep=sleeps)
    with c, pytest.raises(HeadOfficeUnreachable) as e:
        c.push({"store_id": "SH001", "events": [], "head": {"seq": 0, "hash": ""}})
    assert "cannot connect" in str(e.value) and f"127.0.0.1:{port}" in str(e.value)
    assert len(sleeps.waits) == 2
    no_secret(e.value)
