"""Business days: a manager opens the store's day before its first transaction and closes
it after its last (db/store/0001_initial.sql, table business_days). `day` is the store's
local date as ISO text."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


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


def state(conn: sqlite3.Connection, day: str) -> DayState:
    """The day as recorded; never opened: every field but `day` is None."""
    row = conn.execute(
        "SELECT opened_at, opened_by, closed_at, closed_by FROM business_days WHERE day = ?",
        (day,),
    ).fetchone()
    if row is None:
        return DayState(day, None, None, None, None)
    return DayState(day, row[0], row[1], row[2], row[3])


def open_day(conn: sqlite3.Connection, day: str, manager_id: str, at: str) -> None:
    conn.execute(
        "INSERT INTO business_days (day, opened_at, opened_by) VALUES (?, ?, ?)",
        (day, at, manager_id),
    )


def close_day(conn: sqlite3.Connection, day: str, manager_id: str, at: str) -> None:
    conn.execute(
        "UPDATE business_days SET closed_at = ?, closed_by = ? WHERE day = ?",
        (at, manager_id, day),
    )
