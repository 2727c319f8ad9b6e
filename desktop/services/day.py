"""The business day: a manager opens it before the first transaction and closes it after
the last; the daily reconciliation is per business day. The business day is the store's
local date (ServiceContext.today)."""

from __future__ import annotations

from desktop.core import wire
from desktop.core.errors import NotAllowed
from desktop.services.context import ServiceContext, require_manager
from desktop.store import days, outbox
from desktop.store.days import DayState
from desktop.store.staff import Staff

__all__ = ["DayService", "DayState"]


class DayService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.db = ctx.db

    def state(self) -> DayState:
        with self.db.read() as tx:
            return days.state(tx, self.ctx.today().isoformat())

    def open(self, manager: Staff) -> DayState:
        """Open today's business day (a no-op if it is already open)."""
        require_manager(manager)
        now = self.ctx.now()
        day, at = self.ctx.day_of(now).isoformat(), now.isoformat()
        with self.db.write() as tx:
            state = days.state(tx, day)
            if state.closed_at is not None:
                raise NotAllowed(f"the business day {day} was already closed; it cannot reopen")
            if state.opened_at is None:
                days.open_day(tx, day, manager.staff_id, at)
                opened: wire.DayPayload = {"day": day, "manager_id": manager.staff_id}
                outbox.append(tx, wire.EventKind.DAY_OPEN, opened, at)
        return self.state()

    def close(self, manager: Staff) -> DayState:
        require_manager(manager)
        now = self.ctx.now()
        day, at = self.ctx.day_of(now).isoformat(), now.isoformat()
        with self.db.write() as tx:
            state = days.state(tx, day)
            if state.opened_at is None:
                raise NotAllowed(f"the business day {day} was never opened")
            if state.closed_at is not None:
                raise NotAllowed(f"the business day {day} is already closed")
            days.close_day(tx, day, manager.staff_id, at)
            closed: wire.DayPayload = {"day": day, "manager_id": manager.staff_id}
            outbox.append(tx, wire.EventKind.DAY_CLOSE, closed, at)
        return self.state()
