"""The pole customer display (desktop/printing/pole.py) as the store configures it: the
store setting "pole_display" holds its spec, e.g. "serial:/dev/ttyUSB0:9600" or
"network:10.0.0.21:9100,charset=ascii"; none by default."""

from __future__ import annotations

import logging

from desktop.core.errors import InvalidInput
from desktop.printing.pole import PoleDisplay, PoleSpec, PoleState, open_pole
from desktop.services.context import ServiceContext
from desktop.store import settings

log = logging.getLogger(__name__)

SETTING = "pole_display"

__all__ = [
    "SETTING",
    "PoleDisplay",
    "PoleState",
    "configured_pole",
    "pole_display",
    "set_pole_display",
]


def configured_pole(ctx: ServiceContext) -> PoleSpec | None:
    """The configured display's spec; None when there is none (or the setting is bad,
    which is logged: the till runs without the display rather than not at all)."""
    text = ctx.setting(SETTING)
    if not text:
        return None
    try:
        return PoleSpec.parse(str(text))
    except InvalidInput as e:
        log.error("pole display setting ignored: %s", e)
        return None


def pole_display(ctx: ServiceContext) -> PoleDisplay | None:
    """The store's pole display, started (its writer thread runs until `close()`)."""
    spec = configured_pole(ctx)
    return None if spec is None else open_pole(str(spec))


def set_pole_display(ctx: ServiceContext, text: str | None) -> PoleSpec | None:
    """Check and save the display's spec (None or "" for no display)."""
    spec = PoleSpec.parse(text) if text else None
    with ctx.db.write() as conn:
        settings.put(conn, SETTING, str(spec) if spec else None)
    return spec
