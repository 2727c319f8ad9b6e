"""Log files: what the commands did, with context, in the OS log folder, rotating; never a
member's name, a PIN or a store secret. The console stays as it was."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.cli

ROOT = Path(__file__).resolve().parents[2]
PIN = "58234019"  # the cashier's (distinctive, so a leak cannot hide among other digits)
WRONG_PIN = "739251"
SECRET = "s3cr3t-Zq8vLw2Kx9pRt4Yu"


def lantern(state: Path, db: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        capture_output=True,
        text=True,
        env=base | {"XDG_STATE_HOME": str(state), "LANTERN_DB": str(db)} | env,
        cwd=ROOT,
        timeout=120,
    )


def test_the_log_has_the_story_but_no_names_pins_or_secrets(
    demo_path: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    with sqlite3.connect(demo_path) as conn:
        name = conn.execute("SELECT name FROM members WHERE member_id = 'M00000001'").fetchone()[0]
    # Given a cashier with a PIN of her own
    added = lantern(
        state, demo_path, "staff", "add", "--id", "C09", "--name", "赵敏", "--role", "cashier",
        LANTERN_NEW_PIN=PIN,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    # When she redeems for a member, then types a wrong PIN
    ok = lantern(
        state,
        demo_path,
        "redeem",
        "--member",
        "M00000001",
        "--gift",
        "G101",
        "--cashier",
        "C09",
        LANTERN_PIN=PIN,
    )
    assert ok.returncode == 0, ok.stderr
    receipt = ok.stdout.split()[0]
    refused = lantern(
        state,
        demo_path,
        "redeem",
        "--member",
        "M00000001",
        "--gift",
        "G101",
        "--cashier",
        "C09",
        LANTERN_PIN=WRONG_PIN,
    )
    assert refused.returncode == 1
    # and the store is connected to a head office with its secret, and syncs (unreachable)
    connect = lantern(
        state,
        demo_path,
        "store",
        "connect",
        "--url",
        "http://127.0.0.1:9",
        "--store-id",
        "SH001",
        LANTERN_STORE_SECRET=SECRET,
    )
    assert connect.returncode == 0, connect.stderr
    sync = lantern(state, demo_path, "sync", "-v")
    assert sync.returncode == 4
    # Then the log file in the OS log folder tells what happened, with context
    log = (state / "lantern" / "log" / "lantern.log").read_text(encoding="utf-8")
    assert f"redeemed {receipt} for M00000001 by C09: 100 points" in log
    assert "redeem failed: unknown staff member 'C09' or wrong PIN" in log
    assert "store SH001 connected to head office at http://127.0.0.1:9" in log
    assert "sync ended with status 4" in log
    assert f"store database {demo_path}" in log
    for line in log.splitlines():  # time, level, process and thread, the logger
        assert (line[:4].isdigit() and " [" in line and "MainThread]" in line) or line.startswith(
            " "
        )
    # and holds no member name, no PIN, no secret
    assert name not in log and name[1:] not in log
    assert PIN not in log and WRONG_PIN not in log
    assert SECRET not in log
    # And the console is as before: without -v no INFO lines, errors on stderr
    assert "INFO" not in ok.stderr and "INFO" not in refused.stderr
    assert "lantern: error: unknown staff member 'C09' or wrong PIN" in refused.stderr
    assert SECRET not in sync.stderr + sync.stdout + connect.stdout + connect.stderr


def test_a_secret_that_reaches_a_log_line_is_masked(tmp_path: Path) -> None:
    from desktop import logs

    os.environ["LANTERN_LOG_DIR"] = str(tmp_path)
    try:
        path = logs.setup(program="test-redact")
        logs.redact(SECRET)
        logging.getLogger("desktop.test").warning("head office said: bad secret %s", SECRET)
    finally:
        del os.environ["LANTERN_LOG_DIR"]
        logs.setup(to_file=False)
    assert path is not None
    text = path.read_text(encoding="utf-8")
    assert "bad secret ***" in text and SECRET not in text


def test_the_log_rotates(tmp_path: Path) -> None:
    from desktop import logs

    os.environ["LANTERN_LOG_DIR"] = str(tmp_path)
    try:
        path = logs.setup(program="test-rotate")
        line = "x" * 1000
        for _ in range(logs.MAX_BYTES // 1000 * (logs.BACKUPS + 2)):
            logging.getLogger("desktop.test").info(line)
    finally:
        del os.environ["LANTERN_LOG_DIR"]
        logs.setup(to_file=False)
    assert path is not None
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == [
        "test-rotate.log",
        *(f"test-rotate.log.{n}" for n in range(1, logs.BACKUPS + 1)),
    ]
    assert all(p.stat().st_size <= logs.MAX_BYTES + 2000 for p in tmp_path.iterdir())


def test_an_unwritable_log_folder_costs_a_warning_not_the_command(
    demo_path: Path, tmp_path: Path
) -> None:
    blocked = tmp_path / "state"
    blocked.write_text("a file where the folder should be")
    r = lantern(blocked, demo_path, "gift", "list")
    assert r.returncode == 0
    assert "no log file: cannot write to" in r.stderr and "G101" in r.stdout
