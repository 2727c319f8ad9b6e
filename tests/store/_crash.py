"""The crash-consistency sweep's two halves.

- **The killer** (`python -m tests.store._crash`): a helper process that imports Lantern
  once, then for each request on stdin (`OP PATH KILL_AT [STATEMENTS_OUT]`) forks a child
  that runs operation OP on the store file PATH with a trace callback on its connection
  counting SQL statements, and sends itself SIGKILL when statement KILL_AT is about to run
  (0: never; the child then exits 0). It answers `killed`, `done STATEMENTS` or `error`.
  Forking from a process that has already imported everything makes a kill point cost a
  few milliseconds instead of an interpreter start; the child is a real process killed by
  a real SIGKILL, with whatever SQLite had written left in the file and its WAL.
  Ids (uuid4) are numbered in the child, so two runs of an operation write the same rows
  and the file after a kill can be compared byte for byte with the file after a commit.
- **The invariant** (`assert_sound`): one check of a store file, run after every kill on
  the reopened file: no points or stock lost or doubled, every committed event exactly
  once in the outbox, every operation's rows and its event together or not at all.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import sys
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop.services.app import StoreServices
from desktop.services.till import LineRequest
from desktop.store import checks
from desktop.store import database as database_module
from desktop.store.database import StoreDB, open_store
from desktop.store.staff import Staff, get_staff
from desktop.store.vault import copy_vault

from ._helpers import T0, Clock
from ._sync import ScriptedHeadOffice, lot, member, page

RICH = "M00000044"  # platinum, 16740 points in three lots
REDEEM_LINES = (LineRequest("G501", 2), LineRequest("G101"))
FIRST_RECEIPT = "SH001-20260615-00001"
HO_URL = "http://ho.test"

Trace = Callable[[str], None]

# --- what a change page from head office carries in the pull sweep -------------------------
PULL_PAGES = [
    page(
        7,
        more=True,
        members=[member(RICH, [lot("HO-L1", 9000, 10000), lot("HO-L2", 2500)])],
        deliveries=[{"delivery_id": "D-1", "gift_id": "G101", "quantity": 24, "note": "week 24"}],
    ),
    page(
        9,
        members=[member("M00000064", [lot("HO-L4", 4000)], debt=300, tier="gold")],
        deliveries=[{"delivery_id": "D-3", "gift_id": "G104", "quantity": 12, "note": ""}],
        settings={"offline_limits": {"per_member_day_static_points": 1500}},
    ),
]


def head_office_holding(
    path: Path, pages: list[dict[str, Any]] | None = None
) -> ScriptedHeadOffice:
    """A scripted head office that already stored every event of the store at `path`."""
    with closing(sqlite3.connect(path)) as conn:
        stored = {int(s): str(e) for s, e in conn.execute("SELECT seq, event_id FROM outbox")}
    return ScriptedHeadOffice(pages=list(pages or []), stored=stored)


def services(db: StoreDB) -> StoreServices:
    return StoreServices(db, Clock(T0))


# --- the operations, as the child runs them (and the test runs them again after a kill) -----
def redeem(app: StoreServices, cashier: Staff, manager: Staff) -> None:
    app.till.redeem(cashier, "crash-redeem", RICH, REDEEM_LINES)


def void(app: StoreServices, cashier: Staff, manager: Staff) -> None:
    app.till.void(cashier, manager, "crash-void", FIRST_RECEIPT, "customer changed mind")


def earn(app: StoreServices, cashier: Staff, manager: Staff) -> None:
    app.till.earn(cashier, "crash-earn", RICH, 88_800)


def stock_receive(app: StoreServices, cashier: Staff, manager: Staff) -> None:
    app.stock.receive(manager, "crash-receive", "G101", 24, "delivery 9")


def stock_adjust(app: StoreServices, cashier: Staff, manager: Staff) -> None:
    app.stock.adjust(manager, "crash-adjust", "G102", counted=3, reason="count")


def run(op: str, app: StoreServices, trace: Trace | None = None) -> None:
    """Operation `op` (one of OPERATIONS) as the till runs it; `trace` from its first
    statement on (the staff are looked up before)."""
    cashier, manager = get_staff(app.db.conn, "C01"), get_staff(app.db.conn, "M01")
    app.db.conn.set_trace_callback(trace)
    try:
        OPERATIONS[op](app, cashier, manager)
    finally:
        app.db.conn.set_trace_callback(None)


def sync_push(app: StoreServices, ho: ScriptedHeadOffice) -> None:
    app.sync.client_factory = lambda url, store_id, secret: ho
    app.sync.sync_once()


OPERATIONS: dict[str, Callable[[StoreServices, Staff, Staff], None]] = {
    "redeem": redeem,
    "void": void,
    "earn": earn,
    "stock_receive": stock_receive,
    "stock_adjust": stock_adjust,
}
SYNC_OPERATIONS = ("sync_push", "sync_pull")
MIGRATIONS = ("migrate_fresh", "migrate_upgrade")


def run_operation(op: str, path: Path, trace: Trace | None = None) -> None:
    """Operation `op` on the store at `path`; `trace` sees each SQL statement of it (for a
    migration, from the connection's first statement; otherwise from the operation's)."""
    if op in MIGRATIONS:
        with _traced_connections(trace):
            open_store(path, create=op == "migrate_fresh").close()
        return
    app = services(open_store(path))
    try:
        if op in SYNC_OPERATIONS:
            pages = PULL_PAGES if op == "sync_pull" else []
            ho = head_office_holding(path, pages) if op == "sync_pull" else ScriptedHeadOffice()
            app.db.conn.set_trace_callback(trace)
            sync_push(app, ho)
        else:
            run(op, app, trace)
    finally:
        app.close()


@contextmanager
def _traced_connections(trace: Trace | None) -> Iterator[None]:
    real = database_module._connect

    def connect(path: Path) -> sqlite3.Connection:
        conn = real(path)
        conn.set_trace_callback(trace)
        return conn

    database_module._connect = connect
    try:
        yield
    finally:
        database_module._connect = real


# --- the killer ------------------------------------------------------------------------------
def _numbered_uuids() -> None:
    """uuid4 in this child counts 1, 2, 3…: every run writes the same ids."""
    counter = iter(range(1, 1 << 62))
    uuid.uuid4 = lambda: uuid.UUID(int=next(counter), version=4)  # type: ignore[assignment]


class _FixedNow(datetime):
    @classmethod
    def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
        return datetime(2026, 6, 15, 2, 0, tzinfo=UTC)


def _child(op: str, path: Path, kill_at: int, statements_out: str | None) -> None:
    _numbered_uuids()
    database_module.datetime = _FixedNow  # type: ignore[misc]  # migrations' applied_at
    seen: list[str] = []

    def trace(sql: str) -> None:
        seen.append(sql)
        if len(seen) == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    run_operation(op, path, trace)
    if statements_out:
        Path(statements_out).write_text(json.dumps(seen), encoding="utf-8")


def serve() -> None:
    for line in sys.stdin:
        op, path, kill_at, *out = line.split()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                _child(op, Path(path), int(kill_at), out[0] if out else None)
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
            answer = "killed"
        elif os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
            answer = "done"
        else:
            answer = f"error {status}"
        print(answer, flush=True)


# --- the invariant ---------------------------------------------------------------------------
def _one(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...] = ()) -> Any:
    return conn.execute(sql, params).fetchone()[0]


def _events(conn: sqlite3.Connection, kind: str, key: str) -> list[str]:
    return [
        json.loads(p)[key]
        for (p,) in conn.execute("SELECT payload FROM outbox WHERE kind = ?", (kind,))
    ]


def _exactly_once(found: list[str], expected: list[str], what: str) -> list[str]:
    problems = []
    if len(set(found)) != len(found):
        problems.append(f"{what}: an event is in the outbox twice")
    if sorted(set(found)) != sorted(expected):
        problems.append(f"{what}: events {sorted(set(found))} but rows {sorted(expected)}")
    return problems


def problems(conn: sqlite3.Connection, path: Path) -> list[str]:
    """Everything wrong with the store behind `conn`; empty when it is sound."""
    try:
        return _problems(conn, path)
    except sqlite3.DatabaseError as e:
        return [f"the store database is damaged: {e}"]


def _problems(conn: sqlite3.Connection, path: Path) -> list[str]:
    found = checks.problems(conn, path)  # quick_check, balances, lots, stock, outbox chain
    found += [
        f"member {m}: balance {b} but lots {lots} - debt {d}"
        for m, b, lots, d in conn.execute(
            "SELECT m.member_id, m.balance, COALESCE(SUM(p.remaining), 0), m.debt FROM members m "
            "LEFT JOIN point_lots p USING (member_id) GROUP BY m.member_id "
            "HAVING m.balance <> COALESCE(SUM(p.remaining), 0) - m.debt"
        )
    ]
    seqs = [s for (s,) in conn.execute("SELECT seq FROM outbox ORDER BY seq")]
    if seqs != list(range(1, len(seqs) + 1)):
        found.append(f"outbox seqs are not 1..{len(seqs)}")
    column = "SELECT {0} FROM {1}"
    for kind, key, table in (
        ("redemption", "redemption_id", "redemptions"),
        ("void", "void_id", "voids"),
        ("earn", "earn_id", "earns"),
    ):
        rows = [r for (r,) in conn.execute(column.format(key, table))]
        found += _exactly_once(_events(conn, kind, key), rows, kind)
    moves = [
        r
        for (r,) in conn.execute(
            "SELECT ref FROM stock_ledger WHERE kind IN ('receive', 'adjust') "
            "AND staff_id IS NOT NULL"
        )
    ]
    found += _exactly_once(
        _events(conn, "stock_receive", "movement_id")
        + _events(conn, "stock_adjust", "movement_id"),
        moves,
        "stock movement",
    )
    # each operation's points and stock exactly once: its ledger rows add up to its figures
    for rid, points in conn.execute("SELECT redemption_id, points FROM redemptions"):
        taken = _one(
            conn, "SELECT COALESCE(SUM(delta), 0) FROM points_ledger WHERE ref = ?", (rid,)
        )
        if taken != -points:
            found.append(f"redemption {rid}: {points} points but the ledger took {-taken}")
        lines = _one(
            conn, "SELECT COALESCE(SUM(quantity), 0) FROM redemption_lines WHERE redemption_id = ?",
            (rid,),
        )  # fmt: skip
        moved = _one(conn, "SELECT COALESCE(SUM(delta), 0) FROM stock_ledger WHERE ref = ?", (rid,))
        if moved != -lines:
            found.append(f"redemption {rid}: {lines} gifts but stock moved {moved}")
    for eid, points in conn.execute("SELECT earn_id, points FROM earns"):
        got = _one(conn, "SELECT COALESCE(SUM(delta), 0) FROM points_ledger WHERE ref = ?", (eid,))
        if got != points:
            found.append(f"earn {eid}: {points} points but the ledger gave {got}")
    for vid, rid in conn.execute("SELECT void_id, redemption_id FROM voids"):
        back = _one(conn, "SELECT COALESCE(SUM(delta), 0) FROM points_ledger WHERE ref = ?", (vid,))
        spent = _one(conn, "SELECT points FROM redemptions WHERE redemption_id = ?", (rid,))
        if back != spent:
            found.append(f"void {vid}: gave back {back} of {spent} points")
    # every request answered by exactly the row it made
    for request_id, kind, ref in conn.execute("SELECT request_id, kind, result_ref FROM requests"):
        table, key = {
            "redeem": ("redemptions", "redemption_id"),
            "void": ("voids", "void_id"),
            "earn": ("earns", "earn_id"),
        }.get(kind, ("stock_ledger", "ref"))
        if _one(conn, f"SELECT COUNT(*) FROM {table} WHERE {key} = ?", (ref,)) != 1:
            found.append(f"request {request_id} ({kind}) points at {ref}, which is not there once")
    acked = json.loads(
        _one(conn, "SELECT COALESCE(MAX(value), '0') FROM settings WHERE key = 'outbox_acked_seq'")
    )
    if acked > len(seqs):
        found.append(f"acknowledged seq {acked} beyond the outbox head {len(seqs)}")
    if _one(conn, "SELECT COUNT(*) FROM sync_outcomes WHERE seq > ?", (acked,)):
        found.append("an outcome is recorded for an event not acknowledged")
    return found


def assert_sound(path: Path) -> None:
    """THE invariant of the sweep, on the file as a till reopening it finds it."""
    with closing(sqlite3.connect(path)) as conn:
        conn.row_factory = sqlite3.Row
        found = problems(conn, path)
    assert found == [], found


# --- what the tests compare ------------------------------------------------------------------
def snapshot(path: Path) -> dict[str, Any]:
    """Every row of every table, the schema and the header fields, as committed. (Unlike
    _helpers.snapshot, through a read-write connection: the WAL a killed process left may
    need recovery, which a read-only connection cannot run; and with the schema, which a
    migration changes.)"""
    with closing(sqlite3.connect(path)) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        out: dict[str, Any] = {
            t: sorted(map(tuple, conn.execute(f'SELECT * FROM "{t}"')), key=repr) for t in tables
        }
        out["sqlite_master"] = sorted(
            map(tuple, conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")),
            key=repr,
        )
        out["pragma"] = [
            conn.execute(f"PRAGMA {p}").fetchone()[0] for p in ("user_version", "application_id")
        ]
    return out


def figures(path: Path) -> dict[str, Any]:
    """What must come out the same however the operation got done (ids aside): how many
    rows each table has, every balance, debt and stock, the acknowledged seq and cursor."""
    with closing(sqlite3.connect(path)) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        out: dict[str, Any] = {
            t: _one(conn, f'SELECT COUNT(*) FROM "{t}"') for t in tables if t != "schema_migrations"
        }
        out["versions"] = [v for (v,) in conn.execute("SELECT version FROM schema_migrations")]
        out["members"] = list(
            conn.execute("SELECT member_id, balance, debt FROM members ORDER BY 1")
        )
        out["gifts"] = list(conn.execute("SELECT gift_id, stock FROM gifts ORDER BY 1"))
        out["settings"] = list(conn.execute("SELECT key, value FROM settings ORDER BY 1"))
        out["sync"] = list(conn.execute("SELECT pull_cursor FROM sync_state"))
    return out


def copy_store(src: Path, dst: Path) -> None:
    """A closed store file (its WAL checkpointed away) copied for one kill point."""
    for suffix in ("-wal", "-shm"):
        Path(f"{dst}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(database_module.backup_dir(dst), ignore_errors=True)
    if src.exists():
        shutil.copyfile(src, dst)
        copy_vault(src, dst)  # its PIN pepper and head-office secret live beside it
    else:
        dst.unlink(missing_ok=True)


if __name__ == "__main__":
    serve()
