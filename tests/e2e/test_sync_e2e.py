"""Sync end to end: stores on real SQLite files, a real `lantern headoffice serve` process,
the real HTTP client. Two stores spend the same points while head office is down; head
office is killed in the middle of a sync and restarted; `lantern sync` on the command line."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from desktop.services.app import StoreServices
from desktop.services.till import LineRequest, Receipt
from desktop.sync.client import HeadOfficeUnreachable
from headoffice.engine import HeadOffice

from .conftest import ROOT, HeadOfficeProcess, add_member, new_store, staff

pytestmark = pytest.mark.headoffice

MEMBER = "M00000001"
G504 = (LineRequest("G504"),)  # 800 points
G101 = (LineRequest("G101"),)  # 100 points


def outbox_ids(app: StoreServices) -> list[str]:
    return [r[0] for r in app.db.query("SELECT event_id FROM outbox ORDER BY seq")]


def stored_ids(server: HeadOfficeProcess, store_id: str) -> list[str]:
    return [
        r[0]
        for r in server.rows(
            "SELECT event_id FROM store_events WHERE store_id = ? ORDER BY seq", (store_id,)
        )
    ]


def member_row(app: StoreServices) -> tuple[int, int]:
    r = app.db.one("SELECT balance, debt FROM members WHERE member_id = ?", (MEMBER,))
    assert r is not None
    return int(r[0]), int(r[1])


def test_two_stores_spend_the_same_points_offline_and_the_overdraft_shows_once(
    office: HeadOffice, server: HeadOfficeProcess, tmp_path: Path
) -> None:
    # Given a member with 1,000 points, two stores each sent 5 of the 800-point gift
    add_member(office, MEMBER, 1000)
    secrets = {s: office.admin.create_store(s, f"Store {s}") for s in ("SH001", "BJ002")}
    for s in secrets:
        office.admin.deliver(s, "G504", 5)
    a = new_store(tmp_path / "sh.db", "SH001", server.url, secrets["SH001"])
    b = new_store(tmp_path / "bj.db", "BJ002", server.url, secrets["BJ002"])
    try:
        # And both stores synced once: they know the member, the gifts, their stock
        for app in (a, b):
            app.sync.sync_once()
            assert member_row(app) == (1000, 0)
            assert app.db.scalar("SELECT stock FROM gifts WHERE gift_id = 'G504'") == 5
        # When head office goes down and both stores notice
        server.kill()
        for app in (a, b):
            with pytest.raises(HeadOfficeUnreachable):
                app.sync.sync_once()
            assert not app.ctx.link().online
        # And the member redeems 800 points in each store
        for app in (a, b):
            r = app.till.redeem(staff(app, "C01"), str(uuid.uuid4()), MEMBER, G504)
            assert isinstance(r, Receipt) and r.offline, r
            assert member_row(app) == (200, 0)
        # And head office comes back and both stores sync (the first again, to hear of it)
        server.start()
        reports = [a.sync.sync_once(), b.sync.sync_once(), a.sync.sync_once()]
        # Then head office applied both redemptions; the second became one overdraft
        assert [r.conflicts for r in reports] == [0, 1, 0]
        ho_member = server.rows("SELECT balance, debt, flagged FROM members")[0]
        assert tuple(ho_member) == (-600, 600, 1)
        assert (
            server.one("SELECT COUNT(*) FROM store_events WHERE conflict LIKE '%overdraft%'") == 1
        )
        assert server.one("SELECT SUM(overdraft) FROM redemptions") == 600
        # And both stores show it: same balance, the overdraft on their reconciliation
        for app in (a, b):
            assert member_row(app) == (-600, 600)
            assert app.setup.check() == []
            report = app.reports.daily()
            assert any(MEMBER in o and "600" in o for o in report.overdrafts), report.overdrafts
            assert report.headoffice_match == "matches"
            assert report.unconfirmed_events == 0
        # And every event was stored at head office exactly once, as each outbox holds it
        for app, store_id in ((a, "SH001"), (b, "BJ002")):
            assert stored_ids(server, store_id) == outbox_ids(app)
            assert app.sync.status().waiting == 0
    finally:
        a.close()
        b.close()


def test_head_office_killed_mid_sync_and_restarted_ends_in_the_same_state(
    office: HeadOffice, server: HeadOfficeProcess, tmp_path: Path
) -> None:
    # Given a store that redeemed and earned 40 times while it could not sync
    add_member(office, MEMBER, 20_000)
    secret = office.admin.create_store("SH001", "Shanghai")
    office.admin.deliver("SH001", "G101", 100)
    app = new_store(tmp_path / "sh.db", "SH001", server.url, secret)
    try:
        app.sync.sync_once()
        cashier = staff(app, "C01")
        earned = 0
        for i in range(20):
            r = app.till.redeem(cashier, f"r{i}", MEMBER, G101)
            assert isinstance(r, Receipt)
            earned += app.till.earn(cashier, f"e{i}", MEMBER, 5_000 + i * 100).points
        expected = 20_000 - 20 * 100 + earned
        assert member_row(app)[0] == expected
        app.sync.batch_size = 5
        # When head office is killed once it has stored a dozen of them, mid-round
        killed = threading.Event()

        def killer() -> None:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                if server.one("SELECT COUNT(*) FROM store_events") >= 12:
                    server.kill()
                    killed.set()
                    return
                time.sleep(0.002)

        thread = threading.Thread(target=killer)
        thread.start()
        with pytest.raises(HeadOfficeUnreachable):
            app.sync.sync_once()
        thread.join()
        assert killed.is_set()
        partial = app.sync.status()
        assert 0 < partial.waiting <= 40
        # And restarted on the same port, and the store syncs again
        server.start()
        report = app.sync.sync_once()
        # Then the end state is the perfect link's: everything stored once, in order,
        # every balance the same at head office and in the store
        assert stored_ids(server, "SH001") == outbox_ids(app)
        assert app.sync.status().waiting == 0
        assert report.pushed == partial.waiting
        assert server.one("SELECT balance FROM members") == expected
        assert member_row(app) == (expected, 0)
        assert app.setup.check() == []
        outcomes = app.sync.status().outcomes
        assert set(outcomes) <= {"applied", "duplicate"} and sum(outcomes.values()) == 41
        assert server.one("SELECT COUNT(*) FROM store_events WHERE outcome = 'rejected'") == 0
    finally:
        app.close()


def lantern(*args: str, db: Path, secret: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    env["LANTERN_DB"] = str(db)
    if secret is not None:
        env["LANTERN_STORE_SECRET"] = secret
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )


def test_lantern_sync_on_the_command_line(
    office: HeadOffice, server: HeadOfficeProcess, tmp_path: Path
) -> None:
    # Given a registered store connected with its secret
    add_member(office, MEMBER, 500)
    secret = office.admin.create_store("SH001", "Shanghai")
    app = new_store(tmp_path / "sh.db", "SH001", server.url, secret)
    app.close()
    db = tmp_path / "sh.db"
    # When it syncs from the command line
    r = lantern("sync", db=db)
    # Then it says what moved, with progress on stderr
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("1 events pushed, 1 applied, 0 duplicates, 0 parked; ")
    assert "changes pulled" in r.stdout and "push: 1/1" in r.stderr
    s = lantern("sync", "status", db=db)
    assert "(online)" in s.stdout and "events waiting: 0" in s.stdout
    # When the secret is wrong, it exits 4 saying the credentials were refused
    assert (
        lantern(
            "store", "connect", "--url", server.url, "--store-id", "SH001", db=db, secret="nope"
        ).returncode
        == 0
    )
    r = lantern("sync", db=db)
    assert r.returncode == 4
    assert "refused the credentials of store SH001" in r.stderr
    assert secret not in r.stderr and "nope" not in r.stderr
