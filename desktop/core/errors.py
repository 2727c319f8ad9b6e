"""One root for every unexpected failure; refusals are values (see redemption.Refusal)."""

from __future__ import annotations


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
