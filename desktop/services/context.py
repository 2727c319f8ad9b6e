"""What every service needs: the store database, the clock and the head-office link state."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from desktop.core.errors import InvalidInput, NotAllowed
from desktop.core.limits import Bounds
from desktop.core.lots import ExpiryPolicy
from desktop.core.occasions import OccasionConfig
from desktop.core.offline import OfflineLimits
from desktop.store import days, settings
from desktop.store.database import StoreDB, Tx
from desktop.store.staff import Staff, check_pin

log = logging.getLogger(__name__)

#: setting: why head office refuses this store's chain, until a sync round succeeds again
REFUSED = "sync_refused"
#: setting: what the till does meanwhile: "caps" (the offline caps, the default) or "stop"
#: (each redemption needs a manager's override); a manager's choice on the sync tab
REFUSED_POLICY = "sync_refused_policy"


@dataclass(frozen=True)
class LinkState:
    """Whether head office is reachable now, and when the last sync succeeded.
    Until a head office is configured the store runs standalone (treated as online)."""

    online: bool = True
    last_sync: datetime | None = None
    # head office refuses this store's event chain (restored from an old backup, or
    # edited): the till trades within the offline caps, or not at all if a manager chose so,
    # until the store recovers (`lantern recover`, the manager's sync tab)
    refused: str | None = None


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
        with self.db.read() as tx:
            return settings.get(tx, key, default)

    @property
    def store_id(self) -> str:
        return str(self.setting("store_id", "STORE"))

    def expiry_policy(self) -> ExpiryPolicy:
        return ExpiryPolicy(int(self.setting("expiry_years_kept", 1)))

    def offline_limits(self) -> OfflineLimits:
        return OfflineLimits(**self.setting("offline_limits", {}))

    def occasions(self) -> OccasionConfig:
        """Head office's occasion switches (setting `occasions`: member day, Valentine's,
        七夕); sync only stores a valid value, so a bad one here is logged and ignored."""
        try:
            return OccasionConfig.from_setting(self.setting("occasions"))
        except InvalidInput as e:
            log.error("occasions setting ignored: %s", e)
            return OccasionConfig()

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


def require_manager(staff: Staff) -> None:
    if not staff.is_manager:
        raise NotAllowed(f"{staff.name} ({staff.staff_id}) is not a manager")


def require_open_day(tx: Tx, day: date) -> None:
    """Inside a write: refuse unless the business day `day` is open."""
    state = days.state(tx, day.isoformat())
    if state.opened_at is None:
        raise NotAllowed(
            f"the business day {day} is not open: a manager must open it first (`lantern day open`)"
        )
    if state.closed_at is not None:
        raise NotAllowed(f"the business day {day} is closed: no more transactions today")
