"""A member's `pending_sync`: the net effect on their points of this store's events head
office has not acknowledged yet (issue 10: it counted redemptions only). Head office's
balance plus it is the balance the till shows."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from desktop.core import wire
from desktop.services.app import StoreServices
from desktop.services.till import LineRequest, Receipt
from desktop.store import sync_state
from desktop.store.staff import Staff

from ._helpers import SH, Clock

pytestmark = pytest.mark.store

MEMBER = "M00000001"  # regular; a lot of 61 points expires on 2026-07-07
OTHER = "M00000044"
WATER_200 = LineRequest("G104")


def pending(app: StoreServices, member_id: str = MEMBER) -> int:
    return app.till.member_view(member_id).pending_sync


def acknowledge_all(app: StoreServices) -> None:
    """What a push round does once head office has stored every event."""
    with app.db.write() as conn:
        sync_state.set_acked_seq(conn, sync_state.head(conn)[0])


def test_earns_redemptions_and_voids_all_count(
    app: StoreServices, cashier: Staff, manager: Staff
) -> None:
    confirmed = app.till.member_view(MEMBER).balance  # nothing of this store's waiting
    assert pending(app) == 0

    earned = app.till.earn(cashier, "e1", MEMBER, 250_00)
    assert earned.points > 0
    assert pending(app) == earned.points

    receipt = app.till.redeem(cashier, "r1", MEMBER, (WATER_200,))
    assert isinstance(receipt, Receipt)
    assert pending(app) == earned.points - 200

    app.till.void(cashier, manager, "v1", receipt.receipt_no, "customer changed mind")
    assert pending(app) == earned.points  # the void gave the 200 back

    # another member's events are theirs
    assert isinstance(app.till.redeem(cashier, "r2", OTHER, (WATER_200,)), Receipt)
    assert pending(app) == earned.points
    assert pending(app, OTHER) == -200

    view = app.till.member_view(MEMBER)
    assert view.balance - view.pending_sync == confirmed
    acknowledge_all(app)
    assert (pending(app), pending(app, OTHER)) == (0, 0)


def test_a_void_of_an_acknowledged_redemption_waits_alone(
    app: StoreServices, cashier: Staff, manager: Staff
) -> None:
    receipt = app.till.redeem(cashier, "r1", MEMBER, (WATER_200,))
    assert isinstance(receipt, Receipt)
    acknowledge_all(app)
    assert pending(app) == 0
    app.till.void(cashier, manager, "v1", receipt.receipt_no, "wrong gift")
    assert pending(app) == 200


def test_points_expired_here_count_until_acknowledged(app: StoreServices, clock: Clock) -> None:
    before = app.till.member_view(MEMBER).balance
    clock.set(datetime(2026, 7, 8, 9, 0, tzinfo=SH))
    assert app.till.run_expiry() > 0
    assert app.till.member_view(MEMBER).balance == before - 61
    # and the expiry event is the protocol's shape (desktop/core/wire.py)
    kind, body = app.db.query("SELECT kind, payload FROM outbox ORDER BY seq DESC LIMIT 1")[0]
    assert kind == "expiry" and wire.shape_problems(kind, json.loads(body)) == []
    assert pending(app) == -61
    acknowledge_all(app)
    assert pending(app) == 0
