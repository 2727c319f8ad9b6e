"""Head office as it runs in production (docs/deploy-headoffice.md): `lantern headoffice
serve --workers N` over PostgreSQL, the database named by $LANTERN_HEADOFFICE_DB as the
systemd unit gives it, several worker processes on one socket, health checked, stopped by
SIGTERM as systemd stops it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from ho_helpers import StoreLog, add_member, outcomes

from headoffice.auth import authorization
from headoffice.db import open_db
from headoffice.engine import HeadOffice

pytestmark = pytest.mark.headoffice

ROOT = Path(__file__).resolve().parents[2]
READY = re.compile(r"^lantern head office listening on (http://\S+)$")


def children(pid: int) -> set[int]:
    """Live processes whose parent is `pid` (Linux /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="counts workers in /proc")
def test_several_workers_over_postgresql_serve_one_socket(pg_target: str, tmp_path: Path) -> None:
    # Given a head office on PostgreSQL with a store registered
    db = open_db(pg_target)
    try:
        ho = HeadOffice(db)
        sh = StoreLog("SH001", ho.admin.create_store("SH001", "上海店"))
        add_member(ho, 1, 10_000)
    finally:
        db.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    env["LANTERN_HEADOFFICE_DB"] = pg_target  # as the systemd unit's EnvironmentFile does
    errors = tmp_path / "serve.stderr"
    # When it is served by three workers
    with errors.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "desktop", "headoffice", "serve", "--port", "0", "--workers", "3"],
            stdout=subprocess.PIPE, stderr=err, text=True, cwd=ROOT, env=env,
        )  # fmt: skip
    try:
        assert proc.stdout is not None
        m = READY.match(proc.stdout.readline().strip())
        assert m, errors.read_text()
        url = m.group(1)
        # Then three worker processes serve it
        deadline = time.monotonic() + 60
        while len(children(proc.pid) - {proc.pid}) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        workers = children(proc.pid)
        assert len(workers) >= 3, (workers, errors.read_text())
        # and the health check answers, on fresh connections each time
        for _ in range(12):
            with httpx.Client(base_url=url, timeout=30) as http:
                health = http.get("/v1/health")
                assert health.status_code == 200 and health.json()["status"] == "ok"
        # and a store's events are applied once, whichever worker takes them
        sh.redemption("M00000001", 300)
        body = sh.body()
        headers = {"Authorization": authorization(sh.store_id, sh.secret)}
        answers = []
        for _ in range(3):
            with httpx.Client(base_url=url, timeout=30) as http:
                answers.append(
                    outcomes(http.post("/v1/sync/push", json=body, headers=headers).json())
                )
        assert answers == [["applied"], ["duplicate"], ["duplicate"]]
    finally:
        # When systemd stops it
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    # Then it ends, its workers with it
    assert proc.returncode in (0, -signal.SIGTERM), errors.read_text()
    time.sleep(0.5)
    assert not children(proc.pid)
    assert "3 workers" not in errors.read_text()  # no SQLite warning on PostgreSQL
