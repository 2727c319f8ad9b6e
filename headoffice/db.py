"""One small adapter over sqlite3 and psycopg 3, so head office runs on either.

- `open_db(target)`: a SQLite file path, or a `postgresql://` URL. Migrations in
  db/headoffice/ are applied on open, each with its record row in one transaction.
- SQL is written once with `?` placeholders and in the subset both databases share; the
  adapter translates the paramstyle for psycopg. `tx.for_update` is " FOR UPDATE" on
  PostgreSQL and "" on SQLite (whose writers are serialised by BEGIN IMMEDIATE anyway).
- `with db.transaction() as tx:` commits the whole effect or none of it. Nothing lives in
  the process between transactions, so several service processes can share one PostgreSQL.
- `tx.changed(entity, key, store_id)` records what stores must pull; the change-log rows
  are numbered and written at commit (see `_write_changes`).
"""

from __future__ import annotations

import enum
import logging
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop.core.errors import LanternError
from desktop.resources import package_dir

log = logging.getLogger(__name__)

MIGRATIONS_DIR = package_dir("headoffice.migrations")  # db/headoffice/ in the source tree
APPLICATION_ID = 0x4C484F31  # "LHO1" in a SQLite header: a Lantern head-office file
_MIGRATION_RE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_MARKER_RE = re.compile(r"^--\s*\[(sqlite|postgresql|both)\]\s*$")
# Keys of transaction-scoped PostgreSQL advisory locks (any fixed 64-bit numbers).
CHANGE_LOG_LOCK = 0x4C414E5443484731  # "LANTCHG1"
MIGRATION_LOCK = 0x4C414E544D494731  # "LANTMIG1"
MAX_IDLE_CONNECTIONS = 8

Row = dict[str, Any]


class Dialect(enum.Enum):
    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"


class DatabaseError(LanternError):
    """The head-office database cannot be used: unreachable, not ours, too new, damaged."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str

    def for_dialect(self, dialect: Dialect) -> str:
        """The migration's lines for one dialect (shared lines plus that dialect's blocks)."""
        keep, out = True, []
        for line in self.sql.splitlines():
            m = _MARKER_RE.match(line.strip())
            if m:
                keep = m.group(1) in ("both", dialect.value)
            elif keep:
                out.append(line)
        return "\n".join(out) + "\n"


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    found = []
    for path in sorted(directory.glob("*.sql")):
        m = _MIGRATION_RE.match(path.name)
        if not m:
            raise DatabaseError(f"migration file {path.name} is not named NNNN_name.sql")
        found.append(Migration(int(m.group(1)), m.group(2), path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise DatabaseError(f"migrations in {directory} are not numbered 1..n: {versions}")
    return found


def sqlite_statements(script: str) -> list[str]:
    """Split a script into statements (trigger bodies keep their inner semicolons)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip() and not all(
        ln.strip().startswith("--") or not ln.strip() for ln in buf.splitlines()
    ):
        raise DatabaseError(f"incomplete SQL statement at the end of a migration: {buf!r}")
    return out


def utc_now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Tx:
    """One open transaction. Rows come back as dicts keyed by column name."""

    def __init__(self, conn: Any, dialect: Dialect) -> None:
        self._conn = conn
        self.dialect = dialect
        self.for_update = " FOR UPDATE" if dialect is Dialect.POSTGRESQL else ""
        self._changes: dict[tuple[str, str, str | None], None] = {}
        self._savepoints = 0

    def _sql(self, sql: str) -> str:
        if self.dialect is Dialect.POSTGRESQL:
            return sql.replace("%", "%%").replace("?", "%s")
        return sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; returns the number of rows it changed."""
        cur = self._conn.execute(self._sql(sql), tuple(params))
        return int(cur.rowcount)

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(self._conn.execute(self._sql(sql), tuple(params)).fetchall())

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row: Row | None = self._conn.execute(self._sql(sql), tuple(params)).fetchone()
        return row

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.one(sql, params)
        return None if row is None else next(iter(row.values()))

    def changed(self, entity: str, key: str, store_id: str | None = None) -> None:
        """Stores (all of them, or only `store_id`) must pull this entity's new state."""
        self._changes[(entity, str(key), store_id)] = None

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested part that can fail alone: its statements and recorded changes are
        undone, the rest of the transaction stays."""
        self._savepoints += 1
        name = f"sp{self._savepoints}"
        pending = dict(self._changes)
        self._conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            self._conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
            self._conn.execute(f"RELEASE SAVEPOINT {name}")
            self._changes = pending
            raise
        else:
            self._conn.execute(f"RELEASE SAVEPOINT {name}")

    def _write_changes(self) -> None:
        """Number and write the change-log rows, as the last thing before COMMIT.

        Stores page through the change log by number and keep the highest number they
        applied as their cursor, so a change must never become visible after a change with
        a higher number: a reader that already moved past it would skip it forever. A
        sequence (or an identity column) gives no such promise: transaction A takes 5,
        B takes 6 and commits first, a store reads 6 and sets its cursor there, then A
        commits 5. So on PostgreSQL the numbers are taken under a transaction-scoped
        advisory lock (`pg_advisory_xact_lock`, released only by COMMIT or ROLLBACK) as
        MAX + 1: the next writer waits until this one has committed, then sees its rows,
        and commit order equals number order. The lock is held only from here to COMMIT
        and is taken after every row lock the transaction needs, so it cannot deadlock.
        SQLite already serialises writers (BEGIN IMMEDIATE), so MAX + 1 is enough there.
        """
        if not self._changes:
            return
        if self.dialect is Dialect.POSTGRESQL:
            self.execute("SELECT pg_advisory_xact_lock(?)", (CHANGE_LOG_LOCK,))
        last = int(self.scalar("SELECT COALESCE(MAX(change_no), 0) FROM change_log"))
        at = utc_now_text()
        for n, (entity, key, store_id) in enumerate(self._changes, start=last + 1):
            self.execute(
                "INSERT INTO change_log (change_no, entity, entity_key, store_id, changed_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (n, entity, key, store_id, at),
            )
        self._changes.clear()


class Database:
    """A SQLite file or a PostgreSQL database, with a few idle connections kept for reuse."""

    def __init__(self, target: str, dialect: Dialect) -> None:
        self.target = target
        self.dialect = dialect
        self._idle: list[Any] = []
        self._lock = threading.Lock()
        self._closed = False

    @property
    def display(self) -> str:
        """The target without a password, for logs and messages."""
        return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", self.target)

    # --- connections ------------------------------------------------------------------
    def _connect(self) -> Any:
        if self.dialect is Dialect.POSTGRESQL:
            import psycopg
            from psycopg.rows import dict_row

            try:
                return psycopg.connect(self.target, autocommit=True, row_factory=dict_row)
            except psycopg.Error as e:
                raise DatabaseError(f"cannot connect to {self.display}: {e}") from e
        conn = sqlite3.connect(
            self.target, isolation_level=None, check_same_thread=False, timeout=30
        )
        conn.row_factory = _dict_row
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as e:
            conn.close()
            raise DatabaseError(f"{self.target} is not a head-office database ({e})") from e
        return conn

    def _take(self) -> tuple[Any, bool]:
        """A connection, and whether it was an idle one (which may have died meanwhile,
        e.g. when PostgreSQL restarted)."""
        with self._lock:
            if self._closed:
                raise DatabaseError("the head-office database was closed")
            if self._idle:
                return self._idle.pop(), True
        return self._connect(), False

    def _begin(self, begin: str) -> Any:
        """A connection in a new transaction; dead idle connections are dropped."""
        while True:
            conn, pooled = self._take()
            try:
                conn.execute(begin)
            except Exception:
                conn.close()
                if not pooled:
                    raise
                log.info("dropped a dead database connection")
                continue
            return conn

    def _give_back(self, conn: Any) -> None:
        with self._lock:
            if not self._closed and len(self._idle) < MAX_IDLE_CONNECTIONS:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    # --- transactions -----------------------------------------------------------------
    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Tx]:
        """A write transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: READ COMMITTED with
        row locks taken by `FOR UPDATE`), or a read-only one that sees one consistent
        snapshot (PostgreSQL: REPEATABLE READ)."""
        if self.dialect is Dialect.POSTGRESQL:
            begin = "BEGIN" if write else "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
        else:
            begin = "BEGIN IMMEDIATE" if write else "BEGIN"
        conn = self._begin(begin)
        tx = Tx(conn, self.dialect)
        try:
            yield tx
            tx._write_changes()
            conn.execute("COMMIT")
        except BaseException:
            try:
                conn.execute("ROLLBACK")
            except Exception:  # the connection is gone: do not reuse it
                conn.close()
            else:
                self._give_back(conn)
            raise
        self._give_back(conn)

    def is_transient(self, exc: BaseException) -> bool:
        """A failure that the same transaction, tried again, may not meet (a deadlock,
        a serialisation failure, a busy SQLite file)."""
        if isinstance(exc, sqlite3.OperationalError):
            return "locked" in str(exc) or "busy" in str(exc)
        if self.dialect is Dialect.POSTGRESQL:
            import psycopg.errors

            return isinstance(
                exc, psycopg.errors.SerializationFailure | psycopg.errors.DeadlockDetected
            )
        return False

    def is_data_error(self, exc: BaseException) -> bool:
        """A value the database cannot hold (a number beyond its column, text it cannot
        store): the statement's input is wrong, not the database."""
        if isinstance(exc, OverflowError | sqlite3.DataError):
            return True
        if self.dialect is Dialect.POSTGRESQL:
            import psycopg

            return isinstance(exc, psycopg.DataError)
        return False

    def is_integrity_error(self, exc: BaseException) -> bool:
        if isinstance(exc, sqlite3.IntegrityError):
            return True
        if self.dialect is Dialect.POSTGRESQL:
            import psycopg

            return isinstance(exc, psycopg.IntegrityError)
        return False

    # --- schema -----------------------------------------------------------------------
    def migrate(self, migrations: Sequence[Migration] | None = None) -> int:
        """Apply the migrations not applied yet, each with its record row in one
        transaction; returns the schema version. Safe when several processes start at
        once (an advisory lock on PostgreSQL, BEGIN IMMEDIATE on SQLite)."""
        migrations = load_migrations() if migrations is None else migrations
        if self.dialect is Dialect.SQLITE:
            self._check_sqlite_file()
        with self.transaction() as tx:
            self._migration_lock(tx)
            tx.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                "name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
        version = 0
        for m in migrations:
            with self.transaction() as tx:
                self._migration_lock(tx)
                applied = int(tx.scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"))
                if applied > len(migrations):
                    raise DatabaseError(
                        f"{self.display} has head-office schema version {applied}, newer than "
                        f"this Lantern ({len(migrations)}): upgrade Lantern"
                    )
                if applied < m.version:
                    self._run_script(tx, m.for_dialect(self.dialect))
                    tx.execute(
                        "INSERT INTO schema_migrations (version, name, applied_at) "
                        "VALUES (?, ?, ?)",
                        (m.version, m.name, utc_now_text()),
                    )
                    log.info("head-office schema: applied migration %04d_%s", m.version, m.name)
                version = m.version
        return version

    def _migration_lock(self, tx: Tx) -> None:
        if self.dialect is Dialect.POSTGRESQL:
            tx.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
        else:
            # claim the file as a head-office database inside the migration's transaction
            tx._conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    def _run_script(self, tx: Tx, script: str) -> None:
        if self.dialect is Dialect.POSTGRESQL:
            # no parameters: psycopg sends the script as one simple query, in this transaction
            tx._conn.execute(script)
        else:
            for statement in sqlite_statements(script):
                tx._conn.execute(statement)

    def _check_sqlite_file(self) -> None:
        """Refuse a file that is another application's or a Lantern store's database."""
        with self.transaction(write=False) as tx:
            try:
                app_id = int(tx._conn.execute("PRAGMA application_id").fetchone()["application_id"])
                tables = int(tx.scalar("SELECT COUNT(*) FROM sqlite_master"))
            except sqlite3.DatabaseError as e:
                raise DatabaseError(f"{self.target} is not a head-office database ({e})") from e
        if app_id not in (0, APPLICATION_ID) or (app_id == 0 and tables > 0):
            raise DatabaseError(
                f"{self.target} is not a Lantern head-office database (is it a store database?)"
            )


def _dict_row(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> Row:
    return {d[0]: v for d, v in zip(cursor.description, row, strict=True)}


def is_postgres_url(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def open_db(target: str | Path, *, migrate: bool = True) -> Database:
    """A head-office database: a SQLite file path (created if missing) or a
    `postgresql://user:password@host:port/dbname` URL. Migrates it unless told not to."""
    text = str(target)
    if is_postgres_url(text):
        db = Database(text, Dialect.POSTGRESQL)
    else:
        path = Path(text)
        if path.is_dir():
            raise DatabaseError(f"{path} is a folder: give a database file path or a URL")
        if not path.parent.exists():
            raise DatabaseError(f"folder {path.parent} does not exist")
        db = Database(str(path), Dialect.SQLITE)
    if migrate:
        try:
            db.migrate()
        except BaseException:
            db.close()
            raise
    return db
