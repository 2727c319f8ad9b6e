"""Point lots, expiry and the points account: examples."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from desktop.core.errors import InvalidInput
from desktop.core.lots import ExpiryPolicy, LotId, LotTake, PointLot, PointsAccount

pytestmark = pytest.mark.unit

POLICY = ExpiryPolicy()


def lot(
    lot_id: str, points: int, earned: date, expires: date, remaining: int | None = None
) -> PointLot:
    return PointLot(
        LotId(lot_id), earned, expires, points, points if remaining is None else remaining
    )


def remaining(account: PointsAccount) -> dict[str, int]:
    return {lot.lot_id: lot.remaining for lot in account.lots}


# --- ExpiryPolicy ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "earned", [date(2025, 1, 1), date(2025, 2, 28), date(2025, 6, 15), date(2025, 12, 31)]
)
def test_points_earned_any_day_of_2025_expire_at_the_end_of_2026(earned: date) -> None:
    assert ExpiryPolicy(years_kept=1).expires_on(earned) == date(2026, 12, 31)
    assert ExpiryPolicy().expires_on(earned) == date(2026, 12, 31)


def test_leap_day_earnings_expire_at_the_end_of_the_next_year() -> None:
    assert ExpiryPolicy().expires_on(date(2024, 2, 29)) == date(2025, 12, 31)


@pytest.mark.parametrize(("years", "expires"), [(0, 2025), (1, 2026), (2, 2027), (5, 2030)])
def test_expiry_is_configurable(years: int, expires: int) -> None:
    assert ExpiryPolicy(years_kept=years).expires_on(date(2025, 3, 8)) == date(expires, 12, 31)


def test_negative_years_kept_is_refused() -> None:
    with pytest.raises(InvalidInput):
        ExpiryPolicy(years_kept=-1)


def test_earn_makes_a_lot_with_the_policy_expiry() -> None:
    e = PointsAccount().earn(LotId("L1"), 300, date(2025, 4, 1), ExpiryPolicy(years_kept=2))
    assert e.debt_paid == 0
    assert e.lot == PointLot(LotId("L1"), date(2025, 4, 1), date(2027, 12, 31), 300, 300)
    assert e.account.lots == (e.lot,)
    assert e.account.balance == 300


@pytest.mark.parametrize("points", [0, -5])
def test_earn_refuses_zero_or_negative(points: int) -> None:
    with pytest.raises(InvalidInput):
        PointsAccount().earn(LotId("L"), points, date(2025, 1, 1), POLICY)


# --- spending ---------------------------------------------------------------------------


def test_spend_consumes_earliest_expiry_first_whatever_the_order_of_lots() -> None:
    acct = PointsAccount(
        (
            # earned first, but under a two-year policy: it expires last
            lot("late", 500, date(2024, 1, 15), date(2026, 12, 31)),
            lot("early", 300, date(2024, 5, 1), date(2025, 12, 31)),
            lot("middle", 200, date(2025, 1, 1), date(2026, 6, 30)),
        )
    )
    s = acct.spend(450, date(2025, 6, 1))
    assert s.takes == (LotTake(LotId("early"), 300), LotTake(LotId("middle"), 150))
    assert s.overdraft == 0
    assert remaining(s.account) == {"late": 500, "early": 0, "middle": 50}
    assert s.account.balance == 550
    # The original account is an immutable value and did not change.
    assert acct.balance == 1000


def test_spend_with_equal_expiry_takes_the_oldest_earned_first() -> None:
    acct = PointsAccount(
        (
            lot("newer", 100, date(2025, 9, 1), date(2026, 12, 31)),
            lot("older", 100, date(2025, 2, 1), date(2026, 12, 31)),
        )
    )
    s = acct.spend(120, date(2025, 10, 1))
    assert s.takes == (LotTake(LotId("older"), 100), LotTake(LotId("newer"), 20))


def test_spend_skips_expired_lots_even_before_an_expiry_run() -> None:
    acct = PointsAccount(
        (
            lot("expired", 400, date(2023, 1, 1), date(2024, 12, 31)),
            lot("live", 300, date(2025, 1, 1), date(2026, 12, 31)),
        )
    )
    today = date(2025, 1, 2)
    assert acct.balance == 700  # not yet written off
    assert acct.available(today) == 300
    s = acct.spend(300, today)
    assert s.takes == (LotTake(LotId("live"), 300),)
    assert remaining(s.account)["expired"] == 400
    with pytest.raises(InvalidInput, match="insufficient points: 0 available, 1 needed"):
        s.account.spend(1, today)


def test_a_lot_is_still_spendable_on_its_last_day() -> None:
    acct = PointsAccount((lot("a", 100, date(2024, 1, 1), date(2025, 12, 31)),))
    assert acct.available(date(2025, 12, 31)) == 100
    assert acct.available(date(2026, 1, 1)) == 0
    assert acct.spend(100, date(2025, 12, 31)).takes == (LotTake(LotId("a"), 100),)


def test_spend_refuses_insufficient_points_without_overdraft() -> None:
    acct = PointsAccount((lot("a", 100, date(2025, 1, 1), date(2026, 12, 31)),))
    with pytest.raises(InvalidInput, match="100 available, 101 needed"):
        acct.spend(101, date(2025, 2, 1))


@pytest.mark.parametrize("points", [0, -1])
def test_spend_refuses_zero_or_negative(points: int) -> None:
    acct = PointsAccount((lot("a", 100, date(2025, 1, 1), date(2026, 12, 31)),))
    with pytest.raises(InvalidInput):
        acct.spend(points, date(2025, 2, 1))


def test_overdraft_takes_every_live_point_and_records_the_rest_as_debt() -> None:
    acct = PointsAccount(
        (
            lot("a", 100, date(2025, 1, 1), date(2026, 12, 31)),
            lot("x", 50, date(2023, 1, 1), date(2024, 12, 31)),  # expired, not written off
        )
    )
    s = acct.spend(180, date(2025, 2, 1), allow_overdraft=True)
    assert s.takes == (LotTake(LotId("a"), 100),)
    assert s.overdraft == 80
    assert s.account.debt == 80
    assert s.account.balance == 150 - 180
    assert s.account.available(date(2025, 2, 1)) == -80


def test_with_debt_the_available_points_are_net_of_it() -> None:
    acct = PointsAccount((lot("a", 100, date(2025, 1, 1), date(2026, 12, 31)),), debt=30)
    assert acct.balance == 70
    assert acct.available(date(2025, 2, 1)) == 70
    with pytest.raises(InvalidInput):
        acct.spend(71, date(2025, 2, 1))
    s = acct.spend(70, date(2025, 2, 1))
    assert s.account.balance == 0
    assert s.account.debt == 30


def test_earn_pays_debt_first() -> None:
    acct = PointsAccount(debt=80)
    e = acct.earn(LotId("L1"), 50, date(2025, 3, 1), POLICY)
    assert e.debt_paid == 50
    assert e.lot is None
    assert e.account.debt == 30
    assert e.account.lots == ()
    assert e.account.balance == -30

    e2 = e.account.earn(LotId("L2"), 100, date(2025, 3, 2), POLICY)
    assert e2.debt_paid == 30
    assert e2.lot == PointLot(LotId("L2"), date(2025, 3, 2), date(2026, 12, 31), 70, 70)
    assert e2.account.debt == 0
    assert e2.account.balance == 70


# --- restoring (voids) ----------------------------------------------------------------------


def test_restore_gives_points_back_to_the_lots_they_came_from() -> None:
    acct = PointsAccount(
        (
            lot("a", 300, date(2024, 5, 1), date(2025, 12, 31)),
            lot("b", 500, date(2025, 3, 1), date(2026, 12, 31)),
        )
    )
    s = acct.spend(450, date(2025, 6, 1))
    restored, extra = s.account.restore(
        s.takes, s.overdraft, day=date(2025, 6, 2), policy=POLICY, excess_lot_id=LotId("X")
    )
    assert extra is None
    assert restored == acct


def test_restore_cancels_the_overdraft_it_recorded() -> None:
    acct = PointsAccount((lot("a", 100, date(2025, 1, 1), date(2026, 12, 31)),))
    s = acct.spend(250, date(2025, 2, 1), allow_overdraft=True)
    assert (s.account.balance, s.account.debt) == (-150, 150)
    restored, extra = s.account.restore(
        s.takes, s.overdraft, day=date(2025, 2, 2), policy=POLICY, excess_lot_id=LotId("X")
    )
    assert extra is None
    assert restored == acct


def test_restore_after_a_later_earn_paid_part_of_the_overdraft_returns_the_excess_as_a_lot() -> (
    None
):
    acct = PointsAccount((lot("a", 100, date(2025, 1, 1), date(2026, 12, 31)),))
    s = acct.spend(250, date(2025, 2, 1), allow_overdraft=True)  # takes 100, debt 150
    e = s.account.earn(LotId("E"), 60, date(2025, 2, 5), POLICY)  # pays 60 of the debt
    assert (e.account.debt, e.account.balance, e.lot) == (90, -90, None)

    restored, extra = e.account.restore(
        s.takes, s.overdraft, day=date(2025, 3, 1), policy=POLICY, excess_lot_id=LotId("X")
    )
    # The void returns exactly the 250 the spend took: 100 to lot a, 90 of debt cancelled,
    # and the 60 that the earn had used to pay the debt back as a new lot.
    assert restored.balance == e.account.balance + 250 == 160
    assert restored.debt == 0
    assert extra == PointLot(LotId("X"), date(2025, 3, 1), date(2026, 12, 31), 60, 60)
    assert remaining(restored) == {"a": 100, "X": 60}


def test_restore_after_earnings_paid_the_whole_overdraft() -> None:
    s = PointsAccount().spend(100, date(2025, 2, 1), allow_overdraft=True)
    assert s.takes == ()
    paid = s.account.earn(LotId("E"), 100, date(2025, 2, 2), POLICY).account
    assert paid.balance == 0
    restored, extra = paid.restore(
        s.takes, s.overdraft, day=date(2025, 2, 3), policy=POLICY, excess_lot_id=LotId("X")
    )
    assert restored.balance == 100
    assert extra is not None
    assert (extra.original, extra.remaining, extra.earned_on) == (100, 100, date(2025, 2, 3))


def test_restore_to_an_unknown_lot_comes_back_as_a_new_lot() -> None:
    # head office may have dropped the lot a store redemption took from
    acct = PointsAccount((lot("a", 100, date(2025, 1, 1), date(2026, 12, 31)),))
    after, new = acct.restore(
        (LotTake(LotId("nope"), 10),),
        0,
        day=date(2025, 2, 1),
        policy=POLICY,
        excess_lot_id=LotId("X"),
    )
    assert after.balance == acct.balance + 10
    assert new is not None and new.lot_id == "X" and new.remaining == 10


def test_restore_never_overfills_a_lot() -> None:
    # Given a lot that head office has since refilled by charging another store's spend
    # elsewhere: 900 original, 600 remaining, and a void that wants to give back 500
    acct = PointsAccount(
        (replace(lot("a", 900, date(2025, 1, 1), date(2026, 12, 31)), remaining=600),)
    )
    after, new = acct.restore(
        (LotTake(LotId("a"), 500),),
        0,
        day=date(2025, 2, 1),
        policy=POLICY,
        excess_lot_id=LotId("X"),
    )
    # Then the lot is filled to its original and the rest comes back as a new lot
    assert after.lots[0].remaining == 900
    assert new is not None and new.remaining == 200
    assert after.balance == acct.balance + 500


# --- expiry -------------------------------------------------------------------------------------


def test_expire_writes_off_lots_past_their_last_day_only() -> None:
    acct = PointsAccount(
        (
            lot("old", 300, date(2024, 1, 1), date(2025, 12, 31), remaining=120),
            lot("new", 500, date(2025, 1, 1), date(2026, 12, 31)),
            lot("empty", 50, date(2024, 1, 1), date(2025, 12, 31), remaining=0),
        ),
        debt=0,
    )
    same, takes = acct.expire(date(2025, 12, 31))
    assert takes == ()
    assert same is acct

    after, takes = acct.expire(date(2026, 1, 1))
    assert takes == (LotTake(LotId("old"), 120),)
    assert remaining(after) == {"old": 0, "new": 500, "empty": 0}
    assert after.balance == acct.balance - 120
    # Running it again writes off nothing more.
    assert after.expire(date(2026, 1, 1)) == (after, ())


def test_expire_leaves_debt_alone() -> None:
    acct = PointsAccount((lot("old", 100, date(2024, 1, 1), date(2025, 12, 31)),), debt=40)
    after, takes = acct.expire(date(2026, 6, 1))
    assert takes == (LotTake(LotId("old"), 100),)
    assert after.debt == 40
    assert after.balance == -40


def test_expiring_within_groups_live_lots_by_date_soonest_first() -> None:
    acct = PointsAccount(
        (
            lot("b", 200, date(2025, 2, 1), date(2026, 12, 31)),
            lot("a1", 100, date(2024, 2, 1), date(2025, 12, 31)),
            lot("a2", 50, date(2024, 3, 1), date(2025, 12, 31)),
            lot("spent", 70, date(2024, 3, 1), date(2025, 12, 31), remaining=0),
            lot("gone", 999, date(2023, 1, 1), date(2024, 12, 31)),
        )
    )
    today = date(2025, 12, 1)
    assert acct.expiring_within(today, 30) == [(date(2025, 12, 31), 150)]
    assert acct.expiring_within(today, 29) == []
    assert acct.expiring_within(today, 400) == [
        (date(2025, 12, 31), 150),
        (date(2026, 12, 31), 200),
    ]
    assert acct.expiring_within(date(2025, 12, 31), 0) == [(date(2025, 12, 31), 150)]
