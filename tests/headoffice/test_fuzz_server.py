"""Fuzzing a real head-office process over HTTP: thousands of malformed requests built by
mutating valid push bodies (numbers of every size and type, extreme dates, wrong types,
deep nesting, huge text, bad UTF-8, NUL characters, truncated JSON, wrong content types,
bad query strings). No answer may be a 5xx; a refused request (4xx) changes nothing in
the head-office database; a correctly chained event with a bad payload is parked
(`rejected`) and the next event is applied.

One server for the whole run; a seeded RNG (LANTERN_FUZZ_SEED=<n> repeats a run; the seed
is in every failure message)."""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from ho_helpers import StoreLog
from test_server import auth, served, setup

from desktop.core.limits import CEILING, Bounds
from headoffice.db import open_db
from tests.reliability import record

pytestmark = [pytest.mark.headoffice, pytest.mark.reliability]

REQUESTS = int(os.environ.get("LANTERN_FUZZ_REQUESTS") or 5200)  # fewer only to profile
SEED = int(os.environ.get("LANTERN_FUZZ_SEED") or random.SystemRandom().randrange(2**32))
MEMBER = "M00000001"
BOUNDS = Bounds()

HUGE_INTS = [2**63, 2**63 - 1, 2**64, -(2**63), 10**30, CEILING + 1, -1, -(10**30)]
NOT_INTS: list[Any] = [1.5, 1e308, -0.0, "1", "", None, True, False, [], {}, [1], {"n": 1}]
EXTREME_TIMES = [
    "9999-12-31T23:59:59+14:00",
    "0001-01-01T00:00:00-12:00",
    "1999-12-31T23:59:59+08:00",
    "3000-01-01T00:00:00+00:00",
    "2026-13-01T00:00:00+08:00",
    "2026-11-26T25:00:00+08:00",
    "not a time",
    "",
    "2026-11-26T10:00:00+99:00",
    "x" * 60,
]
EVENT_FIELDS: dict[str, list[Any]] = {
    "seq": [0, *HUGE_INTS, *NOT_INTS],
    "event_id": [None, 1, "", "x" * 201, [], {}, True, "a\x00b", "\ud800"],
    "kind": [None, 1, "", "x" * 51, [], {}, "a\x00"],
    "payload": [None, 1, "x", [], [1], True],
    "created_at": [None, 1, "", "x" * 51, [], "\x00"],
    "prev_hash": [None, "", "g" * 64, "A" * 64, "0" * 63, "0" * 65, 1, []],
    "hash": [None, "", "g" * 64, "F" * 64, "f" * 63, 1, {}],
}
HEAD_VALUES: list[Any] = ["x", 1, [], True, {"seq": 1}, {"hash": "0" * 64}]
HEAD_SEQS: list[Any] = [-1, 2**63, 2**63 - 1, 10**30, CEILING + 1, 1.5, "3", True, None, []]
HEAD_HASHES: list[Any] = [1, "", "zz", "G" * 64, [], {}]
POISON_TEXT = ["\ud800", "\udfff x", "a\udbff"]  # lone surrogates: never UTF-8
BAD_PARAMS = [
    "-1", "1e3", "0x10", " ", "９", "9" * 19, "9" * 400, "NaN", "1.0", "\x00", "+1",
    "1 ", "١٢", "%", "' OR 1=1 --", "[]", "x" * 5000,
]  # fmt: skip


@dataclass
class Tally:
    tried: int = 0
    status: dict[int, int] = field(default_factory=dict)
    refused: int = 0  # answered 4xx
    refused_changed: int = 0  # … and the database changed anyway (must stay 0)
    parked: int = 0  # chained events with a bad payload, answered `rejected`
    applied: int = 0  # good events between them (the queue moved on)

    def count(self, status: int) -> None:
        self.tried += 1
        self.status[status] = self.status.get(status, 0) + 1


class Fingerprint:
    """A cheap picture of the head-office database: row counts, the top change number,
    the stores' chain heads, push times and flags, the sums of balances and debts."""

    SQL = (
        "SELECT (SELECT COUNT(*) FROM store_events) AS a, "
        "(SELECT MAX(change_no) FROM change_log) AS b, (SELECT COUNT(*) FROM ledger) AS c, "
        "(SELECT COUNT(*) FROM redemptions) AS d, (SELECT COUNT(*) FROM lots) AS e, "
        "(SELECT COUNT(*) FROM code_uses) AS f, (SELECT SUM(balance) FROM members) AS g, "
        "(SELECT SUM(debt) FROM members) AS h, (SELECT COUNT(*) FROM settings) AS i"
    )
    STORES = (
        "SELECT store_id, head_seq, head_hash, last_push_at, flagged, revoked, secret_hash "
        "FROM stores ORDER BY store_id"
    )

    def __init__(self, target: str) -> None:
        self.db = open_db(target, migrate=False)

    def __call__(self) -> tuple[Any, ...]:
        with self.db.transaction(write=False) as tx:
            counts = tx.one(self.SQL)
            stores = tx.all(self.STORES)
        assert counts is not None
        return (*counts.values(), *(tuple(r.values()) for r in stores))

    def close(self) -> None:
        self.db.close()


def _dumps(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass")


class Fuzzer:
    def __init__(self, rng: random.Random, sh: StoreLog) -> None:
        self.rng = rng
        self.sh = sh

    # --- a valid next event, not yet in the store's log -----------------------------------
    def candidate(self) -> dict[str, Any]:
        sh = self.sh
        event = (
            sh.redemption(MEMBER, self.rng.randint(0, 50))
            if self.rng.random() < 0.6
            else sh.earn(MEMBER, self.rng.randint(0, 50))
        )
        sh.events.pop()
        return event

    def body(self, event: dict[str, Any]) -> dict[str, Any]:
        return self.sh.body([event])

    # --- requests that must be refused (4xx) ----------------------------------------------
    def field_mutation(self) -> bytes:
        event = self.candidate()
        name = self.rng.choice(list(EVENT_FIELDS))
        if self.rng.random() < 0.15:
            del event[name]
        else:
            event[name] = self.rng.choice(EVENT_FIELDS[name])
        return _dumps(self.body(event))

    def head_mutation(self) -> bytes:
        body = self.body(self.candidate())
        r = self.rng.random()
        if r < 0.3:
            body["head"] = self.rng.choice(HEAD_VALUES)
        elif r < 0.6:
            body["head"] = {"seq": self.rng.choice(HEAD_SEQS), "hash": body["head"]["hash"]}
        elif r < 0.9:
            body["head"] = {"seq": body["head"]["seq"], "hash": self.rng.choice(HEAD_HASHES)}
        else:
            del body["head"]
        return _dumps(body)

    def shape_mutation(self) -> bytes:
        body = self.body(self.candidate())
        choice = self.rng.randrange(6)
        if choice == 0:
            body["events"] = self.rng.choice([None, {}, "x", 1, True, {"0": {}}])
        elif choice == 1:
            body["events"] = [{}] * 1001
        elif choice == 2:
            body["store_id"] = self.rng.choice(["BJ001", "", 1, None, [], "SH001\x00"])
        elif choice == 3:
            body["events"] = [self.rng.choice([None, 1, "x", [], True])]
        elif choice == 4:
            del body["events"]
        else:
            return _dumps(self.rng.choice([[], 1, "x", None, True, 1.5, [body]]))
        return _dumps(body)

    def poison(self) -> bytes:
        """Text no database stores, nesting deeper than the protocol allows, non-finite
        numbers, anywhere in a body that is otherwise a good push."""
        event = self.candidate()
        payload = event["payload"]
        choice = self.rng.randrange(4)
        if choice == 0:
            payload[self.rng.choice([*payload, "note"])] = self.rng.choice(POISON_TEXT)
        elif choice == 1:
            payload[self.rng.choice(POISON_TEXT)] = 1  # as a key
        elif choice == 2:
            depth = self.rng.choice([33, 60, 200, 500])
            nested: Any = 1
            for _ in range(depth):
                nested = [nested] if self.rng.random() < 0.5 else {"k": nested}
            payload["lines"] = nested
        else:
            text = _dumps(self.body(event)).decode("utf-8", "surrogatepass")
            constant = self.rng.choice(["NaN", "Infinity", "-Infinity"])
            return text.replace('"points": ', f'"points": {constant}, "x": ', 1).encode(
                "utf-8", "surrogatepass"
            )
        return _dumps(self.body(event))

    def raw(self) -> bytes:
        good = _dumps(self.body(self.candidate()))
        choice = self.rng.randrange(7)
        if choice == 0:  # truncated
            return good[: self.rng.randrange(len(good))]
        if choice == 1:  # bytes that are never UTF-8
            at = self.rng.randrange(len(good))
            return (
                good[:at]
                + self.rng.choice([b"\xff", b"\xc0\x80", b"\xfe", b"\xed\xa0\x80"])
                + good[at:]
            )
        if choice == 2:  # deep nesting as the whole body
            n = self.rng.choice([33, 999, 1000, 5000, 30_000])
            return self.rng.choice([b"[" * n + b"]" * n, b'{"a":' * n + b"1" + b"}" * n, b"[" * n])
        if choice == 3:
            return self.rng.choice([b"", b" ", b"{", b"}", b"nul", b"\x00", b"{}{}", b"[1,]"])
        if choice == 4:  # a number with thousands of digits
            return good.replace(b'"seq": ', b'"seq": ' + b"9" * self.rng.choice([20, 5000]), 1)
        if choice == 5:  # huge text where an id belongs
            return _dumps({**self.body(self.candidate()), "store_id": "S" * 30_000})
        return good.replace(b'"hash"', b'"hash" "hash"', 1)  # a syntax error inside

    # --- a chained event with a NUL somewhere in its payload: applied or parked ----------
    def nul_payload(self) -> dict[str, Any]:
        event = self.candidate()
        payload = dict(event["payload"])
        key = self.rng.choice([*payload, "note"])
        payload[key] = self.rng.choice(["\x00", "a\x00b", f"{payload.get(key)}\x00"])
        return self.sh.add(event["kind"], payload)

    # --- a chained event whose payload cannot be applied: parked --------------------------
    def bad_payload(self) -> dict[str, Any]:
        rng, sh = self.rng, self.sh
        kind = rng.choice(["redemption", "earn", "void", "other"])
        good = sh.redemption(MEMBER, 10) if kind != "earn" else sh.earn(MEMBER, 10)
        sh.events.pop()
        payload = dict(good["payload"])
        if kind == "other":
            return sh.add(rng.choice(["refund", "REDEMPTION", "x" * 50, "void ", "红包"]), payload)
        if kind == "void":
            payload = {"void_id": "v", "redemption_id": rng.choice(["nope", 1, None, ""])}
            return sh.add("void", payload)
        bound = "redemption_points" if kind == "redemption" else "earn_points"
        choice = rng.randrange(5)
        if choice == 0:
            payload["points"] = rng.choice([*HUGE_INTS, getattr(BOUNDS, bound) + 1])
        elif choice == 1:
            payload["points"] = rng.choice([1.5, "10", None, True, [], {}, 1e30])
        elif choice == 2 and kind == "redemption":
            payload["cash_fen"] = rng.choice(
                [*HUGE_INTS, BOUNDS.redemption_cash_fen + 1, 0.5, "0", True]
            )
        elif choice == 3:
            payload["at"] = rng.choice([*EXTREME_TIMES, "2026-11-26T10:00:00\x00+08:00"])
        else:
            bad: list[Any] = [None, 1, "", "x" * 201, [], "  ", "\x00", "id\x00"]
            if rng.random() < 0.5:
                payload["member_id"] = rng.choice([*bad, "M99999999"])
            else:
                payload["redemption_id" if kind == "redemption" else "earn_id"] = rng.choice(bad)
        return sh.add(kind, payload)


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, StoreLog]]:
    tmp = tmp_path_factory.mktemp("fuzz")
    target = str(tmp / "headoffice.db")
    sh = setup(target, ("SH001", "BJ001"))["SH001"]
    with served(target, tmp, "fuzz") as url:
        yield url, target, sh
    # the server's log holds no traceback: nothing unexpected was raised, even if caught
    log = (tmp / "fuzz.stderr").read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log, log[log.index("Traceback") - 500 :][:3000]


def run_fuzz(url: str, target: str, sh: StoreLog, requests: int, seed: int) -> Tally:
    """`requests` requests from a generator seeded with `seed`; fails at the first answer
    that is a 5xx, or a refusal that changed the database, or a bad event not parked."""
    rng = random.Random(seed)
    fuzz = Fuzzer(rng, sh)
    fingerprint = Fingerprint(target)
    tally = Tally()
    json_type = {"Content-Type": "application/json"}
    headers = {**auth(sh), **json_type}
    started = time.monotonic()
    where = f"(LANTERN_FUZZ_SEED={seed})"

    last = [fingerprint()]  # the database as the last request left it

    def refused(name: str, send: Callable[[httpx.Client], httpx.Response]) -> None:
        before = last[0]
        r = send(http)
        tally.count(r.status_code)
        assert r.status_code < 500, f"{name}: {r.status_code} {r.text[:300]} {where}"
        assert 400 <= r.status_code < 500, f"{name}: {r.status_code} {r.text[:300]} {where}"
        assert isinstance(r.json().get("error"), str), f"{name}: {r.text[:200]} {where}"
        tally.refused += 1
        if fingerprint() != before:
            tally.refused_changed += 1
            pytest.fail(f"{name}: answered {r.status_code} but the database changed {where}")

    def pushed(event: dict[str, Any]) -> dict[str, Any]:
        r = http.post("/v1/sync/push", content=_dumps(sh.body([event])), headers=headers)
        tally.count(r.status_code)
        assert r.status_code == 200, f"seq {event['seq']}: {r.status_code} {r.text[:300]} {where}"
        (result,) = r.json()["results"]
        assert r.json()["acked_seq"] == event["seq"], f"{result} {where}"
        last[0] = fingerprint()
        return dict(result)

    def post(body: bytes, extra: dict[str, str] | None = None) -> Callable[[httpx.Client], Any]:
        return lambda c: c.post("/v1/sync/push", content=body, headers={**headers, **(extra or {})})

    mutations: list[tuple[float, str, Callable[[], bytes]]] = [
        (0.24, "field", fuzz.field_mutation),
        (0.10, "head", fuzz.head_mutation),
        (0.10, "shape", fuzz.shape_mutation),
        (0.14, "poison", fuzz.poison),
        (0.14, "raw", fuzz.raw),
    ]
    with httpx.Client(base_url=url, timeout=30) as http:
        while tally.tried < requests:
            r = rng.random()
            for weight, name, make in mutations:
                if r < weight:
                    refused(name, post(make()))
                    break
                r -= weight
            else:
                if r < 0.08:  # the changes endpoint with bad query strings (never a write)
                    params = {
                        rng.choice(["since", "limit", "cursor", "since[]", ""]): rng.choice(
                            BAD_PARAMS
                        )
                        for _ in range(rng.randint(1, 2))
                    }
                    answer = http.get("/v1/sync/changes", params=params, headers=auth(sh))
                    tally.count(answer.status_code)
                    assert answer.status_code < 500, f"{params!r}: {answer.text[:300]} {where}"
                    assert fingerprint() == last[0], f"{params!r} {where}"
                elif r < 0.12:  # a good body with a content type that is not JSON
                    kind = rng.choice(
                        ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                         "application/xml", "application/jsonx", ""]
                    )  # fmt: skip
                    body = _dumps(fuzz.body(fuzz.candidate()))
                    refused("content type", post(body, {"Content-Type": kind}))
                elif r < 0.15:  # bad credentials, a wrong method or path
                    body = _dumps(fuzz.body(fuzz.candidate()))
                    how = rng.randrange(4)
                    if how == 0:
                        bad = rng.choice(
                            ["", "Lantern-Store", "Lantern-Store SH001", "Lantern-Store SH001:",
                             "Lantern-Store ../x:y", "Basic U0gwMDE6eA==", "Lantern-Store :x"]
                        )  # fmt: skip
                        refused("auth", post(body, {"Authorization": bad}))
                    elif how == 1:
                        refused("method", lambda c: c.put("/v1/sync/push", headers=headers))
                    elif how == 2:
                        refused("method", lambda c: c.get("/v1/sync/push", headers=headers))
                    else:
                        refused("path", lambda c: c.post("/v1/sync/pushx", headers=headers))
                elif r < 0.24:  # a chained event whose payload cannot be applied
                    event = fuzz.bad_payload()
                    result = pushed(event)
                    assert result["outcome"] == "rejected", f"{event['payload']} {result} {where}"
                    tally.parked += 1
                elif r < 0.26:  # NUL in a payload: parked if head office reads the field
                    event = fuzz.nul_payload()
                    result = pushed(event)
                    assert result["outcome"] in ("applied", "rejected"), f"{result} {where}"
                    tally.parked += result["outcome"] == "rejected"
                    tally.applied += result["outcome"] == "applied"
                else:  # a good event: the queue moves on
                    event = fuzz.candidate()
                    sh.events.append(event)
                    result = pushed(event)
                    assert result["outcome"] == "applied", f"{result} {where}"
                    tally.applied += 1
    fingerprint.close()
    print(f"\nfuzz seed {seed}: {tally} in {time.monotonic() - started:.1f} s")
    return tally


def test_thousands_of_malformed_requests_never_5xx_and_change_nothing(
    fuzz_server: tuple[str, str, StoreLog],
) -> None:
    url, target, sh = fuzz_server
    tally = run_fuzz(url, target, sh, REQUESTS, SEED)
    answered_5xx = sum(n for s, n in tally.status.items() if s >= 500)
    assert answered_5xx == 0 and tally.refused_changed == 0
    assert tally.tried >= 5000 and tally.refused >= 3500 and tally.parked >= 300
    record(
        "Malformed head-office requests",
        "mutated pushes and queries to a served head office (SQLite)",
        tried=tally.tried,
        refused_4xx=tally.refused,
        answered_5xx=answered_5xx,
        database_changed=tally.refused_changed,
    )
    record(
        "Bound-breaking values",
        "chained events with bad payloads, served head office (SQLite)",
        tried=tally.parked,
        accepted=0,
        parked=tally.parked,
        good_events_after_them=tally.applied,
    )


def test_malformed_requests_to_a_head_office_on_postgresql(pg_target: str, tmp_path: Path) -> None:
    # Given a served head office on PostgreSQL (where a too-large number, a NUL in text
    # or a 32-bit column are errors SQLite does not raise)
    sh = setup(pg_target, ("SH001", "BJ001"))["SH001"]
    with served(pg_target, tmp_path, "fuzz-pg") as url:
        tally = run_fuzz(url, pg_target, sh, 800, SEED + 1)
    log = (tmp_path / "fuzz-pg.stderr").read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log, log[log.index("Traceback") - 500 :][:3000]
    answered_5xx = sum(n for s, n in tally.status.items() if s >= 500)
    assert answered_5xx == 0 and tally.refused_changed == 0 and tally.parked >= 30
    record(
        "Malformed head-office requests",
        "mutated pushes and queries to a served head office (PostgreSQL)",
        tried=tally.tried,
        refused_4xx=tally.refused,
        answered_5xx=answered_5xx,
        database_changed=tally.refused_changed,
    )
