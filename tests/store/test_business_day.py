"""The business day is the store's local date, whatever zone the clock reports time in.

Issue 14: ServiceContext.today() took the date in the clock's zone. The demo store is in
Asia/Shanghai (UTC+8); at 17:00 UTC it is already 01:00 the next day there, so a clock in
UTC put every write of the store's evening on the day before: the day to open, receipt
numbers, the "today only" rule of voids, the offline cap per member per day, the report.
Every test here runs on such a clock and failed before the fix."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from desktop.core.errors import NotAllowed
from desktop.core.offline import OfflineCheck
from desktop.core.redemption import Refusal, RefusalReason
from desktop.services.app import StoreServices
from desktop.services.till import LineRequest, Receipt
from desktop.store.staff import Staff

from ._helpers import SH, Clock, Link, one, open_day, rows

pytestmark = pytest.mark.store

RICH = "M00000044"  # platinum, 16740 points
CARD_1800 = LineRequest("G1005")  # 1800 points
WATER_200 = LineRequest("G104")  # 200 points
BAG_100 = LineRequest("G101")  # 100 points

# 17:00 UTC on 15 June is 01:00 on 16 June in Shanghai
EVENING_UTC = datetime(2026, 6, 15, 17, 0, tzinfo=UTC)
STORE_DAY = date(2026, 6, 16)
LATE_ON_THE_15TH = datetime(2026, 6, 15, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai


@pytest.fixture
def utc_clock(clock: Clock) -> Clock:
    clock.set(EVENING_UTC)
    return clock


def test_today_and_the_day_to_open_are_the_stores_date(
    app: StoreServices, utc_clock: Clock, manager: Staff, db_path: Path
) -> None:
    assert app.ctx.today() == STORE_DAY
    assert app.ctx.now() == EVENING_UTC  # the same instant …
    assert app.ctx.now().utcoffset() == timedelta(hours=8)  # … told in the store's zone
    state = app.day.state()
    assert state.day == "2026-06-16" and not state.is_open  # the demo opened the 15th only
    app.day.open(manager)
    assert one(db_path, "SELECT day FROM business_days WHERE day > '2026-06-15'") == "2026-06-16"
    assert app.day.state().is_open
    assert one(db_path, "SELECT payload FROM outbox ORDER BY seq DESC LIMIT 1") == (
        '{"day":"2026-06-16","manager_id":"M01"}'
    )


def test_a_redemption_needs_the_stores_day_open_and_is_numbered_on_it(
    app: StoreServices, utc_clock: Clock, cashier: Staff, db_path: Path
) -> None:
    with pytest.raises(NotAllowed, match="2026-06-16 is not open"):
        app.till.redeem(cashier, "r0", RICH, (BAG_100,))
    open_day(app)
    receipt = app.till.redeem(cashier, "r1", RICH, (BAG_100,))
    assert isinstance(receipt, Receipt)
    assert receipt.receipt_no == "SH001-20260616-00001"
    assert receipt.created_at == "2026-06-16T01:00:00+08:00"
    row = rows(db_path, "SELECT business_day, created_at FROM redemptions")[0]
    assert tuple(row) == ("2026-06-16", "2026-06-16T01:00:00+08:00")


def test_only_the_stores_today_can_be_voided(
    app: StoreServices, clock: Clock, cashier: Staff, manager: Staff
) -> None:
    clock.set(LATE_ON_THE_15TH)  # 23:30 on the 15th, the day the demo opened
    late = app.till.redeem(cashier, "late", RICH, (BAG_100,))
    assert isinstance(late, Receipt) and late.receipt_no == "SH001-20260615-00001"
    clock.set(EVENING_UTC)  # 01:00 on the 16th: the 15th is over, in UTC it is not
    open_day(app)
    with pytest.raises(NotAllowed, match="is from 2026-06-15: only today's"):
        app.till.void(cashier, manager, "v1", late.receipt_no, "customer changed mind")
    early = app.till.redeem(cashier, "early", RICH, (BAG_100,))
    assert isinstance(early, Receipt)
    done = app.till.void(cashier, manager, "v2", early.receipt_no, "customer changed mind")
    assert done.receipt_no == early.receipt_no and done.points_returned == 100


def test_the_offline_cap_per_member_is_per_store_day(
    app: StoreServices, clock: Clock, link: Link, cashier: Staff
) -> None:
    link.online, link.last_sync = False, datetime(2026, 6, 15, 8, 0, tzinfo=SH)
    clock.set(LATE_ON_THE_15TH)
    assert isinstance(app.till.redeem(cashier, "a", RICH, (CARD_1800, WATER_200)), Receipt)
    refused = app.till.redeem(cashier, "b", RICH, (BAG_100,))  # the 15th's 2,000 are used
    assert isinstance(refused, Refusal)
    assert refused.reason is RefusalReason.OFFLINE_LIMIT_EXCEEDED
    assert refused.offline_check is OfflineCheck.PER_MEMBER_DAY
    clock.set(EVENING_UTC)  # a new store day, so a new 2,000
    open_day(app)
    assert isinstance(app.till.redeem(cashier, "c", RICH, (CARD_1800, WATER_200)), Receipt)


def test_an_earned_lot_and_the_report_are_on_the_stores_day(
    app: StoreServices, utc_clock: Clock, cashier: Staff, db_path: Path
) -> None:
    open_day(app)
    earned = app.till.earn(cashier, "e1", RICH, 100_00)
    assert one(db_path, "SELECT earned_on FROM point_lots WHERE lot_id = ?", (earned.earn_id,)) == (
        "2026-06-16"
    )
    assert isinstance(app.till.redeem(cashier, "r1", RICH, (BAG_100,)), Receipt)
    report = app.reports.daily()
    assert report.day == STORE_DAY
    assert (report.redemptions, report.points) == (1, 100)
