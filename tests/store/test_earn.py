"""Earning: a new lot per purchase with its expiry, tier multipliers, campaigns, retries."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from desktop.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from desktop.services.app import StoreServices
from desktop.store import settings
from desktop.store.staff import Staff

from ._helpers import SH, Clock, balance, ledger_sum, lots, one, open_day, rows, snapshot

pytestmark = pytest.mark.store

REGULAR = "M00000001"


def member_of_tier(db_path: Path, tier: str) -> str:
    return str(
        one(
            db_path,
            "SELECT member_id FROM members WHERE tier = ? AND status = 'active' ORDER BY member_id",
            (tier,),
        )
    )


def test_earn_credits_a_new_lot_with_its_expiry(
    app: StoreServices, cashier: Staff, db_path: Path
) -> None:
    lots_before = lots(db_path, REGULAR)
    bal = balance(db_path, REGULAR)
    head = one(db_path, "SELECT MAX(seq) FROM outbox")

    result = app.till.earn(cashier, "e1", REGULAR, 12_345)  # ¥123.45 → 123 points

    assert (result.points, result.campaign, result.replayed) == (123, None, False)
    assert result.balance_after == bal + 123 == balance(db_path, REGULAR)
    assert balance(db_path, REGULAR) == ledger_sum(db_path, REGULAR)
    after = lots(db_path, REGULAR)
    assert {k: v for k, v in after.items() if k in lots_before} == lots_before
    new = {k: v for k, v in after.items() if k not in lots_before}
    assert new == {result.earn_id: ("2026-06-15", "2027-12-31", 123, 123)}
    ledger = rows(
        db_path, "SELECT lot_id, delta, kind FROM points_ledger WHERE ref = ?", (result.earn_id,)
    )
    assert [tuple(r) for r in ledger] == [(result.earn_id, 123, "earn")]
    earn = rows(db_path, "SELECT * FROM earns")
    assert len(earn) == 1
    assert (
        earn[0]["member_id"],
        earn[0]["cashier_id"],
        earn[0]["amount_fen"],
        earn[0]["points"],
    ) == (
        REGULAR,
        "C01",
        12_345,
        123,
    )
    events = rows(db_path, "SELECT kind, payload FROM outbox WHERE seq > ?", (head,))
    assert [e["kind"] for e in events] == ["earn"]
    assert json.loads(events[0]["payload"])["points"] == 123
    assert app.setup.check() == []


@pytest.mark.parametrize(
    ("tier", "points"),
    [("regular", 100), ("silver", 120), ("gold", 150), ("platinum", 200)],
)
def test_tier_multipliers(
    app: StoreServices, cashier: Staff, db_path: Path, tier: str, points: int
) -> None:
    member = member_of_tier(db_path, tier)
    bal = balance(db_path, member)
    result = app.till.earn(cashier, "e", member, 10_000)
    assert result.points == points
    assert balance(db_path, member) == bal + points == ledger_sum(db_path, member)
    assert lots(db_path, member)[result.earn_id][2:] == (points, points)


def test_points_round_down_and_a_tiny_purchase_earns_nothing(
    app: StoreServices, cashier: Staff, db_path: Path
) -> None:
    silver = member_of_tier(db_path, "silver")
    assert app.till.earn(cashier, "a", silver, 199).points == 2  # 1.99 x 1.2 = 2.388
    lots_before = lots(db_path, REGULAR)
    ledger_before = one(db_path, "SELECT COUNT(*) FROM points_ledger")
    result = app.till.earn(cashier, "b", REGULAR, 99)
    assert result.points == 0
    assert lots(db_path, REGULAR) == lots_before
    assert one(db_path, "SELECT COUNT(*) FROM points_ledger") == ledger_before
    assert one(db_path, "SELECT points FROM earns WHERE earn_id = ?", (result.earn_id,)) == 0
    assert app.setup.check() == []


@pytest.mark.parametrize(
    ("when", "tier", "points", "campaign"),
    [
        (datetime(2026, 10, 31, 23, 59, 59, tzinfo=SH), "regular", 100, None),
        (datetime(2026, 11, 1, 0, 0, tzinfo=SH), "regular", 150, "DOUBLE11"),
        (datetime(2026, 11, 5, 15, 30, tzinfo=SH), "gold", 225, "DOUBLE11"),
        (datetime(2026, 11, 11, 23, 59, 59, tzinfo=SH), "platinum", 300, "DOUBLE11"),
        (datetime(2026, 11, 12, 0, 0, tzinfo=SH), "regular", 100, None),
        (datetime(2026, 12, 5, 12, 0, tzinfo=SH), "platinum", 600, "PLAT-DEC"),
        (datetime(2026, 12, 5, 12, 0, tzinfo=SH), "silver", 120, None),
        (datetime(2027, 2, 1, 12, 0, tzinfo=SH), "silver", 240, "CNY2027"),
    ],
    ids=[
        "before-double11",
        "double11-start",
        "double11-gold",
        "double11-last-second",
        "double11-over",
        "platinum-december",
        "december-not-platinum",
        "spring-festival",
    ],
)
def test_campaigns(
    app: StoreServices,
    clock: Clock,
    cashier: Staff,
    db_path: Path,
    when: datetime,
    tier: str,
    points: int,
    campaign: str | None,
) -> None:
    clock.set(when)
    open_day(app)
    member = member_of_tier(db_path, tier)
    bal = balance(db_path, member)
    result = app.till.earn(cashier, "e", member, 10_000)
    assert (result.points, result.campaign) == (points, campaign)
    assert one(db_path, "SELECT campaign_id FROM earns") == campaign
    assert balance(db_path, member) == bal + points == ledger_sum(db_path, member)
    lot = lots(db_path, member)[result.earn_id]
    assert lot == (when.date().isoformat(), f"{when.year + 1}-12-31", points, points)


@pytest.mark.parametrize(
    ("when", "expires"),
    [
        (datetime(2026, 12, 31, 23, 0, tzinfo=SH), "2027-12-31"),
        (datetime(2027, 1, 1, 9, 0, tzinfo=SH), "2028-12-31"),
    ],
)
def test_expiry_is_the_end_of_the_next_year(
    app: StoreServices, clock: Clock, cashier: Staff, db_path: Path, when: datetime, expires: str
) -> None:
    clock.set(when)
    open_day(app)
    result = app.till.earn(cashier, "e", REGULAR, 5_000)
    assert lots(db_path, REGULAR)[result.earn_id][:2] == (when.date().isoformat(), expires)


def test_the_expiry_policy_comes_from_the_store_settings(
    app: StoreServices, cashier: Staff, db_path: Path
) -> None:
    with app.db.write() as conn:
        settings.put(conn, "expiry_years_kept", 2)
    result = app.till.earn(cashier, "e", REGULAR, 5_000)
    assert lots(db_path, REGULAR)[result.earn_id][1] == "2028-12-31"


def test_the_same_earn_twice_credits_once(
    app: StoreServices, cashier: Staff, db_path: Path
) -> None:
    bal = balance(db_path, REGULAR)
    first = app.till.earn(cashier, "dup", REGULAR, 30_000)
    snap = snapshot(db_path)
    again = app.till.earn(cashier, "dup", REGULAR, 30_000)
    assert again.replayed and not first.replayed
    assert (again.earn_id, again.points, again.balance_after) == (
        first.earn_id,
        first.points,
        first.balance_after,
    )
    assert snapshot(db_path) == snap
    assert balance(db_path, REGULAR) == bal + 300
    assert one(db_path, "SELECT COUNT(*) FROM earns") == 1
    for other in ((REGULAR, 30_001), ("M00000002", 30_000)):
        with pytest.raises(Conflict):
            app.till.earn(cashier, "dup", *other)
    assert snapshot(db_path) == snap


def test_a_replayed_earn_answers_with_the_original_result(
    app: StoreServices, cashier: Staff
) -> None:
    first = app.till.earn(cashier, "e1", REGULAR, 10_000)
    app.till.earn(cashier, "e2", REGULAR, 10_000)
    again = app.till.earn(cashier, "e1", REGULAR, 10_000)
    assert again.replayed
    assert again.balance_after == first.balance_after


@pytest.mark.parametrize("amount", [0, -100, "10000", 12.5, True, None])
def test_a_bad_amount_is_invalid_input(
    app: StoreServices, cashier: Staff, db_path: Path, amount: object
) -> None:
    snap = snapshot(db_path)
    with pytest.raises(InvalidInput):
        app.till.earn(cashier, "bad", REGULAR, amount)  # type: ignore[arg-type]
    assert snapshot(db_path) == snap


def test_an_unknown_member_earns_nothing(app: StoreServices, cashier: Staff, db_path: Path) -> None:
    snap = snapshot(db_path)
    with pytest.raises(NotFound):
        app.till.earn(cashier, "nf", "M99999999", 10_000)
    assert snapshot(db_path) == snap


def test_no_earning_outside_an_open_business_day(
    app: StoreServices, clock: Clock, cashier: Staff, manager: Staff, db_path: Path
) -> None:
    app.day.close(manager)
    snap = snapshot(db_path)
    with pytest.raises(NotAllowed):
        app.till.earn(cashier, "c", REGULAR, 10_000)
    clock.advance(days=1)
    with pytest.raises(NotAllowed):
        app.till.earn(cashier, "n", REGULAR, 10_000)
    assert snapshot(db_path) == snap
