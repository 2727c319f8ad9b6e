"""The redemption decision: every refusal reason, and the exact content of an approval."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from desktop.core.catalogue import Gift, GiftId, Price
from desktop.core.lots import LotId, LotTake, PointLot, PointsAccount
from desktop.core.members import Member, MemberId, MemberStatus, Tier
from desktop.core.offline import CodeKind, OfflineCheck, OfflineLimits, OfflineUsage
from desktop.core.redemption import (
    Approval,
    BasketLine,
    OfflineContext,
    Refusal,
    RefusalReason,
    decide,
)

pytestmark = pytest.mark.unit

NOW = datetime(2025, 6, 1, 10, 30)


def member(tier: Tier = Tier.GOLD, status: MemberStatus = MemberStatus.ACTIVE) -> Member:
    return Member(MemberId("M001"), "张伟", tier, status)


def gift(
    gid: str = "G-TEA",
    *prices: Price,
    min_tier: Tier = Tier.REGULAR,
    active_from: datetime | None = None,
    active_until: datetime | None = None,
) -> Gift:
    return Gift(
        GiftId(gid),
        "茶具",
        "Tea set",
        "home",
        prices or (Price(1000),),
        min_tier,
        active_from,
        active_until,
    )


def lot(lot_id: str, points: int, earned: date, expires: date) -> PointLot:
    return PointLot(LotId(lot_id), earned, expires, points, points)


def account(points: int = 5000) -> PointsAccount:
    return PointsAccount((lot("L1", points, date(2025, 1, 10), date(2026, 12, 31)),))


def line(g: Gift | None = None, quantity: int = 1, stock: int = 10, option: int = 0) -> BasketLine:
    return BasketLine(g or gift(), quantity, stock, option)


def offline(
    *,
    override: bool = False,
    kind: CodeKind = CodeKind.ROTATING_PHONE,
    member_today: int = 0,
    limits: OfflineLimits | None = None,
) -> OfflineContext:
    usage = OfflineUsage(
        member_points_today=member_today,
        member_already_served=False,
        members_served=3,
        store_points=1000,
        last_sync=datetime(2025, 6, 1, 8, 0),
    )
    return OfflineContext(limits or OfflineLimits(), usage, kind, override)


def refused(decision: object, reason: RefusalReason) -> Refusal:
    assert isinstance(decision, Refusal), decision
    assert decision.reason is reason
    return decision


# --- refusals -------------------------------------------------------------------------------------


def test_empty_basket() -> None:
    r = refused(decide(member(), account(), (), NOW), RefusalReason.EMPTY_BASKET)
    assert r.explain() == "the basket is empty: pick at least one gift"


@pytest.mark.parametrize("quantity", [0, -1])
def test_invalid_quantity(quantity: int) -> None:
    r = refused(
        decide(member(), account(), (line(quantity=quantity),), NOW),
        RefusalReason.INVALID_QUANTITY,
    )
    assert r.gift_id == "G-TEA"
    assert r.explain() == "gift G-TEA: quantity must be a whole number greater than zero"


@pytest.mark.parametrize("status", [MemberStatus.BLOCKED, MemberStatus.CLOSED])
def test_blocked_or_closed_member(status: MemberStatus) -> None:
    r = refused(
        decide(member(status=status), account(), (line(),), NOW), RefusalReason.MEMBER_BLOCKED
    )
    assert "blocked or closed" in r.explain()


def test_member_blocked_is_heard_before_anything_about_the_basket() -> None:
    bad_line = line(quantity=0, stock=0)
    refused(
        decide(member(status=MemberStatus.BLOCKED), PointsAccount(), (bad_line,), NOW),
        RefusalReason.MEMBER_BLOCKED,
    )


@pytest.mark.parametrize(
    ("active_from", "active_until"),
    [
        (datetime(2025, 6, 1, 10, 31), None),  # not started yet
        (None, datetime(2025, 6, 1, 10, 30)),  # ended (the end is exclusive)
        (datetime(2025, 1, 1), datetime(2025, 5, 1)),
    ],
)
def test_gift_not_active(active_from: datetime | None, active_until: datetime | None) -> None:
    g = gift("G-MOON", active_from=active_from, active_until=active_until)
    r = refused(decide(member(), account(), (line(g),), NOW), RefusalReason.GIFT_NOT_ACTIVE)
    assert r.gift_id == "G-MOON"
    assert r.explain() == "gift G-MOON is not available today (outside its active window)"


def test_gift_active_from_its_first_instant() -> None:
    g = gift("G-MOON", active_from=NOW, active_until=datetime(2025, 6, 1, 10, 31))
    assert isinstance(decide(member(), account(), (line(g),), NOW), Approval)


def test_platinum_gift_is_refused_to_a_gold_member() -> None:
    g = gift("G-PLAT", min_tier=Tier.PLATINUM)
    r = refused(
        decide(member(Tier.GOLD), account(), (line(g),), NOW), RefusalReason.TIER_NOT_ALLOWED
    )
    assert r.required_tier is Tier.PLATINUM
    assert r.gift_id == "G-PLAT"
    assert r.explain() == "gift G-PLAT is for platinum members and above"


def test_gold_gift_is_open_to_a_platinum_member() -> None:
    g = gift("G-GOLD", min_tier=Tier.GOLD)
    assert isinstance(decide(member(Tier.PLATINUM), account(), (line(g),), NOW), Approval)
    assert isinstance(decide(member(Tier.GOLD), account(), (line(g),), NOW), Approval)
    refused(decide(member(Tier.SILVER), account(), (line(g),), NOW), RefusalReason.TIER_NOT_ALLOWED)


def test_out_of_stock() -> None:
    r = refused(
        decide(member(), account(), (line(quantity=3, stock=2),), NOW),
        RefusalReason.OUT_OF_STOCK,
    )
    assert (r.gift_id, r.needed, r.available) == ("G-TEA", 3, 2)
    assert r.explain() == "gift G-TEA is out of stock: 2 left, 3 wanted"


def test_zero_stock_refuses_a_single_unit() -> None:
    refused(decide(member(), account(), (line(stock=0),), NOW), RefusalReason.OUT_OF_STOCK)


def test_the_same_gift_on_two_lines_is_counted_together_against_stock() -> None:
    g = gift("G-TEA", Price(100), Price(50, 500))
    lines = (line(g, quantity=2, stock=3), line(g, quantity=2, stock=3, option=1))
    r = refused(decide(member(), account(), lines, NOW), RefusalReason.OUT_OF_STOCK)
    assert (r.gift_id, r.needed, r.available) == ("G-TEA", 4, 3)
    # Exactly the stock is fine.
    ok = (line(g, quantity=2, stock=4), line(g, quantity=2, stock=4, option=1))
    assert isinstance(decide(member(), account(), ok, NOW), Approval)


def test_stock_of_different_gifts_is_counted_separately() -> None:
    lines = (line(gift("A"), quantity=2, stock=2), line(gift("B"), quantity=2, stock=2))
    assert isinstance(decide(member(), account(), lines, NOW), Approval)


def test_insufficient_points() -> None:
    lines = (line(quantity=2),)  # 2000 points
    r = refused(decide(member(), account(1999), lines, NOW), RefusalReason.INSUFFICIENT_POINTS)
    assert (r.needed, r.available) == (2000, 1999)
    assert r.explain() == "insufficient points: 1999 available, 2000 needed"
    assert isinstance(decide(member(), account(2000), lines, NOW), Approval)


def test_expired_lots_do_not_count_as_available_points() -> None:
    acct = PointsAccount(
        (
            lot("old", 5000, date(2023, 1, 1), date(2024, 12, 31)),  # not yet written off
            lot("new", 500, date(2025, 1, 1), date(2026, 12, 31)),
        )
    )
    r = refused(decide(member(), acct, (line(),), NOW), RefusalReason.INSUFFICIENT_POINTS)
    assert (r.needed, r.available) == (1000, 500)


def test_debt_reduces_available_points() -> None:
    acct = PointsAccount((lot("L1", 1500, date(2025, 1, 1), date(2026, 12, 31)),), debt=600)
    r = refused(decide(member(), acct, (line(),), NOW), RefusalReason.INSUFFICIENT_POINTS)
    assert (r.needed, r.available) == (1000, 900)


def test_offline_limit_exceeded_without_override() -> None:
    # 2 × 1000 points with a static card; the static per-member-day cap is 2000 and the
    # member already redeemed 500 today.
    ctx = offline(kind=CodeKind.STATIC_CARD, member_today=500)
    r = refused(
        decide(member(), account(), (line(quantity=2),), NOW, ctx),
        RefusalReason.OFFLINE_LIMIT_EXCEEDED,
    )
    assert r.offline_check is OfflineCheck.PER_MEMBER_DAY
    assert r.explain() == (
        "head office is unreachable and this redemption exceeds the offline limit "
        "(per_member_day): a manager override is needed"
    )


def test_offline_limit_exceeded_with_override_is_approved_and_says_so() -> None:
    ctx = offline(kind=CodeKind.STATIC_CARD, member_today=500, override=True)
    a = decide(member(), account(), (line(quantity=2),), NOW, ctx)
    assert isinstance(a, Approval)
    assert a.offline_override_used is True
    assert a.points == 2000


def test_typed_number_offline_needs_an_override() -> None:
    r = refused(
        decide(member(), account(), (line(),), NOW, offline(kind=CodeKind.TYPED_NUMBER)),
        RefusalReason.OFFLINE_LIMIT_EXCEEDED,
    )
    assert r.offline_check is OfflineCheck.TYPED_NUMBER_OFFLINE


def test_offline_within_limits_is_approved_without_using_the_override() -> None:
    for override in (False, True):
        a = decide(member(), account(), (line(),), NOW, offline(override=override))
        assert isinstance(a, Approval)
        assert a.offline_override_used is False


def test_online_ignores_offline_limits() -> None:
    a = decide(member(), account(50_000), (line(quantity=9),), NOW, None)
    assert isinstance(a, Approval)
    assert a.offline_override_used is False


def test_insufficient_points_is_heard_before_offline_limits() -> None:
    ctx = offline(kind=CodeKind.TYPED_NUMBER)
    refused(decide(member(), account(10), (line(),), NOW, ctx), RefusalReason.INSUFFICIENT_POINTS)


def test_checks_run_from_basic_to_situational() -> None:
    # A line that is inactive, tier-restricted and out of stock: "not active" is heard first.
    g = gift("G", min_tier=Tier.PLATINUM, active_until=datetime(2025, 1, 1))
    refused(
        decide(member(Tier.REGULAR), PointsAccount(), (line(g, stock=0),), NOW),
        RefusalReason.GIFT_NOT_ACTIVE,
    )
    g = gift("G", min_tier=Tier.PLATINUM)
    refused(
        decide(member(Tier.REGULAR), PointsAccount(), (line(g, stock=0),), NOW),
        RefusalReason.TIER_NOT_ALLOWED,
    )
    refused(
        decide(member(Tier.REGULAR), PointsAccount(), (line(gift("G"), stock=0),), NOW),
        RefusalReason.OUT_OF_STOCK,
    )


# --- approvals ------------------------------------------------------------------------------------


def test_approval_consumes_the_earliest_expiring_lots_and_totals_points_and_cash() -> None:
    acct = PointsAccount(
        (
            lot("L-2025", 500, date(2024, 1, 5), date(2026, 12, 31)),  # kept two years
            lot("L-2024", 300, date(2024, 8, 1), date(2025, 12, 31)),
            lot("L-2025b", 2000, date(2025, 5, 1), date(2026, 12, 31)),
        )
    )
    tea = gift("G-TEA", Price(1000), Price(600, 3000))  # 1000 points, or 600 points + ¥30
    pen = gift("G-PEN", Price(150))
    lines = (line(tea, quantity=2, option=1), line(pen, quantity=1))
    a = decide(member(), acct, lines, NOW)
    assert isinstance(a, Approval)
    assert a.lines == lines
    assert a.points == 2 * 600 + 150 == 1350
    assert a.cash_fen == 2 * 3000 == 6000
    assert a.balance_before == 2800
    assert a.balance_after == 1450
    assert a.spend.takes == (
        LotTake(LotId("L-2024"), 300),
        LotTake(LotId("L-2025"), 500),
        LotTake(LotId("L-2025b"), 550),
    )
    assert a.spend.overdraft == 0
    assert a.spend.account.balance == a.balance_after
    assert {lot.lot_id: lot.remaining for lot in a.spend.account.lots} == {
        "L-2025": 0,
        "L-2024": 0,
        "L-2025b": 1450,
    }
    assert a.offline_override_used is False


def test_default_price_option_is_the_first() -> None:
    tea = gift("G-TEA", Price(1000), Price(600, 3000))
    a = decide(member(), account(), (line(tea, quantity=3),), NOW)
    assert isinstance(a, Approval)
    assert (a.points, a.cash_fen) == (3000, 0)


def test_a_cash_only_price_spends_no_points() -> None:
    g = gift("G-CASH", Price(0, 990))
    a = decide(member(), PointsAccount(), (line(g),), NOW)
    assert isinstance(a, Approval)
    assert (a.points, a.cash_fen, a.spend.takes) == (0, 990, ())
    assert a.balance_after == a.balance_before == 0


def test_decide_leaves_the_account_unchanged() -> None:
    acct = account(5000)
    a = decide(member(), acct, (line(),), NOW)
    assert isinstance(a, Approval)
    assert acct.balance == 5000
    assert a.spend.account.balance == 4000


def test_every_refusal_reason_explains_itself_in_english() -> None:
    samples = {
        RefusalReason.EMPTY_BASKET: Refusal(RefusalReason.EMPTY_BASKET),
        RefusalReason.INVALID_QUANTITY: Refusal(RefusalReason.INVALID_QUANTITY, GiftId("G1")),
        RefusalReason.MEMBER_BLOCKED: Refusal(RefusalReason.MEMBER_BLOCKED),
        RefusalReason.GIFT_NOT_ACTIVE: Refusal(RefusalReason.GIFT_NOT_ACTIVE, GiftId("G1")),
        RefusalReason.TIER_NOT_ALLOWED: Refusal(
            RefusalReason.TIER_NOT_ALLOWED, GiftId("G1"), required_tier=Tier.SILVER
        ),
        RefusalReason.OUT_OF_STOCK: Refusal(
            RefusalReason.OUT_OF_STOCK, GiftId("G1"), needed=5, available=1
        ),
        RefusalReason.INSUFFICIENT_POINTS: Refusal(
            RefusalReason.INSUFFICIENT_POINTS, needed=900, available=899
        ),
        RefusalReason.OFFLINE_LIMIT_EXCEEDED: Refusal(
            RefusalReason.OFFLINE_LIMIT_EXCEEDED, offline_check=OfflineCheck.STORE_EXPOSURE
        ),
        RefusalReason.ABOVE_LIMIT: Refusal(
            RefusalReason.ABOVE_LIMIT, needed=1200, available=1000, limit="redemption_points"
        ),
        RefusalReason.VERIFICATION_NEEDED: Refusal(
            RefusalReason.VERIFICATION_NEEDED, rules=("points_over/5000",)
        ),
        RefusalReason.RISK_REFUSED: Refusal(
            RefusalReason.RISK_REFUSED, rules=("velocity:member/60min",)
        ),
    }
    assert set(samples) == set(RefusalReason)
    texts = {reason: r.explain() for reason, r in samples.items()}
    for text in texts.values():
        assert text.isascii()
        assert "?" not in text
        assert "None" not in text
    assert len(set(texts.values())) == len(texts)
    assert "silver" in texts[RefusalReason.TIER_NOT_ALLOWED]
    assert "1 left, 5 wanted" in texts[RefusalReason.OUT_OF_STOCK]
    assert "store_exposure" in texts[RefusalReason.OFFLINE_LIMIT_EXCEEDED]
    assert "gift G1" in texts[RefusalReason.INVALID_QUANTITY]
