"""Opening the store database: format checks, durability settings, migrations, transactions.

- A file that is not SQLite, or SQLite that is not Lantern's, or Lantern's from a newer
  schema, is refused with a clear message before anything is written to it.
- WAL with synchronous=FULL: a commit that returned is on disk, even after a power cut.
- Migrations are numbered SQL files in db/store/; each is applied together with its row in
  schema_migrations in one transaction. Before an existing store is upgraded, a copy of it
  as it was is written with SQLite's online backup API and verified
  (`backup_before_migration`, into `<store>-backups/`); no copy, no upgrade.
- `write()` opens BEGIN IMMEDIATE, so the whole effect of an operation commits or none of it;
  `read()` gives several reads one snapshot. Services compose the store's functions inside
  them and never touch the connection or the lock themselves.
- Secrets are not kept in the file: the head-office secret and the PIN pepper live in its
  vault (desktop/store/vault.py). A store that still has its secret inside (Lantern before
  the vault) gets it moved out when it is opened, and the old bytes scrubbed from the file,
  its WAL and its backups (secure_delete, VACUUM, a truncating checkpoint).
- The file, its -wal and -shm and its backups are 0600, folders Lantern makes 0700.
"""

from __future__ import annotations

import json
import logging
import os
import random
import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from desktop.core.errors import LanternError
from desktop.private import private_dir, private_file, tighten
from desktop.resources import package_dir
from desktop.store.disk import storage_error
from desktop.store.vault import vault_for

log = logging.getLogger(__name__)

APPLICATION_ID = 0x4C414E54  # "LANT" in the SQLite header identifies a Lantern store file
MIGRATIONS_DIR = package_dir("desktop.store.migrations")  # db/store/ in the source tree
_MIGRATION_RE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
WAL_PATIENCE = 10.0  # seconds, as the busy timeout, where SQLite does not wait itself
#: settings rows that older Lantern kept in the file and that now live in the vault
SECRET_SETTINGS = ("headoffice_secret",)


#: What `StoreDB.write()` and `read()` hand to the store's functions (desktop/store/*):
#: services pass it on and never run SQL on it themselves.
Tx = sqlite3.Connection


class StoreFileError(LanternError):
    """The database file cannot be used: not a database, not Lantern's, too new, damaged."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    found = []
    for path in sorted(directory.glob("*.sql")):
        m = _MIGRATION_RE.match(path.name)
        if not m:
            raise StoreFileError(f"migration file {path.name} is not named NNNN_name.sql")
        found.append(Migration(int(m.group(1)), m.group(2), path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise StoreFileError(f"migrations in {directory} are not numbered 1..n: {versions}")
    return found


class StoreDB:
    """One connection to a store database file. Writes are serialised by a lock, so the
    object can be shared by a GUI worker thread and a sync thread."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self.db = Database(conn)
        self._lock = threading.RLock()

    # --- transactions ------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT; any exception rolls the whole effect back. A disk
        that refuses (read-only, full, not ours) raises StorageUnavailable saying so."""
        with self._lock, self._disk():
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self._rollback()
                raise
            else:
                try:
                    self.conn.execute("COMMIT")
                except BaseException:
                    self._rollback()
                    raise

    def _rollback(self) -> None:
        # SQLite may have rolled back already (a full disk); a failing ROLLBACK must not
        # hide the error that made it necessary
        if self.conn.in_transaction:
            with suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    @contextmanager
    def _disk(self) -> Iterator[None]:
        """sqlite3 errors that are the disk's doing become StorageUnavailable."""
        try:
            yield
        except (sqlite3.OperationalError, OSError) as e:
            problem = storage_error(self.path, e)
            if problem is None:
                raise
            log.info("store %s: %s", self.path, problem)
            raise problem from e

    def query(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        with self._lock, self._disk():
            return self.conn.execute(sql, params).fetchall()

    def one(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> sqlite3.Row | None:
        with self._lock, self._disk():
            row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
            return row

    def scalar(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> Any:
        row = self.one(sql, params)
        return None if row is None else row[0]

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """One consistent snapshot for the store functions called inside (a read
        transaction, under the lock). It ends with a rollback: a read never writes.
        Inside `write()` it is that transaction, which already sees its own writes."""
        with self._lock:
            if self.conn.in_transaction:
                yield self.conn
                return
            with self._disk():
                self.conn.execute("BEGIN")
                try:
                    yield self.conn
                finally:
                    self._rollback()

    @property
    def schema_version(self) -> int:
        return int(self.scalar("PRAGMA user_version"))

    def close(self) -> None:
        with self._lock:
            self.conn.close()


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10.0)
    conn.row_factory = sqlite3.Row
    return conn


def _check_file(conn: sqlite3.Connection, path: Path, latest: int) -> tuple[int, bool]:
    """(schema version, is empty). Raises StoreFileError for anything not ours."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as e:
        problem = storage_error(path, e)
        if problem is not None:
            raise problem from e
        if e.sqlite_errorcode & 0xFF in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
            raise StoreFileError(
                f"{path} is not a Lantern store database ({e}); check the path, or restore "
                "the store database from its backup"
            ) from e
        raise StoreFileError(
            f"cannot read the store database {path} ({e}); nothing was changed: check the "
            "disk and the path, and try again"
        ) from e
    if tables == 0 and app_id == 0:
        return 0, True
    if app_id != APPLICATION_ID:
        raise StoreFileError(
            f"{path} is an SQLite database but not a Lantern store database; "
            "check the path (nothing was changed)"
        )
    if version > latest:
        raise StoreFileError(
            f"{path} has schema version {version}: it was written by a newer Lantern than "
            f"this one, which understands up to schema {latest}. Nothing was changed. "
            "Install that newer Lantern again (an older one cannot read what the newer one "
            f"wrote), or to go back for good, restore the copy taken before the upgrade "
            f"from {backup_dir(path)}."
        )
    return version, False


def backup_dir(path: Path) -> Path:
    """`<store>-backups/` beside the store database."""
    return path.with_name(path.stem + "-backups")


def _discard(path: Path) -> None:
    with suppress(OSError):
        path.unlink(missing_ok=True)


def online_copy(conn: sqlite3.Connection, target: Path) -> tuple[list[str], int]:
    """Copy the database of `conn` into the new file `target` with SQLite's online backup
    API (readable by its owner only: the store database holds credentials), as one
    self-contained file (no WAL beside it); returns its integrity_check lines and schema
    version. The one way every backup of a store is written (backup_before_migration,
    desktop/store/backups.py)."""
    fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    copy = sqlite3.connect(str(target))
    try:
        conn.backup(copy)  # one step: one consistent snapshot, writers go on under WAL
        copy.execute("PRAGMA journal_mode=DELETE")
        scrub_secrets(copy)  # a copy keeps no secret the store moved out (vault.py)
        checked = [str(row[0]) for row in copy.execute("PRAGMA integrity_check")]
        version = int(copy.execute("PRAGMA user_version").fetchone()[0])
    finally:
        copy.close()
    return checked, version


def backup_before_migration(conn: sqlite3.Connection, path: Path, version: int) -> Path | None:
    """A verified copy of the store database as it is now, before migrations change it:
    `<store>-backups/<store>-schema<version>-<UTC time>.db`. Uses SQLite's online backup
    API (a consistent snapshot that includes what is still in the WAL; a file copy could
    catch a half-written page or miss the WAL), then checks the copy (integrity_check, its
    schema version). Raises StoreFileError when that fails, so nothing is migrated. None
    when another opener upgraded the file while it was being copied (its copy stands)."""
    folder = backup_dir(path)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = folder / f"{path.stem}-schema{version}-{stamp}.db"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{path.stem}-schema{version}-{stamp}-{n}.db"
    # two openers of one old store (the till and a command) may both back it up at once:
    # each writes its own partial file
    partial = target.with_name(f"{target.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        private_dir(folder)
        checked, copied_version = online_copy(conn, partial)
        if checked == ["ok"] and copied_version > version:
            # another opener upgraded it meanwhile, after its own copy: ours is not of the
            # schema it claims to be, and no upgrade of ours follows
            _discard(partial)
            log.info("store %s was upgraded by another opener while it was copied", path)
            return None
        if checked != ["ok"] or copied_version != version:
            raise StoreFileError(
                f"the copy of {path} made before upgrading it does not verify "
                f"({'; '.join(checked)[:200]}, schema {copied_version}); nothing was changed: "
                f"check the disk, and run `lantern store check`"
            )
        partial.replace(target)
    except (sqlite3.Error, OSError) as e:
        _discard(partial)
        raise StoreFileError(
            f"could not back up {path} before upgrading it from schema {version} ({e}); "
            f"nothing was changed: make room on the disk or let Lantern write to {folder}"
        ) from e
    except BaseException:
        _discard(partial)
        raise
    log.info("store %s backed up to %s before upgrading from schema %d", path, target, version)
    return target


def open_store(path: Path | str, *, create: bool = False) -> StoreDB:
    """Open (and upgrade) a store database. `create` allows making a new file."""
    path = Path(path)
    if not path.exists():
        if not create:
            raise StoreFileError(
                f"no store database at {path}; create one with `lantern store init` "
                "or `lantern demo`"
            )
        try:
            private_dir(path.parent)
            private_file(path)  # SQLite gives its -wal and -shm the mode of the file
        except OSError as e:
            raise storage_error(path, e) or StoreFileError(
                f"cannot create the store database {path}: {e}"
            ) from e
    elif path.is_dir():
        raise StoreFileError(f"{path} is a folder, not a store database file")
    migrations = load_migrations()
    try:
        conn = _connect(path)
    except sqlite3.Error as e:
        raise storage_error(path, e) or StoreFileError(f"cannot open {path}: {e}") from e
    try:
        with _snapshot(conn):  # another opener may be migrating it right now
            version, empty = _check_file(conn, path, len(migrations))
        if empty and not create:
            raise StoreFileError(
                f"{path} is an empty file, not a store database; create one with "
                "`lantern store init`"
            )
        _use_wal(conn, path)
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute(
            "PRAGMA journal_size_limit=67108864"
        )  # WAL truncated to 64 MB after checkpoints
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=10000")
        conn.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not left
        backups = backup_dir(path)
        tighten(path, *_companions(path), backups, *(backups.glob("*.db*")))
        store = StoreDB(conn, path)
        if not empty and version < len(migrations):
            backup_before_migration(conn, path, version)
        _migrate(store, version, migrations)
        move_secrets_out(store)
        return store
    except (sqlite3.OperationalError, OSError) as e:
        conn.close()
        problem = storage_error(path, e)
        if problem is None:
            raise
        raise problem from e
    except BaseException:
        conn.close()
        raise


def _companions(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def scrub_secrets(conn: sqlite3.Connection) -> bool:
    """Delete the secret settings rows from a database that is not in WAL mode (a backup
    copy) and rebuild it, so their bytes are gone from the file. True if any was there."""
    try:
        found = conn.execute(
            f"SELECT count(*) FROM settings WHERE key IN ({_marks(SECRET_SETTINGS)})",
            SECRET_SETTINGS,
        ).fetchone()[0]
    except sqlite3.OperationalError:  # no settings table: nothing to scrub
        return False
    if not found:
        return False
    conn.execute("PRAGMA secure_delete=ON")
    with conn:
        conn.execute(
            f"DELETE FROM settings WHERE key IN ({_marks(SECRET_SETTINGS)})", SECRET_SETTINGS
        )
    conn.execute("VACUUM")
    return True


def _marks(values: tuple[str, ...]) -> str:
    return ", ".join("?" for _ in values)


def move_secrets_out(store: StoreDB) -> bool:
    """A store written by Lantern before the vault keeps its head-office secret in the
    settings table. Put it into the vault, scrub it from the backups, then delete it from
    the database and rebuild the file and empty the WAL, so no copy of the old bytes is
    left in any of them. Each step can be repeated: a crash half-way is finished at the
    next opening. True when there was a secret to move."""
    rows = store.query(
        f"SELECT key, value FROM settings WHERE key IN ({_marks(SECRET_SETTINGS)})",
        SECRET_SETTINGS,
    )
    if not rows:
        return False
    vault = vault_for(store.path)
    for row in rows:
        value = json.loads(row["value"])
        if value and vault.get(row["key"]) != value:
            vault.put(row["key"], str(value))
    folder = backup_dir(store.path)
    for copy in sorted(folder.glob("*.db")) if folder.is_dir() else []:
        with closing(sqlite3.connect(str(copy), isolation_level=None)) as c:
            scrubbed = scrub_secrets(c)
        if scrubbed:
            log.info("scrubbed the head-office secret from the backup %s", copy)
    with store.write() as tx:
        tx.execute(
            f"DELETE FROM settings WHERE key IN ({_marks(SECRET_SETTINGS)})", SECRET_SETTINGS
        )
    with store._lock:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.conn.execute("VACUUM")
        busy, _, _ = store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy:
        log.warning(
            "the WAL of %s could not be emptied while another program reads it; the old "
            "secret's bytes leave it at its next checkpoint",
            store.path,
        )
    log.info(
        "moved the head-office secret of %s out of the database into %s", store.path, vault.where
    )
    return True


@contextmanager
def _snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """One read transaction: the header fields and the table count read inside it agree
    with each other, even while another connection commits a migration."""
    conn.execute("BEGIN")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")


def _use_wal(conn: sqlite3.Connection, path: Path, patience: float = WAL_PATIENCE) -> None:
    """Switch the file to WAL (a no-op once it is: the mode is kept in the file).

    The first switch of a new file must write its header. SQLite gets there by upgrading a
    read lock to a write lock, and while another connection holds or wants one it answers
    SQLITE_BUSY at once *without* calling the busy handler (waiting could deadlock). So
    two openers of one new file, or an opener and a migrating process, fail here with
    "database is locked" whatever the busy timeout. A failed attempt holds no lock and
    changes nothing, and at each collision one connection goes through, so trying again
    after a short, growing, jittered pause is exactly the waiting SQLite declined to do,
    bounded by the same patience as the busy timeout."""
    deadline = time.monotonic() + patience
    pause = 0.001
    while True:
        try:
            mode = str(conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]).lower()
            break
        except sqlite3.OperationalError as e:
            if e.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
        time.sleep(pause * (0.5 + random.random()))
        pause = min(pause * 2, 0.05)
    if mode != "wal":
        raise StoreFileError(
            f"{path}: SQLite could not use its write-ahead log there (journal mode stays "
            f"{mode!r}); put the store database on a local disk (nothing was changed)"
        )


def _migrate(store: StoreDB, current: int, migrations: list[Migration]) -> None:
    for m in migrations[current:]:
        with store.write() as conn:
            # `current` was read before the write lock: another process opening the same
            # file at the same moment (the till and the CLI) may have applied it since.
            if conn.execute("PRAGMA user_version").fetchone()[0] >= m.version:
                continue
            log.info("applying store migration %04d_%s to %s", m.version, m.name, store.path)
            if m.version == 1:
                conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
                conn.execute(
                    "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                    "name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
            for statement in _split_sql(m.sql):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (m.version, m.name, datetime.now(UTC).isoformat()),
            )
            conn.execute(f"PRAGMA user_version={m.version}")


def _split_sql(sql: str) -> list[str]:
    """Split a migration into statements (executescript would commit on its own)."""
    statements, buf = [], ""
    for line in sql.splitlines(keepends=True):
        if line.lstrip().startswith("--") and not buf.strip():
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            statements.append(buf.strip())
            buf = ""
    if buf.strip():
        statements.append(buf.strip())
    return statements
