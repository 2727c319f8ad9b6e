"""Gift stock: deliveries (manager), counts and adjustments with a reason, no negative
stock, low-stock alerts; every movement is a stock-ledger row and an outbox event."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from desktop.services.app import StoreServices
from desktop.services.till import LineRequest
from desktop.store.staff import Staff

from ._helpers import one, rows, snapshot, stock, stock_ledger_sum

pytestmark = pytest.mark.store


def last_event(db_path: Path) -> tuple[str, dict[str, object]]:
    row = rows(db_path, "SELECT kind, payload FROM outbox ORDER BY seq DESC LIMIT 1")[0]
    return row["kind"], json.loads(row["payload"])


def test_receive_a_delivery(app: StoreServices, manager: Staff, db_path: Path) -> None:
    before = stock(db_path, "G105")
    move = app.stock.receive(manager, "d1", "G105", 24, "delivery note 8812")
    assert (move.gift_id, move.delta, move.stock_after, move.replayed) == (
        "G105",
        24,
        before + 24,
        False,
    )
    assert stock(db_path, "G105") == before + 24 == stock_ledger_sum(db_path, "G105")
    row = rows(db_path, "SELECT * FROM stock_ledger WHERE ref = ?", (move.movement_id,))
    assert len(row) == 1
    assert (row[0]["delta"], row[0]["kind"], row[0]["staff_id"], row[0]["reason"]) == (
        24,
        "receive",
        "M01",
        "delivery note 8812",
    )
    kind, payload = last_event(db_path)
    assert kind == "stock_receive"
    assert (payload["movement_id"], payload["gift_id"], payload["delta"]) == (
        move.movement_id,
        "G105",
        24,
    )
    assert app.setup.check() == []


def test_a_retried_delivery_counts_once(app: StoreServices, manager: Staff, db_path: Path) -> None:
    first = app.stock.receive(manager, "d1", "G101", "10")
    snap = snapshot(db_path)
    again = app.stock.receive(manager, "d1", "G101", 10)
    assert again.replayed and again.movement_id == first.movement_id
    assert snapshot(db_path) == snap
    assert stock(db_path, "G101") == 130
    with pytest.raises(Conflict):
        app.stock.receive(manager, "d1", "G101", 11)
    assert snapshot(db_path) == snap


def test_a_cashier_cannot_receive_or_adjust(
    app: StoreServices, cashier: Staff, db_path: Path
) -> None:
    snap = snapshot(db_path)
    with pytest.raises(NotAllowed):
        app.stock.receive(cashier, "d", "G101", 10)
    with pytest.raises(NotAllowed):
        app.stock.adjust(cashier, "a", "G101", delta=-1, reason="broken")
    with pytest.raises(NotAllowed):
        app.stock.adjust(cashier, "a", "G101", counted=100, reason="count")
    assert snapshot(db_path) == snap


@pytest.mark.parametrize("quantity", [0, -3, "2.5", "", "ten", True])
def test_a_bad_delivery_quantity_is_refused(
    app: StoreServices, manager: Staff, db_path: Path, quantity: object
) -> None:
    snap = snapshot(db_path)
    with pytest.raises(InvalidInput):
        app.stock.receive(manager, "d", "G101", quantity)  # type: ignore[arg-type]
    assert snapshot(db_path) == snap


def test_an_unknown_gift_is_not_found(app: StoreServices, manager: Staff, db_path: Path) -> None:
    snap = snapshot(db_path)
    with pytest.raises(NotFound):
        app.stock.receive(manager, "d", "G999", 5)
    with pytest.raises(NotFound):
        app.stock.adjust(manager, "a", "G999", delta=-1, reason="x")
    with pytest.raises(NotFound):
        app.stock.adjust(manager, "a", "G999", counted=1, reason="x")
    assert snapshot(db_path) == snap


@pytest.mark.parametrize(("counted", "delta"), [(117, -3), (125, 5), (0, -120)])
def test_adjust_to_a_counted_quantity(
    app: StoreServices, manager: Staff, db_path: Path, counted: int, delta: int
) -> None:
    move = app.stock.adjust(manager, "c", "G101", counted=counted, reason="monthly count")
    assert (move.delta, move.stock_after) == (delta, counted)
    assert stock(db_path, "G101") == counted == stock_ledger_sum(db_path, "G101")
    row = rows(
        db_path,
        "SELECT delta, kind, staff_id, reason FROM stock_ledger WHERE ref = ?",
        (move.movement_id,),
    )
    assert [tuple(r) for r in row] == [(delta, "adjust", "M01", "monthly count")]
    kind, payload = last_event(db_path)
    assert (kind, payload["delta"], payload["note"]) == ("stock_adjust", delta, "monthly count")
    assert app.setup.check() == []


def test_adjust_by_a_change(app: StoreServices, manager: Staff, db_path: Path) -> None:
    move = app.stock.adjust(manager, "a", "G501", delta=-2, reason="damaged in store")
    assert stock(db_path, "G501") == 33 == move.stock_after == stock_ledger_sum(db_path, "G501")
    move = app.stock.adjust(manager, "b", "G501", delta="+4", reason="found in back room")
    assert stock(db_path, "G501") == 37
    again = app.stock.adjust(manager, "b", "G501", delta=4, reason="found in back room")
    assert again.replayed and again.movement_id == move.movement_id
    assert stock(db_path, "G501") == 37
    assert app.setup.check() == []


def test_a_retried_count_is_replayed(app: StoreServices, manager: Staff, db_path: Path) -> None:
    first = app.stock.adjust(manager, "count-1", "G101", counted=100, reason="count")
    again = app.stock.adjust(manager, "count-1", "G101", counted=100, reason="count")
    assert again.replayed and again.movement_id == first.movement_id
    assert stock(db_path, "G101") == 100


@pytest.mark.parametrize(
    "kwargs",
    [
        {"delta": -10},  # 9 on hand
        {"delta": "-10"},
        {"counted": -1},
        {"counted": "8.5"},
        {"delta": 0},
        {"delta": "1.0"},
        {"counted": 9},  # matches the stock: nothing to adjust
        {"counted": 5, "delta": -4},
        {},
    ],
)
def test_a_bad_adjustment_is_refused(
    app: StoreServices, manager: Staff, db_path: Path, kwargs: dict[str, object]
) -> None:
    assert stock(db_path, "G105") == 9
    snap = snapshot(db_path)
    with pytest.raises(InvalidInput):
        app.stock.adjust(manager, "a", "G105", reason="count", **kwargs)  # type: ignore[arg-type]
    assert snapshot(db_path) == snap


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_adjustment_needs_a_reason(
    app: StoreServices, manager: Staff, db_path: Path, reason: str
) -> None:
    snap = snapshot(db_path)
    with pytest.raises(InvalidInput, match="reason"):
        app.stock.adjust(manager, "a", "G101", delta=-1, reason=reason)
    with pytest.raises(InvalidInput, match="reason"):
        app.stock.adjust(manager, "a", "G101", counted=3, reason=reason)
    assert snapshot(db_path) == snap


def test_stock_can_go_to_zero_but_not_below(
    app: StoreServices, manager: Staff, db_path: Path
) -> None:
    app.stock.adjust(manager, "a", "G105", delta=-9, reason="water damage")
    assert stock(db_path, "G105") == 0 == stock_ledger_sum(db_path, "G105")
    snap = snapshot(db_path)
    with pytest.raises(InvalidInput, match="below zero"):
        app.stock.adjust(manager, "b", "G105", delta=-1, reason="water damage")
    assert snapshot(db_path) == snap


def names(items: list) -> set[str]:  # type: ignore[type-arg]
    return {g.gift.gift_id for g in items}


def test_low_stock_list(app: StoreServices, manager: Staff, cashier: Staff, db_path: Path) -> None:
    low = app.stock.low_stock()
    assert names(low) == {"G105", "G108", "G504"}
    assert {g.gift.gift_id: g.stock for g in low} == {"G105": 9, "G108": 0, "G504": 4}
    # derived from the file: every gift at or below its threshold
    expected = {
        r[0] for r in rows(db_path, "SELECT gift_id FROM gifts WHERE stock <= low_stock_threshold")
    }
    assert names(low) == expected

    app.stock.receive(manager, "d1", "G105", 2)  # 11 > 10
    app.stock.adjust(manager, "c1", "G101", counted=20, reason="count")  # 20 <= 20
    app.till.redeem(cashier, "r1", "M00000044", (LineRequest("G1004", 6),))  # 8 → 2 <= 2
    assert names(app.stock.low_stock()) == {"G101", "G108", "G504", "G1004"}
    assert one(db_path, "SELECT stock FROM gifts WHERE gift_id = 'G1004'") == 2
    assert app.setup.check() == []
