"""Hostile input over HTTP (the ASGI app in-process, on SQLite and PostgreSQL): numbers
beyond any bound, dates at the end of the calendar, JSON nested 1,000 deep, text a database
cannot store. A correctly chained event that cannot be applied is parked (`rejected`) and
the queue moves on; a malformed request is a 4xx; nothing is ever a 5xx."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from ho_helpers import Clock, StoreLog, add_member, ledger_problems, q
from starlette.testclient import TestClient

from desktop.core.errors import InvalidInput
from desktop.core.limits import CEILING, Bounds
from headoffice.app import create_app
from headoffice.auth import authorization
from headoffice.db import open_db
from headoffice.engine import HeadOffice
from tests.reliability import record

pytestmark = pytest.mark.headoffice

BIG = 2**63 - 1
BOUNDS = Bounds()


@pytest.fixture
def http(target: str, clock: Clock) -> Iterator[tuple[TestClient, StoreLog, str]]:
    db = open_db(target)
    try:
        ho = HeadOffice(db, clock)
        sh = StoreLog("SH001", ho.admin.create_store("SH001", "store SH001"))
        add_member(ho, 1, 100_000)
    finally:
        db.close()
    app = create_app(target, clock=clock)
    with TestClient(app, raise_server_exceptions=False) as client:
        client.headers["Authorization"] = authorization(sh.store_id, sh.secret)
        yield client, sh, target


def _push(client: TestClient, sh: StoreLog, event: dict[str, Any]) -> dict[str, Any]:
    r = client.post("/v1/sync/push", json=sh.body([event]))
    assert r.status_code == 200, r.text
    answer: dict[str, Any] = r.json()
    return answer


# every one correctly chained: the payload is what is wrong
BOUND_BREAKERS: list[tuple[str, str, dict[str, Any]]] = [
    ("redemption points 2^63-1", "redemption", {"points": BIG}),
    ("redemption points 10^30", "redemption", {"points": 10**30}),
    ("redemption points beyond the bound", "redemption", {"points": BOUNDS.redemption_points + 1}),
    ("redemption cash 2^63", "redemption", {"cash_fen": 2**63}),
    (
        "redemption cash beyond the bound",
        "redemption",
        {"cash_fen": BOUNDS.redemption_cash_fen + 1},
    ),
    ("redemption points negative", "redemption", {"points": -5}),
    ("redemption points a float", "redemption", {"points": 1.5}),
    ("redemption points text", "redemption", {"points": "100"}),
    ("redemption at 9999-12-31+14:00", "redemption", {"at": "9999-12-31T23:59:59+14:00"}),
    ("redemption at 0001-01-01-12:00", "redemption", {"at": "0001-01-01T00:00:00-12:00"}),
    ("redemption at not a time", "redemption", {"at": "tomorrow"}),
    ("earn points 2^63-1", "earn", {"points": BIG}),
    ("earn points 10^30", "earn", {"points": 10**30}),
    ("earn points beyond the bound", "earn", {"points": BOUNDS.earn_points + 1}),
    ("earn at 9999-12-31+14:00", "earn", {"at": "9999-12-31T23:59:59+14:00"}),
    ("void at 9999-12-31+14:00", "void", {"at": "9999-12-31T23:59:59+14:00"}),
    ("NUL in the member id", "redemption", {"member_id": "M0000\x000001"}),
    ("NUL in the earn id", "earn", {"earn_id": "e\x00"}),
    ("NUL in the time", "earn", {"at": "2026-11-26T10:00:00\x00+08:00"}),
]


def _event(sh: StoreLog, kind: str, change: dict[str, Any]) -> dict[str, Any]:
    good = sh.redemption("M00000001", 100) if kind == "redemption" else sh.earn("M00000001", 100)
    sh.events.pop()
    return sh.add(kind, {**good["payload"], **change})


@pytest.mark.reliability
def test_bound_breaking_values_are_parked_and_the_queue_moves_on(
    http: tuple[TestClient, StoreLog, str],
) -> None:
    client, sh, target = http
    tried = accepted = 0
    for name, kind, change in BOUND_BREAKERS:
        if kind == "void":  # a redemption to void first, applied
            red = sh.redemption("M00000001", 100)
            assert _push(client, sh, red)["results"][0]["outcome"] == "applied"
            good_void = sh.void(red)
            sh.events.pop()
            event = sh.add("void", {**good_void["payload"], **change})
        else:
            event = _event(sh, kind, change)
        answer = _push(client, sh, event)
        (result,) = answer["results"]
        tried += 1
        accepted += result["outcome"] != "rejected"
        assert result["outcome"] == "rejected", (name, result)
        assert answer["acked_seq"] == event["seq"], name
        assert result["error"], name
    # the queue moved on: the next good event is applied
    good = sh.redemption("M00000001", 100)
    assert _push(client, sh, good)["results"][0]["outcome"] == "applied"
    # a value at its bound is fine, and so is a NUL in a field head office only keeps
    nul = _event(sh, "redemption", {"note": "a\x00b", "receipt_no": "R\x00"})
    assert _push(client, sh, nul)["results"][0]["outcome"] == "applied"
    at_bound = sh.earn("M00000001", BOUNDS.earn_points)
    assert _push(client, sh, at_bound)["results"][0]["outcome"] == "applied"
    db = open_db(target)
    try:
        parked = q(db, "SELECT COUNT(*) AS n FROM store_events WHERE outcome = 'rejected'")
        kept = q(db, "SELECT payload FROM store_events WHERE event_id = ?", (nul["event_id"],))
    finally:
        db.close()
    assert parked[0]["n"] == len(BOUND_BREAKERS)
    assert json.loads(kept[0]["payload"])["note"] == "a\x00b"  # stored escaped, as hashed
    dialect = "PostgreSQL" if target.startswith("postgresql") else "SQLite"
    record(
        "Bound-breaking values",
        f"chained events with extreme values over HTTP ({dialect})",
        tried=tried,
        accepted=accepted,
    )


def _deep(n: int) -> str:
    return "[" * n + "]" * n


def _malformed(sh: StoreLog) -> list[tuple[str, bytes]]:
    """(name, body) pairs: each a request no head office may apply."""
    event = sh.redemption("M00000001", 100)
    sh.events.pop()
    body = sh.body([event])

    def with_(**change: Any) -> bytes:
        return json.dumps({**body, **change}).encode()

    def with_event(**change: Any) -> bytes:
        return json.dumps({**body, "events": [{**event, **change}]}).encode()

    return [
        ("head.seq 2^63", with_(head={"seq": 2**63, "hash": event["hash"]})),
        ("head.seq beyond the ceiling", with_(head={"seq": CEILING + 1, "hash": event["hash"]})),
        ("head.seq 10^30", with_(head={"seq": 10**30, "hash": event["hash"]})),
        ("event seq 2^63", with_event(seq=2**63)),
        ("event seq -1", with_event(seq=-1)),
        ("event seq 1.0", with_event(seq=1.0)),
        ("body nested 1,000 deep", _deep(1000).encode()),
        ("body nested 100,000 deep", _deep(100_000).encode()),
        ("payload nested 1,000 deep", with_event(payload={"x": json.loads(_deep(900))})),
        ("payload nested 100 deep", with_event(payload={"x": json.loads(_deep(100))})),
        ("NUL in the event id", with_event(event_id="e\x00")),
        ("lone surrogate", with_event(payload={**event["payload"], "x": "\ud800"})),
        ("NaN", json.dumps({**body, "events": [{**event, "seq": float("nan")}]}).encode()),
        ("Infinity in the payload", with_event(payload={"p": float("inf")})),
        ("a 5,000-digit number", with_event(seq=int("9" * 4000))),
        ("truncated", with_()[:-7]),
        ("bad UTF-8", with_().replace(b"SH001", b"SH\xc0\x01")),
    ]


def _fingerprint(target: str) -> tuple[Any, ...]:
    db = open_db(target, migrate=False)
    try:
        with db.transaction(write=False) as tx:
            return (
                tx.scalar("SELECT COUNT(*) FROM store_events"),
                tx.scalar("SELECT COALESCE(MAX(change_no), 0) FROM change_log"),
                tx.scalar("SELECT COUNT(*) FROM ledger"),
                tuple(tx.one("SELECT head_seq, head_hash, last_push_at FROM stores").values()),  # type: ignore[union-attr]
            )
    finally:
        db.close()


@pytest.mark.reliability
def test_malformed_requests_are_4xx_and_change_nothing(
    http: tuple[TestClient, StoreLog, str],
) -> None:
    client, sh, target = http
    before = _fingerprint(target)
    tried = 0
    for name, body in _malformed(sh):
        tried += 1
        r = client.post("/v1/sync/push", content=body, headers={"Content-Type": "application/json"})
        assert 400 <= r.status_code < 500, (name, r.status_code, r.text[:300])
        assert isinstance(r.json()["error"], str), name
        assert _fingerprint(target) == before, name
    for params in (
        {"since": "9" * 18},
        {"since": "9" * 19},
        {"since": "-1"},
        {"since": "1e9"},
        {"limit": "99999999999999999999"},
        {"since": "\x00"},
    ):
        r = client.get("/v1/sync/changes", params=params)
        tried += 1
        assert r.status_code < 500, (params, r.text)
    # a wrong content type is refused too
    r = client.post("/v1/sync/push", content=b"{}", headers={"Content-Type": "text/plain"})
    tried += 1
    assert r.status_code == 415
    assert _fingerprint(target) == before
    dialect = "PostgreSQL" if target.startswith("postgresql") else "SQLite"
    record(
        "Malformed head-office requests",
        f"extreme cases over HTTP ({dialect})",
        tried=tried,
        answered_5xx=0,
        database_changed=0,
    )


@pytest.mark.parametrize("chunked", [False, True])
def test_a_body_beyond_the_limit_is_400_however_it_is_sent(
    http: tuple[TestClient, StoreLog, str], monkeypatch: pytest.MonkeyPatch, chunked: bool
) -> None:
    client, sh, target = http
    monkeypatch.setattr("headoffice.app.MAX_BODY_BYTES", 10_000)
    before = _fingerprint(target)
    body = json.dumps({**sh.body([]), "pad": "x" * 20_000}).encode()
    content: Any = (
        iter([body[i : i + 1000] for i in range(0, len(body), 1000)]) if chunked else body
    )
    r = client.post("/v1/sync/push", content=content, headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "larger than 10000 bytes" in r.json()["error"]
    assert _fingerprint(target) == before


def test_a_balance_beyond_a_32_bit_column_is_never_a_5xx(
    http: tuple[TestClient, StoreLog, str],
) -> None:
    # Given head office's bounds raised to the ceiling, and an earn of 3 billion points
    # (beyond a 32-bit column: head-office migration 0002 made them BIGINT on PostgreSQL)
    client, sh, target = http
    db = open_db(target)
    try:
        HeadOffice(db).admin.set_setting("bounds", {"earn_points": CEILING})
    finally:
        db.close()
    big = sh.earn("M00000001", 3_000_000_000)
    # Then it is applied on either database; never a 5xx
    (result,) = _push(client, sh, big)["results"]
    assert result["outcome"] == "applied", result
    # And the queue moves on, the ledger still adds up
    assert _push(client, sh, sh.earn("M00000001", 5))["results"][0]["outcome"] == "applied"
    db = open_db(target)
    try:
        assert ledger_problems(db) == []
    finally:
        db.close()


def test_bounds_are_a_head_office_setting_that_parks_and_that_stores_pull(
    ho: HeadOffice,
) -> None:
    # Refused: a bound of 0, beyond the ceiling, unknown, not an object
    for bad in ({"earn_points": 0}, {"earn_points": CEILING + 1}, {"nope": 1}, [1]):
        with pytest.raises(InvalidInput):
            ho.admin.set_setting("bounds", bad)
    # Given head office lowers the points one earn may give to 1,000
    ho.admin.set_setting("bounds", {"earn_points": 1000})
    sh = StoreLog("SH001", ho.admin.create_store("SH001", "store"))
    add_member(ho, 1, 100)
    # Then stores pull every bound (the others at their defaults)
    pulled = ho.changes("SH001", 0)["settings"]["bounds"]
    assert pulled == {**BOUNDS.as_dict(), "earn_points": 1000}
    # And head office parks an earn beyond it, naming the bound, and applies one at it
    sh.earn("M00000001", 1001)
    sh.earn("M00000001", 1000)
    answer = ho.push("SH001", sh.body())
    assert [r["outcome"] for r in answer["results"]] == ["rejected", "applied"]
    assert "earn_points" in answer["results"][0]["error"]
