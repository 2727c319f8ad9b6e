"""Stock intelligence on real store databases: the low-stock alert derived from the
redemption rate (head office's `stock_policy`), replenishment requests (event, record, a
retry sends once, no second request while one is pending, fulfilled by a head-office
delivery naming it), the turnover report and its slow movers, CSV and PDF read back."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.core.errors import Conflict, InvalidInput, NotAllowed
from desktop.services.app import StoreServices
from desktop.services.sync_apply import _apply_settings
from desktop.services.till import LineRequest, Receipt
from desktop.store.staff import Staff
from desktop.store.stock_stats import fulfil_request

from ._helpers import T0, Clock, rows, snapshot

pytestmark = pytest.mark.store

RICH = "M00000044"  # platinum, 16740 points
POLICY = {"safety_share_permille": 1000, "rate_window_days": 10, "projection_days": 30}


def set_policy(app: StoreServices, value: object) -> list[str]:
    problems: list[str] = []
    with app.db.write() as conn:
        _apply_settings(conn, {"stock_policy": value}, problems)
    return problems


def level(app: StoreServices, gift_id: str):  # type: ignore[no-untyped-def]
    return next(g for g in app.stock.levels() if g.gift.gift_id == gift_id)


def redeem(app: StoreServices, cashier: Staff, rid: str, gift_id: str, qty: int) -> Receipt:
    receipt = app.till.redeem(cashier, rid, RICH, (LineRequest(gift_id, qty),))
    assert isinstance(receipt, Receipt), receipt
    return receipt


def test_the_alert_follows_the_redemption_rate(
    app: StoreServices, cashier: Staff, manager: Staff, clock: Clock
) -> None:
    # no redemptions yet: the gift's own threshold (G101: 20, 120 on hand)
    g = level(app, "G101")
    assert (g.level.threshold, g.level.redeemed, g.low) == (20, 0, False)
    assert set_policy(app, POLICY) == []
    receipt = redeem(app, cashier, "r1", "G101", 10)
    # 10 in 10 days → 30 projected over 30 days; 100% of it is the alert
    g = level(app, "G101")
    assert (g.level.redeemed, g.level.projected, g.level.threshold) == (10, 30, 30)
    assert g.level.derived and not g.low
    app.stock.adjust(manager, "c1", "G101", counted=30, reason="count")
    g = level(app, "G101")
    assert g.low and g.level.suggested == 0
    assert "G101" in {x.gift.gift_id for x in app.stock.low_stock()}
    # the daily reconciliation's low-stock section uses the same alert
    daily = {s.gift_id: s for s in app.reports.daily().stock}
    assert daily["G101"].low
    # a voided redemption does not count
    app.till.void(cashier, manager, "v1", receipt.receipt_no, "customer changed mind")
    assert level(app, "G101").level.threshold == 20
    # redemptions older than the window do not count either
    redeem(app, cashier, "r2", "G101", 4)  # 4 in 10 days → 12 projected
    assert level(app, "G101").level.threshold == 20  # below the gift's own 20
    redeem(app, cashier, "r3", "G101", 4)
    assert level(app, "G101").level.threshold == 24
    clock.advance(days=10)
    assert level(app, "G101").level.threshold == 20


def test_a_bad_stock_policy_is_skipped_and_reported(app: StoreServices) -> None:
    set_policy(app, POLICY)
    for bad in (
        {"safety_share_permille": 0.2},
        {"rate_window_days": 0},
        {"safety_share_permille": "200"},
        {"slow_moving": 90},
        [200, 30],
        {"projection_days": True},
    ):
        problems = set_policy(app, bad)
        assert len(problems) == 1 and problems[0].startswith("stock_policy ignored"), bad
        assert app.stock.policy().rate_window_days == 10  # the last good policy stays


def test_a_replenishment_request_is_recorded_and_sent_once(
    app: StoreServices, cashier: Staff, manager: Staff, db_path: Path
) -> None:
    set_policy(app, POLICY)
    redeem(app, cashier, "r1", "G1004", 3)  # 3 in 10 days → 9 projected; 5 left
    g = level(app, "G1004")
    assert (g.stock, g.level.projected, g.level.threshold, g.level.suggested) == (5, 9, 9, 4)
    r = app.stock.request_replenishment(manager, "q1", "G1004", note="before the festival")
    assert (r.gift_id, r.quantity, r.stock, r.threshold, r.pending) == (
        "G1004",
        4,
        5,
        9,
        True,
    )
    events = rows(db_path, "SELECT kind, payload FROM outbox WHERE kind = 'replenishment'")
    assert len(events) == 1
    assert json.loads(events[0]["payload"]) == {
        "request_id": "q1",
        "gift_id": "G1004",
        "quantity": 4,
        "stock": 5,
        "threshold": 9,
        "staff_id": "M01",
        "note": "before the festival",
        "at": r.requested_at.isoformat(),
    }
    # a retry of the same request sends nothing more
    snap = snapshot(db_path)
    again = app.stock.request_replenishment(manager, "q1", "G1004", note="before the festival")
    assert again.replayed and again.request_id == "q1"
    assert snapshot(db_path) == snap
    # the same id for another request is refused
    with pytest.raises(Conflict):
        app.stock.request_replenishment(manager, "q1", "G1004", 9)
    # a second request while the first is pending is refused, unless asked again on purpose
    with pytest.raises(Conflict, match="already requested"):
        app.stock.request_replenishment(manager, "q2", "G1004", 6)
    assert snapshot(db_path) == snap
    g = level(app, "G1004")
    assert g.requested and g.request is not None and g.request.quantity == 4
    second = app.stock.request_replenishment(manager, "q2", "G1004", 6, again=True)
    assert second.quantity == 6
    # a head-office delivery naming the request marks it fulfilled
    with app.db.write() as conn:
        assert fulfil_request(conn, "q2", "D1", T0.isoformat())
        assert not fulfil_request(conn, "q2", "D2", T0.isoformat())
    g = level(app, "G1004")
    assert not g.requested and g.request is not None and g.request.delivery_id == "D1"
    assert app.setup.check() == []


def test_bad_replenishment_requests_change_nothing(
    app: StoreServices, cashier: Staff, manager: Staff, db_path: Path
) -> None:
    snap = snapshot(db_path)
    with pytest.raises(NotAllowed):
        app.stock.request_replenishment(cashier, "x1", "G101", 5)
    with pytest.raises(InvalidInput, match="no suggested quantity"):
        app.stock.request_replenishment(manager, "x2", "G101")  # nothing redeemed
    for qty in ("0", "-3", "2.5", "lots"):
        with pytest.raises(InvalidInput):
            app.stock.request_replenishment(manager, "x3", "G101", qty)
    with pytest.raises(InvalidInput, match="limit"):
        app.stock.request_replenishment(manager, "x4", "G101", 100_001)
    with pytest.raises(InvalidInput, match="at most 200"):
        app.stock.request_replenishment(manager, "x5", "G101", 5, note="x" * 201)
    with pytest.raises(Exception, match="unknown gift"):
        app.stock.request_replenishment(manager, "x6", "G999", 5)
    assert snapshot(db_path) == snap


def test_turnover_and_slow_movers(
    app: StoreServices, cashier: Staff, manager: Staff, clock: Clock, tmp_path: Path
) -> None:
    redeem(app, cashier, "r1", "G101", 20)  # 120 → 100
    app.stock.receive(manager, "d1", "G101", 10)
    app.stock.adjust(manager, "a1", "G101", delta=-2, reason="damaged")
    report = app.stock.turnover(90)
    t = {r.gift_id: r for r in report.rows}["G101"]
    assert (t.opening, t.received, t.redeemed, t.adjusted, t.closing) == (0, 130, 20, -2, 108)
    assert t.turnover_permille == (2000 * 20) // (0 + 108) == 370
    assert t.days_since_movement(report.last) == 0
    slow = {r.gift_id for r in report.slow_movers()}
    assert "G101" not in slow and "G105" in slow  # never redeemed, 9 on hand
    assert "G108" not in slow  # none on hand
    # 90 days on: G101 is a slow mover too
    clock.advance(days=90)
    later = app.stock.turnover(30)
    t = {r.gift_id: r for r in later.rows}["G101"]
    assert (t.opening, t.received, t.redeemed, t.closing) == (108, 0, 0, 108)
    assert t.turnover_permille == 0 and t.days_since_redemption(later.last) == 90
    assert "G101" in {r.gift_id for r in later.slow_movers()}
    with pytest.raises(InvalidInput):
        app.stock.turnover(0)

    # written out as CSV and PDF, read back
    messages: list[tuple[str, int, int]] = []
    written, pdf, csv_path = app.reports.write_turnover(
        90, tmp_path / "out", lambda s, d, n: messages.append((s, d, n))
    )
    assert messages[-1][1] == messages[-1][2]
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    by_gift = {r["礼品编号 gift_id"]: r for r in table}
    assert len(table) == len(written.rows)
    assert by_gift["G101"]["期末 closing"] == "108"
    assert by_gift["G101"]["滞销 slow_mover"] == "1"
    assert by_gift["G101"]["未兑换天数 days_since_redemption"] == "90"
    text = "".join(p.extract_text() for p in PdfReader(str(pdf)).pages)
    assert "库存周转报表" in text and "Slow movers" in text
    assert "环保购物袋" in text and "G101" in text
    assert written.last == (T0 + timedelta(days=90)).date()
