"""Small read-only queries the log-in and manager screens need that no service offers yet.

Each function takes the store services and runs inside `session.run` (off the GUI thread);
they only read, except `try_pin`, which goes through `app.login` (it counts a wrong PIN).
They return plain values the screens word in the UI's language. When a service grows the
same read, the screen should call that instead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from desktop.core.errors import NotAllowed
from desktop.core.members import mask_name
from desktop.services.app import StoreServices
from desktop.store.staff import MAX_FAILED, Staff


def active_staff(app: StoreServices, *, managers_only: bool = False) -> list[Staff]:
    """Everyone who may log in (or only the managers), cashiers first, by staff number."""
    rows = app.db.query(
        "SELECT staff_id, name, role FROM staff WHERE active = 1 "
        + ("AND role = 'manager' " if managers_only else "")
        + "ORDER BY role, staff_id"
    )
    return [Staff(r["staff_id"], r["name"], r["role"]) for r in rows]


@dataclass(frozen=True)
class PinRefusal:
    """Why a PIN did not let someone in, for the screen to word."""

    staff_id: str
    name: str = ""
    unknown: bool = False  # no active staff member with that number
    attempts_left: int | None = None  # wrong PIN: tries left before the account locks
    locked_until: datetime | None = None  # locked after too many wrong PINs (store time)
    not_manager: bool = False  # the PIN was right, but a manager's is needed


def try_pin(
    app: StoreServices, staff_id: str, pin: str, *, manager: bool = False
) -> Staff | PinRefusal:
    """Log in (or approve as a manager) with a PIN: the staff member, or why not. A wrong
    PIN counts towards the lock-out (in the store's transaction) whatever this returns."""
    try:
        staff = app.login(staff_id, pin)
    except NotAllowed:
        row = app.db.one(
            "SELECT name, failed_attempts, locked_until FROM staff WHERE staff_id = ? AND active = 1",
            (staff_id,),
        )
        if row is None:
            return PinRefusal(staff_id, unknown=True)
        if row["locked_until"]:
            until = datetime.fromisoformat(row["locked_until"])
            if until > app.ctx.now():
                return PinRefusal(staff_id, row["name"], locked_until=until.astimezone(app.ctx.tz))
        return PinRefusal(
            staff_id, row["name"], attempts_left=max(MAX_FAILED - row["failed_attempts"], 0)
        )
    if manager and not staff.is_manager:
        return PinRefusal(staff_id, staff.name, not_manager=True)
    return staff


@dataclass(frozen=True)
class ReceiptRow:
    receipt_no: str
    at: datetime  # store time
    member: str  # masked name
    cashier: str  # "name (id)"
    points: int
    cash_fen: int
    voided_by: str | None  # the approving manager's id, once voided
    voided_at: datetime | None


def todays_receipts(app: StoreServices) -> list[ReceiptRow]:
    """The redemptions of the current business day, newest first, with their voids."""
    rows = app.db.query(
        "SELECT r.receipt_no, r.created_at, m.name AS member, s.name AS cashier, r.cashier_id, "
        "r.points, r.cash_fen, v.manager_id, v.created_at AS voided_at FROM redemptions r "
        "JOIN members m USING (member_id) LEFT JOIN staff s ON s.staff_id = r.cashier_id "
        "LEFT JOIN voids v USING (redemption_id) WHERE r.business_day = ? "
        "ORDER BY r.created_at DESC, r.receipt_no DESC",
        (app.ctx.today().isoformat(),),
    )
    tz = app.ctx.tz
    return [
        ReceiptRow(
            r["receipt_no"],
            datetime.fromisoformat(r["created_at"]).astimezone(tz),
            mask_name(r["member"]),
            f"{r['cashier'] or ''} ({r['cashier_id']})",
            r["points"],
            r["cash_fen"],
            r["manager_id"],
            datetime.fromisoformat(r["voided_at"]).astimezone(tz) if r["voided_at"] else None,
        )
        for r in rows
    ]


def staff_name(app: StoreServices, staff_id: str | None) -> str:
    """ "name (id)" for a staff number, "" for none."""
    if not staff_id:
        return ""
    name = app.db.scalar("SELECT name FROM staff WHERE staff_id = ?", (staff_id,))
    return f"{name or ''} ({staff_id})"
