"""Helpers shared by the store tests: a settable clock and link, raw reads of the file."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from desktop.services.app import StoreServices
from desktop.services.context import LinkState
from desktop.store.staff import Staff, get_staff

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 6, 15, 10, 0, tzinfo=SH)  # the demo store is built on this day


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def set(self, when: datetime) -> None:
        self.now = when

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@dataclass
class Link:
    """Head office reachable or not; tests flip `online`."""

    online: bool = True
    last_sync: datetime | None = field(default=None)

    def __call__(self) -> LinkState:
        return LinkState(self.online, self.last_sync)


def raw(path: Path) -> sqlite3.Connection:
    """A separate read-only connection: sees only what was committed to the file."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def tables(conn: sqlite3.Connection) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]


def snapshot(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as committed in the file."""
    with closing(raw(path)) as conn:
        return {
            t: sorted((tuple(r) for r in conn.execute(f'SELECT * FROM "{t}"')), key=repr)
            for t in tables(conn)
        }


def counts(path: Path) -> dict[str, int]:
    with closing(raw(path)) as conn:
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables(conn)}


def one(path: Path, sql: str, params: tuple[Any, ...] = ()) -> Any:
    with closing(raw(path)) as conn:
        row = conn.execute(sql, params).fetchone()
        return None if row is None else row[0]


def rows(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
    with closing(raw(path)) as conn:
        return conn.execute(sql, params).fetchall()


def balance(path: Path, member_id: str) -> int:
    return int(one(path, "SELECT balance FROM members WHERE member_id = ?", (member_id,)))


def ledger_sum(path: Path, member_id: str) -> int:
    return int(
        one(
            path,
            "SELECT COALESCE(SUM(delta), 0) FROM points_ledger WHERE member_id = ?",
            (member_id,),
        )
    )


def stock(path: Path, gift_id: str) -> int:
    return int(one(path, "SELECT stock FROM gifts WHERE gift_id = ?", (gift_id,)))


def stock_ledger_sum(path: Path, gift_id: str) -> int:
    return int(
        one(
            path,
            "SELECT COALESCE(SUM(delta), 0) FROM stock_ledger WHERE gift_id = ?",
            (gift_id,),
        )
    )


def lots(path: Path, member_id: str) -> dict[str, tuple[str, str, int, int]]:
    """lot_id -> (earned_on, expires_on, original, remaining)."""
    return {
        r["lot_id"]: (r["earned_on"], r["expires_on"], r["original"], r["remaining"])
        for r in rows(path, "SELECT * FROM point_lots WHERE member_id = ?", (member_id,))
    }


def expected_spend(
    member_lots: dict[str, tuple[str, str, int, int]], points: int, today: str
) -> dict[str, int]:
    """Independent model of earliest-expiry-first: lot_id -> points taken."""
    order = sorted(
        (lid for lid, lot in member_lots.items() if lot[3] > 0 and lot[1] >= today),
        key=lambda lid: (member_lots[lid][1], member_lots[lid][0], lid),
    )
    taken: dict[str, int] = {}
    for lid in order:
        if points == 0:
            break
        take = min(points, member_lots[lid][3])
        taken[lid] = take
        points -= take
    assert points == 0, "test set-up: the member cannot afford this"
    return taken


def staff(app: StoreServices, staff_id: str) -> Staff:
    with app.db.read() as conn:
        return get_staff(conn, staff_id)


def open_day(app: StoreServices) -> None:
    """Open the business day the app's clock is on (as the demo manager)."""
    app.day.open(staff(app, "M01"))
