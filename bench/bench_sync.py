"""Benchmark: sync over HTTP against real head-office server processes on loopback, SQLite
and PostgreSQL side by side, in one run:

- push: one store pushes 10,000 queued till events (batches of 200, the default);
- pull: a new store pulls 100,000 member changes (pages of 500, the default);
- load: 50 stores push at once to 2 server processes sharing one PostgreSQL database;
- authentication: what head office's scrypt check of every request costs.

    .venv/bin/python bench/bench_sync.py [--events N] [--members N] [--stores N] ...

A throwaway PostgreSQL server is started (as tests/headoffice does) when its binaries are
installed, on a free port of 127.0.0.1, with durable settings. All traffic stays on
127.0.0.1. See bench/README.md for what each figure means."""

from __future__ import annotations

import argparse
import math
import os
import platform
import pwd
import queue
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx

from desktop.core.catalogue import Gift
from desktop.core.members import Tier
from desktop.services.app import StoreServices
from desktop.services.context import LinkState
from desktop.services.setup import init_store
from desktop.services.sync import SyncReport, _Tally
from desktop.services.till import LineRequest, Receipt
from desktop.store import settings
from desktop.store import sync_state as sync_repo
from desktop.store.database import open_store
from desktop.store.seals import carry_over
from desktop.store.staff import Staff, get_staff
from desktop.store.vault import copy_vault
from desktop.sync.client import HeadOfficeClient
from desktop.sync.protocol import ChangesPage, PushAnswer
from headoffice.auth import hash_secret, secret_matches
from headoffice.catalogue import load_catalogue
from headoffice.db import Database, Dialect, open_db
from headoffice.demo import CATALOGUE
from headoffice.engine import HeadOffice

ROOT = Path(__file__).resolve().parents[1]
READY = "lantern head office listening on "
POINTS = 1_000_000  # every member's opening points, at head office and in the stores
PUSH_STORE = "PUSH"
BACKENDS = ("SQLite", "PostgreSQL")


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


# --- a throwaway PostgreSQL ----------------------------------------------------------------
def pg_bindir() -> Path | None:
    """initdb, pg_ctl and postgres: $LANTERN_PG_BINDIR, Debian's newest, or the PATH."""
    candidates: list[Path] = []
    if os.environ.get("LANTERN_PG_BINDIR"):
        candidates.append(Path(os.environ["LANTERN_PG_BINDIR"]))
    debian = Path("/usr/lib/postgresql")
    if debian.is_dir():
        versions = sorted(
            (p for p in debian.iterdir() if p.name.isdigit()), key=lambda p: -int(p.name)
        )
        candidates += [v / "bin" for v in versions]
    if shutil.which("pg_ctl"):
        candidates.append(Path(str(shutil.which("pg_ctl"))).resolve().parent)
    for c in candidates:
        if all((c / t).exists() for t in ("initdb", "pg_ctl", "postgres")):
            return c
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Postgres:
    """initdb + pg_ctl in a temporary folder, listening on 127.0.0.1 only. Durable
    settings (fsync, synchronous_commit and full_page_writes stay on), unlike the test
    fixture, so the figures compare with SQLite's synchronous=FULL."""

    def __init__(self, bindir: Path, root: Path) -> None:
        self.bindir = bindir
        self.root = root
        self.port = 0
        self.user: str | None = None
        if os.geteuid() == 0:  # postgres refuses to run as root
            self.user = pwd.getpwnam("postgres").pw_name
            shutil.chown(root, self.user)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            user=self.user,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=self.root,
            check=False,
        )

    def start(self) -> None:
        data = str(self.root / "data")
        init = self.run(
            "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C"
        )
        if init.returncode:
            raise RuntimeError(f"initdb failed: {init.stderr}")
        for _ in range(5):
            self.port = free_port()
            options = (
                f"-h 127.0.0.1 -p {self.port} -k {self.root} -c max_connections=300 "
                "-c shared_buffers=256MB"
            )
            started = self.run(
                "pg_ctl",
                "-D",
                data,
                "-l",
                str(self.root / "log"),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            )
            if started.returncode == 0:
                return
        raise RuntimeError(f"PostgreSQL did not start: {started.stderr}")

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def create(self, dbname: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {dbname}")
        return self.url(dbname)

    def version(self) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else "?"

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.root / "data"), "-m", "fast", "stop")


# --- head office -----------------------------------------------------------------------------
class Server:
    """`lantern headoffice serve --db TARGET --port 0` as a subprocess on 127.0.0.1."""

    def __init__(self, target: str, logfile: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
        with open(logfile, "a", encoding="utf-8") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "desktop", "headoffice", "serve", "--db", target,
                 "--host", "127.0.0.1", "--port", "0"],
                stdout=subprocess.PIPE, stderr=err, text=True, cwd=ROOT, env=env,
            )  # fmt: skip
        lines: queue.Queue[str] = queue.Queue()
        out = self.proc.stdout
        assert out is not None
        threading.Thread(target=lambda: [lines.put(x) for x in out], daemon=True).start()
        try:
            line = lines.get(timeout=60)
        except queue.Empty:
            self.stop()
            raise RuntimeError(f"head office did not start; see {logfile}") from None
        if not line.startswith(READY):
            self.stop()
            raise RuntimeError(f"head office said {line!r}; see {logfile}")
        self.url = line[len(READY) :].strip()
        if not self.url.startswith("http://127.0.0.1:"):
            self.stop()
            raise RuntimeError(f"head office listens on {self.url}, not on 127.0.0.1")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(20)


def catalogue() -> list[Gift]:
    gifts, _ = load_catalogue(CATALOGUE)
    return gifts


def member_id(n: int) -> str:
    return f"M{n:08d}"


def bulk_members(db: Database, count: int) -> None:
    """`count` members M00000001… with one opening lot of POINTS each, their ledger rows
    and change-log rows (so stores pull them), in one transaction: COPY on PostgreSQL,
    executemany on SQLite. Only rows head office itself would write."""
    at = datetime.now(UTC).isoformat(timespec="seconds")
    earned = date.today().replace(month=1, day=1)
    expires = date(earned.year + 1, 12, 31).isoformat()
    ids = [member_id(n) for n in range(1, count + 1)]
    tiers = [t.value for t in Tier]
    members = [(m, f"会员{m[-5:]}", tiers[i % 4], "active", POINTS, at) for i, m in enumerate(ids)]
    lots = [(f"opening-{m}", m, earned.isoformat(), expires, POINTS, POINTS) for m in ids]
    ledger = [(m, f"opening-{m}", POINTS, "opening", f"opening-{m}", at) for m in ids]
    tables = {
        "members": ("member_id, name, tier, status, balance, updated_at", members),
        "lots": ("lot_id, member_id, earned_on, expires_on, original, remaining", lots),
        "ledger": ("member_id, lot_id, delta, kind, ref, at", ledger),
    }
    with db.transaction() as tx:
        first = int(tx.scalar("SELECT COALESCE(MAX(change_no), 0) FROM change_log")) + 1
        changes = [(first + i, "member", m, at) for i, m in enumerate(ids)]
        tables["change_log"] = ("change_no, entity, entity_key, changed_at", changes)
        conn = tx._conn
        for table, (cols, rows) in tables.items():
            if db.dialect is Dialect.POSTGRESQL:
                with conn.cursor().copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(rows[0]))
                conn.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)


@dataclass
class HeadOfficeDb:
    backend: str
    target: str
    secrets: dict[str, str] = field(default_factory=dict)

    @contextmanager
    def office(self) -> Iterator[HeadOffice]:
        db = open_db(self.target)
        try:
            yield HeadOffice(db)
        finally:
            db.close()

    def top(self) -> int:
        with self.office() as ho, ho.db.transaction(write=False) as tx:
            return int(tx.scalar("SELECT COALESCE(MAX(change_no), 0) FROM change_log"))

    def scalar(self, sql: str) -> Any:
        with self.office() as ho, ho.db.transaction(write=False) as tx:
            return tx.scalar(sql)


def setup_head_office(backend: str, target: str, members: int, stores: list[str]) -> HeadOfficeDb:
    t0 = time.perf_counter()
    hod = HeadOfficeDb(backend, target)
    with hod.office() as ho:
        for g in catalogue():
            ho.admin.upsert_gift(g)
        bulk_members(ho.db, members)
        for s in stores:
            hod.secrets[s] = ho.admin.create_store(s, f"Store {s}")
    log(
        f"{backend}: head office with {members:,} members, {len(stores)} stores in {time.perf_counter() - t0:.1f} s"
    )
    return hod


# --- stores ----------------------------------------------------------------------------------
def online() -> LinkState:
    return LinkState(True)


def new_store(path: Path, store_id: str) -> StoreServices:
    db = init_store(path, store_id, f"门店 {store_id}", f"Store {store_id}")
    app = StoreServices(db, link=online)
    app.setup.add_staff("C01", "收银员", "cashier", "1111")
    app.setup.add_staff("M01", "店长", "manager", "9999")
    return app


def staff(app: StoreServices, staff_id: str) -> Staff:
    with app.db._lock:
        return get_staff(app.db.conn, staff_id)


def build_store_template(path: Path, members: int) -> None:
    """A store that already knows `members` members (each POINTS in one lot, as head
    office has them) and the catalogue with plenty of stock, its business day open. The
    push store and the 50 load stores are copies of it."""
    app = new_store(path, "TEMPLATE")
    try:
        for g in catalogue():
            app.setup.upsert_gift(g, opening_stock=100_000)  # the default stock_quantity bound
        at = datetime.now(UTC).isoformat(timespec="seconds")
        earned = date.today().replace(month=1, day=1)
        expires = date(earned.year + 1, 12, 31).isoformat()
        ids = [member_id(n) for n in range(1, members + 1)]
        with app.db.write() as conn:
            conn.executemany(
                "INSERT INTO members (member_id, name, tier, status, balance) VALUES (?, ?, ?, 'active', ?)",
                [(m, f"会员{m[-5:]}", "gold", POINTS) for m in ids],
            )
            conn.executemany(
                "INSERT INTO point_lots (lot_id, member_id, earned_on, expires_on, original, remaining) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(f"opening-{m}", m, earned.isoformat(), expires, POINTS, POINTS) for m in ids],
            )
            conn.executemany(
                "INSERT INTO points_ledger (member_id, lot_id, delta, kind, ref, at) "
                "VALUES (?, ?, ?, 'opening', 'opening', ?)",
                [(m, f"opening-{m}", POINTS, at) for m in ids],
            )
        app.day.open(staff(app, "M01"))
    finally:
        app.close()


def copy_store(template: Path, path: Path, store_id: str) -> None:
    shutil.copyfile(template, path)
    copy_vault(template, path)  # its head-office secret and PIN key
    carry_over(template, path)  # its chain key and anchor (desktop/store/seals.py)
    app = StoreServices(open_store(path), link=online)
    try:
        with app.db.write() as conn:
            settings.put(conn, "store_id", store_id)
    finally:
        app.close()


def queue_events(path: Path, count: int, members: range, seed: int) -> int:
    """`count` till operations through the real till service (half redemptions of a
    100-point gift, half earns) for random members of `members`, never synced. The
    store file runs synchronous=OFF while they are made (setup, not measured)."""
    rng = random.Random(seed)
    app = StoreServices(open_store(path), link=online)
    try:
        app.db.conn.execute("PRAGMA synchronous=OFF")
        cashier = staff(app, "C01")
        cheap = (LineRequest("G101"),)
        for i in range(count):
            m = member_id(rng.choice(members))
            if i % 2 == 0:
                r = app.till.redeem(cashier, str(uuid.uuid4()), m, cheap)
                if not isinstance(r, Receipt):
                    raise RuntimeError(f"redemption refused: {r}")
            else:
                app.till.earn(cashier, str(uuid.uuid4()), m, rng.randrange(1_000, 50_000))
        return sync_repo.head(app.db.conn)[0]
    finally:
        app.close()


class TimedClient:
    """HeadOfficeClient with every push timed, and the moment of the first pull kept."""

    def __init__(self, inner: HeadOfficeClient) -> None:
        self.inner = inner
        self.push_s: list[float] = []
        self.first_pull: float | None = None
        self.pulls = 0

    def push(self, body: dict[str, Any]) -> PushAnswer:
        t0 = time.perf_counter()
        answer = self.inner.push(body)
        self.push_s.append(time.perf_counter() - t0)
        return answer

    def changes(self, since: int, limit: int) -> ChangesPage:
        if self.first_pull is None:
            self.first_pull = time.perf_counter()
        self.pulls += 1
        return self.inner.changes(since, limit)

    def close(self) -> None:
        self.inner.close()


def http_client(url: str, store_id: str, secret: str) -> HeadOfficeClient:
    return HeadOfficeClient(url, store_id, secret, timeout=120.0, attempts=1)


def connect(path: Path, url: str, store_id: str, secret: str, cursor: int | None) -> StoreServices:
    """Open a store on its file and connect it; `cursor` (head office's top) makes it a
    store in the steady state, which has already pulled everything before this run."""
    app = StoreServices(open_store(path), link=online)
    app.sync.connect(url, store_id, secret)
    if cursor is not None:
        with app.db.write() as conn:
            sync_repo.set_cursor(conn, cursor)
    return app


# --- the measurements ------------------------------------------------------------------------
@dataclass
class PushResult:
    events: int
    seconds: float
    requests: int
    p50_ms: float
    p95_ms: float
    pull_after_s: float
    pulled_after: int


def measure_push(hod: HeadOfficeDb, url: str, template: Path, path: Path) -> PushResult:
    shutil.copyfile(template, path)
    copy_vault(template, path)
    carry_over(template, path)
    app = connect(path, url, PUSH_STORE, hod.secrets[PUSH_STORE], hod.top())
    clients: list[TimedClient] = []

    def factory(u: str, s: str, secret: str) -> TimedClient:
        clients.append(TimedClient(http_client(u, s, secret)))
        return clients[-1]

    app.sync.client_factory = factory  # type: ignore[assignment]
    try:
        waiting = app.sync.status().waiting
        t0 = time.perf_counter()
        report = app.sync.sync_once()
        t1 = time.perf_counter()
        c = clients[0]
        assert c.first_pull is not None
        if report.waiting or report.pushed != waiting or report.parked:
            raise RuntimeError(f"push incomplete: {report}")
        stored = hod.scalar(f"SELECT COUNT(*) FROM store_events WHERE store_id = '{PUSH_STORE}'")
        if stored != waiting:
            raise RuntimeError(f"head office stored {stored} events of {waiting}")
        problems = app.setup.check()
        if problems:
            raise RuntimeError(f"store check after the push: {problems[:3]}")
        ms = [s * 1000 for s in c.push_s]
        return PushResult(
            waiting,
            c.first_pull - t0,
            len(c.push_s),
            percentile(ms, 50),
            percentile(ms, 95),
            t1 - c.first_pull,
            report.pulled,
        )
    finally:
        app.close()


@dataclass
class PullResult:
    changes: int
    members: int
    seconds: float
    pages: int


def measure_pull(hod: HeadOfficeDb, url: str, path: Path) -> PullResult:
    app = new_store(path, "PULL")
    try:
        app.sync.client_factory = http_client  # type: ignore[assignment]
        app.sync.connect(url, "PULL", hod.secrets["PULL"])
        t0 = time.perf_counter()
        report: SyncReport = app.sync.sync_once()
        seconds = time.perf_counter() - t0
        members = int(app.db.scalar("SELECT COUNT(*) FROM members"))
        problems = app.setup.check()
        if problems:
            raise RuntimeError(f"store check after the pull: {problems[:3]}")
        return PullResult(report.pulled, members, seconds, report.pages)
    finally:
        app.close()


@dataclass
class LoadResult:
    label: str
    stores: int
    events: int
    seconds: float
    requests: int
    p50_ms: float
    p95_ms: float
    servers: int
    batch: int
    busy_samples: int  # head office's PostgreSQL sessions seen busy (in a transaction)
    advisory_waits: int  # of which waiting for an advisory lock (the change-log lock)


class WaitSampler:
    """Every 50 ms, what head office's PostgreSQL sessions are doing (pg_stat_activity):
    how many are in a transaction, and how many of those wait for an advisory lock."""

    def __init__(self, url: str, dbname: str) -> None:
        self.url = url
        self.dbname = dbname
        self.busy = 0
        self.advisory = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            deadline = time.monotonic() + 900
            while not self._done.is_set() and time.monotonic() < deadline:
                rows = conn.execute(
                    "SELECT wait_event FROM pg_stat_activity WHERE datname = %s "
                    "AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')",
                    (self.dbname,),
                ).fetchall()
                self.busy += len(rows)
                self.advisory += sum(1 for r in rows if r[0] == "advisory")
                time.sleep(0.05)

    def __enter__(self) -> WaitSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join(10)


def measure_load(
    label: str,
    hod: HeadOfficeDb,
    urls: list[str],
    template: Path,
    folder: Path,
    stores: list[str],
    per_store: int,
    slice_size: int,
    member_offset: int,
    batch: int,
    pg: Postgres | None,
) -> LoadResult:
    """Every store pushes its queued events at once (one thread each), in batches of
    `batch`, stores spread over the server processes. Each thread runs the push half of
    a sync round (`SyncService._push`, exactly what `sync_once` runs before pulling):
    the pull that would follow brings every store all the other stores' member changes
    and measures the stores, not head office."""
    apps: list[StoreServices] = []
    total = 0
    for i, s in enumerate(stores):
        path = folder / f"{s}.db"
        copy_store(template, path, s)
        first = member_offset + i * slice_size + 1
        total += queue_events(path, per_store, range(first, first + slice_size), seed=1000 + i)
    top = hod.top()
    for i, s in enumerate(stores):
        app = connect(folder / f"{s}.db", urls[i % len(urls)], s, hod.secrets[s], top)
        app.sync.batch_size = batch
        apps.append(app)
    log(f"load ({label}): {len(stores)} stores with {total:,} events queued; pushing …")
    barrier = threading.Barrier(len(stores) + 1)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def one(app: StoreServices) -> None:
        c = app.sync.connection()
        assert c is not None
        client = TimedClient(http_client(c.url, c.store_id, c.secret))
        barrier.wait()
        try:
            app.sync._push(client, c.store_id, _Tally(), None)
        except Exception as e:
            with lock:
                errors.append(f"{c.store_id}: {type(e).__name__}: {e}")
        finally:
            client.close()
            with lock:
                latencies.extend(client.push_s)

    threads = [threading.Thread(target=one, args=(a,)) for a in apps]
    for t in threads:
        t.start()
    sampler = WaitSampler(pg.url(), hod.target.rsplit("/", 1)[1]) if pg is not None else None
    with sampler or nullcontext():
        barrier.wait()
        t0 = time.perf_counter()
        for t in threads:
            t.join(600)
        seconds = time.perf_counter() - t0
    try:
        if errors:
            raise RuntimeError(f"{len(errors)} stores failed: {errors[:3]}")
        waiting = sum(a.sync.status().waiting for a in apps)
        names = ", ".join(f"'{s}'" for s in stores)
        stored = hod.scalar(f"SELECT COUNT(*) FROM store_events WHERE store_id IN ({names})")
        if waiting or stored != total:
            raise RuntimeError(
                f"{waiting} events still waiting; head office stored {stored} of {total}"
            )
    finally:
        for a in apps:
            a.close()
    ms = [s * 1000 for s in latencies]
    return LoadResult(
        label,
        len(stores),
        total,
        seconds,
        len(ms),
        percentile(ms, 50),
        percentile(ms, 95),
        len(urls),
        batch,
        sampler.busy if sampler else 0,
        sampler.advisory if sampler else 0,
    )


@dataclass
class AuthResult:
    scrypt_ms: float
    health_p50_ms: float
    auth_p50_ms: float


def measure_auth(url: str, store_id: str, secret: str, top: int, n: int = 30) -> AuthResult:
    hashed = hash_secret(secret)
    t0 = time.perf_counter()
    for _ in range(n):
        secret_matches(secret, hashed)
    scrypt_ms = (time.perf_counter() - t0) / n * 1000
    headers = {"Authorization": f"Lantern-Store {store_id}:{secret}"}
    health, changes = [], []
    with httpx.Client(base_url=url, timeout=60) as http:
        for _ in range(n):
            t = time.perf_counter()
            http.get("/v1/health").raise_for_status()
            health.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            r = http.get("/v1/sync/changes", params={"since": top, "limit": 1}, headers=headers)
            r.raise_for_status()
            changes.append((time.perf_counter() - t) * 1000)
    return AuthResult(scrypt_ms, percentile(health, 50), percentile(changes, 50))


# --- the table -------------------------------------------------------------------------------
def row(label: str, *cells: str) -> str:
    return (f"  {label:<44}" + "".join(f"{c:>14}" for c in cells)).rstrip()


def fmt(x: float, digits: int = 1) -> str:
    return "n/a" if x != x else f"{x:,.{digits}f}"  # noqa: PLR0124 - NaN check


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--events", type=int, default=10_000, help="till events the push store queues")
    p.add_argument(
        "--members", type=int, default=100_000, help="members head office holds (the pull)"
    )
    p.add_argument("--stores", type=int, default=50, help="stores pushing at once (PostgreSQL)")
    p.add_argument(
        "--store-events", type=int, default=400, help="events each of those stores queues"
    )
    p.add_argument(
        "--small-events", type=int, default=40, help="events each small-batch store queues"
    )
    p.add_argument("--small-batch", type=int, default=8, help="events per push, small batches")
    p.add_argument("--servers", type=int, default=2, help="server processes sharing PostgreSQL")
    p.add_argument(
        "--store-members", type=int, default=10_000, help="members the push and load stores know"
    )
    p.add_argument("--no-postgres", action="store_true", help="SQLite only")
    p.add_argument(
        "--tmpdir", default=None, help="where the temporary folder goes (the disk measured)"
    )
    args = p.parse_args(argv)
    if args.store_members > args.members:
        p.error("--store-members cannot exceed --members")
    bindir = None if args.no_postgres else pg_bindir()
    if not args.no_postgres and bindir is None:
        log("no PostgreSQL binaries (install the Debian package postgresql): SQLite only")
    backends = [b for b in BACKENDS if b == "SQLite" or bindir is not None]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lantern-bench-sync-", dir=args.tmpdir) as tmp:
        folder = Path(tmp)
        pg: Postgres | None = None
        servers: list[Server] = []
        try:
            if bindir is not None:
                # its own folder: the postgres user cannot enter this 0700 one
                pg = Postgres(
                    bindir, Path(tempfile.mkdtemp(prefix="lantern-bench-pg-", dir=args.tmpdir))
                )
                pg.start()
            template = folder / "template.db"
            t0 = time.perf_counter()
            build_store_template(template, args.store_members)
            push_template = folder / "push-template.db"
            copy_store(template, push_template, PUSH_STORE)
            head = queue_events(
                push_template, args.events, range(1, args.store_members + 1), seed=1
            )
            log(f"push store: {head:,} events queued in {time.perf_counter() - t0:.1f} s")
            load_stores = [f"L{i:03d}" for i in range(args.stores)]
            # the small-batch stores serve the other half of the members
            small_stores = [f"S{i:03d}" for i in range(args.stores)]
            pushes: dict[str, PushResult] = {}
            pulls: dict[str, PullResult] = {}
            loads: list[LoadResult] = []
            auth: AuthResult | None = None
            for backend in backends:
                if backend == "SQLite":
                    target = str(folder / "headoffice.db")
                else:
                    assert pg is not None
                    target = pg.create("lantern_bench")
                names = [PUSH_STORE, "PULL", "AUTH"]
                if backend == "PostgreSQL":
                    names += load_stores + small_stores
                hod = setup_head_office(backend, target, args.members, names)
                server = Server(target, folder / f"headoffice-{backend}.log")
                servers.append(server)
                log(f"{backend}: pulling {args.members:,} members …")
                pulls[backend] = measure_pull(hod, server.url, folder / f"pull-{backend}.db")
                log(f"{backend}: pushing {head:,} events …")
                pushes[backend] = measure_push(
                    hod, server.url, push_template, folder / f"push-{backend}.db"
                )
                if backend == "SQLite":
                    auth = measure_auth(server.url, "AUTH", hod.secrets["AUTH"], hod.top())
                else:
                    urls = [server.url]
                    for n in range(1, args.servers):
                        extra = Server(target, folder / f"headoffice-{backend}-{n}.log")
                        servers.append(extra)
                        urls.append(extra.url)
                    slice_size = max(1, args.store_members // max(1, 2 * args.stores))
                    loads.append(
                        measure_load(
                            "burst", hod, urls, template, folder, load_stores,
                            args.store_events, slice_size, 0, 200, pg,
                        )
                    )  # fmt: skip
                    loads.append(
                        measure_load(
                            "small batches", hod, urls, template, folder, small_stores,
                            args.small_events, slice_size, args.stores * slice_size,
                            args.small_batch, pg,
                        )
                    )  # fmt: skip
            print_table(args, backends, head, pushes, pulls, loads, auth, pg, folder)
        finally:
            for s in servers:
                s.stop()
            if pg is not None:
                pg.stop()
                shutil.rmtree(pg.root, ignore_errors=True)
    log(f"done in {time.perf_counter() - started:.0f} s")
    return 0


def print_table(
    args: argparse.Namespace,
    backends: list[str],
    head: int,
    pushes: dict[str, PushResult],
    pulls: dict[str, PullResult],
    loads: list[LoadResult],
    auth: AuthResult | None,
    pg: Postgres | None,
    folder: Path,
) -> None:
    print("Lantern sync benchmark: head office over HTTP on 127.0.0.1 (`lantern headoffice serve`)")
    print(
        f"machine: {os.cpu_count()} CPUs, {platform.platform()}; python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}"
        + (f", PostgreSQL {pg.version()}" if pg is not None else "")
    )
    print(
        f"files in {folder} (store and head-office SQLite: WAL, synchronous=FULL; "
        "PostgreSQL: fsync and synchronous_commit on)"
    )
    print()
    print(row("", *backends))
    print(f"== Push: {head:,} queued till events, batches of 200 (one store, one sync round) ==")
    print(row("events pushed", *(f"{pushes[b].events:,}" for b in backends)))
    print(row("push seconds", *(fmt(pushes[b].seconds, 2) for b in backends)))
    print(row("events/s", *(fmt(pushes[b].events / pushes[b].seconds, 0) for b in backends)))
    print(row("push requests", *(str(pushes[b].requests) for b in backends)))
    print(
        row(
            "push request p50 / p95 (ms)",
            *(f"{pushes[b].p50_ms:.0f} / {pushes[b].p95_ms:.0f}" for b in backends),
        )
    )
    print(
        row(
            "then pulling what the push changed (s)",
            *(fmt(pushes[b].pull_after_s, 2) for b in backends),
        )
    )
    print(row("  changes pulled", *(f"{pushes[b].pulled_after:,}" for b in backends)))
    print(f"== Pull: a new store pulls {args.members:,} member changes, pages of 500 ==")
    print(row("changes pulled (members + catalogue)", *(f"{pulls[b].changes:,}" for b in backends)))
    print(row("seconds", *(fmt(pulls[b].seconds, 2) for b in backends)))
    print(row("changes/s", *(fmt(pulls[b].changes / pulls[b].seconds, 0) for b in backends)))
    print(row("pages", *(str(pulls[b].pages) for b in backends)))
    if loads:
        first = loads[0]
        print(
            f"== Load: {first.stores} stores push at once, {first.servers} server processes "
            "sharing PostgreSQL =="
        )
        print(row("", *(f"batch {x.batch}" for x in loads)))
        print(row("events pushed", *(f"{x.events:,}" for x in loads)))
        print(row("seconds (first push sent to last answer)", *(fmt(x.seconds, 2) for x in loads)))
        print(row("events/s", *(fmt(x.events / x.seconds, 0) for x in loads)))
        print(row("push requests", *(str(x.requests) for x in loads)))
        print(row("push request p50 (ms)", *(fmt(x.p50_ms, 0) for x in loads)))
        print(row("push request p95 (ms)", *(fmt(x.p95_ms, 0) for x in loads)))
        print(
            row(
                "busy PostgreSQL sessions waiting on an",
                *(
                    f"{x.advisory_waits / x.busy_samples:.0%}" if x.busy_samples else "n/a"
                    for x in loads
                ),
            )
        )
        print(row("  advisory lock (the change-log lock)"))
        if auth is not None:
            print(
                row(
                    "scrypt CPU seconds (requests x one check)",
                    *(fmt(x.requests * auth.scrypt_ms / 1000) for x in loads),
                )
            )
    if auth is not None:
        print("== Authentication: scrypt (n=2^14, r=8) of every request's secret ==")
        print(row("one scrypt check, in process (ms)", fmt(auth.scrypt_ms)))
        print(row("GET /v1/health, no credentials, p50 (ms)", fmt(auth.health_p50_ms)))
        print(row("GET /v1/sync/changes (empty page), p50 (ms)", fmt(auth.auth_p50_ms)))
        for b in backends:
            share = pushes[b].requests * auth.scrypt_ms / 1000 / pushes[b].seconds
            print(row(f"share of the {b} push spent in scrypt", f"{share:.0%}"))


if __name__ == "__main__":
    sys.exit(main())
