"""`lantern store connect`, `lantern sync` and `lantern sync status` as real subprocesses,
against a port where no head office listens (the e2e tests run a real one)."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.cli

ROOT = Path(__file__).resolve().parents[2]
SECRET = "store-secret-7Q"


def lantern(
    *args: str, db: Path, stdin: str = "", secret: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    env["LANTERN_DB"] = str(db)
    if secret is not None:
        env["LANTERN_STORE_SECRET"] = secret
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )


def dead_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = int(s.getsockname()[1])
    s.close()
    return port


def test_sync_without_head_office_says_how_to_connect(demo_path: Path) -> None:
    r = lantern("sync", db=demo_path)
    assert r.returncode == 1
    assert "lantern store connect" in r.stderr


def test_connect_then_sync_to_an_unreachable_head_office(demo_path: Path) -> None:
    # Given the store connected with the secret on stdin
    url = f"http://127.0.0.1:{dead_port()}"
    r = lantern(
        "store", "connect", "--url", url, "--store-id", "SH001", db=demo_path, stdin=SECRET + "\n"
    )
    assert r.returncode == 0, r.stderr
    assert SECRET not in r.stdout + r.stderr
    con = sqlite3.connect(demo_path)
    try:
        assert (
            con.execute("SELECT value FROM settings WHERE key = 'headoffice_url'").fetchone()[0]
            == f'"{url}"'
        )
    finally:
        con.close()
    # When a sync round finds nobody there
    r = lantern("sync", db=demo_path)
    # Then it exits 4 with the reason, and the store keeps working offline
    assert r.returncode == 4, r.stderr
    assert "is unreachable: cannot connect" in r.stderr
    assert "keeps working offline; 1 event(s) wait" in r.stderr
    assert SECRET not in r.stdout + r.stderr
    # And the status shows what waits and why the last attempt failed
    s = lantern("sync", "status", db=demo_path)
    assert s.returncode == 0, s.stderr
    assert f"head office: {url} as store SH001 (offline)" in s.stdout
    assert "events waiting: 1" in s.stdout
    assert "last successful sync: never" in s.stdout
    assert "failed: head office at" in s.stdout
    assert "parked events: 0" in s.stdout
    assert SECRET not in s.stdout + s.stderr


def test_connect_refuses_another_store_id_and_an_empty_secret(demo_path: Path) -> None:
    r = lantern(
        "store",
        "connect",
        "--url",
        "http://127.0.0.1:9",
        "--store-id",
        "BJ002",
        db=demo_path,
        secret="x",
    )
    assert r.returncode == 1 and "belongs to store SH001" in r.stderr
    r = lantern(
        "store", "connect", "--url", "http://127.0.0.1:9", "--store-id", "SH001", db=demo_path
    )
    assert r.returncode == 1 and "LANTERN_STORE_SECRET" in r.stderr
    r = lantern(
        "store", "connect", "--url", "ftp://x", "--store-id", "SH001", db=demo_path, secret="x"
    )
    assert r.returncode == 1 and "http://" in r.stderr
    # the Settings tab's rule: an address pasted twice is refused, nothing is saved
    pasted = "http://127.0.0.1:1http://127.0.0.1:8765"
    r = lantern(
        "store", "connect", "--url", pasted, "--store-id", "SH001", db=demo_path, secret="x"
    )
    assert r.returncode == 1 and "not valid" in r.stderr and "pasted twice" in r.stderr


def test_demo_runs_head_office_embedded_and_syncs(tmp_path: Path) -> None:
    # When the demo is set up
    db = tmp_path / "d.db"
    r = lantern("demo", "--db", str(db), "--no-window", "--members", "20", db=db)
    # Then it started its head office on loopback, connected the store and synced once
    assert r.returncode == 0, r.stderr
    assert "demo head office at http://127.0.0.1:" in r.stderr
    assert "1 events pushed, 1 applied" in r.stderr
    assert (tmp_path / "d-headoffice.db").exists()
    s = lantern("sync", "status", db=db)
    assert "as store SH001" in s.stdout and "events waiting: 0" in s.stdout
    assert lantern("store", "check", db=db).returncode == 0
    # And the head office stopped with the demo: the store is on its own now
    assert lantern("sync", db=db).returncode == 4


def test_demo_still_runs_when_its_head_office_cannot_start(tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    (tmp_path / "d-headoffice.db").mkdir()  # not a database file
    r = lantern("demo", "--db", str(db), "--no-window", "--members", "10", db=db)
    assert r.returncode == 0, r.stderr
    assert "the demo head office did not start" in r.stderr and "runs offline" in r.stderr
    assert "demo store ready" in r.stderr
