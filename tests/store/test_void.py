"""Voids: a manager with a reason; points back to the very lots, gifts back to stock;
once only; idempotent retries; only today's receipts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from desktop.services.app import StoreServices
from desktop.services.till import LineRequest, Receipt
from desktop.store.staff import Staff

from ._helpers import (
    Clock,
    balance,
    ledger_sum,
    lots,
    one,
    open_day,
    rows,
    snapshot,
    staff,
    stock,
    stock_ledger_sum,
)

pytestmark = pytest.mark.store

MEMBER = "M00000001"  # three lots: 61 (expires 2026-07-07), 1055, 953
REASON = "customer changed mind"


@pytest.fixture
def receipt(app: StoreServices, cashier: Staff) -> Receipt:
    r = app.till.redeem(cashier, "r1", MEMBER, (LineRequest("G501", 2), LineRequest("G101")))
    assert isinstance(r, Receipt)
    return r


def test_void_returns_points_to_the_same_lots_and_gifts_to_stock(
    app: StoreServices, cashier: Staff, manager: Staff, db_path: Path, demo_template: Path
) -> None:
    lots_before = lots(db_path, MEMBER)
    bal, g501, g101 = balance(db_path, MEMBER), stock(db_path, "G501"), stock(db_path, "G101")
    receipt = app.till.redeem(cashier, "r1", MEMBER, (LineRequest("G501", 2), LineRequest("G101")))
    taken = {
        r["lot_id"]: -r["delta"]
        for r in rows(
            db_path, "SELECT * FROM points_ledger WHERE ref = ?", (receipt.redemption_id,)
        )
    }
    head = one(db_path, "SELECT MAX(seq) FROM outbox")

    result = app.till.void(cashier, manager, "v1", receipt.receipt_no, REASON)

    assert not result.replayed
    assert result.receipt_no == receipt.receipt_no
    assert result.points_returned == 1100
    assert result.balance_after == bal == balance(db_path, MEMBER) == ledger_sum(db_path, MEMBER)
    assert lots(db_path, MEMBER) == lots_before  # same lots, same remaining, no new lot
    back = rows(
        db_path,
        "SELECT lot_id, delta, kind FROM points_ledger WHERE ref = ?",
        (result.void_id,),
    )
    assert {r["lot_id"]: r["delta"] for r in back} == taken
    assert {r["kind"] for r in back} == {"void"}
    assert (stock(db_path, "G501"), stock(db_path, "G101")) == (g501, g101)
    assert stock(db_path, "G501") == stock_ledger_sum(db_path, "G501")
    moves = rows(
        db_path,
        "SELECT gift_id, delta, kind, staff_id, reason FROM stock_ledger WHERE ref = ? ORDER BY gift_id",
        (result.void_id,),
    )
    assert [tuple(m) for m in moves] == [
        ("G101", 1, "void", "M01", REASON),
        ("G501", 2, "void", "M01", REASON),
    ]
    v = rows(db_path, "SELECT * FROM voids")
    assert len(v) == 1
    assert (v[0]["redemption_id"], v[0]["manager_id"], v[0]["cashier_id"], v[0]["reason"]) == (
        receipt.redemption_id,
        "M01",
        "C01",
        REASON,
    )
    events = rows(db_path, "SELECT * FROM outbox WHERE seq > ?", (head,))
    assert [(e["seq"], e["kind"]) for e in events] == [(head + 1, "void")]
    payload = json.loads(events[0]["payload"])
    assert payload["void_id"] == result.void_id
    assert payload["redemption_id"] == receipt.redemption_id
    assert (payload["points"], payload["manager_id"], payload["reason"]) == (1100, "M01", REASON)
    # the redemption itself is still there: the ledger explains both
    assert one(db_path, "SELECT COUNT(*) FROM redemptions") == 1
    assert app.setup.check() == []


def test_void_after_the_same_lots_were_spent_again(
    app: StoreServices, cashier: Staff, manager: Staff, db_path: Path
) -> None:
    lots_start = lots(db_path, MEMBER)
    first = app.till.redeem(cashier, "r1", MEMBER, (LineRequest("G501", 2),))
    second = app.till.redeem(cashier, "r2", MEMBER, (LineRequest("G502"),))
    assert isinstance(second, Receipt)
    app.till.void(cashier, manager, "v1", first.receipt_no, REASON)
    assert balance(db_path, MEMBER) == sum(x[3] for x in lots_start.values()) - 600
    assert balance(db_path, MEMBER) == ledger_sum(db_path, MEMBER)
    for lot in lots(db_path, MEMBER).values():
        assert 0 <= lot[3] <= lot[2]
    app.till.void(cashier, manager, "v2", second.receipt_no, REASON)
    assert lots(db_path, MEMBER) == lots_start
    assert app.setup.check() == []


def test_a_cashier_cannot_approve_a_void(
    app: StoreServices, cashier: Staff, receipt: Receipt, db_path: Path
) -> None:
    snap = snapshot(db_path)
    for approver in (cashier, staff(app, "C02")):
        with pytest.raises(NotAllowed, match="not a manager"):
            app.till.void(cashier, approver, "v", receipt.receipt_no, REASON)
    assert snapshot(db_path) == snap


def test_a_manager_pin_login_is_required_to_get_a_manager(app: StoreServices) -> None:
    with pytest.raises(NotAllowed):
        app.login("C01", "1111", manager=True)
    assert app.login("M01", "9999", manager=True).is_manager


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_a_void_needs_a_reason(
    app: StoreServices,
    cashier: Staff,
    manager: Staff,
    receipt: Receipt,
    db_path: Path,
    reason: str,
) -> None:
    snap = snapshot(db_path)
    with pytest.raises(InvalidInput, match="reason"):
        app.till.void(cashier, manager, "v", receipt.receipt_no, reason)
    assert snapshot(db_path) == snap


def test_voiding_twice_is_a_conflict(
    app: StoreServices, cashier: Staff, manager: Staff, receipt: Receipt, db_path: Path
) -> None:
    app.till.void(cashier, manager, "v1", receipt.receipt_no, REASON)
    snap = snapshot(db_path)
    with pytest.raises(Conflict, match="already voided"):
        app.till.void(cashier, manager, "v2", receipt.receipt_no, REASON)
    assert snapshot(db_path) == snap


def test_a_retry_of_the_same_void_is_replayed(
    app: StoreServices, cashier: Staff, manager: Staff, receipt: Receipt, db_path: Path
) -> None:
    first = app.till.void(cashier, manager, "v1", receipt.receipt_no, REASON)
    snap = snapshot(db_path)
    again = app.till.void(cashier, manager, "v1", receipt.receipt_no, REASON)
    assert again.replayed
    assert (again.void_id, again.receipt_no, again.points_returned, again.balance_after) == (
        first.void_id,
        first.receipt_no,
        first.points_returned,
        first.balance_after,
    )
    assert snapshot(db_path) == snap
    with pytest.raises(Conflict):
        app.till.void(cashier, manager, "v1", receipt.receipt_no, "another reason")
    assert snapshot(db_path) == snap
    # a retry after later activity still answers with the void's own balance
    app.till.earn(cashier, "e-after", receipt.member_id, 50_000)
    late = app.till.void(cashier, manager, "v1", receipt.receipt_no, REASON)
    assert late.replayed
    assert late.balance_after == first.balance_after


def test_a_receipt_of_another_day_cannot_be_voided(
    app: StoreServices,
    clock: Clock,
    cashier: Staff,
    manager: Staff,
    receipt: Receipt,
    db_path: Path,
) -> None:
    clock.advance(days=1)
    open_day(app)
    snap = snapshot(db_path)
    with pytest.raises(NotAllowed, match="2026-06-15"):
        app.till.void(cashier, manager, "v", receipt.receipt_no, REASON)
    assert snapshot(db_path) == snap


def test_no_void_once_the_day_is_closed(
    app: StoreServices, cashier: Staff, manager: Staff, receipt: Receipt, db_path: Path
) -> None:
    app.day.close(manager)
    snap = snapshot(db_path)
    with pytest.raises(NotAllowed, match="closed"):
        app.till.void(cashier, manager, "v", receipt.receipt_no, REASON)
    assert snapshot(db_path) == snap


def test_an_unknown_receipt_is_not_found(
    app: StoreServices, cashier: Staff, manager: Staff, receipt: Receipt, db_path: Path
) -> None:
    snap = snapshot(db_path)
    with pytest.raises(NotFound):
        app.till.void(cashier, manager, "v", "SH001-20260615-99999", REASON)
    assert snapshot(db_path) == snap


def test_a_voided_redemption_frees_its_stock_for_others(
    app: StoreServices, cashier: Staff, manager: Staff, db_path: Path
) -> None:
    """G504 has 4 on hand: take all, void, take all again."""
    rich = "M00000044"
    r = app.till.redeem(cashier, "a", rich, (LineRequest("G504", 4),))
    assert stock(db_path, "G504") == 0
    app.till.void(cashier, manager, "v", r.receipt_no, REASON)
    assert stock(db_path, "G504") == 4
    again = app.till.redeem(cashier, "b", rich, (LineRequest("G504", 4),))
    assert isinstance(again, Receipt)
    assert stock(db_path, "G504") == 0 == stock_ledger_sum(db_path, "G504")
    assert app.setup.check() == []
