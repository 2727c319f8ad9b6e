"""One root for every unexpected failure; refusals are values (see redemption.Refusal)."""

from __future__ import annotations

from enum import StrEnum


class LanternError(Exception):
    """Root of Lantern's own exceptions. The message says what was wrong and what to do."""


class InvalidInput(LanternError):
    """A value given by a person or a script is malformed (a quantity of zero, "12.3" points)."""


class NotFound(LanternError):
    """A member, gift, receipt or staff member that does not exist."""


class NotAllowed(LanternError):
    """Wrong PIN, a cashier doing a manager's job, a closed business day."""


class Conflict(LanternError):
    """A retry whose content differs from the original (same request id, other payload)."""


class PinKeyMissing(LanternError):
    """The PIN pepper of the store database is not in its vault (the database was moved or
    copied without it): no PIN can be checked, and nothing was changed."""


class StorageProblem(StrEnum):
    """Why the disk refuses the store's files (the UI words each; see StorageUnavailable)."""

    READ_ONLY = "read_only"  # a read-only disk, mount or file
    DISK_FULL = "disk_full"  # no room left on the disk
    PERMISSION_DENIED = "permission_denied"  # this user may not write the file or its folder


class StorageUnavailable(LanternError):
    """The disk refused to read or write the store's files. The files are intact and nothing
    was changed: the remedy is the disk, never restoring a backup."""

    def __init__(self, message: str, problem: StorageProblem, path: str) -> None:
        super().__init__(message)
        self.problem = problem
        self.path = path
