"""The head-office service as a real process (`lantern headoffice serve --port 0`), spoken
to over HTTP: credentials, a push and pull round trip, malformed requests, and two
service processes sharing one PostgreSQL database."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from ho_helpers import StoreLog, add_member, ledger_problems, member_row, outcomes, q

from desktop.core.catalogue import Gift, GiftId, Price
from headoffice.auth import authorization
from headoffice.db import open_db
from headoffice.engine import HeadOffice

pytestmark = pytest.mark.headoffice

ROOT = Path(__file__).resolve().parents[2]
READY = re.compile(r"^lantern head office listening on (http://\S+)$")


@contextmanager
def served(target: str, tmp_path: Path, name: str = "ho") -> Iterator[str]:
    """Start `python -m desktop headoffice serve`, wait for its ready line, yield its URL;
    stop it (SIGTERM) afterwards."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    errors = tmp_path / f"{name}.stderr"
    with errors.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "desktop", "headoffice", "serve", "--db", target, "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            cwd=ROOT,
            env=env,
        )
    lines: queue.Queue[str] = queue.Queue()
    assert proc.stdout is not None
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()  # type: ignore[union-attr]
    try:
        try:
            line = lines.get(timeout=30)
        except queue.Empty:
            line = ""
        m = READY.match(line.strip())
        if not m:
            proc.kill()
            pytest.fail(f"no ready line (got {line!r}); stderr:\n{errors.read_text()}")
        yield m.group(1)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    # uvicorn shuts down gracefully, then lets SIGTERM end the process as it would have
    assert proc.returncode in (0, -signal.SIGTERM), errors.read_text()


def setup(target: str, stores: tuple[str, ...], members: int = 1) -> dict[str, StoreLog]:
    db = open_db(target)
    try:
        ho = HeadOffice(db)
        logs = {s: StoreLog(s, ho.admin.create_store(s, f"store {s}")) for s in stores}
        for n in range(1, members + 1):
            add_member(ho, n, 100_000)
        ho.admin.upsert_gift(Gift(GiftId("G101"), "购物袋", "bag", "home", (Price(100),)))
    finally:
        db.close()
    return logs


def auth(log: StoreLog, secret: str | None = None) -> dict[str, str]:
    return {"Authorization": authorization(log.store_id, log.secret if secret is None else secret)}


@pytest.fixture
def sqlite_target(tmp_path: Path) -> str:
    return str(tmp_path / "headoffice.db")


def test_credentials_missing_wrong_unknown_or_revoked_get_401_and_nothing_else(
    sqlite_target: str, tmp_path: Path
) -> None:
    logs = setup(sqlite_target, ("SH001", "BJ001"))
    sh = logs["SH001"]
    with served(sqlite_target, tmp_path) as url, httpx.Client(base_url=url, timeout=10) as http:
        attempts = [
            http.get("/v1/sync/changes"),
            http.get("/v1/sync/changes", headers=auth(sh, "wrong")),
            http.get("/v1/sync/changes", headers=auth(StoreLog("NOPE", "x"))),
            http.get("/v1/sync/changes", headers={"Authorization": "Basic U0gwMDE6eA=="}),
            http.post("/v1/sync/push", content=b"garbage"),  # credentials before the body
            http.post("/v1/sync/push", json=sh.body(), headers=auth(sh, "wrong")),
        ]
        for r in attempts:
            assert r.status_code == 401 and r.json() == {"error": "unauthorized"}
        assert http.get("/v1/sync/changes", headers=auth(sh)).status_code == 200
        db = open_db(sqlite_target)
        HeadOffice(db).admin.revoke_store("SH001")
        db.close()
        revoked = http.get("/v1/sync/changes", headers=auth(sh))
        assert revoked.status_code == 401 and revoked.json() == {"error": "unauthorized"}
        assert http.get("/v1/sync/changes", headers=auth(logs["BJ001"])).status_code == 200


def test_push_and_pull_round_trip(sqlite_target: str, tmp_path: Path) -> None:
    sh = setup(sqlite_target, ("SH001",))["SH001"]
    sh.redemption("M00000001", 300, cash_fen=1500)
    sh.earn("M00000001", 40)
    with served(sqlite_target, tmp_path) as url, httpx.Client(base_url=url, timeout=10) as http:
        health = http.get("/v1/health")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        pushed = http.post("/v1/sync/push", json=sh.body(), headers=auth(sh))
        assert pushed.status_code == 200
        answer = pushed.json()
        assert outcomes(answer) == ["applied", "applied"]
        assert answer["acked_seq"] == 2 and answer["chain"] == "ok"
        again = http.post("/v1/sync/push", json=sh.body(), headers=auth(sh)).json()
        assert outcomes(again) == ["duplicate", "duplicate"]
        first = http.get("/v1/sync/changes", params={"since": 0, "limit": 1}, headers=auth(sh))
        assert first.status_code == 200 and first.json()["more"] is True
        rest = http.get(
            "/v1/sync/changes", params={"since": first.json()["cursor"]}, headers=auth(sh)
        ).json()
        assert rest["more"] is False
        pages = [first.json(), rest]
        # snapshots: the member is in both pages, the later one is its current state
        members = [m for p in pages for m in p["members"]]
        assert [m["member_id"] for m in members] == ["M00000001", "M00000001"]
        assert members[-1]["balance"] == 100_000 - 300 + 40
        (total,) = [t for p in pages for t in p["totals"]]
        assert total == {"day": "2026-11-26", "redemptions": 1, "points": 300, "cash_fen": 1500}
        assert [g["gift_id"] for p in pages for g in p["gifts"]] == ["G101"]


@pytest.mark.parametrize(
    ("method", "path", "body", "params", "message"),
    [
        ("POST", "/v1/sync/push", b"{not json", None, "not JSON"),
        ("POST", "/v1/sync/push", b"\xff\xfe", None, "not UTF-8"),
        ("POST", "/v1/sync/push", b"[1, 2]", None, "JSON object"),
        ("POST", "/v1/sync/push", b'{"events": []}', None, "head is required"),
        ("POST", "/v1/sync/push", b'{"events": [{"seq": 1}], "head": null}', None, "lacks"),
        ("GET", "/v1/sync/changes", None, {"since": "yesterday"}, "since"),
        ("GET", "/v1/sync/changes", None, {"limit": "0"}, "limit"),
        ("GET", "/v1/sync/changes", None, {"cursor": "3"}, "unknown query parameter"),
    ],
)
def test_garbage_is_400_with_a_clear_error(
    served_sqlite: tuple[str, StoreLog],
    method: str,
    path: str,
    body: bytes | None,
    params: dict[str, str] | None,
    message: str,
) -> None:
    url, sh = served_sqlite
    with httpx.Client(base_url=url, timeout=10) as http:
        r = http.request(method, path, content=body, params=params, headers=auth(sh))
    assert r.status_code == 400
    assert message in r.json()["error"]


@pytest.fixture(scope="module")
def served_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, StoreLog]]:
    tmp = tmp_path_factory.mktemp("served")
    target = str(tmp / "headoffice.db")
    sh = setup(target, ("SH001",))["SH001"]
    with served(target, tmp) as url:
        yield url, sh


def test_a_database_that_is_not_head_office_is_refused_before_listening(tmp_path: Path) -> None:
    store_db = tmp_path / "store.db"
    import sqlite3

    with sqlite3.connect(store_db) as conn:
        conn.execute("CREATE TABLE outbox (seq INTEGER)")
    r = subprocess.run(
        [sys.executable, "-m", "desktop", "headoffice", "serve", "--db", str(store_db)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=30,
    )
    assert r.returncode == 1 and r.stdout == ""
    assert "not a Lantern head-office database" in r.stderr


def test_two_service_processes_on_one_postgresql_lose_and_double_nothing(
    pg_target: str, tmp_path: Path
) -> None:
    """Four stores push 40 events each in batches of 10, alternating between two service
    processes; every batch is also sent to the other process at the same moment (a retry
    racing the original). Each event must be stored and applied exactly once."""
    stores = ("SH001", "SH002", "BJ001", "GZ001")
    logs = setup(pg_target, stores, members=4)
    for i, log in enumerate(logs.values()):
        for k in range(40):
            member = f"M{(i + k) % 4 + 1:08d}"
            if k % 5 == 4:
                log.earn(member, 7)
            else:
                log.redemption(member, 10 + k)
    failures: list[str] = []

    def run(log: StoreLog, urls: tuple[str, str]) -> None:
        with httpx.Client(timeout=30) as http:
            for b in range(4):
                batch = log.body(log.events[b * 10 : (b + 1) * 10])
                answers: list[dict[str, Any]] = []

                def send(
                    u: str, batch: dict[str, Any] = batch, answers: list[dict[str, Any]] = answers
                ) -> None:
                    r = http.post(f"{u}/v1/sync/push", json=batch, headers=auth(log))
                    if r.status_code != 200:
                        failures.append(f"{log.store_id} {r.status_code} {r.text}")
                    else:
                        answers.append(r.json())

                racers = [threading.Thread(target=send, args=(u,)) for u in urls]
                for t in racers:
                    t.start()
                for t in racers:
                    t.join()
                for a in answers:
                    if a["chain"] != "ok" or "rejected" in outcomes(a):
                        failures.append(f"{log.store_id}: {a}")
                # each event applied by exactly one of the two racing requests
                applied = [
                    r["seq"] for a in answers for r in a["results"] if r["outcome"] == "applied"
                ]
                if sorted(applied) != list(range(b * 10 + 1, b * 10 + 11)):
                    failures.append(f"{log.store_id} batch {b}: applied {sorted(applied)}")
                urls = (urls[1], urls[0])

    with (
        served(pg_target, tmp_path, "one") as one,
        served(pg_target, tmp_path, "two") as two,
    ):
        threads = [
            threading.Thread(target=run, args=(log, (one, two) if i % 2 else (two, one)))
            for i, log in enumerate(logs.values())
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert failures == []
        with httpx.Client(timeout=10) as http:
            for log in logs.values():
                final = http.post(f"{one}/v1/sync/push", json=log.body(), headers=auth(log)).json()
                assert final["acked_seq"] == 40 and set(outcomes(final)) == {"duplicate"}

    db = open_db(pg_target)
    try:
        for s in stores:
            rows = q(
                db, "SELECT seq, outcome FROM store_events WHERE store_id = ? ORDER BY seq", (s,)
            )
            assert [r["seq"] for r in rows] == list(range(1, 41))
            assert {r["outcome"] for r in rows} == {"applied"}
        assert len(q(db, "SELECT redemption_id FROM redemptions")) == 4 * 32
        expected = {f"M{n:08d}": 100_000 for n in range(1, 5)}
        for log in logs.values():
            for e in log.events:
                p = e["payload"]
                sign = -1 if e["kind"] == "redemption" else 1
                expected[p["member_id"]] += sign * p["points"]
        for member_id, balance in expected.items():
            assert member_row(db, member_id)["balance"] == balance
        assert ledger_problems(db) == []
    finally:
        db.close()
