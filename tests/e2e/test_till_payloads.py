"""Both ends of sync speak one protocol (desktop/core/wire.py): every event a real till
writes has the shape the protocol declares for its kind, and a real head office process
applies each of them as the till wrote it — none parked, none misread.

Head office's own tests build payloads by hand (tests/headoffice/ho_helpers.py); this one
uses only what the till's services wrote to its outbox."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from desktop.core import wire
from desktop.core.offline import CodeKind
from desktop.services.app import StoreServices
from desktop.services.till import LineRequest, Receipt
from headoffice.engine import HeadOffice

from .conftest import HeadOfficeProcess, add_member, new_store, staff

pytestmark = pytest.mark.headoffice

MEMBER = "M00000001"


def outbox(app: StoreServices) -> list[tuple[str, dict[str, object]]]:
    return [
        (r[0], json.loads(r[1]))
        for r in app.db.query("SELECT kind, payload FROM outbox ORDER BY seq")
    ]


def test_every_event_the_till_writes_is_the_protocol_s_shape_and_head_office_applies_it(
    office: HeadOffice, server: HeadOfficeProcess, tmp_path: Path
) -> None:
    # Given a store that got its member and gifts from head office
    add_member(office, MEMBER, 5000)
    office.admin.set_setting("journeys", {"starter": {"bonus_points": 50}})
    secret = office.admin.create_store("SH001", "Store SH001")
    office.admin.deliver("SH001", "G101", 5)
    app = new_store(tmp_path / "sh.db", "SH001", server.url, secret)
    try:
        app.sync.sync_once()
        cashier, manager = staff(app, "C01"), staff(app, "M01")
        # When the till does what a store does in a day: a member journey (the starter
        # bonus of a member who never redeemed), redeem (points, and with a phone
        # code's kind), void, earn, receive and count stock, close the day
        app.journeys.apply(cashier, str(uuid.uuid4()), MEMBER, "starter", "first")
        first = app.till.redeem(cashier, str(uuid.uuid4()), MEMBER, (LineRequest("G101"),))
        assert isinstance(first, Receipt)
        second = app.till.redeem(
            cashier, str(uuid.uuid4()), MEMBER, (LineRequest("G101", 2),), CodeKind.ROTATING_PHONE
        )
        assert isinstance(second, Receipt)
        app.till.void(cashier, manager, str(uuid.uuid4()), first.receipt_no, "wrong gift")
        app.till.earn(cashier, str(uuid.uuid4()), MEMBER, 12_345)
        app.stock.receive(manager, str(uuid.uuid4()), "G101", 10, "DN-1")
        app.stock.adjust(manager, str(uuid.uuid4()), "G101", delta=-1, reason="damaged")
        app.day.close(manager)
        written = outbox(app)
        # Then every payload is exactly the shape its kind declares
        kinds = {kind for kind, _ in written}
        assert kinds >= {"day_open", "redemption", "void", "earn", "stock_receive"}
        assert kinds >= {"stock_adjust", "day_close", "journey"}
        assert [p for kind, payload in written for p in wire.shape_problems(kind, payload)] == []
        # When the store syncs
        report = app.sync.sync_once()
        # Then head office stored and applied every one, none parked, as the till wrote it
        assert report.parked == 0 and report.conflicts == 0
        rows = server.rows(
            "SELECT kind, payload, outcome, error FROM store_events WHERE store_id = 'SH001' "
            "ORDER BY seq"
        )
        assert [(r["kind"], json.loads(r["payload"])) for r in rows] == written
        assert {r["outcome"] for r in rows} == {wire.Outcome.APPLIED.value}, [
            (r["kind"], r["error"]) for r in rows if r["outcome"] != "applied"
        ]
        # and its balance for the member is the till's: 5000 + 50 − 100 − 200 + 100 + earned
        ho_balance = server.one("SELECT balance FROM members WHERE member_id = ?", (MEMBER,))
        till_balance = app.db.scalar("SELECT balance FROM members WHERE member_id = ?", (MEMBER,))
        assert ho_balance == till_balance
        assert app.sync.status().waiting == 0
    finally:
        app.close()


def test_a_payload_off_the_protocol_is_named() -> None:
    # Given payloads a till did not write: a key missing, a key unknown, a kind unknown
    good: wire.DayPayload = {"day": "2026-12-07", "manager_id": "M01"}
    # Then the protocol names what is wrong with each, and nothing about the good one
    assert wire.shape_problems("day_open", dict(good)) == []
    assert wire.shape_problems("day_open", {"day": "2026-12-07"}) == [
        "day_open: manager_id missing"
    ]
    assert wire.shape_problems("day_close", {**good, "till": 2}) == [
        "day_close: till is not in the protocol"
    ]
    assert wire.shape_problems("refund", {}) == ["unknown event kind 'refund'"]
