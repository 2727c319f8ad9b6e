"""Backups of the store database: written online, verified, rotated, restored.

- A backup is written with SQLite's online backup API (a consistent snapshot, WAL
  included, while the till goes on writing; never a file copy), to a `.partial` file that
  is checked and then renamed, readable by its owner only (0600).
- `verify` opens a backup read-only: SQLite's integrity_check, Lantern's header, and the
  store check (every cached figure against its ledger, the outbox's hash chain).
- Automatic backups are named `<store>-<UTC time>-<reason>.db` in the backup folder
  (default `<store>-backups/` beside the database, as for `backup_before_migration`);
  only those are rotated, the newest `keep` stay.
- `restore_into` writes a backup over the store database with the same backup API.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from desktop.store import checks
from desktop.store.database import APPLICATION_ID, StoreFileError, backup_dir, online_copy

log = logging.getLogger(__name__)

KEEP = 20
_AUTO = re.compile(r"^.+-(?P<stamp>\d{8}T\d{6}(\d{6})?Z)-[a-z_]+(-(?P<n>\d+))?\.db$")


@dataclass(frozen=True)
class Verified:
    path: Path
    problems: tuple[str, ...]
    schema: int
    events: int
    head_seq: int
    acked_seq: int
    store_id: str | None

    @property
    def ok(self) -> bool:
        return not self.problems


def write(conn: sqlite3.Connection, target: Path) -> Path:
    """Write an online backup of `conn`'s database to `target` (0600), checked with
    integrity_check before it gets its name. Raises StoreFileError."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        checked, _ = online_copy(conn, partial)
        if checked != ["ok"]:
            raise StoreFileError(f"the backup {target} does not verify: {'; '.join(checked)}")
        os.chmod(partial, 0o600)
        partial.replace(target)
    except (sqlite3.Error, OSError) as e:
        partial.unlink(missing_ok=True)
        raise StoreFileError(f"could not write the backup {target} ({e})") from e
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def auto_name(db_path: Path, folder: Path, reason: str, now: datetime) -> Path:
    """`<store>-<UTC time>-<reason>.db`; a second backup within the same microsecond (a
    clock that stands still) gets `-2`, `-3`, … after the highest number already there."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    same = [
        int(m.group("n") or 1)
        for p in (folder.glob(f"{db_path.stem}-{stamp}-*.db") if folder.is_dir() else [])
        if (m := _AUTO.match(p.name))
    ]
    n = max(same, default=0) + 1
    return folder / f"{db_path.stem}-{stamp}-{reason}{'' if n == 1 else f'-{n}'}.db"


def take(
    db_path: Path,
    folder: Path | None,
    reason: str,
    now: datetime,
    keep: int = KEEP,
) -> Path:
    """An automatic (or `lantern backup`) backup into the folder, then rotation. It reads
    through a connection of its own, in one step (one read transaction): under WAL the till
    goes on writing meanwhile, and the copy is the database as of that snapshot."""
    folder = folder or backup_dir(db_path)
    source = sqlite3.connect(str(db_path), timeout=10.0)
    try:
        target = write(source, auto_name(db_path, folder, reason, now))
    finally:
        source.close()
    rotate(folder, db_path, keep)
    log.info("store %s backed up to %s (%s)", db_path, target, reason)
    return target


def listed(folder: Path, db_path: Path) -> list[Path]:
    """The automatic backups of this store in the folder, oldest first."""
    if not folder.is_dir():
        return []
    found = [
        p
        for p in folder.glob(f"{db_path.stem}-*.db")
        if _AUTO.match(p.name) and "-schema" not in p.name
    ]
    return sorted(found, key=_order)


def _order(p: Path) -> tuple[str, int]:
    """Oldest first: by the time in the name, then by the number added on a collision."""
    m = _AUTO.match(p.name)
    assert m is not None
    return m.group("stamp"), int(m.group("n") or 1)


def rotate(folder: Path, db_path: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` automatic backups; returns those removed."""
    found = listed(folder, db_path)
    gone = found[: max(0, len(found) - keep)]
    for p in gone:
        p.unlink(missing_ok=True)
    return gone


def verify(path: Path) -> Verified:
    """Check a backup file without changing it."""
    path = Path(path)
    if not path.is_file():
        return Verified(path, (f"{path} is not a file",), 0, 0, 0, 0, None)
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as e:
        return Verified(path, (f"{path} cannot be opened ({e})",), 0, 0, 0, 0, None)
    conn.row_factory = sqlite3.Row
    try:
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            schema = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if app_id != APPLICATION_ID:
                return Verified(
                    path, (f"{path} is not a Lantern store database",), schema, 0, 0, 0, None
                )
            found = [
                f"sqlite: {r[0]}" for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"
            ]
            if not found:
                found += checks.problems(conn, path)
            events, head = conn.execute(
                "SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM outbox"
            ).fetchone()
            acked = int(str(_setting(conn, "outbox_acked_seq", 0)))
            store = _setting(conn, "store_id", None)
            store_id = None if store is None else str(store)
        except sqlite3.DatabaseError as e:
            return Verified(path, (f"{path} is damaged ({e})",), 0, 0, 0, 0, None)
    finally:
        conn.close()
    return Verified(path, tuple(found), schema, int(events), int(head), int(acked or 0), store_id)


def _setting(conn: sqlite3.Connection, key: str, default: object) -> object:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return default if row is None else json.loads(row[0])


def restore_into(source: Path, db_path: Path) -> None:
    """Write the backup `source` over the store database at `db_path` (nothing may have
    it open) with the online backup API: the WAL and shared memory are handled by SQLite."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(str(db_path))
        try:
            dst.execute("PRAGMA busy_timeout=10000")
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")
            dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            dst.close()
    finally:
        src.close()
