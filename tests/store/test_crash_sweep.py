"""Crash consistency, swept: each operation is killed with SIGKILL before every one of its
SQL statements in turn (a trace callback in a forked child, tests/store/_crash.py), and after
each kill the reopened file must be sound (`_crash.assert_sound`: no point or gift lost or
doubled, every committed event exactly once in the outbox), hold the operation entirely or
not at all (byte for byte the state after its last committed transaction), and a retry with
the same request id must then leave exactly what one uninterrupted run leaves."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop.store.database import load_migrations, open_store
from tests.reliability import record

from . import _crash
from ._crash import HO_URL, PULL_PAGES, copy_store, figures, head_office_holding, services, snapshot
from ._sync import ScriptedHeadOffice
from .test_upgrade import dump, old_store

pytestmark = [pytest.mark.store, pytest.mark.reliability]

REPO_ROOT = Path(__file__).resolve().parents[2]
LATEST = len(load_migrations())
SINGLE = ("redeem", "void", "earn", "stock_receive", "stock_adjust")
ALL = (*SINGLE, "sync_push", "sync_pull", "migrate_fresh", "migrate_upgrade")
CASE = {
    "redeem": "redeem (2 lines)",
    "void": "void",
    "earn": "earn",
    "stock_receive": "stock receive",
    "stock_adjust": "stock adjust (count)",
    "sync_push": "sync: push and record the outcomes",
    "sync_pull": "sync: apply 2 pages of changes",
    "migrate_fresh": "migrations of a new store",
    "migrate_upgrade": f"upgrade from schema {LATEST - 1}",
}


class Killer:
    """The helper process of tests/store/_crash.py: one request, one forked child."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.store._crash"],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def run(self, op: str, path: Path, kill_at: int, statements: Path | None = None) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{op} {path} {kill_at} {statements or ''}\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(30)


@pytest.fixture(scope="module")
def killer() -> Iterator[Killer]:
    k = Killer()
    yield k
    k.close()


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> dict[str, Path]:
    """The store file each operation starts from (closed, so it is one file, no WAL)."""
    folder = tmp_path_factory.mktemp("sources")
    out = {op: demo_template for op in ("redeem", "earn", "stock_receive", "stock_adjust")}
    out["migrate_fresh"] = folder / "nothing-here.db"
    # void: the demo with one redemption
    out["void"] = folder / "void.db"
    copy_store(demo_template, out["void"])
    app = services(open_store(out["void"]))
    _crash.run("redeem", app)
    app.close()
    # push: a connected store with six events head office has not heard of
    out["sync_push"] = folder / "push.db"
    copy_store(demo_template, out["sync_push"])
    app = services(open_store(out["sync_push"]))
    app.sync.connect(HO_URL, "SH001", "s3cret")
    for op in SINGLE:
        _crash.run(op, app)
    app.close()
    # pull: the same store after head office acknowledged everything
    out["sync_pull"] = folder / "pull.db"
    copy_store(out["sync_push"], out["sync_pull"])
    app = services(open_store(out["sync_pull"]))
    _crash.sync_push(app, ScriptedHeadOffice())
    app.close()
    # upgrade: the demo's rows in a store of the previous schema
    out["migrate_upgrade"] = folder / "old.db"
    old_store(out["migrate_upgrade"], LATEST - 1, dump(demo_template))
    return out


def retry(op: str, path: Path, ho_stored_the_push: bool) -> None:
    """What happens when the till comes back: the operation again, same request id."""
    if op in _crash.MIGRATIONS:
        open_store(path, create=op == "migrate_fresh").close()
        return
    app = services(open_store(path))
    try:
        if op == "sync_push":
            ho = head_office_holding(path) if ho_stored_the_push else ScriptedHeadOffice()
            _crash.sync_push(app, ho)
        elif op == "sync_pull":
            _crash.sync_push(app, head_office_holding(path, PULL_PAGES))
        else:
            _crash.run(op, app)
    finally:
        app.close()


@dataclass
class Sweep:
    kill_points: int = 0
    commits: int = 0  # transactions of the operation that committed


def sweep(killer: Killer, op: str, source: Path, work: Path) -> Sweep:
    # the uninterrupted run: its statements, the state it leaves, and that after a retry
    path, listing = work / "store.db", work / "statements.json"
    copy_store(source, path)
    before = snapshot(path) if source.exists() else None
    assert killer.run(op, path, 0, listing) == "done"
    statements: list[str] = json.loads(listing.read_text(encoding="utf-8"))
    done = snapshot(path)
    _crash.assert_sound(path)
    retry(op, path, ho_stored_the_push=True)  # a retry of a finished operation changes nothing
    expected = figures(path)
    assert snapshot(path) == done or op in _crash.SYNC_OPERATIONS
    pushed_at = next(
        (i for i, s in enumerate(statements, 1) if s == "BEGIN IMMEDIATE"), len(statements) + 1
    )

    result = Sweep()
    committed = before  # the state after the last COMMIT that ran before the kill
    for n in range(1, len(statements) + 1):
        copy_store(source, path)
        assert killer.run(op, path, n) == "killed", f"{op}: no statement {n}"
        result.kill_points += 1
        if n > 1 and statements[n - 2] == "COMMIT":
            committed = snapshot(path)  # a transaction of the operation is in
            result.commits += 1
        elif committed is None:  # a new store killed before its first statement: empty
            committed = snapshot(path)
            assert committed["sqlite_master"] == [], committed["sqlite_master"]
        else:
            assert snapshot(path) == committed, (
                f"{op}: killed before statement {n} ({statements[n - 1][:80]}), the file holds "
                "part of a transaction"
            )
        if op not in _crash.MIGRATIONS:  # a half-migrated file is sound once reopened
            _crash.assert_sound(path)
        retry(op, path, ho_stored_the_push=n >= pushed_at)
        _crash.assert_sound(path)
        assert figures(path) == expected, f"{op}: a retry after a kill before statement {n} differs"
    if statements[-1] == "COMMIT":  # the operation ends with its commit: nothing in between
        result.commits += 1
        assert committed != done
    else:  # reads after its last commit
        assert committed == done
    return result


@pytest.mark.parametrize("op", ALL)
def test_a_kill_before_any_statement_loses_and_doubles_nothing(
    op: str, killer: Killer, sources: dict[str, Path], tmp_path: Path
) -> None:
    result = sweep(killer, op, sources[op], tmp_path)
    if op in SINGLE:
        assert result.commits == 1  # the operation is one transaction
    assert result.kill_points >= 15
    record(
        "Crash-consistency sweep",
        CASE[op],
        kill_points=result.kill_points,
        lost_or_doubled=0,
    )
