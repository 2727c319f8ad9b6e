"""Bound-breaking values through every store operation that takes a number: each is
refused with a message naming the limit, and the database is unchanged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from desktop.core.catalogue import Gift, GiftId, Price
from desktop.core.errors import InvalidInput
from desktop.core.limits import CEILING, Bounds
from desktop.core.members import Member, MemberId, Tier
from desktop.core.redemption import Refusal, RefusalReason
from desktop.services.app import StoreServices
from desktop.services.setup import OpeningLot
from desktop.services.sync_apply import apply_page
from desktop.services.till import LineRequest
from desktop.store import settings
from desktop.store.staff import Staff
from desktop.sync.protocol import ChangesPage
from tests.reliability import record

from ._helpers import snapshot

pytestmark = [pytest.mark.store, pytest.mark.reliability]

RICH = "M00000044"  # platinum, 16740 points
D = Bounds()
# just over a bound, the 32- and 64-bit edges, and far beyond anything
HUGE = (2**31, 2**63 - 1, 2**63, 10**30, 10**400)


def over(bound: int) -> tuple[int, ...]:
    return (bound + 1, 2 * bound, *HUGE)


def refuses(app: StoreServices, db_path: Path, attempt: Callable[[], object]) -> bool:
    """True when `attempt` was refused (a LanternError or a Refusal) and changed nothing."""
    before = snapshot(db_path)
    try:
        result = attempt()
    except InvalidInput as e:
        assert str(e), "a refusal says why"
        refused = True
    else:
        refused = isinstance(result, Refusal)
    assert snapshot(db_path) == before
    return refused


def test_bound_breaking_values_are_refused_everywhere_and_change_nothing(
    app: StoreServices, db_path: Path, cashier: Staff, manager: Staff
) -> None:
    till, stock, setup = app.till, app.stock, app.setup
    cases: dict[str, list[Callable[[], object]]] = {
        "earn: purchase amount (fen)": [
            (lambda v=v: till.earn(cashier, f"e{v}", RICH, v)) for v in over(D.earn_amount_fen)
        ],
        "redeem: quantity of one line": [
            (lambda v=v: till.redeem(cashier, f"r{v}", RICH, (LineRequest("G101", v),)))
            for v in over(D.line_quantity)
        ],
        "redeem: lines in one basket": [
            lambda: till.redeem(
                cashier,
                "lines",
                RICH,
                tuple(LineRequest("G101") for _ in range(D.basket_lines + 1)),
            )
        ],
        "stock: quantity received": [
            (lambda v=v: stock.receive(manager, f"s{v}", "G101", v)) for v in over(D.stock_quantity)
        ],
        "stock: counted on the shelf": [
            (lambda v=v: stock.adjust(manager, f"c{v}", "G101", counted=v, reason="count"))
            for v in over(D.stock_quantity)
        ],
        "stock: change by delta": [
            (lambda v=v, s=s: stock.adjust(manager, f"d{s}{v}", "G101", delta=s * v, reason="c"))
            for v in over(D.stock_quantity)
            for s in (1, -1)
        ],
        "member: opening points": [
            (
                lambda v=v: setup.add_member(
                    Member(MemberId(f"M{90000000 + v % 9999999:08d}"), "新会员", Tier.REGULAR),
                    (OpeningLot(v, date(2026, 6, 1), date(2027, 12, 31)),),
                )
            )
            for v in over(D.opening_points)
        ],
        "gift: price in points": [
            (lambda v=v: setup.upsert_gift(Gift(GiftId("G999"), "金条", "Gold", "x", (Price(v),))))
            for v in over(D.price_points)
        ],
        "gift: opening stock": [
            (
                lambda v=v: setup.upsert_gift(
                    Gift(GiftId("G998"), "杯", "Cup", "x", (Price(100),)), opening_stock=v
                )
            )
            for v in over(D.stock_quantity)
        ],
    }
    for case, attempts in cases.items():
        refused = sum(refuses(app, db_path, a) for a in attempts)
        assert refused == len(attempts), case
        record("Bound-breaking values", case, tried=len(attempts), accepted=len(attempts) - refused)


def test_a_redemption_over_the_points_bound_is_a_refusal_naming_it(
    app: StoreServices, cashier: Staff
) -> None:
    with app.db.write() as conn:
        settings.put(conn, "bounds", {"redemption_points": 500})
    r = app.till.redeem(cashier, "big", RICH, (LineRequest("G501", 2),))  # 2 × 500 points
    assert isinstance(r, Refusal)
    assert (r.reason, r.needed, r.available, r.limit) == (
        RefusalReason.ABOVE_LIMIT,
        1000,
        500,
        "redemption_points",
    )
    ok = app.till.redeem(cashier, "small", RICH, (LineRequest("G501", 1),))
    assert not isinstance(ok, Refusal)


def test_head_office_sets_the_bounds_and_the_store_keeps_only_valid_ones(
    app: StoreServices, cashier: Staff, tmp_path: Path
) -> None:
    page = ChangesPage(cursor=1, more=False, settings={"bounds": {"earn_amount_fen": 50_000}})
    with app.db.write() as conn:
        apply_page(conn, page, at="2026-06-15T10:00:00+08:00", designs_folder=tmp_path)
    assert app.ctx.bounds().earn_amount_fen == 50_000
    with pytest.raises(InvalidInput, match="earn_amount_fen"):
        app.till.earn(cashier, "e", RICH, 50_001)
    assert app.till.earn(cashier, "e2", RICH, 50_000).points > 0

    bad = ChangesPage(cursor=2, more=False, settings={"bounds": {"earn_amount_fen": CEILING * 2}})
    with app.db.write() as conn:
        result = apply_page(conn, bad, at="2026-06-15T10:00:00+08:00", designs_folder=tmp_path)
    assert any("bounds ignored" in p for p in result.problems)
    assert app.ctx.bounds().earn_amount_fen == 50_000  # the last good value stays
