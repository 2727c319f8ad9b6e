"""Opening a store file: creation, migrations, durability settings, refusing foreign files."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from desktop.store.database import APPLICATION_ID, StoreFileError, load_migrations, open_store

from ._helpers import snapshot

pytestmark = pytest.mark.store


def sidecars(path: Path) -> list[str]:
    # the chain key's vault and the seals' anchor are the store's own companions
    own = {path.name, f"{path.name}.vault", f"{path.name}.anchor"}
    return sorted(p.name for p in path.parent.iterdir() if p.name not in own)


def test_missing_file_without_create_is_refused_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    with pytest.raises(StoreFileError, match="no store database"):
        open_store(path)
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_without_create_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "store.db"
    with pytest.raises(StoreFileError):
        open_store(path)
    assert not (tmp_path / "sub").exists()


def test_create_makes_a_new_store_with_migrations_recorded(tmp_path: Path) -> None:
    path = tmp_path / "new" / "store.db"
    db = open_store(path, create=True)
    try:
        latest = len(load_migrations())
        assert db.schema_version == latest
        assert db.scalar("PRAGMA user_version") == latest
        assert db.scalar("PRAGMA application_id") == APPLICATION_ID
        assert str(db.scalar("PRAGMA journal_mode")).lower() == "wal"
        assert db.scalar("PRAGMA synchronous") == 2  # FULL
        assert db.scalar("PRAGMA foreign_keys") == 1
    finally:
        db.close()
    with closing(sqlite3.connect(path)) as conn:
        migrations = conn.execute(
            "SELECT version, name, applied_at FROM schema_migrations ORDER BY version"
        ).fetchall()
        assert [(v, n) for v, n, _ in migrations] == [
            (m.version, m.name) for m in load_migrations()
        ]
        assert all(at for _, _, at in migrations)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == latest
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"members", "points_ledger", "stock_ledger", "outbox", "redemptions"} <= names
    # WAL is persistent: the file header says so (bytes 18 and 19 are 2 in WAL mode)
    header = path.read_bytes()[:100]
    assert header.startswith(b"SQLite format 3\x00")
    assert header[18] == 2 and header[19] == 2
    assert int.from_bytes(header[68:72], "big") == APPLICATION_ID


def test_an_empty_file_is_refused_without_create(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    path.write_bytes(b"")
    with pytest.raises(StoreFileError, match="empty"):
        open_store(path)
    assert path.read_bytes() == b""
    assert sidecars(path) == []


def test_reopening_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    open_store(path, create=True).close()
    before = snapshot(path)
    schema = before["schema_migrations"]
    for create in (False, True, False):
        db = open_store(path, create=create)
        assert db.schema_version == len(load_migrations())
        assert db.scalar("PRAGMA synchronous") == 2
        assert str(db.scalar("PRAGMA journal_mode")).lower() == "wal"
        db.close()
    after = snapshot(path)
    assert after == before
    assert after["schema_migrations"] == schema
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] == len(
            load_migrations()
        )


def test_reopening_the_demo_store_keeps_its_data(db_path: Path) -> None:
    before = snapshot(db_path)
    open_store(db_path).close()
    assert snapshot(db_path) == before


@pytest.mark.parametrize("create", [False, True])
@pytest.mark.parametrize(
    "content",
    [
        b"hello, this is a text file\n" * 50,
        b"x\n",
        os.urandom(8192),
        b"SQLite format 3\x00" + os.urandom(4080),  # right magic, garbage after it
    ],
    ids=["text", "tiny-text", "random", "damaged-header"],
)
def test_a_file_that_is_not_sqlite_is_refused_and_unchanged(
    tmp_path: Path, content: bytes, create: bool
) -> None:
    path = tmp_path / "store.db"
    path.write_bytes(content)
    with pytest.raises(StoreFileError) as err:
        open_store(path, create=create)
    message = str(err.value)
    assert str(path) in message
    assert "not a Lantern store database" in message or "damaged" in message
    assert path.read_bytes() == content
    assert sidecars(path) == []


def _foreign_sqlite(path: Path, application_id: int) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(f"PRAGMA application_id={application_id}")
        conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)")
        conn.execute("INSERT INTO recipes (title) VALUES ('dumplings')")
        conn.commit()


@pytest.mark.parametrize("create", [False, True])
@pytest.mark.parametrize("application_id", [0, 0x12345678])
def test_an_sqlite_file_of_another_application_is_refused_and_unchanged(
    tmp_path: Path, application_id: int, create: bool
) -> None:
    path = tmp_path / "other.db"
    _foreign_sqlite(path, application_id)
    content = path.read_bytes()
    with pytest.raises(StoreFileError, match="not a Lantern store database") as err:
        open_store(path, create=create)
    assert "nothing was changed" in str(err.value)
    assert path.read_bytes() == content
    assert sidecars(path) == []
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT title FROM recipes").fetchall() == [("dumplings",)]
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 0


def test_another_application_id_without_tables_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA application_id=42")
        conn.commit()
    content = path.read_bytes()
    with pytest.raises(StoreFileError, match="not a Lantern store database"):
        open_store(path, create=True)
    assert path.read_bytes() == content


@pytest.mark.parametrize("bump", [1, 5])
def test_a_store_from_a_newer_lantern_is_refused_and_unchanged(tmp_path: Path, bump: int) -> None:
    path = tmp_path / "store.db"
    open_store(path, create=True).close()
    newer = len(load_migrations()) + bump
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(f"PRAGMA user_version={newer}")
    content = path.read_bytes()
    for create in (False, True):
        with pytest.raises(StoreFileError) as err:
            open_store(path, create=create)
        message = str(err.value)
        assert f"schema version {newer}" in message
        assert "newer" in message
        assert path.read_bytes() == content
    assert sidecars(path) == []
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == newer
        assert conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] == len(
            load_migrations()
        )


@pytest.mark.parametrize("create", [False, True])
def test_a_directory_is_refused(tmp_path: Path, create: bool) -> None:
    folder = tmp_path / "store.db"
    folder.mkdir()
    with pytest.raises(StoreFileError, match="folder"):
        open_store(folder, create=create)
    assert list(folder.iterdir()) == []


def test_two_openers_racing_to_create_the_same_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The till and the CLI start at once on a new file: both look (version 0) before
    either migrates. The second must find the migration done, not fail on it."""
    import threading

    from desktop.store import database

    original = database._check_file
    both_looked = threading.Barrier(2, timeout=10)

    def look_then_wait(*args: object) -> tuple[int, bool]:
        result = original(*args)  # type: ignore[arg-type]
        both_looked.wait()
        return result

    monkeypatch.setattr(database, "_check_file", look_then_wait)
    path = tmp_path / "store.db"
    outcomes: list[object] = []

    def opener() -> None:
        try:
            db = open_store(path, create=True)
            outcomes.append(db.schema_version)
            db.close()
        except Exception as e:
            outcomes.append(e)

    threads = [threading.Thread(target=opener) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    latest = len(load_migrations())
    assert outcomes == [latest, latest]
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT version FROM schema_migrations").fetchall() == [
            (m.version,) for m in load_migrations()
        ]


RACE_ROUNDS = 200


@pytest.fixture
def race_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder in RAM where there is one (/dev/shm): the race is about locks, and 800
    openers each waiting on the disk for every migration's commit would take 3 × longer."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    folder = Path(tempfile.mkdtemp(prefix="lantern-race-", dir=shm))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.reliability
def test_threads_and_processes_creating_one_new_store_at_once(race_folder: Path) -> None:
    """Issue 14: two openers of a new file failed about 1 in 30 at PRAGMA journal_mode=WAL
    ("database is locked": SQLite does not wait there, whatever the busy timeout), and
    one could refuse the file as "not a Lantern store" when it read the header while the
    other was migrating. Each round, 2 threads here and 2 in another process open the same
    new file at the same moment: all 4 open it, and it is migrated exactly once."""
    import multiprocessing

    from tests.reliability import record

    from ._race import open_all, open_all_into

    spawn = multiprocessing.get_context("spawn")  # no fork of a process that may hold Qt
    barrier, answers = spawn.Barrier(4), spawn.Queue()
    args = (str(race_folder), RACE_ROUNDS, 2, barrier)
    other = spawn.Process(target=open_all_into, args=(answers, *args, "process"))
    other.start()
    try:
        here = open_all(*args, "pytest")
        failures = here + answers.get(timeout=120)
    finally:
        other.join(timeout=30)
    assert failures == [], f"{len(failures)} of {4 * RACE_ROUNDS} openers failed: {failures[:5]}"
    expected = [(m.version, m.name) for m in load_migrations()]
    for n in range(RACE_ROUNDS):
        path = race_folder / f"{n}.db"
        with closing(sqlite3.connect(path)) as conn:
            assert (
                conn.execute(
                    "SELECT version, name FROM schema_migrations ORDER BY version"
                ).fetchall()
                == expected
            )
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    record(
        "Opening a new store file at once",
        "2 threads + 2 threads of another process",
        rounds=RACE_ROUNDS,
        openers=4 * RACE_ROUNDS,
        failed=len(failures),
    )
