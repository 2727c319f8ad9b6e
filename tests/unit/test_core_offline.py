"""Offline caps: each one, and the order in which they are checked."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from desktop.core.offline import (
    CodeKind,
    OfflineCheck,
    OfflineLimits,
    OfflineUsage,
    check_offline,
)

pytestmark = pytest.mark.unit

NOW = datetime(2025, 6, 1, 12, 0)
LIMITS = OfflineLimits(
    per_redemption_points=5000,
    per_member_day_static_points=2000,
    per_member_day_rotating_points=6000,
    members_served_offline=200,
    store_exposure_points=200_000,
    max_hours_since_sync=72,
)
FRESH = OfflineUsage(
    member_points_today=0,
    member_already_served=False,
    members_served=0,
    store_points=0,
    last_sync=NOW - timedelta(hours=1),
)


def check(points: int, kind: CodeKind = CodeKind.ROTATING_PHONE, **usage: object) -> object:
    return check_offline(LIMITS, replace(FRESH, **usage), points, kind, NOW)


def test_within_every_limit() -> None:
    assert check(1000) is None
    assert check(1000, CodeKind.STATIC_CARD) is None


def test_defaults_seed_a_new_store() -> None:
    d = OfflineLimits()
    assert d.per_member_day_static_points < d.per_member_day_rotating_points
    assert check_offline(d, FRESH, 1000, CodeKind.ROTATING_PHONE, NOW) is None


def test_a_typed_number_is_never_accepted_offline() -> None:
    assert check(1, CodeKind.TYPED_NUMBER) is OfflineCheck.TYPED_NUMBER_OFFLINE


def test_too_long_since_the_last_sync() -> None:
    limit = timedelta(hours=72)
    assert check(100, last_sync=NOW - limit) is None  # exactly the limit is still fine
    assert check(100, last_sync=NOW - limit - timedelta(seconds=1)) is (
        OfflineCheck.TOO_LONG_OFFLINE
    )


def test_too_long_offline_uses_the_configured_hours() -> None:
    limits = replace(LIMITS, max_hours_since_sync=2)
    usage = replace(FRESH, last_sync=NOW - timedelta(hours=3))
    assert check_offline(limits, usage, 1, CodeKind.ROTATING_PHONE, NOW) is (
        OfflineCheck.TOO_LONG_OFFLINE
    )
    assert check_offline(LIMITS, usage, 1, CodeKind.ROTATING_PHONE, NOW) is None


def test_per_redemption_cap() -> None:
    assert check(5000) is None
    assert check(5001) is OfflineCheck.PER_REDEMPTION


@pytest.mark.parametrize(
    ("kind", "cap"), [(CodeKind.STATIC_CARD, 2000), (CodeKind.ROTATING_PHONE, 6000)]
)
def test_per_member_day_cap_counts_what_the_member_already_redeemed(
    kind: CodeKind, cap: int
) -> None:
    assert check(1000, kind, member_points_today=cap - 1000) is None
    assert check(1000, kind, member_points_today=cap - 999) is OfflineCheck.PER_MEMBER_DAY


def test_a_static_card_gets_a_lower_daily_cap_than_a_rotating_code() -> None:
    usage = {"member_points_today": 1500}
    assert check(1000, CodeKind.STATIC_CARD, **usage) is OfflineCheck.PER_MEMBER_DAY
    assert check(1000, CodeKind.ROTATING_PHONE, **usage) is None


def test_members_served_cap_applies_to_a_new_member_only() -> None:
    full = {"members_served": 200}
    assert check(100, **full) is OfflineCheck.MEMBERS_SERVED
    assert check(100, member_already_served=True, **full) is None
    assert check(100, members_served=199) is None


def test_store_exposure_cap() -> None:
    assert check(1000, store_points=199_000) is None
    assert check(1000, store_points=199_001) is OfflineCheck.STORE_EXPOSURE


def test_never_synced_store_skips_only_the_time_check() -> None:
    assert check(100, last_sync=None) is None
    assert check(5001, last_sync=None) is OfflineCheck.PER_REDEMPTION


def test_the_first_cap_broken_is_reported() -> None:
    everything = {
        "member_points_today": 10_000,
        "members_served": 500,
        "store_points": 500_000,
        "last_sync": NOW - timedelta(days=30),
    }
    assert check(9000, CodeKind.TYPED_NUMBER, **everything) is OfflineCheck.TYPED_NUMBER_OFFLINE
    assert check(9000, **everything) is OfflineCheck.TOO_LONG_OFFLINE
    everything["last_sync"] = NOW
    assert check(9000, **everything) is OfflineCheck.PER_REDEMPTION
    assert check(100, **everything) is OfflineCheck.PER_MEMBER_DAY
    everything["member_points_today"] = 0
    assert check(100, **everything) is OfflineCheck.MEMBERS_SERVED
    assert check(100, member_already_served=True, **everything) is OfflineCheck.STORE_EXPOSURE
