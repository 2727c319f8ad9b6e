"""All or nothing: a failure (or a killed process) in the middle of an operation leaves
no trace of it, and a retry with the same request id then runs afresh."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from desktop.services.app import StoreServices
from desktop.services.till import LineRequest, Receipt
from desktop.store.database import open_store
from desktop.store.staff import Staff

from ._helpers import T0, Clock, Link, balance, ledger_sum, one, snapshot, staff, stock

pytestmark = pytest.mark.store

MEMBER = "M00000044"
REPO_ROOT = Path(__file__).resolve().parents[2]

# (module, attribute): patched on the module the service looks the name up in
POINTS = {
    "move_stock": ("desktop.store.catalogue", "move_stock"),
    "apply_account": ("desktop.store.members", "apply_account"),
    "record_request": ("desktop.store.requests", "record"),
    "outbox_append": ("desktop.store.outbox", "append"),
}


class Injected(RuntimeError):
    pass


def fail_after(monkeypatch: pytest.MonkeyPatch, point: str, exc: BaseException) -> list[int]:
    """Make POINTS[point] do its writes and then raise `exc`. Returns a call counter."""
    import importlib

    module_name, attr = POINTS[point]
    module = importlib.import_module(module_name)
    original: Callable[..., Any] = getattr(module, attr)
    calls = [0]

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        original(*args, **kwargs)
        calls[0] += 1
        raise exc

    monkeypatch.setattr(module, attr, wrapper)
    return calls


@pytest.mark.parametrize(
    "exc", [Injected("disk on fire"), KeyboardInterrupt()], ids=["error", "interrupt"]
)
@pytest.mark.parametrize("point", list(POINTS))
def test_a_failed_redemption_leaves_no_trace(
    app: StoreServices,
    cashier: Staff,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    point: str,
    exc: BaseException,
) -> None:
    snap = snapshot(db_path)
    bal, g501, g101 = balance(db_path, MEMBER), stock(db_path, "G501"), stock(db_path, "G101")
    calls = fail_after(monkeypatch, point, exc)
    lines = (LineRequest("G501", 2), LineRequest("G101"))
    with pytest.raises(type(exc)):
        app.till.redeem(cashier, "boom", MEMBER, lines)
    assert calls[0] == 1, "the injected failure must have happened after real writes"
    assert not app.db.conn.in_transaction
    assert snapshot(db_path) == snap
    assert one(db_path, "SELECT COUNT(*) FROM redemptions") == 0
    assert balance(db_path, MEMBER) == bal == ledger_sum(db_path, MEMBER)
    assert (stock(db_path, "G501"), stock(db_path, "G101")) == (g501, g101)
    assert app.setup.check() == []

    # the same request id now runs for real (it was not recorded), and only once
    monkeypatch.undo()
    receipt = app.till.redeem(cashier, "boom", MEMBER, lines)
    assert isinstance(receipt, Receipt) and not receipt.replayed
    assert receipt.receipt_no.endswith("-00001")
    assert balance(db_path, MEMBER) == bal - 1100 == ledger_sum(db_path, MEMBER)
    assert app.setup.check() == []


@pytest.mark.parametrize("point", ["move_stock", "apply_account", "outbox_append"])
def test_a_failed_void_leaves_no_trace(
    app: StoreServices,
    cashier: Staff,
    manager: Staff,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    point: str,
) -> None:
    receipt = app.till.redeem(cashier, "r", MEMBER, (LineRequest("G501", 2),))
    snap = snapshot(db_path)
    fail_after(monkeypatch, point, Injected())
    with pytest.raises(Injected):
        app.till.void(cashier, manager, "v", receipt.receipt_no, "customer changed mind")
    assert snapshot(db_path) == snap
    monkeypatch.undo()
    result = app.till.void(cashier, manager, "v", receipt.receipt_no, "customer changed mind")
    assert not result.replayed
    assert app.setup.check() == []


@pytest.mark.parametrize("point", ["apply_account", "outbox_append"])
def test_a_failed_earn_leaves_no_trace(
    app: StoreServices,
    cashier: Staff,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    point: str,
) -> None:
    snap = snapshot(db_path)
    fail_after(monkeypatch, point, Injected())
    with pytest.raises(Injected):
        app.till.earn(cashier, "e", MEMBER, 50_000)
    assert snapshot(db_path) == snap
    monkeypatch.undo()
    assert not app.till.earn(cashier, "e", MEMBER, 50_000).replayed


@pytest.mark.parametrize("point", ["move_stock", "outbox_append"])
def test_a_failed_stock_movement_leaves_no_trace(
    app: StoreServices,
    manager: Staff,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    point: str,
) -> None:
    snap = snapshot(db_path)
    fail_after(monkeypatch, point, Injected())
    with pytest.raises(Injected):
        app.stock.receive(manager, "d", "G101", 10)
    with pytest.raises(Injected):
        app.stock.adjust(manager, "a", "G101", delta=-3, reason="damaged")
    assert snapshot(db_path) == snap


# --- a real process killed with SIGKILL ------------------------------------------------------

CHILD = textwrap.dedent(
    """
    import importlib, os, signal, sys
    from datetime import datetime

    from desktop.services.app import StoreServices
    from desktop.services.till import LineRequest
    from desktop.store.database import open_store
    from desktop.store.staff import get_staff

    path, now, op, point = sys.argv[1:5]
    app = StoreServices(open_store(path), lambda: datetime.fromisoformat(now))
    cashier = get_staff(app.db.conn, "C01")
    manager = get_staff(app.db.conn, "M01")

    if point != "none":
        module_name, attr = point.split(":")
        module = importlib.import_module(module_name)
        original = getattr(module, attr)

        def die(*args, **kwargs):
            original(*args, **kwargs)  # the writes happen, the commit never does
            os.kill(os.getpid(), signal.SIGKILL)

        setattr(module, attr, die)

    if op == "redeem":
        app.till.redeem(cashier, "crash-1", "M00000044", (LineRequest("G501", 2), LineRequest("G101")))
    elif op == "void":
        app.till.void(cashier, manager, "crash-v", sys.argv[5], "customer changed mind")
    elif op == "earn":
        app.till.earn(cashier, "crash-e", "M00000044", 88_800)
    print("committed", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # no clean close: the WAL is left as it is
    """
)


def run_child(path: Path, op: str, point: str, *extra: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), T0.isoformat(), op, point, *extra],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    return proc


def reopen(path: Path) -> StoreServices:
    return StoreServices(open_store(path), Clock(T0), Link())


@pytest.mark.parametrize(
    "point",
    [
        "desktop.store.catalogue:move_stock",
        "desktop.store.members:apply_account",
        "desktop.store.outbox:append",
    ],
)
def test_a_redemption_killed_between_writes_leaves_nothing(db_path: Path, point: str) -> None:
    before = snapshot(db_path)
    proc = run_child(db_path, "redeem", point)
    assert "committed" not in proc.stdout
    app = reopen(db_path)
    try:
        assert app.setup.check() == []
        assert snapshot(db_path) == before
        assert one(db_path, "SELECT COUNT(*) FROM requests WHERE request_id = 'crash-1'") == 0
        # the same request id runs afresh: it deducts once
        receipt = app.till.redeem(
            staff(app, "C01"),
            "crash-1",
            MEMBER,
            (LineRequest("G501", 2), LineRequest("G101")),
        )
        assert isinstance(receipt, Receipt) and not receipt.replayed
        assert app.setup.check() == []
    finally:
        app.close()


def test_a_committed_redemption_survives_a_kill_and_a_later_one_does_not(db_path: Path) -> None:
    bal = balance(db_path, MEMBER)
    run_child(db_path, "redeem", "none")  # commits, then the process is killed
    assert Path(f"{db_path}-wal").exists()
    app = reopen(db_path)
    try:
        assert app.setup.check() == []
        assert balance(db_path, MEMBER) == bal - 1100 == ledger_sum(db_path, MEMBER)
        receipt = one(db_path, "SELECT receipt_no FROM redemptions")
        assert receipt == "SH001-20260615-00001"
    finally:
        app.close()
    committed = snapshot(db_path)

    # void it in a child killed just before commit: the redemption stays, no void
    run_child(db_path, "void", "desktop.store.outbox:append", receipt)
    app = reopen(db_path)
    try:
        assert app.setup.check() == []
        assert snapshot(db_path) == committed
        assert one(db_path, "SELECT COUNT(*) FROM voids") == 0
    finally:
        app.close()

    # an earn killed after the lot and ledger rows were written
    run_child(db_path, "earn", "desktop.store.members:apply_account")
    app = reopen(db_path)
    try:
        assert app.setup.check() == []
        assert snapshot(db_path) == committed
    finally:
        app.close()
