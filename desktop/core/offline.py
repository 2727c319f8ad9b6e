"""Offline limits: how much a store may redeem while head office is unreachable.

The caps come from head office's settings; these defaults only seed a new store."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta


class CodeKind(enum.Enum):
    """How the member identified themselves; static cards can be photocopied, so they get
    a lower offline cap than rotating phone codes."""

    STATIC_CARD = "static"
    ROTATING_PHONE = "rotating"
    TYPED_NUMBER = "typed"


@dataclass(frozen=True, slots=True)
class OfflineLimits:
    per_redemption_points: int = 5000
    per_member_day_static_points: int = 2000
    per_member_day_rotating_points: int = 6000
    members_served_offline: int = 200
    store_exposure_points: int = 200_000
    max_hours_since_sync: int = 72


@dataclass(frozen=True, slots=True)
class OfflineUsage:
    """What the store has already redeemed since it went offline (from the store database)."""

    member_points_today: int
    member_already_served: bool
    members_served: int
    store_points: int
    last_sync: datetime | None


class OfflineCheck(enum.Enum):
    PER_REDEMPTION = "per_redemption"
    PER_MEMBER_DAY = "per_member_day"
    MEMBERS_SERVED = "members_served"
    STORE_EXPOSURE = "store_exposure"
    TOO_LONG_OFFLINE = "too_long_offline"
    TYPED_NUMBER_OFFLINE = "typed_number_offline"
    SYNC_REFUSED = "sync_refused"  # head office refuses the store's chain; manager chose "stop"


def check_offline(
    limits: OfflineLimits,
    usage: OfflineUsage,
    points: int,
    kind: CodeKind,
    now: datetime,
) -> OfflineCheck | None:
    """The first offline cap this redemption would break, or None when within limits."""
    if kind is CodeKind.TYPED_NUMBER:
        return OfflineCheck.TYPED_NUMBER_OFFLINE
    if usage.last_sync is not None and now - usage.last_sync > timedelta(
        hours=limits.max_hours_since_sync
    ):
        return OfflineCheck.TOO_LONG_OFFLINE
    if points > limits.per_redemption_points:
        return OfflineCheck.PER_REDEMPTION
    day_cap = (
        limits.per_member_day_static_points
        if kind is CodeKind.STATIC_CARD
        else limits.per_member_day_rotating_points
    )
    if usage.member_points_today + points > day_cap:
        return OfflineCheck.PER_MEMBER_DAY
    if not usage.member_already_served and usage.members_served + 1 > limits.members_served_offline:
        return OfflineCheck.MEMBERS_SERVED
    if usage.store_points + points > limits.store_exposure_points:
        return OfflineCheck.STORE_EXPOSURE
    return None
