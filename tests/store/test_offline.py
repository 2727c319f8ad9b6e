"""Offline limits while head office is unreachable; manager overrides are recorded."""

from __future__ import annotations

from datetime import UTC, timedelta
from pathlib import Path

import pytest

from desktop.core.offline import CodeKind, OfflineCheck
from desktop.core.redemption import Refusal, RefusalReason
from desktop.services.app import StoreServices
from desktop.services.till import LineRequest, Receipt
from desktop.store import settings
from desktop.store.staff import Staff

from ._helpers import T0, Clock, Link, balance, ledger_sum, one, rows, snapshot

pytestmark = pytest.mark.store

RICH = "M00000044"  # platinum, 16740 points
OTHER = "M00000064"  # platinum, 13630 points
CARD_1800 = LineRequest("G1005")  # supermarket card, 1800 points
WATER_200 = LineRequest("G104")  # 200 points
BAG_100 = LineRequest("G101")  # 100 points


@pytest.fixture
def offline(link: Link) -> Link:
    link.online = False
    link.last_sync = T0 - timedelta(hours=1)
    return link


def refused(result: object, check: OfflineCheck) -> None:
    assert isinstance(result, Refusal), result
    assert result.reason is RefusalReason.OFFLINE_LIMIT_EXCEEDED
    assert result.offline_check is check


def test_within_the_static_card_cap_offline_is_recorded_as_offline(
    app: StoreServices, offline: Link, cashier: Staff, db_path: Path
) -> None:
    receipt = app.till.redeem(cashier, "r", RICH, (CARD_1800, WATER_200))  # exactly 2000
    assert isinstance(receipt, Receipt)
    assert receipt.offline
    row = rows(db_path, "SELECT offline, override_by, code_kind, points FROM redemptions")[0]
    assert tuple(row) == (1, None, "static", 2000)
    assert app.till.member_view(RICH).pending_sync == -2000  # its effect on the balance


def test_online_redemptions_are_not_offline(
    app: StoreServices, cashier: Staff, db_path: Path
) -> None:
    receipt = app.till.redeem(cashier, "r", RICH, (CARD_1800, WATER_200, BAG_100))
    assert isinstance(receipt, Receipt) and not receipt.offline
    assert one(db_path, "SELECT offline FROM redemptions") == 0


def test_over_the_static_card_cap_is_refused_and_changes_nothing(
    app: StoreServices, offline: Link, cashier: Staff, db_path: Path
) -> None:
    snap = snapshot(db_path)
    refused(
        app.till.redeem(cashier, "r", RICH, (CARD_1800, WATER_200, BAG_100)),
        OfflineCheck.PER_MEMBER_DAY,
    )
    refused(
        app.till.redeem(cashier, "r", RICH, (LineRequest("G5002"),)), OfflineCheck.PER_REDEMPTION
    )
    assert snapshot(db_path) == snap


def test_the_cap_adds_up_over_the_day_and_a_manager_can_override(
    app: StoreServices, offline: Link, cashier: Staff, manager: Staff, db_path: Path
) -> None:
    bal = balance(db_path, RICH)
    assert isinstance(app.till.redeem(cashier, "r1", RICH, (CARD_1800,)), Receipt)
    snap = snapshot(db_path)
    refused(app.till.redeem(cashier, "r2", RICH, (WATER_200, BAG_100)), OfflineCheck.PER_MEMBER_DAY)
    assert snapshot(db_path) == snap
    # another member is not affected
    assert isinstance(app.till.redeem(cashier, "o1", OTHER, (CARD_1800,)), Receipt)

    receipt = app.till.redeem(cashier, "r2", RICH, (WATER_200, BAG_100), override_by=manager)
    assert isinstance(receipt, Receipt)
    row = rows(
        db_path,
        "SELECT override_by, offline, points FROM redemptions WHERE redemption_id = ?",
        (receipt.redemption_id,),
    )[0]
    assert tuple(row) == ("M01", 1, 300)
    assert balance(db_path, RICH) == bal - 2100 == ledger_sum(db_path, RICH)
    assert app.setup.check() == []


def test_an_override_that_was_not_needed_is_not_recorded(
    app: StoreServices, offline: Link, cashier: Staff, manager: Staff, db_path: Path
) -> None:
    receipt = app.till.redeem(cashier, "r", RICH, (BAG_100,), override_by=manager)
    assert isinstance(receipt, Receipt)
    assert one(db_path, "SELECT override_by FROM redemptions") is None


def test_a_typed_card_number_is_refused_offline(
    app: StoreServices, offline: Link, cashier: Staff, manager: Staff, db_path: Path
) -> None:
    card = str(one(db_path, "SELECT card_number FROM members WHERE member_id = ?", (RICH,)))
    member, kind = app.till.identify(f"{card[:4]} {card[4:8]} {card[8:]}")
    assert (member.member_id, kind) == (RICH, CodeKind.TYPED_NUMBER)
    snap = snapshot(db_path)
    refused(
        app.till.redeem(cashier, "t", RICH, (BAG_100,), code_kind=kind),
        OfflineCheck.TYPED_NUMBER_OFFLINE,
    )
    assert snapshot(db_path) == snap
    receipt = app.till.redeem(cashier, "t", RICH, (BAG_100,), code_kind=kind, override_by=manager)
    assert isinstance(receipt, Receipt)
    assert tuple(rows(db_path, "SELECT code_kind, override_by FROM redemptions")[0]) == (
        "typed",
        "M01",
    )


def test_a_typed_card_number_is_fine_online(
    app: StoreServices, cashier: Staff, db_path: Path
) -> None:
    receipt = app.till.redeem(cashier, "t", RICH, (BAG_100,), code_kind=CodeKind.TYPED_NUMBER)
    assert isinstance(receipt, Receipt)
    assert one(db_path, "SELECT offline FROM redemptions") == 0


def test_a_rotating_phone_code_has_the_higher_cap(
    app: StoreServices, offline: Link, cashier: Staff
) -> None:
    basket = (CARD_1800, CARD_1800)  # 3600
    refused(app.till.redeem(cashier, "s", RICH, basket), OfflineCheck.PER_MEMBER_DAY)
    receipt = app.till.redeem(cashier, "p", RICH, basket, code_kind=CodeKind.ROTATING_PHONE)
    assert isinstance(receipt, Receipt)


def test_too_long_without_a_sync_refuses_everything(
    app: StoreServices, offline: Link, clock: Clock, cashier: Staff, manager: Staff, db_path: Path
) -> None:
    offline.last_sync = T0 - timedelta(hours=72)
    assert isinstance(app.till.redeem(cashier, "a", RICH, (BAG_100,)), Receipt)
    offline.last_sync = T0 - timedelta(hours=72, seconds=1)
    refused(app.till.redeem(cashier, "b", RICH, (BAG_100,)), OfflineCheck.TOO_LONG_OFFLINE)
    assert isinstance(app.till.redeem(cashier, "b", RICH, (BAG_100,), override_by=manager), Receipt)
    assert [
        r[0] for r in rows(db_path, "SELECT override_by FROM redemptions ORDER BY receipt_no")
    ] == [
        None,
        "M01",
    ]


def test_the_caps_come_from_the_store_settings(
    app: StoreServices, offline: Link, cashier: Staff, db_path: Path
) -> None:
    with app.db.write() as conn:
        settings.put(
            conn,
            "offline_limits",
            {"per_member_day_static_points": 500, "members_served_offline": 2},
        )
    refused(
        app.till.redeem(cashier, "a", RICH, (LineRequest("G502"),)), OfflineCheck.PER_MEMBER_DAY
    )
    assert isinstance(app.till.redeem(cashier, "b", RICH, (LineRequest("G501"),)), Receipt)
    assert isinstance(app.till.redeem(cashier, "c", OTHER, (BAG_100,)), Receipt)
    refused(app.till.redeem(cashier, "d", "M00000141", (BAG_100,)), OfflineCheck.MEMBERS_SERVED)


def test_the_store_exposure_cap(app: StoreServices, offline: Link, cashier: Staff) -> None:
    with app.db.write() as conn:
        settings.put(conn, "offline_limits", {"store_exposure_points": 3000})
    assert isinstance(app.till.redeem(cashier, "a", RICH, (CARD_1800,)), Receipt)
    refused(app.till.redeem(cashier, "b", OTHER, (CARD_1800,)), OfflineCheck.STORE_EXPOSURE)
    assert isinstance(app.till.redeem(cashier, "c", OTHER, (LineRequest("G1003"),)), Receipt)


def test_a_voided_offline_redemption_no_longer_counts(
    app: StoreServices, offline: Link, cashier: Staff, manager: Staff
) -> None:
    first = app.till.redeem(cashier, "a", RICH, (CARD_1800,))
    refused(app.till.redeem(cashier, "b", RICH, (CARD_1800,)), OfflineCheck.PER_MEMBER_DAY)
    app.till.void(cashier, manager, "v", first.receipt_no, "wrong gift")
    assert isinstance(app.till.redeem(cashier, "b", RICH, (CARD_1800,)), Receipt)


def test_offline_redemptions_before_the_last_sync_no_longer_count(
    app: StoreServices, offline: Link, clock: Clock, cashier: Staff
) -> None:
    assert isinstance(app.till.redeem(cashier, "a", RICH, (CARD_1800,)), Receipt)
    clock.advance(hours=1)
    offline.last_sync = T0 + timedelta(minutes=30)  # head office has it now
    assert isinstance(app.till.redeem(cashier, "b", RICH, (CARD_1800,)), Receipt)


def test_last_sync_in_utc_is_compared_as_a_time(
    app: StoreServices, offline: Link, clock: Clock, cashier: Staff
) -> None:
    assert isinstance(app.till.redeem(cashier, "a", RICH, (CARD_1800,)), Receipt)
    clock.advance(hours=1)
    offline.last_sync = (T0 + timedelta(minutes=30)).astimezone(UTC)  # the same instant
    assert isinstance(app.till.redeem(cashier, "b", RICH, (CARD_1800,)), Receipt)
