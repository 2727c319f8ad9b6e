"""Seals: every row the store writes is bound, by an HMAC chain under a key kept outside the
database, to the transaction (and so the outbox event) that wrote it. docs/tamper-evidence.md.

- Temporary triggers (per connection, never in the file) note the key of every row inserted,
  changed or deleted in a bound table. Before COMMIT, `Sealer.seal` appends one row to
  `seals`: the hash of each noted row as it is now (null when deleted), chained to the seal
  before by HMAC-SHA256 under the store's chain key (the vault's "chain_key").
- After COMMIT the newest seal and outbox head are written to an anchor file beside the
  database (`<db>.anchor`), so a removed tail of seals and events shows.
- `problems` replays the seals and compares every row of every bound table with the hash its
  latest seal recorded, naming the table, the row and the seal (with its events).

Someone who edits only the database file cannot write a valid seal (no key), so an edited,
inserted or deleted row, a payload edited with the hash chain recomputed, appended events
and a removed tail all show, located.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from desktop.store.vault import vault_for

log = logging.getLogger(__name__)

KEY_NAME = "chain_key"
GENESIS = "0" * 64
#: Not bound: the seals themselves, the migrations record, the print queue (a queue, not a
#: record: reprints and retries change it and no figure is derived from it).
UNBOUND = frozenset({"seals", "schema_migrations", "print_jobs"})
#: Columns that change on their own and carry no record (bookkeeping of sync attempts).
UNBOUND_COLUMNS = {"sync_state": frozenset({"last_attempt_at", "last_attempt_ok", "last_error"})}
ANCHOR_SLOT = 256  # bytes per record; the anchor file has two, written in turn
BULK_ROWS = 500  # more rows of one table than this in one write: hashed in one scan
SEAL_ROWS_MAX = 20_000  # a bulk load is sealed in several seals of at most this many rows
_BINARY = getattr(os, "O_BINARY", 0)  # Windows


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]  # the bound columns, in table order
    key: tuple[str, ...]  # primary key columns, or ("rowid",)

    @cached_property
    def select(self) -> str:
        """Each row as (its key as a JSON array, the bound columns...)."""
        cols = ", ".join(f'"{c}"' for c in self.columns)
        return f'SELECT json_array({_names(self.key)}), {cols} FROM main."{self.name}"'

    @cached_property
    def select_one(self) -> str:
        where = " AND ".join(f"{n} = ?" for n in _names(self.key).split(", "))
        return f"{self.select} WHERE {where}"


def _names(columns: tuple[str, ...], row: str = "") -> str:
    prefix = f"{row}." if row else ""
    return ", ".join(prefix + (c if c == "rowid" else f'"{c}"') for c in columns)


def bound_tables(conn: sqlite3.Connection) -> list[Table]:
    tables = []
    for (name,) in conn.execute(
        "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall():
        if name in UNBOUND:
            continue
        info = conn.execute(f'PRAGMA main.table_info("{name}")').fetchall()
        skip = UNBOUND_COLUMNS.get(name, frozenset())
        columns = tuple(r[1] for r in info if r[1] not in skip)
        pk = tuple(r[1] for r in sorted(info, key=lambda r: r[5]) if r[5] > 0)
        tables.append(Table(name, columns, pk or ("rowid",)))
    return tables


def row_hash(values: tuple[Any, ...]) -> str:
    """The first 128 bits of SHA-256 over the repr of the row's values (SQLite gives
    int, float, str, bytes or None; their reprs are exact and stable)."""
    return hashlib.sha256(repr(values).encode("utf-8")).hexdigest()[:32]


def seal_mac(key: bytes, prev_mac: str, n: int, at: str, rows: str) -> str:
    """HMAC-SHA256(key, prev_mac ␟ n ␟ at ␟ rows ␟), as hex."""
    text = "\x1f".join((prev_mac, str(n), at, rows)) + "\x1f"
    return hmac.digest(key, text.encode("utf-8"), "sha256").hex()


def anchor_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".anchor")


def chain_key(db_path: Path) -> bytes | None:
    """The store's chain key from the vault (32 random bytes, base64 there)."""
    text = vault_for(db_path).get(KEY_NAME)
    return None if text is None else base64.b64decode(text)


def ensure_chain_key(db_path: Path) -> bytes:
    """The chain key, made when the vault has none (call under the store's write lock)."""
    key = chain_key(db_path)
    if key is None:
        key = secrets.token_bytes(32)
        vault_for(db_path).put(KEY_NAME, base64.b64encode(key).decode("ascii"))
        log.info("made a new chain key for %s", db_path)
    return key


@dataclass(frozen=True)
class Anchor:
    seal: int
    mac: str
    event_seq: int
    event_hash: str

    def record(self) -> bytes:
        """One slot of the anchor file: the fields and a checksum, padded to ANCHOR_SLOT."""
        line = f"{self.seal} {self.mac} {self.event_seq} {self.event_hash}"
        check = hashlib.sha256(line.encode("ascii")).hexdigest()[:16]
        return f"{line} {check}".encode("ascii").ljust(ANCHOR_SLOT - 1) + b"\n"

    @classmethod
    def read(cls, path: Path) -> Anchor:
        """The newest valid slot (a write torn by a power cut spoils one slot at most)."""
        data = path.read_bytes()
        found = []
        for start in range(0, len(data), ANCHOR_SLOT):
            parts = data[start : start + ANCHOR_SLOT].decode("ascii", "replace").split()
            if len(parts) != 5:
                continue
            line, check = " ".join(parts[:4]), parts[4]
            if hashlib.sha256(line.encode("ascii")).hexdigest()[:16] == check:
                found.append(cls(int(parts[0]), parts[1], int(parts[2]), parts[3]))
        if not found:
            raise ValueError("no valid record in it")
        return max(found, key=lambda a: a.seal)


class Sealer:
    """Seals the writes of one connection (installed by `open_store`)."""

    def __init__(self, conn: sqlite3.Connection, db_path: Path, key: bytes) -> None:
        self.conn = conn
        self.key = key
        self.anchor_file = anchor_path(db_path)
        self.tables = {t.name: t for t in bound_tables(conn)}
        self._pending: Anchor | None = None
        self._fd: int | None = None
        self._install()

    def _install(self) -> None:
        # old: the row's hash before this transaction first changed it ('' when it was
        # absent: an insert), so a write never launders an edit made behind the store's back
        self.conn.create_function("lantern_row_hash", -1, _udf_row_hash, deterministic=True)
        self.conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS lantern_touched "
            "(tbl TEXT NOT NULL, key TEXT NOT NULL, old TEXT NOT NULL)"
        )
        for t in self.tables.values():

            def keys(row: str, t: Table = t) -> str:
                return _names(t.key, row)

            def old(t: Table = t) -> str:
                return "lantern_row_hash(" + ", ".join(f'OLD."{c}"' for c in t.columns) + ")"

            # no conflict clause: an outer upsert's would override it (duplicates go later)
            note = f"INSERT INTO lantern_touched VALUES ('{t.name}', json_array({{k}}), {{o}})"
            cols = ", ".join(f'"{c}"' for c in t.columns)
            changed_key = (
                f"INSERT INTO lantern_touched SELECT '{t.name}', json_array({keys('NEW')}), '' "
                f"WHERE json_array({keys('NEW')}) IS NOT json_array({keys('OLD')})"
            )
            for suffix, event, body in (
                ("i", "INSERT", note.format(k=keys("NEW"), o="''")),
                (
                    "u",
                    f"UPDATE OF {cols}",
                    note.format(k=keys("OLD"), o=old()) + "; " + changed_key,
                ),
                ("d", "DELETE", note.format(k=keys("OLD"), o=old())),
            ):
                self.conn.execute(
                    f'CREATE TEMP TRIGGER IF NOT EXISTS "lantern_seal_{t.name}_{suffix}" '
                    f'AFTER {event} ON main."{t.name}" BEGIN {body}; END'
                )

    def seal(self) -> None:
        """Inside the write transaction, just before COMMIT: seal what it touched."""
        touched = self.conn.execute(
            "SELECT tbl, key, old FROM temp.lantern_touched ORDER BY rowid"
        ).fetchall()
        if not touched:
            return
        self.conn.execute("DELETE FROM temp.lantern_touched")
        first: dict[tuple[str, str], str] = {}
        for tbl, key, old in touched:
            first.setdefault((tbl, key), old)
        by_table: dict[str, dict[str, str]] = {}
        for (tbl, key), old in first.items():
            by_table.setdefault(tbl, {})[key] = old
        entries: list[tuple[str, str, Entry]] = []
        for tbl, olds in by_table.items():
            now = self._hashes(self.tables[tbl], olds)
            entries += [(tbl, key, [old or None, now.get(key)]) for key, old in olds.items()]
        self._pending = append(self.conn, self.key, entries)

    def _hashes(self, t: Table, keys: dict[str, str]) -> dict[str, str]:
        """The current hash of each of `keys` that exists: one lookup per row, or one scan
        of the table for a bulk load."""
        if len(keys) > BULK_ROWS:
            return {
                str(r[0]): row_hash(tuple(r)[1:])
                for r in self.conn.execute(t.select)
                if str(r[0]) in keys
            }
        found = {}
        for key in keys:
            row = self.conn.execute(t.select_one, json.loads(key)).fetchone()
            if row is not None:
                found[key] = row_hash(tuple(row)[1:])
        return found

    def anchor(self) -> None:
        """After COMMIT: the newest seal and event, outside the file. Written in place into
        one of two slots in turn (no rename, no fsync: cheap; after a power cut the anchor
        may lag behind, and it is still right about what it names)."""
        pending, self._pending = self._pending, None
        if pending is None:
            return
        try:
            if self._fd is None:
                self._fd = os.open(self.anchor_file, os.O_RDWR | os.O_CREAT | _BINARY, 0o600)
            os.lseek(self._fd, (pending.seal % 2) * ANCHOR_SLOT, os.SEEK_SET)
            os.write(self._fd, pending.record())
        except OSError as e:  # the record is committed; the next write anchors again
            log.error("could not write the anchor %s: %s", self.anchor_file, e)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def discard(self) -> None:
        self._pending = None

    def baseline(self, *, always: bool = False) -> None:
        """A store without seals (new, or made before seals), or `always` (just upgraded:
        a migration may have rewritten rows): seal every row as it is now."""
        if not always and self.conn.execute("SELECT 1 FROM seals LIMIT 1").fetchone():
            return
        self.conn.execute("DELETE FROM temp.lantern_touched")
        entries: list[tuple[str, str, Entry]] = [
            (t.name, str(r[0]), row_hash(tuple(r)[1:]))
            for t in self.tables.values()
            for r in self.conn.execute(t.select)
        ]
        self._pending = append(self.conn, self.key, entries)


def _udf_row_hash(*values: Any) -> str:
    return row_hash(values)


#: A seal's record of one row: its hash (a baseline), or [hash before, hash after] (a
#: write; None = absent before / deleted after).
Entry = str | list[str | None]


def append(
    conn: sqlite3.Connection, key: bytes, entries: Sequence[tuple[str, str, Entry]]
) -> Anchor:
    """Append seals for `entries` (several when there are many); the newest as an anchor."""
    head = conn.execute("SELECT n, mac FROM seals ORDER BY n DESC LIMIT 1").fetchone()
    n, prev = (int(head[0]), str(head[1])) if head else (0, GENESIS)
    at = datetime.now(UTC).isoformat()
    for start in range(0, max(len(entries), 1), SEAL_ROWS_MAX):
        rows: dict[str, dict[str, Entry]] = {}
        for tbl, k, digest in entries[start : start + SEAL_ROWS_MAX]:
            rows.setdefault(tbl, {})[k] = digest
        body = json.dumps(rows, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        n += 1
        mac = seal_mac(key, prev, n, at, body)
        conn.execute(
            "INSERT INTO seals (n, at, rows, prev_mac, mac) VALUES (?, ?, ?, ?, ?)",
            (n, at, body, prev, mac),
        )
        prev = mac
    event = conn.execute("SELECT seq, hash FROM outbox ORDER BY seq DESC LIMIT 1").fetchone()
    return Anchor(n, prev, *(event or (0, GENESIS)))


# --- the check ---------------------------------------------------------------------------
def _show(key: str) -> str:
    return "/".join(str(v) for v in json.loads(key))


def problems(
    conn: sqlite3.Connection, db_path: Path, *, key_from: Path | None = None, anchored: bool = True
) -> list[str]:
    """Every row that differs from its seal, every seal that does not verify, and a tail
    removed behind the anchor. Read-only.

    A backup file is checked with its store's chain key (`key_from`, the store database
    it was taken from) and without an anchor (`anchored=False`: a backup is an older copy
    on purpose). A backup whose store's key is not on this machine cannot have its seals
    verified; that is said by the caller, not counted as tampering."""
    key = chain_key(key_from or db_path)
    if (
        conn.execute(
            "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = 'seals'"
        ).fetchone()
        is None
    ):
        return []
    if key is None:
        if not anchored:
            return []
        return [
            f"seals: no chain key for {db_path} in its vault: the seals cannot be verified "
            "(was the database copied from another computer?)"
        ]
    found: list[str] = []
    expected: dict[tuple[str, str], tuple[str | None, int]] = {}
    events: dict[int, list[str]] = {}
    prev, last = GENESIS, 0

    def where(n: int) -> str:
        seqs = events.get(n)
        return f"seal {n}" + (f", event {', '.join(seqs)}" if seqs else "")

    for n, at, body, prev_mac, mac in conn.execute(
        "SELECT n, at, rows, prev_mac, mac FROM seals ORDER BY n"
    ):
        if n != last + 1:
            found.append(f"seals: seals {last + 1}..{n - 1} are missing (removed)")
        if prev_mac != prev:
            found.append(f"seals: seal {n} does not chain to the seal before")
        ok = hmac.compare_digest(mac, seal_mac(key, prev_mac, n, at, body))
        if not ok:
            found.append(f"seals: seal {n} does not verify under the chain key (forged or edited)")
        prev, last = mac, n
        if not ok:
            continue
        for tbl, rows in json.loads(body).items():
            for k, entry in rows.items():
                if isinstance(entry, list):
                    before, digest = entry
                    had = expected.get((tbl, k))
                    if before != (had[0] if had else None):
                        was = f"as sealed in {where(had[1])}" if had else "absent"
                        found.append(
                            f"{tbl} {_show(k)}: was not {was} when seal {n} changed it "
                            "(edited outside Lantern before that)"
                        )
                else:
                    digest = entry
                expected[(tbl, k)] = (digest, n)
            if tbl == "outbox":
                events[n] = [_show(k) for k in rows]
    if anchored:
        found += _anchor_problems(conn, db_path, last)

    for t in bound_tables(conn):
        for r in conn.execute(t.select):
            k = str(r[0])
            want = expected.pop((t.name, k), None)
            if want is None:
                found.append(f"{t.name} {_show(k)}: not sealed (written outside Lantern)")
            elif want[0] is None:
                found.append(f"{t.name} {_show(k)}: deleted in {where(want[1])} but present")
            elif want[0] != row_hash(tuple(r)[1:]):
                found.append(f"{t.name} {_show(k)}: changed since {where(want[1])}")
    for (tbl, k), (digest, n) in sorted(expected.items()):
        if digest is not None:
            found.append(f"{tbl} {_show(k)}: missing (deleted), sealed in {where(n)}")
    return found


def _anchor_problems(conn: sqlite3.Connection, db_path: Path, last: int) -> list[str]:
    path = anchor_path(db_path)
    try:
        anchor = Anchor.read(path)
    except FileNotFoundError:
        return [f"seals: the anchor {path} is missing, so a removed tail cannot be ruled out"]
    except (OSError, ValueError) as e:
        return [f"seals: the anchor {path} cannot be read ({e})"]
    found = []
    if anchor.seal > last:
        found.append(
            f"seals: seals {last + 1}..{anchor.seal} are missing: the anchor outside the "
            "database names a later seal (the tail was removed, or an older copy restored)"
        )
    else:
        row = conn.execute("SELECT mac FROM seals WHERE n = ?", (anchor.seal,)).fetchone()
        if row is None or row[0] != anchor.mac:
            found.append(f"seals: seal {anchor.seal} differs from the anchor outside the database")
    head = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM outbox").fetchone()[0]
    if anchor.event_seq > head:
        found.append(
            f"outbox: events {head + 1}..{anchor.event_seq} are missing: the anchor outside "
            "the database names a later event (the tail was removed)"
        )
    elif anchor.event_seq:
        row = conn.execute("SELECT hash FROM outbox WHERE seq = ?", (anchor.event_seq,)).fetchone()
        if row is None or row[0] != anchor.event_hash:
            found.append(f"outbox: event {anchor.event_seq} differs from the anchor")
    return found


def reanchor(db_path: Path) -> None:
    """Anchor the database at `db_path` as it is now: after a manager restored a backup on
    purpose (`lantern restore`), its newest seal and event are the store's from now on."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        seal = conn.execute("SELECT n, mac FROM seals ORDER BY n DESC LIMIT 1").fetchone()
        event = conn.execute("SELECT seq, hash FROM outbox ORDER BY seq DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    path = anchor_path(db_path)
    if seal is None:
        path.unlink(missing_ok=True)
        return
    record = Anchor(
        int(seal[0]),
        str(seal[1]),
        int(event[0]) if event else 0,
        str(event[1]) if event else GENESIS,
    ).record()
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC | _BINARY, 0o600)
    try:
        os.lseek(fd, (int(seal[0]) % 2) * ANCHOR_SLOT, os.SEEK_SET)
        os.write(fd, record)
    finally:
        os.close(fd)
    log.warning("store %s re-anchored at seal %d after a restore", db_path, seal[0])


def forget(db_path: Path) -> None:
    """Remove the chain key and the anchor of a database file that is gone (a scratch
    file that became the store under another name, or was thrown away)."""
    vault_for(db_path).delete(KEY_NAME)
    anchor_path(db_path).unlink(missing_ok=True)


def carry_over(src_db: Path, dst_db: Path) -> None:
    """A copy of a store database that is to be the same store (a test's template, a moved
    till): its chain key and its anchor go with it. Without them the copy's seals do not
    verify, which is what `store check` says of a database copied on its own."""
    key = vault_for(src_db).get(KEY_NAME)
    if key is not None:
        vault_for(dst_db).put(KEY_NAME, key)
    src = anchor_path(src_db)
    if src.exists():
        fd = os.open(anchor_path(dst_db), os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _BINARY, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(src.read_bytes())
