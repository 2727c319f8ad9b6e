"""Who works at this store, as the log-in and manager screens list them: the active staff,
a staff member's name, and where they stand with wrong PINs. PINs and their checking are
in staff.py; this module only reads."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from desktop.store.staff import Staff


@dataclass(frozen=True)
class PinStanding:
    """An active staff member's wrong PINs in a row, and until when they are locked out."""

    name: str
    failed_attempts: int
    locked_until: datetime | None


def active(conn: sqlite3.Connection, *, managers_only: bool = False) -> list[Staff]:
    """Everyone who may log in (or only the managers), cashiers first, by staff number."""
    rows = conn.execute(
        "SELECT staff_id, name, role FROM staff WHERE active = 1 "
        + ("AND role = 'manager' " if managers_only else "")
        + "ORDER BY role, staff_id"
    ).fetchall()
    return [Staff(r["staff_id"], r["name"], r["role"]) for r in rows]


def name(conn: sqlite3.Connection, staff_id: str) -> str | None:
    """The name of a staff member (active or not), None for an unknown number."""
    row = conn.execute("SELECT name FROM staff WHERE staff_id = ?", (staff_id,)).fetchone()
    return None if row is None else str(row[0])


def pin_standing(conn: sqlite3.Connection, staff_id: str) -> PinStanding | None:
    """None when no active staff member has this number."""
    row = conn.execute(
        "SELECT name, failed_attempts, locked_until FROM staff WHERE staff_id = ? AND active = 1",
        (staff_id,),
    ).fetchone()
    if row is None:
        return None
    until = datetime.fromisoformat(row["locked_until"]) if row["locked_until"] else None
    return PinStanding(row["name"], int(row["failed_attempts"]), until)
