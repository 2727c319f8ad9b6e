"""A power cut for SQLite: a VFS (through apsw) that remembers, for every file, what was on
the disk at its last fsync, so the files as a power cut would leave them can be written
out at any moment and opened like a till coming back would.

Python's `sqlite3` cannot take a VFS, so the store's own statements are *replayed*: the
redemptions run through the real services on Python's sqlite3 with a trace callback that
keeps every statement with its values bound (`record`), then `Replay` runs exactly those
statements on an apsw connection over `PowerLossVFS`, with the store's settings (WAL,
synchronous=FULL) or another `synchronous` for comparison. The same SQL over the same file
makes the same pages; only the I/O underneath is watched.

The model of a power cut: each file keeps what it held at its last xSync; every write,
truncation since is lost, or — torn — any subset of them reaches the disk (`after_cut`).
Keeping *all* of them is what a process killed between two writes leaves (the OS still
writes its cache out): SIGKILL inside a COMMIT, which a trace callback cannot reach. The
WAL index lives in memory (locking_mode=EXCLUSIVE), so nothing is missed by not watching
the -shm file: a reopening rebuilds it from the WAL.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import apsw

from desktop.services.app import StoreServices
from desktop.services.till import LineRequest
from desktop.store.database import open_store
from desktop.store.staff import get_staff

from ._crash import problems
from ._helpers import T0, Clock

Write = tuple[int, bytes | None]  # (offset, bytes) or (size, None) for a truncation


@dataclass
class FileState:
    synced: bytes | None  # what the disk held at the last sync (None: no such file)
    pending: list[Write] = field(default_factory=list)  # since then, in order


class Disk:
    """What each watched file holds on the platter, apart from the OS's cache."""

    def __init__(self) -> None:
        self.files: dict[str, FileState] = {}
        self.syncs = 0
        self.on_io: list[Any] = []  # callbacks after every write, truncation and sync

    def opened(self, path: str) -> None:
        if path not in self.files:
            p = Path(path)
            self.files[path] = FileState(p.read_bytes() if p.exists() else None)

    def write(self, path: str, offset: int, data: bytes) -> None:
        self.files[path].pending.append((offset, data))
        self._io()

    def truncate(self, path: str, size: int) -> None:
        self.files[path].pending.append((size, None))
        self._io()

    def sync(self, path: str) -> None:
        self.files[path] = FileState(Path(path).read_bytes())
        self.syncs += 1
        self._io()

    def deleted(self, path: str) -> None:
        self.files[path] = FileState(None)

    def _io(self) -> None:
        for f in self.on_io:
            f()

    def pending_writes(self) -> int:
        return sum(len(s.pending) for s in self.files.values())

    def after_cut(
        self, keep: random.Random | None = None, *, everything: bool = False
    ) -> dict[str, bytes | None]:
        """Each file as a power cut now leaves it: as last synced, plus (torn, with `keep`)
        a random subset of the writes since, applied in order; with `everything`, all of
        them (a killed process: what it wrote is in the OS's cache)."""
        out: dict[str, bytes | None] = {}
        for path, state in self.files.items():
            content = bytearray(state.synced) if state.synced is not None else None
            for offset, data in state.pending:
                if not everything and (keep is None or keep.random() < 0.5):
                    continue
                content = content if content is not None else bytearray()
                if data is None:
                    del content[offset:]
                    continue
                if len(content) < offset:
                    content.extend(bytes(offset - len(content)))
                content[offset : offset + len(data)] = data
            out[path] = None if content is None else bytes(content)
        return out


class PowerLossFile(apsw.VFSFile):  # type: ignore[misc]
    def __init__(self, disk: Disk, name: Any, flags: list[int]) -> None:
        super().__init__("", name, flags)
        self.disk = disk
        self.path = name.filename() if isinstance(name, apsw.URIFilename) else name
        if self.path:
            disk.opened(self.path)

    def xWrite(self, data: bytes, offset: int) -> None:  # noqa: N802 - apsw's name
        super().xWrite(data, offset)
        if self.path:
            self.disk.write(self.path, offset, bytes(data))

    def xTruncate(self, size: int) -> None:  # noqa: N802
        super().xTruncate(size)
        if self.path:
            self.disk.truncate(self.path, size)

    def xSync(self, flags: int) -> None:  # noqa: N802
        super().xSync(flags)
        if self.path:
            self.disk.sync(self.path)


class PowerLossVFS(apsw.VFS):  # type: ignore[misc]
    def __init__(self, disk: Disk, name: str = "powerloss") -> None:
        self.disk = disk
        self.name = name
        super().__init__(name, "")

    def xOpen(self, name: Any, flags: list[int]) -> PowerLossFile:  # noqa: N802
        return PowerLossFile(self.disk, name, flags)

    def xDelete(self, filename: str, syncdir: bool) -> None:  # noqa: N802
        super().xDelete(filename, syncdir)
        self.disk.deleted(filename)


# --- the store's statements ----------------------------------------------------------------
MEMBERS = ("M00000044", "M00000064", "M00000002", "M00000001")
LINES = ((LineRequest("G101"),), (LineRequest("G104"), LineRequest("G101", 2)))


def record(path: Path, redemptions: int) -> list[str]:
    """The statements of `redemptions` real redemptions on the store at `path` (which they
    change), values bound, in the order they ran."""
    statements: list[str] = []
    app = StoreServices(open_store(path), Clock(T0))
    try:
        cashier = get_staff(app.db.conn, "C01")
        app.db.conn.set_trace_callback(statements.append)
        for n in range(redemptions):
            r = app.till.redeem(cashier, f"power-{n}", MEMBERS[n % 4], LINES[n % 2])
            assert hasattr(r, "receipt_no"), r
    finally:
        app.db.conn.set_trace_callback(None)
        app.close()
    return statements


def count_redemptions(
    files: dict[str, bytes | None], db: Path, folder: Path
) -> tuple[int, list[str]]:
    """Write the files as a cut left them to `folder`, open them as a till would, and say
    how many redemptions they hold and what is wrong with them."""
    target = folder / "after-cut.db"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    for suffix in ("", "-wal", "-journal"):
        content = files.get(f"{db}{suffix}")
        if content:
            Path(f"{target}{suffix}").write_bytes(content)
    with closing(sqlite3.connect(target)) as conn:
        conn.row_factory = sqlite3.Row
        found = problems(conn, target)
        try:
            return int(conn.execute("SELECT COUNT(*) FROM redemptions").fetchone()[0]), found
        except sqlite3.DatabaseError as e:
            return 0, [*found, f"redemptions unreadable: {e}"]


@dataclass
class CutResult:
    committed: int = 0  # redemptions whose COMMIT returned
    cuts: int = 0  # power cuts checked
    lost: int = 0  # committed redemptions missing after the cut, summed over the cuts
    worst: int = 0  # the most committed redemptions one cut lost
    damaged: int = 0  # cuts after which the file was not sound
    unsound: list[str] = field(default_factory=list)


class Replay:
    """The recorded statements, again, on a copy of the store over PowerLossVFS."""

    def __init__(self, db: Path, synchronous: str, checkpoint_pages: int = 24) -> None:
        self.db = db
        self.disk = Disk()
        self.vfs = PowerLossVFS(self.disk, f"powerloss-{id(self)}")
        self.conn = apsw.Connection(str(db), vfs=self.vfs.name)
        for pragma in (
            "locking_mode=EXCLUSIVE",  # the WAL index in memory: no -shm to watch
            "journal_mode=WAL",
            f"synchronous={synchronous}",
            "foreign_keys=ON",
            f"wal_autocheckpoint={checkpoint_pages}",  # checkpoints happen within the run
        ):
            self.conn.execute(f"PRAGMA {pragma}").fetchall()

    def run(self, statements: list[str]) -> Iterator[int]:
        """Run the statements; yields the number of redemptions committed so far after
        every COMMIT of a write (the moment the till tells the cashier it is done)."""
        committed = 0
        writing = False
        for sql in statements:
            self.conn.execute(sql).fetchall()
            if sql == "BEGIN IMMEDIATE":
                writing = True
            elif sql == "COMMIT" and writing:
                writing = False
                committed += 1
                yield committed
            elif sql == "ROLLBACK":
                writing = False

    def close(self) -> None:
        self.conn.close()
        self.vfs.unregister()


def power_cuts(
    source: Path, work: Path, statements: list[str], synchronous: str, *, at_writes: str = ""
) -> CutResult:
    """Replay on a copy of `source`; cut the power after each redemption's COMMIT returned,
    and at every write, truncation and sync of the run too: `at_writes="torn"` keeping a
    random half of what was not synced, `"kill"` keeping all of it (SIGKILL there).
    Count what the reopened file lost."""
    db = work / f"replay-{synchronous.lower()}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    db.write_bytes(source.read_bytes())
    result = CutResult()
    replay = Replay(db, synchronous)
    rng = random.Random(20261207)

    def check(committed: int, files: dict[str, bytes | None], mid_commit: bool) -> None:
        held, found = count_redemptions(files, db, work)
        result.cuts += 1
        lost = max(0, committed - held)
        result.lost += lost
        result.worst = max(result.worst, lost)
        if held > committed + (1 if mid_commit else 0):
            found.append(f"{held} redemptions after a cut, only {committed} were committed")
        result.damaged += bool(found)
        result.unsound += found

    committed_now = [0]
    if at_writes:
        assert at_writes in ("torn", "kill")

        def at_io() -> None:
            if replay.disk.pending_writes():
                files = replay.disk.after_cut(rng, everything=at_writes == "kill")
                check(committed_now[0], files, mid_commit=True)

        replay.disk.on_io.append(at_io)
    try:
        for committed in replay.run(statements):
            committed_now[0] = committed
            result.committed = committed
            check(committed, replay.disk.after_cut(), mid_commit=False)
    finally:
        replay.disk.on_io.clear()
        replay.close()
    return result
