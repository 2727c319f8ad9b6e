"""Point lots, expiry, and a member's points account.

Earned points form lots with an expiry date. A spend consumes lots earliest-expiry first.
An account is an immutable value: every operation returns a new account and the exact lot
movements, so the store can write them as ledger rows in one transaction.

Overdraft: a redemption that already happened elsewhere (two stores offline at once) can
spend more than the member holds. The shortfall is recorded as `debt`; the balance goes
negative *only* by that recorded debt, and the next points earned pay it off first.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import NewType

from desktop.core.errors import InvalidInput

LotId = NewType("LotId", str)


@dataclass(frozen=True, slots=True)
class ExpiryPolicy:
    """Rolling yearly clearing by default: points earned in year N expire at the end of
    year N + `years_kept` (so with 1, points earned any day of 2025 last until 2026-12-31)."""

    years_kept: int = 1

    def __post_init__(self) -> None:
        if self.years_kept < 0:
            raise InvalidInput("years_kept must be zero or more")

    def expires_on(self, earned_on: date) -> date:
        """The last day on which points earned on `earned_on` can be spent."""
        return date(earned_on.year + self.years_kept, 12, 31)


@dataclass(frozen=True, slots=True)
class PointLot:
    lot_id: LotId
    earned_on: date
    expires_on: date  # last valid day, inclusive
    original: int
    remaining: int

    def live_on(self, day: date) -> bool:
        return self.remaining > 0 and day <= self.expires_on


@dataclass(frozen=True, slots=True)
class LotTake:
    """`points` taken from (negative: returned to) lot `lot_id`."""

    lot_id: LotId
    points: int


@dataclass(frozen=True, slots=True)
class Spend:
    account: PointsAccount
    takes: tuple[LotTake, ...]
    overdraft: int  # points beyond what the lots held, added to debt


@dataclass(frozen=True, slots=True)
class Earn:
    account: PointsAccount
    debt_paid: int
    lot: PointLot | None  # None when everything went to paying debt


@dataclass(frozen=True, slots=True)
class Movement:
    """One ledger row's worth of change between two accounts: `delta` points moved in
    `lot` (new when it did not exist before), or in the debt when `lot` is None."""

    lot: PointLot | None
    delta: int
    new: bool = False


def movements(before: PointsAccount, after: PointsAccount) -> list[Movement]:
    """What turned `before` into `after`, lot by lot, then the debt: what a ledger writes."""
    old = {lot.lot_id: lot for lot in before.lots}
    out = []
    for lot in after.lots:
        prev = old.get(lot.lot_id)
        if prev is None:
            out.append(Movement(lot, lot.remaining, new=True))
        elif lot.remaining != prev.remaining:
            out.append(Movement(lot, lot.remaining - prev.remaining))
    if after.debt != before.debt:
        out.append(Movement(None, before.debt - after.debt))
    return out


@dataclass(frozen=True, slots=True)
class PointsAccount:
    lots: tuple[PointLot, ...] = field(default=())
    debt: int = 0

    # --- reading ---------------------------------------------------------------
    @property
    def balance(self) -> int:
        """Points the member holds: unexpired lot points minus recorded overdraft.

        Lots past expiry still count until an expiry run writes them off (a ledger row);
        `available(day)` is what can be spent on a given day."""
        return sum(lot.remaining for lot in self.lots) - self.debt

    def available(self, day: date) -> int:
        return sum(lot.remaining for lot in self.lots if lot.live_on(day)) - self.debt

    def expiring_within(self, day: date, days: int) -> list[tuple[date, int]]:
        """(expiry date, points) of live lots expiring within `days` of `day`, soonest first."""
        out: dict[date, int] = {}
        for lot in self.lots:
            if lot.live_on(day) and (lot.expires_on - day).days <= days:
                out[lot.expires_on] = out.get(lot.expires_on, 0) + lot.remaining
        return sorted(out.items())

    # --- changing ----------------------------------------------------------------
    def earn(self, lot_id: LotId, points: int, earned_on: date, policy: ExpiryPolicy) -> Earn:
        if points <= 0:
            raise InvalidInput(f"points earned must be greater than zero, got {points}")
        paid = min(self.debt, points)
        rest = points - paid
        lot = None
        lots = self.lots
        if rest:
            lot = PointLot(lot_id, earned_on, policy.expires_on(earned_on), rest, rest)
            lots = (*lots, lot)
        return Earn(PointsAccount(lots, self.debt - paid), paid, lot)

    def spend(self, points: int, day: date, *, allow_overdraft: bool = False) -> Spend:
        """Consume `points` from live lots, earliest expiry first (then oldest earned).

        Without `allow_overdraft`, spending more than is available raises InvalidInput;
        the redemption decision checks this first and refuses politely."""
        if points <= 0:
            raise InvalidInput(f"points to spend must be greater than zero, got {points}")
        available = self.available(day)
        if points > available and not allow_overdraft:
            raise InvalidInput(f"insufficient points: {available} available, {points} needed")
        order = sorted(
            (i for i, lot in enumerate(self.lots) if lot.live_on(day)),
            key=lambda i: (self.lots[i].expires_on, self.lots[i].earned_on, self.lots[i].lot_id),
        )
        lots = list(self.lots)
        takes: list[LotTake] = []
        # Lots first pay nothing towards existing debt: debt is already subtracted from
        # `available`, so with debt > 0 we can only get here with allow_overdraft.
        need = points
        for i in order:
            if need == 0:
                break
            take = min(lots[i].remaining, need)
            lots[i] = replace(lots[i], remaining=lots[i].remaining - take)
            takes.append(LotTake(lots[i].lot_id, take))
            need -= take
        return Spend(PointsAccount(tuple(lots), self.debt + need), tuple(takes), need)

    def restore(
        self,
        takes: tuple[LotTake, ...],
        overdraft: int,
        *,
        day: date,
        policy: ExpiryPolicy,
        excess_lot_id: LotId,
    ) -> tuple[PointsAccount, PointLot | None]:
        """Undo a spend (a void): return exactly what the spend took. Points go back to the
        lots they came from as far as each lot has room (head office may since have spent
        that lot differently, or dropped it), the overdraft the spend recorded is
        cancelled, and whatever cannot go back where it came from, including overdraft
        that later earnings already paid, comes back as a new lot earned on `day`."""
        room = {lot.lot_id: lot.original - lot.remaining for lot in self.lots}
        back: dict[LotId, int] = {}
        leftover = 0
        for take in takes:
            give = max(0, min(take.points, room.get(take.lot_id, 0) - back.get(take.lot_id, 0)))
            if give:
                back[take.lot_id] = back.get(take.lot_id, 0) + give
            leftover += take.points - give
        lots = tuple(
            replace(lot, remaining=lot.remaining + back[lot.lot_id]) if lot.lot_id in back else lot
            for lot in self.lots
        )
        cancelled = min(self.debt, overdraft)
        account = PointsAccount(lots, self.debt - cancelled)
        excess = overdraft - cancelled + leftover
        if not excess:
            return account, None
        earned = account.earn(excess_lot_id, excess, day, policy)
        return earned.account, earned.lot

    def expire(self, day: date) -> tuple[PointsAccount, tuple[LotTake, ...]]:
        """Write off every lot whose last valid day is before `day`."""
        takes = tuple(
            LotTake(lot.lot_id, lot.remaining)
            for lot in self.lots
            if lot.remaining > 0 and lot.expires_on < day
        )
        if not takes:
            return self, ()
        gone = {t.lot_id for t in takes}
        lots = tuple(replace(lot, remaining=0) if lot.lot_id in gone else lot for lot in self.lots)
        return PointsAccount(lots, self.debt), takes
