"""Secrets out of the store database: the head-office secret lives in the vault, an older
store's secret is moved out and its bytes scrubbed from the file, the WAL and the backups;
store files are 0600 and the folders Lantern makes 0700."""

from __future__ import annotations

import json
import logging
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest

from desktop.services.app import StoreServices
from desktop.services.setup import init_store
from desktop.services.till import LineRequest, Receipt
from desktop.store.database import (
    StoreDB,
    _connect,
    _migrate,
    backup_dir,
    load_migrations,
    open_store,
)
from desktop.store.staff import Staff
from desktop.store.vault import vault_file, vault_for
from tests.reliability import record

from ._helpers import Clock, Link, staff

pytestmark = pytest.mark.store

SECRET = "hx7-Lantern-Store-Secret-4f9a2c1e8b"  # what head office printed for the store
URL = "http://127.0.0.1:9"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def store_files(db: Path) -> list[Path]:
    """The database, its -wal and -shm, its backups and its print archive (not its vault)."""
    found = [p for p in db.parent.glob(db.name + "*") if p.is_file() and p != vault_file(db)]
    for folder in (backup_dir(db), db.with_name(db.stem + "-printouts")):
        found += [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []
    return sorted(found)


def holding(files: list[Path] | dict[Path, bytes], secret: str) -> list[Path]:
    """The files (or their contents read earlier) that hold the secret's bytes."""
    needles = (secret.encode(), secret.encode("utf-16-le"), secret[::-1].encode())
    data = files if isinstance(files, dict) else {p: p.read_bytes() for p in files}
    return [p for p, b in data.items() if any(n in b for n in needles)]


def put_secret_inside(conn: sqlite3.Connection, secret: str = SECRET) -> None:
    """What Lantern before the vault did: the secret as a settings row, written more than
    once (old versions of the row linger in free space and in the WAL)."""
    for value in (secret[::-1], secret):
        conn.execute(
            "INSERT INTO settings (key, value) VALUES ('headoffice_secret', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (json.dumps(value),),
        )
    conn.execute(
        "INSERT INTO settings (key, value) VALUES ('headoffice_url', ?), "
        "('headoffice_store_id', '\"SH001\"') ON CONFLICT (key) DO UPDATE SET value = "
        "excluded.value",
        (json.dumps(URL),),
    )


def old_backup(db: Path) -> Path:
    """A backup written by Lantern before the vault: a full copy, secret included."""
    folder = backup_dir(db)
    folder.mkdir(exist_ok=True, mode=0o755)
    target = folder / f"{db.stem}-schema4-20260601T000000Z.db"
    with closing(sqlite3.connect(db)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    return target


def redeem_and_print(app: StoreServices, cashier: Staff, rid: str) -> None:
    result = app.till.redeem(cashier, rid, "M00000001", (LineRequest("G101"),))
    assert isinstance(result, Receipt), result
    app.printing.print_redemption(result.receipt_no)


@pytest.mark.reliability
def test_an_older_stores_secret_is_moved_out_and_scrubbed_everywhere(
    db_path: Path, clock: Clock
) -> None:
    # Given a store of Lantern before the vault: the secret in the database, in its WAL
    # (written while the till ran), in a backup, next to a print archive
    with closing(sqlite3.connect(db_path, isolation_level=None)) as till:
        till.execute("PRAGMA wal_autocheckpoint=0")  # the old frames stay in the WAL
        put_secret_inside(till)
        old_backup(db_path)
        assert holding([Path(f"{db_path}-wal")], SECRET)
        assert holding(store_files(db_path), SECRET)
        # When this Lantern opens it (the old till still has it open) and trades
        app = StoreServices(open_store(db_path), clock, Link())
    cashier = staff(app, "C01")
    redeem_and_print(app, cashier, "r1")
    # Then the secret is in the vault, and head office is still reachable with it
    connection = app.sync.connection()
    assert connection is not None and connection.secret == SECRET
    assert vault_for(db_path).get("headoffice_secret") == SECRET
    assert app.db.scalar("SELECT count(*) FROM settings WHERE key LIKE '%secret%'") == 0
    open_files = {p: p.read_bytes() for p in store_files(db_path)}  # while it is open
    app.close()
    # and no file of the store holds its bytes: not the database, the WAL, a backup or a
    # printout, while the store was open nor after it closed
    files = set(open_files) | set(store_files(db_path))
    assert any(p.name.endswith("-wal") for p in open_files)
    assert any(p.parent == backup_dir(db_path) for p in files)
    assert any(p.suffix == ".pdf" for p in files)
    assert holding(open_files, SECRET) == []
    assert holding(store_files(db_path), SECRET) == []
    # the vault file is 0600, and nothing else of the store is readable by others
    assert mode(vault_file(db_path)) == 0o600
    assert [p for p in store_files(db_path) if mode(p) & 0o077] == []
    record(
        "Secrets on disk",
        "database, WAL, backups, print archive",
        files_scanned=len(files),
        secret_found=0,
    )


@pytest.mark.reliability
def test_an_older_schema_with_its_secret_inside_is_upgraded_and_its_backup_keeps_no_secret(
    tmp_path: Path,
) -> None:
    # Given a store at schema 4 with the secret inside
    db = tmp_path / "old.db"
    conn = _connect(db)
    _migrate(StoreDB(conn, db), 0, load_migrations()[:4])
    conn.execute("PRAGMA journal_mode=WAL")
    put_secret_inside(conn)
    conn.close()
    # When this Lantern upgrades it (backing it up first)
    store = open_store(db)
    assert store.schema_version == len(load_migrations())
    store.close()
    # Then the backup taken before the upgrade is there, verified, and without the secret
    backups = sorted(backup_dir(db).glob("*.db"))
    assert len(backups) == 1
    with closing(sqlite3.connect(backups[0])) as b:
        assert b.execute("PRAGMA user_version").fetchone()[0] == 4
        assert b.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        keys = {r[0] for r in b.execute("SELECT key FROM settings")}
    assert "headoffice_url" in keys and "headoffice_secret" not in keys
    assert holding(store_files(db), SECRET) == []
    assert vault_for(db).get("headoffice_secret") == SECRET
    assert mode(backups[0]) == 0o600 and mode(backup_dir(db)) == 0o700
    record(
        "Secrets on disk",
        "upgrade from schema 4",
        files_scanned=len(store_files(db)),
        secret_found=0,
    )


def test_connecting_keeps_the_secret_out_of_the_database(tmp_path: Path) -> None:
    db = tmp_path / "new" / "store.db"
    app = StoreServices(init_store(db, "SH009", "测试店", "Test"), Clock(), Link())
    app.sync.connect(URL, "SH009", SECRET)
    app.sync.connect(URL + "/", "SH009", SECRET)  # again: still only in the vault
    assert holding(store_files(db), SECRET) == []
    app.close()
    assert holding(store_files(db), SECRET) == []
    assert vault_for(db).get("headoffice_secret") == SECRET
    assert mode(vault_file(db)) == 0o600


def test_a_copied_database_without_its_vault_says_the_secret_is_missing(
    db_path: Path, tmp_path: Path, clock: Clock
) -> None:
    import shutil

    from desktop.services.sync import NotConnected

    app = StoreServices(open_store(db_path), clock, Link())
    app.sync.connect(URL, "SH001", SECRET)
    app.close()
    copy = tmp_path / "elsewhere.db"
    shutil.copyfile(db_path, copy)
    other = StoreServices(open_store(copy), clock, Link())
    try:
        with pytest.raises(NotConnected, match=r"secret is not on this machine.*store connect"):
            other.sync.sync_once()
    finally:
        other.close()


def test_store_files_are_0600_and_new_folders_0700(tmp_path: Path, clock: Clock) -> None:
    # Given a store created in a folder that does not exist yet
    db = tmp_path / "shop" / "data" / "store.db"
    app = StoreServices(init_store(db, "SH009", "测试店", "Test"), clock, Link())
    app.setup.add_staff("C01", "收银员", "cashier", "1111")
    # Then the database, its WAL and shared memory are 0600, the folders made 0700
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), vault_file(db)):
        assert mode(p) == 0o600, p
    assert mode(db.parent) == 0o700 and mode(db.parent.parent) == 0o700
    app.close()


def test_an_existing_world_readable_store_is_tightened_on_opening(db_path: Path) -> None:
    # Given a store file an older Lantern left 0644, with its backups folder 0755
    db_path.chmod(0o644)
    backup_dir(db_path).mkdir(mode=0o755)
    backup_dir(db_path).chmod(0o755)
    # When it is opened
    store = open_store(db_path)
    # Then it, its -wal and -shm are 0600 and the backups folder 0700
    assert mode(db_path) == 0o600
    assert mode(Path(f"{db_path}-wal")) == 0o600
    assert mode(backup_dir(db_path)) == 0o700
    store.close()


def test_the_log_file_is_0600(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop import logs

    monkeypatch.setenv("LANTERN_LOG_DIR", str(tmp_path / "log"))
    try:
        path = logs.setup(verbose=False, program="secrets-test", to_file=True)
        assert path is not None
        logging.getLogger("lantern").warning("a line")
        assert mode(path) == 0o600
        assert mode(path.parent) == 0o700
    finally:
        logs.setup(verbose=False, program="secrets-test", to_file=False)


def test_reports_are_0600_in_a_new_0700_folder(app: StoreServices, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    app.reports.write_daily(csv=folder / "daily.csv")
    assert mode(folder / "daily.csv") == 0o600 and mode(folder) == 0o700
