"""The business day: a manager opens it before the first transaction and closes it after
the last; the daily reconciliation is per business day."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.core.errors import NotAllowed
from desktop.services.context import ServiceContext, require_manager
from desktop.store import outbox
from desktop.store.staff import Staff


@dataclass(frozen=True)
class DayState:
    day: str
    opened_at: str | None
    opened_by: str | None
    closed_at: str | None
    closed_by: str | None

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None and self.closed_at is None


class DayService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.db = ctx.db

    def state(self) -> DayState:
        day = self.ctx.today().isoformat()
        row = self.db.one("SELECT * FROM business_days WHERE day = ?", (day,))
        if row is None:
            return DayState(day, None, None, None, None)
        return DayState(day, row["opened_at"], row["opened_by"], row["closed_at"], row["closed_by"])

    def open(self, manager: Staff) -> DayState:
        """Open today's business day (a no-op if it is already open)."""
        require_manager(manager)
        now = self.ctx.now()
        day, at = self.ctx.day_of(now).isoformat(), now.isoformat()
        with self.db.write() as conn:
            row = conn.execute(
                "SELECT closed_at FROM business_days WHERE day = ?", (day,)
            ).fetchone()
            if row is not None and row[0] is not None:
                raise NotAllowed(f"the business day {day} was already closed; it cannot reopen")
            if row is None:
                conn.execute(
                    "INSERT INTO business_days (day, opened_at, opened_by) VALUES (?, ?, ?)",
                    (day, at, manager.staff_id),
                )
                outbox.append(conn, "day_open", {"day": day, "manager_id": manager.staff_id}, at)
        return self.state()

    def close(self, manager: Staff) -> DayState:
        require_manager(manager)
        now = self.ctx.now()
        day, at = self.ctx.day_of(now).isoformat(), now.isoformat()
        with self.db.write() as conn:
            row = conn.execute(
                "SELECT closed_at FROM business_days WHERE day = ?", (day,)
            ).fetchone()
            if row is None:
                raise NotAllowed(f"the business day {day} was never opened")
            if row[0] is not None:
                raise NotAllowed(f"the business day {day} is already closed")
            conn.execute(
                "UPDATE business_days SET closed_at = ?, closed_by = ? WHERE day = ?",
                (at, manager.staff_id, day),
            )
            outbox.append(conn, "day_close", {"day": day, "manager_id": manager.staff_id}, at)
        return self.state()
