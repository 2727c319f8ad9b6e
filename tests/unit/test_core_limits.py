"""Bounds on amounts, quantities and points: the absolute ceiling in the parsers, and the
programme's per-operation limits in the redemption decision."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.catalogue import Gift, GiftId, Price
from desktop.core.errors import InvalidInput
from desktop.core.limits import CEILING, BoundExceeded, Bounds, within_ceiling
from desktop.core.lots import LotId, PointLot, PointsAccount
from desktop.core.members import Member, MemberId, Tier
from desktop.core.money import parse_int, parse_points, parse_quantity, parse_yuan
from desktop.core.redemption import Approval, BasketLine, Refusal, RefusalReason, decide

pytestmark = pytest.mark.unit

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
MEMBER = Member(MemberId("M00000001"), "张伟", Tier.GOLD)
RICH = PointsAccount((PointLot(LotId("l1"), date(2026, 1, 1), date(2027, 12, 31), 10**9, 10**9),))


def gift(points: int, cash: int = 0) -> Gift:
    return Gift(GiftId("G1"), "保温杯", "Vacuum flask", "home", (Price(points, cash),))


def test_the_reported_earn_amount_is_refused_not_turned_into_points() -> None:
    # `lantern earn --amount 92233720368547758.07` earned 92,233,720,368,547,758 points
    with pytest.raises(InvalidInput, match="too large"):
        parse_yuan("92233720368547758.07")
    with pytest.raises(InvalidInput, match="beyond any amount"):
        parse_yuan("10000000000.01")  # 1,000,000,000,001 fen: one fen over the ceiling
    assert parse_yuan("10000000000.00") == CEILING
    # one more digit was an uncaught OverflowError
    with pytest.raises(InvalidInput, match="too large"):
        parse_yuan("922337203685477580.07")


@pytest.mark.parametrize(
    "text",
    ["1" + "0" * 12 + "1", "9" * 19, "9" * 5000, "-" + "9" * 30, "+0000" + "9" * 13],
)
def test_parse_int_refuses_anything_beyond_the_ceiling(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_int(text, "points")


def test_parse_int_accepts_the_ceiling_itself_and_leading_zeros() -> None:
    assert parse_int(str(CEILING), "points") == CEILING
    assert parse_int("000000000000000042", "points") == 42
    assert parse_points(CEILING) == CEILING
    with pytest.raises(BoundExceeded):
        parse_quantity(CEILING + 1)


@given(st.integers())
def test_within_ceiling_is_exactly_the_absolute_bound(n: int) -> None:
    if abs(n) <= CEILING:
        assert within_ceiling(n, "x") == n
    else:
        with pytest.raises(BoundExceeded):
            within_ceiling(n, "x")


def test_a_price_beyond_the_ceiling_cannot_exist() -> None:
    with pytest.raises(BoundExceeded):
        Price(CEILING + 1)
    with pytest.raises(BoundExceeded):
        Price(100, CEILING + 1)


def test_bounds_from_settings_ignore_unknown_names_and_refuse_wrong_values() -> None:
    b = Bounds.from_mapping({"earn_points": 1000, "from_a_newer_head_office": 5})
    assert b.earn_points == 1000
    assert b.redemption_points == Bounds().redemption_points
    assert Bounds.from_mapping(None) == Bounds()
    for bad in (0, -1, CEILING + 1, True, "1000", 1.5):
        with pytest.raises(InvalidInput, match="earn_points"):
            Bounds.from_mapping({"earn_points": bad})


def test_check_names_the_bound_in_its_message() -> None:
    with pytest.raises(BoundExceeded, match=r"earn_points.*head office"):
        Bounds(earn_points=10).check("earn_points", 11, "points for this purchase")
    assert Bounds(earn_points=10).check("earn_points", 10, "points") == 10


def refused(decision: Approval | Refusal) -> Refusal:
    assert isinstance(decision, Refusal), decision
    return decision


def test_a_redemption_above_the_points_bound_is_refused_with_the_bound() -> None:
    bounds = Bounds(redemption_points=5000)
    line = BasketLine(gift(2600), 2, stock=10)
    r = refused(decide(MEMBER, RICH, (line,), NOW, bounds=bounds))
    assert (r.reason, r.needed, r.available, r.limit) == (
        RefusalReason.ABOVE_LIMIT,
        5200,
        5000,
        "redemption_points",
    )
    assert "redemption_points" in r.explain()
    assert isinstance(
        decide(MEMBER, RICH, (replace(line, quantity=1),), NOW, bounds=bounds), Approval
    )


def test_quantity_lines_and_cash_have_their_own_bounds() -> None:
    bounds = Bounds(line_quantity=5, basket_lines=2, redemption_cash_fen=1000)
    many = BasketLine(gift(1), 6, stock=100)
    assert refused(decide(MEMBER, RICH, (many,), NOW, bounds=bounds)).limit == "line_quantity"
    lines = tuple(BasketLine(gift(1), 1, stock=100) for _ in range(3))
    assert refused(decide(MEMBER, RICH, lines, NOW, bounds=bounds)).limit == "basket_lines"
    cash = BasketLine(gift(10, 600), 2, stock=100)
    assert refused(decide(MEMBER, RICH, (cash,), NOW, bounds=bounds)).limit == (
        "redemption_cash_fen"
    )


@given(st.integers(min_value=1, max_value=10**30), st.integers(min_value=1, max_value=CEILING))
def test_no_basket_beyond_the_default_bounds_is_ever_approved(qty: int, points: int) -> None:
    line = BasketLine(gift(points), qty, stock=10**31)
    decision = decide(MEMBER, PointsAccount(), (line,), NOW)
    if isinstance(decision, Approval):
        assert decision.points <= Bounds().redemption_points
        assert qty <= Bounds().line_quantity
