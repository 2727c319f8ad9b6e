"""Who works at the till, for the log-in and manager screens: the staff to choose from,
a staff member's name, and a PIN check that says why it did not let someone in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from desktop.core.errors import NotAllowed
from desktop.services.context import ServiceContext
from desktop.store import risk as risk_repo
from desktop.store import roster
from desktop.store import staff as staff_repo
from desktop.store.staff import LOCKOUT, MAX_FAILED, PIN_MAX, PIN_MIN, Staff

__all__ = ["LOCKOUT", "MAX_FAILED", "PIN_MAX", "PIN_MIN", "PinRefusal", "Staff", "StaffService"]


@dataclass(frozen=True)
class PinRefusal:
    """Why a PIN did not let someone in, for the screen to word."""

    staff_id: str
    name: str = ""
    unknown: bool = False  # no active staff member with that number
    attempts_left: int | None = None  # wrong PIN: tries left before the account locks
    locked_until: datetime | None = None  # locked after too many wrong PINs (store time)
    not_manager: bool = False  # the PIN was right, but a manager's is needed


class StaffService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.db = ctx.db

    def active(self, *, managers_only: bool = False) -> list[Staff]:
        """Everyone who may log in (or only the managers), cashiers first, by staff number."""
        with self.db.read() as tx:
            return roster.active(tx, managers_only=managers_only)

    def name(self, staff_id: str | None) -> str:
        """ "name (id)" for a staff number, "" for none."""
        if not staff_id:
            return ""
        with self.db.read() as tx:
            name = roster.name(tx, staff_id)
        return f"{name or ''} ({staff_id})"

    def try_pin(self, staff_id: str, pin: str, *, manager: bool = False) -> Staff | PinRefusal:
        """Log in (or approve as a manager) with a PIN: the staff member, or why not. A
        wrong PIN counts towards the lock-out (in the store's transaction) whatever this
        returns."""
        try:
            staff = self.ctx.authenticate(staff_id, pin)
        except NotAllowed:
            with self.db.read() as tx:
                standing = roster.pin_standing(tx, staff_id)
            if standing is None:
                return PinRefusal(staff_id, unknown=True)
            until = standing.locked_until
            if until is not None and until > self.ctx.now():
                return PinRefusal(staff_id, standing.name, locked_until=self.ctx.local(until))
            left = max(MAX_FAILED - standing.failed_attempts, 0)
            return PinRefusal(staff_id, standing.name, attempts_left=left)
        if manager and not staff.is_manager:
            return PinRefusal(staff_id, staff.name, not_manager=True)
        return staff

    # --- the PIN policy ----------------------------------------------------------------
    def min_pin_length(self) -> int:
        """The shortest PIN this store accepts when a PIN is set (4 to 12 digits)."""
        with self.db.read() as tx:
            return staff_repo.min_length(tx)

    def set_min_pin_length(self, manager: Staff, length: int) -> None:
        """A manager raises (or lowers) the shortest PIN accepted from now on; PINs set
        before keep working until they are changed."""
        if not manager.is_manager:
            raise NotAllowed(f"{manager.name} ({manager.staff_id}) is not a manager")
        with self.db.write() as tx:
            staff_repo.set_min_length(tx, length)

    # --- staff and their own member cards (the self-redemption risk rule) ---------------
    def link_member(self, manager: Staff, staff_id: str, member_id: str | None) -> None:
        """A manager links a staff member to their own member card (None: unlinks), so the
        till knows a cashier redeeming for themselves (desktop/core/risk.py)."""
        if not manager.is_manager:
            raise NotAllowed(f"{manager.name} ({manager.staff_id}) is not a manager")
        with self.db.write() as tx:
            risk_repo.link_member(tx, staff_id, member_id)

    def linked_member(self, staff_id: str) -> str | None:
        with self.db.read() as tx:
            return risk_repo.linked_member(tx, staff_id)
