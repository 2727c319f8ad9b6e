"""Both ends of sync speak one protocol (desktop/core/wire.py): every event a real till
writes has the shape the protocol declares for its kind, and a real head office process
applies each of them as the till wrote it — none parked, none misread.

Head office's own tests build payloads by hand (tests/headoffice/ho_helpers.py); this one
uses only what the till's services wrote to its outbox."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from desktop.core import wire
from desktop.core.catalogue import CouponTerms, Gift, GiftId, GiftKind, Price
from desktop.core.offline import CodeKind
from desktop.core.vouchers import make_voucher_no
from desktop.services.app import StoreServices
from desktop.services.till import LineRequest, Receipt
from desktop.services.vouchers import VoucherEntry
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
    coupon = Gift(
        GiftId("C300"), "满300减80券", "¥80 off ¥300", "coupon", (Price(800),),
        kind=GiftKind.COUPON, coupon=CouponTerms(30000, 8000, 7),
    )  # fmt: skip
    office.admin.upsert_gift(coupon)
    office.admin.deliver("SH001", "C300", 2)
    app = new_store(tmp_path / "sh.db", "SH001", server.url, secret)
    try:
        app.sync.sync_once()
        cashier, manager = staff(app, "C01"), staff(app, "M01")
        # When the till does what a store does in a day: a member journey (the starter
        # bonus of a member who never redeemed), redeem (points, and with a phone code's
        # kind, and a coupon that issues codes), void, earn, receive and count stock, close
        # the day
        app.journeys.apply(cashier, str(uuid.uuid4()), MEMBER, "starter", "first")
        first = app.till.redeem(cashier, str(uuid.uuid4()), MEMBER, (LineRequest("G101"),))
        assert isinstance(first, Receipt)
        second = app.till.redeem(
            cashier, str(uuid.uuid4()), MEMBER, (LineRequest("G101", 2),), CodeKind.ROTATING_PHONE
        )
        assert isinstance(second, Receipt)
        third = app.till.redeem(cashier, str(uuid.uuid4()), MEMBER, (LineRequest("C300", 2),))
        assert isinstance(third, Receipt) and len(third.coupons) == 2
        app.till.void(cashier, manager, str(uuid.uuid4()), first.receipt_no, "wrong gift")
        # and key in a paper voucher written while the till was down
        written = app.ctx.now() - timedelta(hours=1)
        voucher = VoucherEntry(make_voucher_no(5), MEMBER, (("G101", 1),), written, "C01")
        app.vouchers.key_in(manager, str(uuid.uuid4()), voucher)
        app.till.earn(cashier, str(uuid.uuid4()), MEMBER, 12_345)
        app.stock.receive(manager, str(uuid.uuid4()), "G101", 10, "DN-1")
        app.stock.adjust(manager, str(uuid.uuid4()), "G101", delta=-1, reason="damaged")
        asked = app.stock.request_replenishment(manager, str(uuid.uuid4()), "G101", 20, "节前")
        app.day.close(manager)
        written = outbox(app)
        # Then every payload is exactly the shape its kind declares
        kinds = {kind for kind, _ in written}
        assert kinds >= {"day_open", "redemption", "void", "earn", "stock_receive"}
        assert kinds >= {"stock_adjust", "day_close", "replenishment", "journey"}
        assert [p for kind, payload in written for p in wire.shape_problems(kind, payload)] == []
        keyed = [p for kind, p in written if kind == "redemption" and "voucher_no" in p]
        assert [(p["voucher_no"], p["keyed_in_by"]) for p in keyed] == [(make_voucher_no(5), "M01")]
        assert [len(p.get("coupons", [])) for k, p in written if k == "redemption"] == [0, 0, 2, 0]
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
        # and it holds the coupon codes the till issued, with the redemption that issued them
        issued = server.rows("SELECT code, redemption_id, gift_id, valid_until FROM coupons")
        assert sorted(tuple(r) for r in issued) == sorted(
            (c.code, third.redemption_id, "C300", c.valid_until.isoformat()) for c in third.coupons
        )
        # and its balance for the member is the till's (journey, redemptions, coupons, void,
        # voucher, earn)
        ho_balance = server.one("SELECT balance FROM members WHERE member_id = ?", (MEMBER,))
        till_balance = app.db.scalar("SELECT balance FROM members WHERE member_id = ?", (MEMBER,))
        assert ho_balance == till_balance
        assert app.sync.status().waiting == 0
        # and head office lists the replenishment request as the till wrote it
        [req] = office.admin.replenishments(open_only=True)
        assert (req["request_id"], req["store_id"], req["gift_id"], req["quantity"]) == (
            asked.request_id,
            "SH001",
            "G101",
            20,
        )
        assert (req["stock"], req["threshold"], req["note"]) == (
            asked.stock,
            asked.threshold,
            "节前",
        )
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


def test_risk_rules_come_from_head_office_and_the_verification_goes_back(
    office: HeadOffice, server: HeadOfficeProcess, tmp_path: Path
) -> None:
    # Given head office's risk rules: a second redemption within the hour needs a manager
    add_member(office, MEMBER, 5000)
    rules = {
        "velocity": [{"scope": "member", "window_minutes": 60, "max": 1, "action": "verify"}],
        "self_redemption": "refuse",
        "second_verification": {"points_over": 5000, "cash_fen_over": 50000},
    }
    office.admin.set_setting("risk_rules", rules)
    secret = office.admin.create_store("SH001", "Store SH001")
    office.admin.deliver("SH001", "G101", 5)
    app = new_store(tmp_path / "sh.db", "SH001", server.url, secret)
    try:
        # When the store syncs, it holds the rules as head office set them
        app.sync.sync_once()
        assert app.ctx.setting("risk_rules") == rules
        cashier, manager = staff(app, "C01"), staff(app, "M01")
        first = app.till.redeem(cashier, str(uuid.uuid4()), MEMBER, (LineRequest("G101"),))
        assert isinstance(first, Receipt)
        request = str(uuid.uuid4())
        refused = app.till.redeem(cashier, request, MEMBER, (LineRequest("G101"),))
        assert not isinstance(refused, Receipt)
        second = app.till.redeem(
            cashier, request, MEMBER, (LineRequest("G101"),), verified_by=manager
        )
        assert isinstance(second, Receipt)
        written = [p for kind, p in outbox(app) if kind == "redemption"]
        assert [p.get("risk") for p in written] == [None, ["velocity:member/60min"]]
        assert [p.get("verified_by") for p in written] == [None, "M01"]
        assert [p for p in written for p in wire.shape_problems("redemption", p)] == []
        # Then head office applies both and keeps the rule and the verifier with the event
        report = app.sync.sync_once()
        assert report.parked == 0 and report.conflicts == 0
        rows = server.rows(
            "SELECT payload, outcome FROM store_events WHERE store_id = 'SH001' "
            "AND kind = 'redemption' ORDER BY seq"
        )
        assert [r["outcome"] for r in rows] == [wire.Outcome.APPLIED.value] * 2
        kept = json.loads(rows[1]["payload"])
        assert (kept["risk"], kept["verified_by"]) == (["velocity:member/60min"], "M01")
    finally:
        app.close()
