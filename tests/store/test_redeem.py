"""Redeeming gifts: points from lots earliest-expiry first, stock, receipts, outbox,
idempotent retries, and refusals that change nothing."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from desktop.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from desktop.core.members import Tier
from desktop.core.redemption import Refusal, RefusalReason
from desktop.services.app import StoreServices
from desktop.services.till import LineRequest, Receipt
from desktop.store.staff import Staff

from ._helpers import (
    Clock,
    balance,
    counts,
    expected_spend,
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

RICH = "M00000044"  # platinum, 16740 points, three lots
THREE_LOTS = "M00000001"  # regular, lots of 61 (expires 2026-07-07), 1055, 953 points
POOR = "M00000042"  # regular, 126 points
GOLD = "M00000011"  # gold, 11492 points
BLOCKED = "M00000097"  # member ids divisible by 97 are blocked in the demo


def redeem(app: StoreServices, cashier: Staff, rid: str, member: str, *lines: LineRequest):
    return app.till.redeem(cashier, rid, member, tuple(lines))


def test_redeem_writes_points_lots_stock_lines_ledger_and_one_event(
    app: StoreServices, cashier: Staff, db_path: Path
) -> None:
    member = THREE_LOTS
    lots_before = lots(db_path, member)
    assert len(lots_before) == 3
    bal = balance(db_path, member)
    stock_501, stock_101 = stock(db_path, "G501"), stock(db_path, "G101")
    counts_before = counts(db_path)
    head = one(db_path, "SELECT MAX(seq) FROM outbox")

    receipt = redeem(app, cashier, "req-1", member, LineRequest("G501", 2), LineRequest("G101", 1))

    assert isinstance(receipt, Receipt)
    assert not receipt.replayed
    assert receipt.points == 1100
    assert receipt.cash_fen == 0
    assert (receipt.balance_before, receipt.balance_after) == (bal, bal - 1100)
    assert [(line.gift_id, line.quantity, line.points_each) for line in receipt.lines] == [
        ("G501", 2, 500),
        ("G101", 1, 100),
    ]
    rid = receipt.redemption_id

    # points: cached balance, ledger sum, lots earliest-expiry first
    assert balance(db_path, member) == bal - 1100 == ledger_sum(db_path, member)
    taken = expected_spend(lots_before, 1100, "2026-06-15")
    assert len(taken) == 2  # the 61-point lot and part of the 1055-point lot
    lots_after = lots(db_path, member)
    for lot_id, lot in lots_before.items():
        assert lots_after[lot_id][3] == lot[3] - taken.get(lot_id, 0)
    ledger = rows(
        db_path,
        "SELECT lot_id, delta, kind, at FROM points_ledger WHERE ref = ? ORDER BY entry_id",
        (rid,),
    )
    assert {r["lot_id"]: -r["delta"] for r in ledger} == taken
    assert {r["kind"] for r in ledger} == {"redeem"}
    assert {r["at"] for r in ledger} == {receipt.created_at}

    # stock: cached count and ledger
    assert stock(db_path, "G501") == stock_501 - 2 == stock_ledger_sum(db_path, "G501")
    assert stock(db_path, "G101") == stock_101 - 1 == stock_ledger_sum(db_path, "G101")
    moves = rows(
        db_path, "SELECT gift_id, delta, kind, staff_id FROM stock_ledger WHERE ref = ?", (rid,)
    )
    assert sorted(tuple(m) for m in moves) == [
        ("G101", -1, "redeem", "C01"),
        ("G501", -2, "redeem", "C01"),
    ]

    # the redemption and its lines
    r = rows(db_path, "SELECT * FROM redemptions WHERE redemption_id = ?", (rid,))[0]
    assert r["receipt_no"] == receipt.receipt_no == "SH001-20260615-00001"
    assert r["business_day"] == "2026-06-15"
    assert (r["member_id"], r["cashier_id"], r["points"], r["cash_fen"]) == (member, "C01", 1100, 0)
    assert (r["balance_before"], r["balance_after"]) == (bal, bal - 1100)
    assert (r["offline"], r["override_by"], r["code_kind"]) == (0, None, "static")
    lines = rows(
        db_path,
        "SELECT line_no, gift_id, quantity, points_each, cash_fen_each FROM redemption_lines "
        "WHERE redemption_id = ? ORDER BY line_no",
        (rid,),
    )
    assert [tuple(x) for x in lines] == [(1, "G501", 2, 500, 0), (2, "G101", 1, 100, 0)]

    # exactly one outbox event, chained after the previous head
    events = rows(db_path, "SELECT * FROM outbox WHERE seq > ?", (head,))
    assert len(events) == 1
    assert events[0]["seq"] == head + 1
    assert events[0]["kind"] == "redemption"
    payload = json.loads(events[0]["payload"])
    assert payload["redemption_id"] == rid
    assert payload["receipt_no"] == receipt.receipt_no
    assert payload["points"] == 1100
    assert sorted(map(tuple, payload["lots"])) == sorted(taken.items())
    assert payload["lines"] == [["G501", 2, 500, 0], ["G101", 1, 100, 0]]

    # the request is recorded, and nothing else changed
    assert one(db_path, "SELECT result_ref FROM requests WHERE request_id = 'req-1'") == rid
    diff = {t: n - counts_before[t] for t, n in counts(db_path).items() if n != counts_before[t]}
    assert diff == {
        "redemptions": 1,
        "redemption_lines": 2,
        "points_ledger": 2,
        "stock_ledger": 2,
        "outbox": 1,
        "requests": 1,
        "seals": 1,  # the one seal binding all of the above (docs/tamper-evidence.md)
    }
    assert app.setup.check() == []


def test_points_plus_cash_price_option(app: StoreServices, cashier: Staff, db_path: Path) -> None:
    bal = balance(db_path, RICH)
    receipt = redeem(app, cashier, "pc", RICH, LineRequest("G501", 3, price_option=1))
    assert isinstance(receipt, Receipt)
    assert (receipt.points, receipt.cash_fen) == (900, 4500)
    assert balance(db_path, RICH) == bal - 900 == ledger_sum(db_path, RICH)
    r = rows(db_path, "SELECT points, cash_fen FROM redemptions")[0]
    assert tuple(r) == (900, 4500)
    line = rows(db_path, "SELECT points_each, cash_fen_each FROM redemption_lines")[0]
    assert tuple(line) == (300, 1500)


def test_an_expired_lot_is_skipped(
    app: StoreServices, clock: Clock, cashier: Staff, db_path: Path
) -> None:
    """The 61-point lot expires on 2026-07-07; on the 8th it is not spent (even unwritten-off)."""
    clock.advance(days=23)
    open_day(app)
    lots_before = lots(db_path, THREE_LOTS)
    expired = next(lid for lid, lot in lots_before.items() if lot[1] == "2026-07-07")
    receipt = redeem(app, cashier, "x", THREE_LOTS, LineRequest("G101", 1))
    assert isinstance(receipt, Receipt)
    after = lots(db_path, THREE_LOTS)
    assert after[expired] == lots_before[expired]
    taken = expected_spend(lots_before, 100, "2026-07-08")
    assert expired not in taken
    for lot_id, lot in lots_before.items():
        assert after[lot_id][3] == lot[3] - taken.get(lot_id, 0)


def test_platinum_member_can_take_a_platinum_gift(
    app: StoreServices, cashier: Staff, db_path: Path
) -> None:
    assert one(db_path, "SELECT tier FROM members WHERE member_id = ?", (RICH,)) == "platinum"
    receipt = redeem(app, cashier, "p", RICH, LineRequest("G5004"))
    assert isinstance(receipt, Receipt)
    assert stock(db_path, "G5004") == 1
    assert app.setup.check() == []


def test_receipt_numbers_are_sequential_per_business_day(
    app: StoreServices, clock: Clock, cashier: Staff, db_path: Path
) -> None:
    numbers = []
    for i in range(3):
        receipt = redeem(app, cashier, f"a{i}", RICH, LineRequest("G101"))
        numbers.append(receipt.receipt_no)
    # a refusal does not use up a number
    assert isinstance(redeem(app, cashier, "refused", POOR, LineRequest("G501")), Refusal)
    numbers.append(redeem(app, cashier, "a3", RICH, LineRequest("G102")).receipt_no)
    assert numbers == [f"SH001-20260615-{n:05d}" for n in range(1, 5)]

    clock.advance(days=1)
    open_day(app)
    tomorrow = [
        redeem(app, cashier, f"b{i}", RICH, LineRequest("G101")).receipt_no for i in range(2)
    ]
    assert tomorrow == ["SH001-20260616-00001", "SH001-20260616-00002"]
    by_day = rows(
        db_path,
        "SELECT business_day, COUNT(*), COUNT(DISTINCT receipt_no) FROM redemptions GROUP BY 1",
    )
    assert [tuple(r) for r in by_day] == [("2026-06-15", 4, 4), ("2026-06-16", 2, 2)]


def test_the_same_request_twice_deducts_once(
    app: StoreServices, cashier: Staff, db_path: Path
) -> None:
    bal = balance(db_path, RICH)
    first = redeem(app, cashier, "dbl", RICH, LineRequest("G502", 2))
    snap = snapshot(db_path)
    second = redeem(app, cashier, "dbl", RICH, LineRequest("G502", 2))
    assert isinstance(first, Receipt) and isinstance(second, Receipt)
    assert not first.replayed and second.replayed
    assert second.receipt_no == first.receipt_no
    assert second.redemption_id == first.redemption_id
    assert (second.points, second.balance_after) == (first.points, first.balance_after)
    assert snapshot(db_path) == snap
    assert balance(db_path, RICH) == bal - 1200 == ledger_sum(db_path, RICH)
    assert one(db_path, "SELECT COUNT(*) FROM redemptions") == 1


def test_a_retry_is_answered_even_after_the_day_closed(
    app: StoreServices, cashier: Staff, manager: Staff, db_path: Path
) -> None:
    first = redeem(app, cashier, "late", RICH, LineRequest("G101"))
    app.day.close(manager)
    again = redeem(app, cashier, "late", RICH, LineRequest("G101"))
    assert again.replayed and again.receipt_no == first.receipt_no


@pytest.mark.parametrize(
    ("member", "lines", "cashier_id"),
    [
        (RICH, (LineRequest("G502", 3),), "C01"),  # other quantity
        (RICH, (LineRequest("G503", 2),), "C01"),  # other gift
        (RICH, (LineRequest("G502", 2), LineRequest("G101")), "C01"),  # extra line
        (RICH, (LineRequest("G501", 2, price_option=1),), "C01"),  # other gift and price
        (GOLD, (LineRequest("G502", 2),), "C01"),  # other member
        (RICH, (LineRequest("G502", 2),), "C02"),  # other cashier
    ],
)
def test_the_same_request_id_with_other_content_is_a_conflict(
    app: StoreServices,
    cashier: Staff,
    db_path: Path,
    member: str,
    lines: tuple[LineRequest, ...],
    cashier_id: str,
) -> None:
    redeem(app, cashier, "reused", RICH, LineRequest("G502", 2))
    snap = snapshot(db_path)
    with pytest.raises(Conflict, match="reused"):
        app.till.redeem(staff(app, cashier_id), "reused", member, lines)
    assert snapshot(db_path) == snap


def test_a_request_id_used_for_an_earn_cannot_redeem(
    app: StoreServices, cashier: Staff, db_path: Path
) -> None:
    app.till.earn(cashier, "shared", RICH, 10_000)
    snap = snapshot(db_path)
    with pytest.raises(Conflict):
        redeem(app, cashier, "shared", RICH, LineRequest("G101"))
    assert snapshot(db_path) == snap


@pytest.mark.parametrize(
    ("member", "lines", "reason"),
    [
        (POOR, (LineRequest("G501"),), RefusalReason.INSUFFICIENT_POINTS),
        (THREE_LOTS, (LineRequest("G1001", 2),), RefusalReason.INSUFFICIENT_POINTS),
        (GOLD, (LineRequest("G5004"),), RefusalReason.TIER_NOT_ALLOWED),
        (GOLD, (LineRequest("G101"), LineRequest("G5005")), RefusalReason.TIER_NOT_ALLOWED),
        (RICH, (LineRequest("G108"),), RefusalReason.OUT_OF_STOCK),
        (RICH, (LineRequest("G504", 3), LineRequest("G504", 2)), RefusalReason.OUT_OF_STOCK),
        (RICH, (LineRequest("G5007"),), RefusalReason.GIFT_NOT_ACTIVE),
        (BLOCKED, (LineRequest("G101"),), RefusalReason.MEMBER_BLOCKED),
        ("M00000194", (LineRequest("G101"),), RefusalReason.MEMBER_BLOCKED),
        (RICH, (), RefusalReason.EMPTY_BASKET),
    ],
    ids=[
        "insufficient",
        "insufficient-quantity",
        "tier",
        "tier-second-line",
        "out-of-stock",
        "out-of-stock-over-lines",
        "not-active",
        "blocked",
        "blocked-194",
        "empty",
    ],
)
def test_a_refusal_changes_nothing(
    app: StoreServices,
    cashier: Staff,
    db_path: Path,
    member: str,
    lines: tuple[LineRequest, ...],
    reason: RefusalReason,
) -> None:
    snap = snapshot(db_path)
    result = app.till.redeem(cashier, "refused", member, lines)
    assert isinstance(result, Refusal)
    assert result.reason is reason
    assert result.explain()
    if reason is RefusalReason.TIER_NOT_ALLOWED:
        assert result.required_tier is Tier.PLATINUM
    assert snapshot(db_path) == snap
    # the refused request id was not used up: the same id can make a good redemption later
    ok = app.till.redeem(cashier, "refused", "M00000044", (LineRequest("G101"),))
    assert isinstance(ok, Receipt) and not ok.replayed


@pytest.mark.parametrize(
    ("member", "lines"),
    [
        ("M99999999", (LineRequest("G101"),)),
        ("", (LineRequest("G101"),)),
        (RICH, (LineRequest("G999"),)),
        (RICH, (LineRequest("G101"), LineRequest("NOPE"))),
    ],
)
def test_unknown_member_or_gift_is_not_found(
    app: StoreServices, cashier: Staff, db_path: Path, member: str, lines: tuple[LineRequest, ...]
) -> None:
    snap = snapshot(db_path)
    with pytest.raises(NotFound):
        app.till.redeem(cashier, "nf", member, lines)
    assert snapshot(db_path) == snap


@pytest.mark.parametrize("quantity", [0, -1, "2.5", "", "two", 2.5, True, "1e1"])
def test_a_bad_quantity_is_invalid_input(
    app: StoreServices, cashier: Staff, db_path: Path, quantity: object
) -> None:
    snap = snapshot(db_path)
    with pytest.raises(InvalidInput):
        redeem(app, cashier, "q", RICH, LineRequest("G101"), LineRequest("G102", quantity))  # type: ignore[arg-type]
    assert snapshot(db_path) == snap


def test_a_quantity_typed_as_text_is_accepted(
    app: StoreServices, cashier: Staff, db_path: Path
) -> None:
    receipt = redeem(app, cashier, "q", RICH, LineRequest("G101", "3"))  # type: ignore[arg-type]
    assert isinstance(receipt, Receipt)
    assert receipt.lines[0].quantity == 3
    assert stock(db_path, "G101") == 117


@pytest.mark.parametrize("option", [1, -1, 7])
def test_a_price_option_the_gift_does_not_offer_is_invalid(
    app: StoreServices, cashier: Staff, db_path: Path, option: int
) -> None:
    snap = snapshot(db_path)
    with pytest.raises(InvalidInput):
        redeem(app, cashier, "o", RICH, LineRequest("G101", 1, price_option=option))
    assert snapshot(db_path) == snap


def test_a_day_not_yet_opened_refuses(
    app: StoreServices, clock: Clock, cashier: Staff, db_path: Path
) -> None:
    clock.advance(days=1)
    snap = snapshot(db_path)
    with pytest.raises(NotAllowed, match="not open"):
        redeem(app, cashier, "n", RICH, LineRequest("G101"))
    assert snapshot(db_path) == snap


def test_a_closed_day_refuses(
    app: StoreServices, cashier: Staff, manager: Staff, db_path: Path
) -> None:
    app.day.close(manager)
    snap = snapshot(db_path)
    with pytest.raises(NotAllowed, match="closed"):
        redeem(app, cashier, "c", RICH, LineRequest("G101"))
    assert snapshot(db_path) == snap


def test_just_after_midnight_is_the_next_business_day(
    app: StoreServices, clock: Clock, cashier: Staff, db_path: Path
) -> None:
    clock.set(clock.now.replace(hour=23, minute=59, second=59))
    assert isinstance(redeem(app, cashier, "late", RICH, LineRequest("G101")), Receipt)
    clock.advance(seconds=2)
    with pytest.raises(NotAllowed):
        redeem(app, cashier, "early", RICH, LineRequest("G101"))
    assert one(db_path, "SELECT COUNT(*) FROM redemptions") == 1


def test_an_override_by_a_cashier_is_refused(
    app: StoreServices, cashier: Staff, db_path: Path
) -> None:
    snap = snapshot(db_path)
    with pytest.raises(NotAllowed):
        app.till.redeem(cashier, "o", RICH, (LineRequest("G101"),), override_by=staff(app, "C02"))
    assert snapshot(db_path) == snap


def test_quote_writes_nothing(app: StoreServices, db_path: Path) -> None:
    snap = snapshot(db_path)
    approval = app.till.quote(THREE_LOTS, (LineRequest("G501", 2),))
    assert not isinstance(approval, Refusal)
    assert approval.points == 1000
    assert isinstance(app.till.quote(POOR, (LineRequest("G501"),)), Refusal)
    assert snapshot(db_path) == snap


def test_the_store_stays_consistent_after_many_redemptions(
    app: StoreServices, cashier: Staff, db_path: Path
) -> None:
    members = [
        r[0]
        for r in rows(
            db_path,
            "SELECT member_id FROM members WHERE balance > 1000 AND status = 'active' LIMIT 20",
        )
    ]
    for i, member in enumerate(members):
        redeem(app, cashier, f"m{i}", member, LineRequest("G101"), LineRequest("G502"))
    assert one(db_path, "SELECT COUNT(*) FROM redemptions") == len(members)
    assert stock(db_path, "G502") == 25 - len(members)
    assert app.setup.check() == []


def test_a_cashier_unknown_to_the_store_cannot_redeem(app: StoreServices, db_path: Path) -> None:
    """Foreign keys are on: a Staff value that is not a staff row writes nothing."""
    snap = snapshot(db_path)
    ghost = Staff("X99", "ghost", "cashier")
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        redeem(app, ghost, "g", RICH, LineRequest("G101"))
    assert snapshot(db_path) == snap
    assert not app.db.conn.in_transaction
