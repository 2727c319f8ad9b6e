"""A newer Lantern over an older one: every earlier store schema upgrades to the latest
without losing or changing a row, after a verified backup; a newer schema is refused.

The old stores hold real rows: the services of this version write redemptions (points, and
points + cash, several lines), a void, earns, stock deliveries and counts into a store; those
rows are then written into a store built with migrations 1..k only, in the columns schema k
has. Generic over k, so every future migration is checked against every earlier schema."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from desktop.services.app import StoreServices
from desktop.services.demo import build_demo
from desktop.services.till import LineRequest
from desktop.store.database import (
    StoreDB,
    StoreFileError,
    _connect,
    _migrate,
    backup_dir,
    load_migrations,
    open_store,
)

from ._helpers import T0, Clock, staff

pytestmark = pytest.mark.store

MIGRATIONS = load_migrations()
LATEST = len(MIGRATIONS)
# Where points, stock and events are recorded: not one row may be added, lost or changed.
LEDGERS = (
    "points_ledger", "stock_ledger", "outbox", "redemptions", "redemption_lines", "voids",
    "earns", "point_lots", "members", "gifts", "requests", "business_days", "staff",
)  # fmt: skip
Dump = dict[str, tuple[list[str], list[tuple[Any, ...]]]]


def dump(path: Path) -> Dump:
    """table -> (columns, rows in rowid order) for every table in the file."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        out: Dump = {}
        names = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY rowid"
        ).fetchall()
        for (table,) in names:
            cur = conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid')
            out[table] = ([d[0] for d in cur.description], cur.fetchall())
        return out


def project(
    rows: tuple[list[str], list[tuple[Any, ...]]], columns: list[str]
) -> list[tuple[Any, ...]]:
    names, values = rows
    at = [names.index(c) for c in columns]
    return [tuple(r[i] for i in at) for r in values]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Dump:
    """The rows a store of this version writes in a day's trading."""
    path = tmp_path_factory.mktemp("reference") / "store.db"
    clock = Clock(T0)
    app = build_demo(path, members=40, clock=clock)
    cashier, manager = staff(app, "C01"), staff(app, "M01")
    till = app.till
    receipts = []
    for n, (member, lines) in enumerate(
        [
            ("M00000001", (LineRequest("G101", 1, 0),)),
            ("M00000002", (LineRequest("G101", 2, 0), LineRequest("G102", 1, 0))),
            ("M00000004", (LineRequest("G101", 1, 0),)),
        ]
    ):
        r = till.redeem(cashier, f"redeem-{n}", member, lines)
        assert hasattr(r, "receipt_no"), r
        receipts.append(r.receipt_no)
    cash_gift = next(
        g for g, _ in app.stock.catalogue() if len(g.prices) > 1 and g.prices[1].cash_fen
    )
    rich = app.db.scalar(
        "SELECT member_id FROM members WHERE status = 'active' ORDER BY balance DESC"
    )
    r = till.redeem(cashier, "redeem-cash", rich, (LineRequest(str(cash_gift.gift_id), 1, 1),))
    assert hasattr(r, "receipt_no"), r
    till.void(cashier, manager, "void-1", receipts[1], "customer changed mind")
    till.earn(cashier, "earn-1", "M00000005", 12850)
    till.earn(cashier, "earn-2", "M00000001", 9900)
    app.stock.receive(manager, "receive-1", "G101", 12, "delivery 7")
    app.stock.adjust(manager, "adjust-1", "G102", counted=3, reason="counted")
    assert app.setup.check() == []
    app.close()
    return dump(path)


def old_store(path: Path, version: int, reference: Dump) -> Dump:
    """A store at schema `version` (migrations 1..version), holding the reference rows
    in the tables and columns that version has. Returns what it holds."""
    conn = _connect(path)
    _migrate(StoreDB(conn, path), 0, MIGRATIONS[:version])
    assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    conn.execute("PRAGMA journal_mode=WAL")
    schema = {
        t: [c[1] for c in conn.execute(f'PRAGMA table_info("{t}")')]
        for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    conn.execute("BEGIN")
    for table, (columns, rows) in reference.items():
        # not the seals: they are MACs under the reference store's own chain key (its
        # vault); the upgrade seals the old store as it stands (desktop/store/seals.py)
        if table not in schema or table in ("schema_migrations", "seals") or not rows:
            continue
        common = [c for c in columns if c in schema[table]]
        marks = ", ".join("?" for _ in common)
        names = ", ".join(f'"{c}"' for c in common)
        # OR REPLACE: a row a migration itself inserted (sync_state's) takes the real one
        conn.executemany(
            f'INSERT OR REPLACE INTO "{table}" ({names}) VALUES ({marks})',
            project((columns, rows), common),
        )
    conn.execute("COMMIT")
    conn.close()
    return dump(path)


@pytest.mark.parametrize("version", range(1, LATEST), ids=lambda v: f"schema{v}")
def test_every_earlier_schema_upgrades_keeping_every_row(
    tmp_path: Path, reference: Dump, version: int
) -> None:
    # Given a store database written by a Lantern of schema `version`, with a day's trading
    path = tmp_path / "store.db"
    before = old_store(path, version, reference)
    assert before["redemptions"][1] and before["points_ledger"][1] and before["voids"][1]
    # When this Lantern opens it
    db = open_store(path)
    try:
        # Then it is at the latest schema
        assert db.schema_version == LATEST
        app = StoreServices(db, Clock(T0))
        # and every ledger row is there, unchanged, and nothing was added to a ledger
        after = dump(path)
        for table, (columns, rows) in before.items():
            kept = project(after[table], columns)
            if table in LEDGERS:
                assert kept == rows, f"{table} changed in the upgrade from schema {version}"
            else:
                assert set(rows) <= set(kept), f"{table} lost rows upgrading from schema {version}"
        # and the balances and stock still equal their ledgers, the outbox chain verifies
        assert app.setup.check() == []
    finally:
        db.close()
    # And the copy taken before the upgrade is there, verifies, and is the old store exactly
    backups = sorted(backup_dir(path).glob("*.db"))
    assert [b.name.startswith(f"store-schema{version}-") for b in backups] == [True]
    with closing(sqlite3.connect(backups[0])) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    assert dump(backups[0]) == before


def test_the_previous_version_upgrades_through_the_command_line(
    tmp_path: Path, reference: Dump
) -> None:
    # Given a store of the schema before this one
    path = tmp_path / "shop.db"
    old_store(path, LATEST - 1, reference)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    # When the operator runs this version's `lantern store check` on it
    r = subprocess.run(
        [sys.executable, "-m", "desktop", "store", "check", "--db", str(path)],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    # Then it was upgraded and is consistent, with the backup beside it
    assert r.returncode == 0, r.stderr
    assert "consistent" in r.stdout
    assert len(list(backup_dir(path).glob(f"shop-schema{LATEST - 1}-*.db"))) == 1
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST


def test_no_backup_no_upgrade(tmp_path: Path, reference: Dump) -> None:
    # Given an old store whose backup folder cannot be made (a file is in its way)
    path = tmp_path / "store.db"
    before = old_store(path, LATEST - 1, reference)
    backup_dir(path).write_text("in the way")
    # When this Lantern opens it
    with pytest.raises(StoreFileError, match=r"could not back up .* nothing was changed"):
        open_store(path)
    # Then nothing was migrated
    assert dump(path) == before


def test_a_store_of_a_newer_lantern_is_refused_unchanged(tmp_path: Path) -> None:
    # Given a store written by a newer Lantern (a schema this one does not know)
    path = tmp_path / "store.db"
    open_store(path, create=True).close()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(f"PRAGMA user_version={LATEST + 1}")
    content = path.read_bytes()
    # When this (older) Lantern opens it
    with pytest.raises(StoreFileError) as refused:
        open_store(path)
    # Then the message says what happened and what to do, and nothing was touched
    text = str(refused.value)
    assert f"schema version {LATEST + 1}" in text and f"up to schema {LATEST}" in text
    assert "newer Lantern" in text and "Install that newer Lantern again" in text
    assert "Nothing was changed" in text and str(backup_dir(path)) in text
    assert path.read_bytes() == content
    assert not backup_dir(path).exists()


def test_a_new_store_needs_no_backup(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    open_store(path, create=True).close()
    open_store(path).close()
    assert not backup_dir(path).exists()
