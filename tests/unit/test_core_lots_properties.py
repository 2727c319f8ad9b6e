"""Property-based tests of the points account.

Any sequence of earns, redemptions, overdraft spends (events from another store), voids of
an earlier spend and expiry runs at advancing dates keeps the account consistent with an
independent model ledger of signed deltas."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    rule,
)

from desktop.core.errors import InvalidInput
from desktop.core.lots import ExpiryPolicy, LotId, LotTake, PointsAccount

pytestmark = pytest.mark.unit

START = date(2024, 11, 1)
POINTS = st.integers(min_value=1, max_value=800)


@dataclass(frozen=True)
class SpendRecord:
    takes: tuple[LotTake, ...]
    overdraft: int
    points: int


def _order_key(lot):  # type: ignore[no-untyped-def]
    return (lot.expires_on, lot.earned_on, lot.lot_id)


class PointsAccountMachine(RuleBasedStateMachine):
    spends = Bundle("spends")

    def __init__(self) -> None:
        super().__init__()
        self.account = PointsAccount()
        self.today = START
        self.next_id = 0
        self.ledger: list[int] = []  # the model: every change of points as a signed delta
        self.earned = self.spent = self.restored = self.expired = 0
        self.originals: dict[str, int] = {}

    @initialize(years_kept=st.integers(min_value=0, max_value=2))
    def choose_policy(self, years_kept: int) -> None:
        self.years_kept = years_kept
        self.policy = ExpiryPolicy(years_kept=years_kept)

    def _new_id(self) -> LotId:
        self.next_id += 1
        return LotId(f"L{self.next_id:04d}")

    def _record_new_lot(self, before: PointsAccount, after: PointsAccount) -> None:
        old = {lot.lot_id for lot in before.lots}
        for lot in after.lots:
            if lot.lot_id not in old:
                assert lot.lot_id not in self.originals
                assert lot.remaining == lot.original > 0
                assert lot.earned_on == self.today
                # the yearly clearing rule, computed independently of ExpiryPolicy
                assert lot.expires_on == date(self.today.year + self.years_kept, 12, 31)
                self.originals[lot.lot_id] = lot.original

    def _check_spend(self, before: PointsAccount, points: int, takes, overdraft: int) -> None:  # type: ignore[no-untyped-def]
        lots = {lot.lot_id: lot for lot in before.lots}
        # (4) spends never take from an expired (or empty) lot, and each take is positive
        # and within what the lot held.
        for t in takes:
            lot = lots[t.lot_id]
            assert lot.expires_on >= self.today, f"took from expired lot {lot}"
            assert 0 < t.points <= lot.remaining
        assert len({t.lot_id for t in takes}) == len(takes)
        assert sum(t.points for t in takes) + overdraft == points
        live = sorted((lot for lot in before.lots if lot.live_on(self.today)), key=_order_key)
        live_total = sum(lot.remaining for lot in live)
        # An overdraft only happens once every live point is used.
        assert overdraft == max(0, points - live_total)
        # Earliest expiry first: the takes are a prefix of the live lots in expiry order,
        # every lot but the last one emptied.
        assert [t.lot_id for t in takes] == [lot.lot_id for lot in live[: len(takes)]]
        for t in takes[:-1]:
            assert t.points == lots[t.lot_id].remaining

    # --- operations ---------------------------------------------------------------------
    @rule(points=POINTS)
    def earn(self, points: int) -> None:
        before = self.account
        e = before.earn(self._new_id(), points, self.today, self.policy)
        assert e.debt_paid == min(before.debt, points)
        assert (e.lot is None) == (points <= before.debt)
        self.account = e.account
        self._record_new_lot(before, self.account)
        self.ledger.append(points)
        self.earned += points

    @rule(target=spends, points=POINTS)
    def redeem(self, points: int) -> SpendRecord | None:
        before = self.account
        available = before.available(self.today)
        if points > available:
            with pytest.raises(InvalidInput, match="insufficient points"):
                before.spend(points, self.today)
            return None
        s = before.spend(points, self.today)
        assert s.overdraft == 0
        self._check_spend(before, points, s.takes, s.overdraft)
        assert s.account.debt == before.debt
        self.account = s.account
        self.ledger.append(-points)
        self.spent += points
        return SpendRecord(s.takes, s.overdraft, points)

    @rule(target=spends, points=POINTS)
    def spend_elsewhere_with_overdraft(self, points: int) -> SpendRecord:
        before = self.account
        s = before.spend(points, self.today, allow_overdraft=True)
        self._check_spend(before, points, s.takes, s.overdraft)
        assert s.account.debt == before.debt + s.overdraft
        self.account = s.account
        self.ledger.append(-points)
        self.spent += points
        return SpendRecord(s.takes, s.overdraft, points)

    @rule(record=consumes(spends))
    def void(self, record: SpendRecord | None) -> None:
        if record is None:  # a refused redemption: nothing to void
            return
        before = self.account
        after, extra = before.restore(
            record.takes,
            record.overdraft,
            day=self.today,
            policy=self.policy,
            excess_lot_id=self._new_id(),
        )
        # A void returns exactly what the spend took.
        assert after.balance - before.balance == record.points
        assert after.debt == max(0, before.debt - record.overdraft)
        if extra is not None:
            assert extra.original == record.overdraft - (before.debt - after.debt)
        self.account = after
        self._record_new_lot(before, after)
        self.ledger.append(record.points)
        self.restored += record.points

    @rule(years_kept=st.integers(min_value=0, max_value=3))
    def change_policy(self, years_kept: int) -> None:
        # Head office reconfigures expiry: later lots may then expire before earlier ones,
        # so "earliest expiry first" and "oldest first" differ.
        self.years_kept = years_kept
        self.policy = ExpiryPolicy(years_kept=years_kept)

    @rule(days=st.integers(min_value=1, max_value=400))
    def advance(self, days: int) -> None:
        self.today += timedelta(days=days)

    @rule(next_day=st.booleans())
    def advance_to_a_lot_expiry(self, next_day: bool) -> None:
        # Land exactly on a lot's last valid day (or the day after): the expiry boundaries.
        ahead = sorted(
            {lot.expires_on for lot in self.account.lots if lot.expires_on >= self.today}
        )
        if ahead:
            self.today = ahead[0] + timedelta(days=int(next_day))

    @rule()
    def expiry_run(self) -> None:
        before = self.account
        after, takes = before.expire(self.today)
        lots = {lot.lot_id: lot for lot in before.lots}
        for t in takes:
            assert lots[t.lot_id].expires_on < self.today
            assert t.points == lots[t.lot_id].remaining > 0
        for lot in after.lots:
            assert lot.remaining == 0 or lot.expires_on >= self.today
        assert after.debt == before.debt
        written_off = sum(t.points for t in takes)
        self.account = after
        self.ledger.append(-written_off)
        self.expired += written_off

    # --- invariants -------------------------------------------------------------------------
    @invariant()
    def balance_is_lots_minus_debt(self) -> None:
        a = self.account
        assert a.debt >= 0
        assert a.balance == sum(lot.remaining for lot in a.lots) - a.debt
        # (1) never negative unless an overdraft was recorded
        if a.balance < 0:
            assert a.debt > 0

    @invariant()
    def points_are_conserved(self) -> None:
        # (2) the model ledger and the account agree
        assert self.account.balance == sum(self.ledger)
        assert sum(self.ledger) == self.earned - self.spent + self.restored - self.expired

    @invariant()
    def lots_stay_within_bounds(self) -> None:
        # (3) no lot below zero or above what was earned; ids unique, originals unchanged
        ids = [lot.lot_id for lot in self.account.lots]
        assert len(ids) == len(set(ids))
        for lot in self.account.lots:
            assert 0 <= lot.remaining <= lot.original
            assert self.originals[lot.lot_id] == lot.original

    @invariant()
    def available_counts_only_live_lots(self) -> None:
        a = self.account
        live = sum(lot.remaining for lot in a.lots if lot.expires_on >= self.today)
        assert a.available(self.today) == live - a.debt
        assert a.available(self.today) <= a.balance


PointsAccountMachine.TestCase.settings = settings(
    max_examples=200,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_points_account_state_machine = PointsAccountMachine.TestCase
