"""What every service needs: the store database, the clock and the head-office link state."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from desktop.core.errors import Conflict, NotAllowed
from desktop.core.limits import Bounds
from desktop.core.lots import ExpiryPolicy
from desktop.core.offline import OfflineLimits
from desktop.store import settings
from desktop.store.database import StoreDB
from desktop.store.staff import Staff, check_pin


@dataclass(frozen=True)
class LinkState:
    """Whether head office is reachable now, and when the last sync succeeded.
    Until a head office is configured the store runs standalone (treated as online)."""

    online: bool = True
    last_sync: datetime | None = None


@dataclass
class ServiceContext:
    db: StoreDB
    clock: Callable[[], datetime] | None = None
    link: Callable[[], LinkState] = field(default=LinkState)
    _tz: ZoneInfo | None = field(default=None, init=False, repr=False)

    def now(self) -> datetime:
        """The current instant in the store's time zone (an injected clock may tell it in
        any zone; a naive reading is taken as store time). Everything the store writes is
        stamped with it, so the first ten characters of a timestamp are the store's date."""
        if self.clock is None:
            return datetime.now(self.tz)
        return self.local(self.clock())

    @property
    def tz(self) -> ZoneInfo:
        if self._tz is None:
            self._tz = ZoneInfo(str(self.setting("timezone", "Asia/Shanghai")))
        return self._tz

    def local(self, when: datetime) -> datetime:
        """`when` told in the store's time zone."""
        return when.replace(tzinfo=self.tz) if when.tzinfo is None else when.astimezone(self.tz)

    def today(self) -> date:
        """The business day: the store's local date now."""
        return self.now().date()

    def day_of(self, when: datetime) -> date:
        """The business day an instant falls on: the store's local date then."""
        return self.local(when).date()

    def setting(self, key: str, default: Any = None) -> Any:
        with self.db._lock:
            return settings.get(self.db.conn, key, default)

    @property
    def store_id(self) -> str:
        return str(self.setting("store_id", "STORE"))

    def expiry_policy(self) -> ExpiryPolicy:
        return ExpiryPolicy(int(self.setting("expiry_years_kept", 1)))

    def offline_limits(self) -> OfflineLimits:
        return OfflineLimits(**self.setting("offline_limits", {}))

    def bounds(self) -> Bounds:
        """The programme's limits per operation (head office's setting `bounds`)."""
        return Bounds.from_mapping(self.setting("bounds"))

    def authenticate(self, staff_id: str, pin: str, *, manager: bool = False) -> Staff:
        """Check a PIN; the failed-attempt count commits even when the PIN is wrong."""
        with self.db.write() as conn:
            staff = check_pin(conn, staff_id, pin, self.now())
        if staff is None:
            raise NotAllowed(f"unknown staff member {staff_id!r} or wrong PIN")
        if manager and not staff.is_manager:
            raise NotAllowed(f"{staff.name} ({staff_id}) is not a manager: a manager PIN is needed")
        return staff


def content_hash(content: dict[str, Any]) -> str:
    body = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def seen_request(
    conn: sqlite3.Connection, request_id: str, kind: str, content: dict[str, Any]
) -> str | None:
    """The result of an earlier identical request, or None if this one is new.
    The same id with different content is refused: a retry must repeat itself exactly."""
    row = conn.execute(
        "SELECT kind, content_hash, result_ref FROM requests WHERE request_id = ?",
        (request_id,),
    ).fetchone()
    if row is None:
        return None
    if row["kind"] != kind or row["content_hash"] != content_hash(content):
        raise Conflict(
            f"request id {request_id} was already used for a different {row['kind']}; "
            "start a new transaction (nothing was changed)"
        )
    return str(row["result_ref"])


def record_request(
    conn: sqlite3.Connection,
    request_id: str,
    kind: str,
    content: dict[str, Any],
    result_ref: str,
    at: str,
) -> None:
    conn.execute(
        "INSERT INTO requests (request_id, kind, content_hash, result_ref, at) "
        "VALUES (?, ?, ?, ?, ?)",
        (request_id, kind, content_hash(content), result_ref, at),
    )


def require_manager(staff: Staff) -> None:
    if not staff.is_manager:
        raise NotAllowed(f"{staff.name} ({staff.staff_id}) is not a manager")


def require_open_day(conn: sqlite3.Connection, day: date) -> None:
    row = conn.execute(
        "SELECT closed_at FROM business_days WHERE day = ?", (day.isoformat(),)
    ).fetchone()
    if row is None:
        raise NotAllowed(
            f"the business day {day} is not open: a manager must open it first (`lantern day open`)"
        )
    if row[0] is not None:
        raise NotAllowed(f"the business day {day} is closed: no more transactions today")
