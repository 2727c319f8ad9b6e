"""End-to-end fixtures: a real `lantern headoffice serve` process on a loopback port
(restartable on the same port, killable mid-sync) and stores built as a new till would be,
getting their members and catalogue from head office by sync."""

from __future__ import annotations

import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from desktop.services.app import StoreServices
from desktop.services.setup import init_store
from desktop.store.staff import Staff, get_staff
from desktop.sync.client import HeadOfficeClient
from headoffice.admin import Opening
from headoffice.catalogue import load_catalogue
from headoffice.db import open_db
from headoffice.demo import CATALOGUE
from headoffice.engine import HeadOffice

ROOT = Path(__file__).resolve().parents[2]
READY = "lantern head office listening on "


class HeadOfficeProcess:
    """`lantern headoffice serve --db FILE --port P` as a subprocess. The first start asks
    for a free port; restarts reuse it, so connected stores keep their URL."""

    def __init__(self, db: Path, log: Path) -> None:
        self.db = db
        self.log = log
        self.port = 0
        self.url = ""
        self.proc: subprocess.Popen[str] | None = None
        self.starts = 0

    def start(self, timeout: float = 20.0) -> str:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
        err = open(self.log, "a", encoding="utf-8")  # noqa: SIM115 - the process owns it
        command = ["headoffice", "serve", "--db", str(self.db), "--port", str(self.port)]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "desktop", *command],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            cwd=ROOT,
            env=env,
        )
        err.close()
        lines: queue.Queue[str] = queue.Queue()
        out = self.proc.stdout
        assert out is not None
        threading.Thread(target=lambda: [lines.put(x) for x in out], daemon=True).start()
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            self.kill()
            raise AssertionError(f"head office did not start: {self.log.read_text()}") from None
        assert line.startswith(READY), (line, self.log.read_text())
        self.url = line[len(READY) :].strip()
        self.port = int(self.url.rsplit(":", 1)[1])
        self.starts += 1
        return self.url

    def kill(self) -> None:
        """SIGKILL: no graceful shutdown, as in a crash or a pulled plug."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    # --- reading head office's database (read-only, while it runs) ------------------------
    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with closing(sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=10)) as c:
            c.row_factory = sqlite3.Row
            return c.execute(sql, params).fetchall()

    def one(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self.rows(sql, params)[0][0]


@pytest.fixture
def ho_db(tmp_path: Path) -> Path:
    return tmp_path / "headoffice.db"


@pytest.fixture
def office(ho_db: Path) -> Iterator[HeadOffice]:
    """Head office's own administration on the same database file (what the
    `lantern headoffice …` commands do), with the demo catalogue loaded."""
    db = open_db(str(ho_db))
    ho = HeadOffice(db)
    gifts, _ = load_catalogue(CATALOGUE)
    for g in gifts:
        ho.admin.upsert_gift(g)
    yield ho
    db.close()


@pytest.fixture
def server(ho_db: Path, tmp_path: Path, office: HeadOffice) -> Iterator[HeadOfficeProcess]:
    proc = HeadOfficeProcess(ho_db, tmp_path / "headoffice.log")
    proc.start()
    yield proc
    proc.stop()


def add_member(office: HeadOffice, member_id: str, points: int) -> None:
    from desktop.core.members import Member, MemberId, Tier

    office.admin.upsert_member(Member(MemberId(member_id), "王芳", Tier.GOLD), (Opening(points),))


def fast_client(url: str, store_id: str, secret: str) -> HeadOfficeClient:
    """The real client with a short backoff, so a test of a dead head office is quick."""
    return HeadOfficeClient(url, store_id, secret, 5.0, attempts=2, backoff=0.05)


def new_store(path: Path, store_id: str, url: str, secret: str) -> StoreServices:
    """A new till: its staff and today's business day; everything else comes by sync."""
    db = init_store(path, store_id, f"门店 {store_id}", f"Store {store_id}")
    app = StoreServices(db)
    app.setup.add_staff("C01", "收银员", "cashier", "1111")
    app.setup.add_staff("M01", "店长", "manager", "9999")
    app.day.open(staff(app, "M01"))
    app.sync.client_factory = fast_client
    app.sync.connect(url, store_id, secret)
    return app


def staff(app: StoreServices, staff_id: str) -> Staff:
    with app.db._lock:
        return get_staff(app.db.conn, staff_id)
