"""The settings a manager changes at the till: offline limits, the idle lock, printers, the
camera, the head-office address and the default language. Every value is checked before
anything is saved; a bad one is named with what is expected, and nothing changes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from desktop.core.errors import InvalidInput
from desktop.core.offline import OfflineLimits
from desktop.services.context import ServiceContext
from desktop.services.printing import PrintService, configured_printers
from desktop.services.sync import SyncService
from desktop.store import settings
from desktop.store import staff as staff_repo
from desktop.store.staff import PIN_MAX, PIN_MIN
from desktop.sync.client import check_base_url

IDLE_RANGE = (15, 3600)  # seconds before an idle till locks itself
LIMIT_RANGE = (0, 10_000_000)
CAMERA_RANGE = (0, 99)
LANGUAGES = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"  # a store that never chose one: the chain's language
LIMIT_FIELDS = tuple(f.name for f in fields(OfflineLimits))


@dataclass(frozen=True)
class StoreSettings:
    offline_limits: dict[str, int]
    idle_lock_seconds: int
    printers: list[Any]
    camera_index: int | None
    language: str
    headoffice_url: str | None  # None: not connected to a head office
    min_pin_length: int = PIN_MIN  # the shortest PIN accepted when a PIN is set


def _whole(value: object, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(
            f"{what}: a whole number from {low:,} to {high:,} is expected, got {value!r} "
            "(nothing was saved)"
        )
    return value


def check(values: StoreSettings) -> None:
    """Raise InvalidInput for the first value that cannot be saved."""
    limits = values.offline_limits
    if set(limits) != set(LIMIT_FIELDS):
        raise InvalidInput(
            f"offline limits: expected exactly {', '.join(LIMIT_FIELDS)}, got "
            f"{', '.join(sorted(limits))} (nothing was saved)"
        )
    for name in LIMIT_FIELDS:
        _whole(limits[name], f"offline limit {name}", *LIMIT_RANGE)
    if limits["per_member_day_static_points"] > limits["per_member_day_rotating_points"]:
        raise InvalidInput(
            "offline limits: a printed card can be photocopied, so its daily limit must not be "
            "above the phone code's (nothing was saved)"
        )
    _whole(values.idle_lock_seconds, "idle lock (seconds)", *IDLE_RANGE)
    _whole(values.min_pin_length, "shortest PIN (digits)", PIN_MIN, PIN_MAX)
    if values.camera_index is not None:
        _whole(values.camera_index, "camera number", *CAMERA_RANGE)
    if values.language not in LANGUAGES:
        raise InvalidInput(
            f"language: one of {', '.join(LANGUAGES)} is expected, got {values.language!r} "
            "(nothing was saved)"
        )
    if values.headoffice_url is not None:
        try:
            check_base_url(values.headoffice_url)
        except InvalidInput as e:
            raise InvalidInput(f"{e} (nothing was saved)") from None
    _, problems = configured_printers(values.printers)
    if problems:
        raise InvalidInput("printers: " + "; ".join(problems) + " (nothing was saved)")


def check_headoffice_url(url: str) -> str:
    """The head-office address cleaned, or InvalidInput: the rule `lantern store connect`,
    the sync client and the Settings tab share."""
    return check_base_url(url)


class SettingsService:
    def __init__(self, ctx: ServiceContext, printing: PrintService, sync: SyncService) -> None:
        self.ctx = ctx
        self.db = ctx.db
        self.printing = printing
        self.sync = sync

    def read(self, idle_default: int) -> StoreSettings:
        """The settings as saved (`idle_default` where the idle lock was never set)."""
        connection = self.sync.connection()
        return StoreSettings(
            asdict(self.ctx.offline_limits()),
            int(self.ctx.setting("idle_lock_seconds", idle_default)),
            list(self.ctx.setting("printers", []) or []),
            self.ctx.setting("camera_index"),
            self.language(),
            connection.url if connection else None,
            self._min_pin_length(),
        )

    def _min_pin_length(self) -> int:
        with self.db.read() as tx:
            return staff_repo.min_length(tx)

    def language(self) -> str:
        """The till's language: the store's setting (Settings, "Default language"), or
        Simplified Chinese when none was saved. It wins over the system's locale, so what
        Settings shows is what the till starts in."""
        value = self.ctx.setting("language")
        return value if value in LANGUAGES else DEFAULT_LANGUAGE

    def save(self, new: StoreSettings, old: StoreSettings) -> StoreSettings:
        """Check every value, then save: printers and the head-office address through their
        services (which check them again), then the rest in one transaction."""
        check(new)
        if new.printers != old.printers:
            self.printing.set_printers(new.printers)
        if new.headoffice_url is not None and new.headoffice_url != old.headoffice_url:
            c = self.sync.connection()
            if c is not None:
                self.sync.connect(new.headoffice_url, c.store_id, c.secret)
        with self.db.write() as tx:
            settings.put(tx, "offline_limits", new.offline_limits)
            settings.put(tx, "idle_lock_seconds", new.idle_lock_seconds)
            settings.put(tx, "camera_index", new.camera_index)
            settings.put(tx, "language", new.language)
            if new.min_pin_length != old.min_pin_length:  # PINs set before keep working
                staff_repo.set_min_length(tx, new.min_pin_length)
        return new
