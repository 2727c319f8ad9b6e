"""Paper fallback vouchers keyed in by a manager, on real store databases: each becomes a
normal redemption marked keyed-in, in one transaction; every check refuses with nothing
changed; a member who overdrew meanwhile is recorded as debt only when confirmed."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from desktop.core.cardnumber import make_card_number
from desktop.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from desktop.core.vouchers import make_voucher_no
from desktop.services.app import StoreServices
from desktop.services.till import LineRequest
from desktop.services.vouchers import OverdraftNotConfirmed, VoucherEntry
from desktop.store.staff import Staff

from ._helpers import T0, Clock, balance, ledger_sum, one, rows, snapshot, stock

pytestmark = pytest.mark.store

MEMBER = "M00000001"  # regular, 2069 points in three lots
POOR = "M00000042"  # regular, 126 points
PV1, PV2 = make_voucher_no(1), make_voucher_no(2)


def entry(
    voucher: str = PV1,
    member: str = MEMBER,
    lines: tuple[tuple[str, int], ...] = (("G101", 2),),
    hours_ago: float = 3,
    written_by: str = "C01",
) -> VoucherEntry:
    return VoucherEntry(voucher, member, lines, T0 - timedelta(hours=hours_ago), written_by)


def events(db_path: Path) -> list[tuple[str, dict[str, object]]]:
    return [
        (r[0], json.loads(r[1]))
        for r in rows(db_path, "SELECT kind, payload FROM outbox ORDER BY seq")
    ]


def test_a_keyed_in_voucher_is_a_redemption_marked_keyed_in(
    app: StoreServices, manager: Staff, db_path: Path
) -> None:
    bal, g101 = balance(db_path, MEMBER), stock(db_path, "G101")
    done = app.vouchers.key_in(manager, "req-1", entry())
    # a receipt of today, at the standard price, the stock and points gone
    assert done.receipt.receipt_no.endswith("-20260615-00001")
    assert done.receipt.points == 200 and done.receipt.member_id == MEMBER
    assert balance(db_path, MEMBER) == bal - 200 == ledger_sum(db_path, MEMBER)
    assert stock(db_path, "G101") == g101 - 2
    assert one(db_path, "SELECT code_kind FROM redemptions") == "paper_voucher"
    assert one(db_path, "SELECT cashier_id FROM redemptions") == "C01"  # who wrote it
    # the voucher row says who wrote it, when, and who keyed it in
    v = done.voucher
    assert (v.voucher_no, v.written_by, v.keyed_in_by) == (PV1, "王小丽 (C01)", "李经理 (M01)")
    assert v.written_at == (T0 - timedelta(hours=3)).isoformat()
    assert v.overdraft == 0 and v.gifts == "G101 环保购物袋 ×2" and v.points == 200
    # the event is a redemption marked keyed-in
    kind, payload = events(db_path)[-1]
    assert kind == "redemption"
    assert payload["voucher_no"] == PV1 and payload["keyed_in_by"] == "M01"
    assert payload["written_at"] == v.written_at and payload["code_kind"] == "paper_voucher"
    assert app.vouchers.listed() == [v] == app.vouchers.listed(T0.date())
    assert app.setup.check() == []


def test_a_retried_key_in_applies_once(app: StoreServices, manager: Staff, db_path: Path) -> None:
    first = app.vouchers.key_in(manager, "req-1", entry())
    before = snapshot(db_path)
    again = app.vouchers.key_in(manager, "req-1", entry())
    assert again.replayed and again.receipt.receipt_no == first.receipt.receipt_no
    assert snapshot(db_path) == before


def test_a_duplicate_voucher_number_says_when_by_whom_and_which_receipt(
    app: StoreServices, manager: Staff, db_path: Path
) -> None:
    first = app.vouchers.key_in(manager, "req-1", entry())
    before = snapshot(db_path)
    with pytest.raises(Conflict, match=rf"{PV1} was already keyed in at 2026-06-15 10:00 by "
                       rf"李经理 \(M01\) as receipt {first.receipt.receipt_no}"):  # fmt: skip
        app.vouchers.key_in(manager, "req-2", entry(member=POOR, lines=(("G102", 1),)))
    assert snapshot(db_path) == before


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"voucher": "PV0000017"}, InvalidInput, "wrong check digit"),
        ({"voucher": "12345"}, InvalidInput, "not a paper voucher number"),
        ({"member": "M09999999"}, NotFound, "unknown member"),
        ({"member": make_card_number("88009999999")}, NotFound, "no member has card number"),
        ({"member": "8800000000012"}, InvalidInput, "wrong check digit"),
        ({"lines": (("G999", 1),)}, NotFound, "unknown gift"),
        ({"lines": ()}, InvalidInput, "at least one gift"),
        ({"lines": (("G101", 0),)}, InvalidInput, "greater than zero"),
        ({"hours_ago": -2}, InvalidInput, "in the future"),
        ({"hours_ago": 24 * 8}, InvalidInput, "more than 7 days ago"),
        ({"written_by": "C99"}, NotFound, "unknown staff member"),
        ({"lines": (("G105", 10),)}, NotAllowed, "count the shelf"),  # 9 on the shelf
    ],
)
def test_each_check_refuses_with_a_clear_error_and_changes_nothing(
    app: StoreServices,
    manager: Staff,
    db_path: Path,
    changes: dict[str, object],
    error: type[Exception],
    message: str,
) -> None:
    before = snapshot(db_path)
    with pytest.raises(error, match=message):
        app.vouchers.key_in(manager, "req-1", entry(**changes))  # type: ignore[arg-type]
    assert snapshot(db_path) == before


def test_a_member_identified_by_card_number(app: StoreServices, manager: Staff) -> None:
    card = app.db.scalar("SELECT card_number FROM members WHERE member_id = ?", (MEMBER,))
    done = app.vouchers.key_in(manager, "req-1", entry(member=card))
    assert done.receipt.member_id == MEMBER


def test_only_a_manager_keys_vouchers_in_and_only_on_an_open_day(
    app: StoreServices, manager: Staff, cashier: Staff, clock: Clock, db_path: Path
) -> None:
    before = snapshot(db_path)
    with pytest.raises(NotAllowed, match="not a manager"):
        app.vouchers.key_in(cashier, "req-1", entry())
    app.day.close(manager)
    after_close = snapshot(db_path)
    with pytest.raises(NotAllowed, match="is closed"):
        app.vouchers.key_in(manager, "req-1", entry())
    clock.advance(days=1)  # the next day is not open yet
    with pytest.raises(NotAllowed, match="is not open"):
        app.vouchers.key_in(manager, "req-1", entry(hours_ago=-20))
    assert snapshot(db_path) == after_close != before


def test_a_member_who_overdrew_meanwhile_needs_confirmation_then_owes_the_rest(
    app: StoreServices, manager: Staff, cashier: Staff, db_path: Path
) -> None:
    # Given a member with 126 points whose paper voucher took a 500-point flask, and who
    # has since spent 100 points at the till
    app.till.redeem(cashier, "till-1", POOR, (LineRequest("G101"),))
    assert balance(db_path, POOR) == 26
    voucher = entry(member=POOR, lines=(("G501", 1),))
    before = snapshot(db_path)
    # When the manager keys it in without confirming: refused, nothing changed
    with pytest.raises(OverdraftNotConfirmed, match="26 points available") as refused:
        app.vouchers.key_in(manager, "req-1", voucher)
    assert refused.value.shortfall == 474
    assert snapshot(db_path) == before
    # When the manager confirms: recorded, the shortfall is the member's debt
    done = app.vouchers.key_in(manager, "req-1", voucher, accept_overdraft=True)
    assert done.voucher.overdraft == 474 and done.receipt.balance_after == -474
    assert balance(db_path, POOR) == -474 == ledger_sum(db_path, POOR)
    assert one(db_path, "SELECT debt FROM members WHERE member_id = ?", (POOR,)) == 474
    assert app.setup.check() == []  # a negative balance explained by recorded debt
    # And the reconciliation lists it with the overdraft flag
    report = app.reports.daily()
    assert [(v.voucher_no, v.overdraft) for v in report.vouchers] == [(PV1, 474)]


@pytest.mark.parametrize(
    ("module", "attr"),
    [
        ("desktop.store.catalogue", "move_stock"),
        ("desktop.store.members", "apply_account"),
        ("desktop.store.vouchers", "insert"),
        ("desktop.store.requests", "record"),
        ("desktop.store.outbox", "append"),
    ],
)
def test_a_failure_midway_leaves_nothing_and_the_retry_runs_afresh(
    app: StoreServices,
    manager: Staff,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    module: str,
    attr: str,
) -> None:
    import importlib

    target = importlib.import_module(module)
    original = getattr(target, attr)

    def fail(*args: object, **kwargs: object) -> None:
        original(*args, **kwargs)
        raise RuntimeError("disk on fire")

    before = snapshot(db_path)
    monkeypatch.setattr(target, attr, fail)
    with pytest.raises(RuntimeError, match="disk on fire"):
        app.vouchers.key_in(manager, "req-1", entry())
    assert snapshot(db_path) == before
    monkeypatch.setattr(target, attr, original)
    done = app.vouchers.key_in(manager, "req-1", entry())
    assert not done.replayed and app.vouchers.listed() == [done.voucher]


def test_a_coupon_is_not_keyed_in_from_paper(
    app: StoreServices, manager: Staff, db_path: Path
) -> None:
    # Given a coupon gift on the shelf (its code is printed by the till, not on paper)
    from desktop.core.catalogue import CouponTerms, Gift, GiftId, GiftKind, Price
    from desktop.store import catalogue

    coupon = Gift(
        GiftId("C300"), "满300减80券", "¥80 off ¥300", "coupon", (Price(800),),
        kind=GiftKind.COUPON, coupon=CouponTerms(30000, 8000, 7),
    )  # fmt: skip
    with app.db.write() as conn:
        catalogue.upsert_gift(conn, coupon)
        catalogue.move_stock(conn, "C300", 5, "receive", "d-1", T0.isoformat(), "M01")
    before = snapshot(db_path)
    # When a voucher naming it is keyed in, Then it is refused and nothing changes
    with pytest.raises(NotAllowed, match="its code is printed by the till"):
        app.vouchers.key_in(manager, "req-1", entry(lines=(("G101", 1), ("C300", 1))))
    assert snapshot(db_path) == before
