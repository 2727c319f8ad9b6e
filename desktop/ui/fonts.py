"""The shipped CJK font for Qt, so Chinese renders on a till whose system has no CJK font
(a bare Windows or Linux install, a fresh container): the window's text and the system
printer's text layer both use WenQuanYi Micro Hei from resources/fonts/, never a font the
operating system may lack.

`install_fonts(qapp)` runs at start-up on the GUI thread, before any window exists: it
registers the font with Qt (QFontDatabase.addApplicationFont) and makes it the
application's font, the system's default family behind it for anything it lacks.
`cjk_family()` registers it on first use too (the system printer asks for it when it is
made, on the GUI thread), so printing does not depend on the start-up path either."""

from __future__ import annotations

import logging
import threading

from desktop.resources import CJK_FONT
from desktop.ui.qt import QApplication, QFont, QFontDatabase, QGuiApplication

log = logging.getLogger(__name__)

UI_POINT_SIZE = 11
_lock = threading.Lock()
_family: list[str] = []  # the registered family, once registered


def cjk_family() -> str | None:
    """The shipped CJK font's family name, registering it with Qt the first time; None when
    it cannot be loaded (logged) or no Qt application exists yet."""
    with _lock:
        if _family:
            return _family[0]
        if QGuiApplication.instance() is None:
            return None
        font_id = QFontDatabase.addApplicationFont(str(CJK_FONT))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if not families:
            log.error("could not load the CJK font %s; Chinese may show as boxes", CJK_FONT)
            return None
        _family.append(families[0])
        log.debug("CJK font %s registered as %r", CJK_FONT.name, families[0])
        return families[0]


def cjk_font() -> QFont:
    """A font that has every Chinese character the till prints or shows: the shipped font
    first, the application's families behind it."""
    font = QFont()
    family = cjk_family()
    if family is not None:
        font.setFamilies([family, *[f for f in font.families() if f != family]])
    return font


def install_fonts(qapp: QApplication) -> str | None:
    """At start-up: the shipped CJK font is the application's font. Returns its family."""
    family = cjk_family()
    if family is None:
        return None
    font = QFont(qapp.font())
    font.setFamilies([family, *[f for f in font.families() if f != family]])
    font.setPointSize(UI_POINT_SIZE)
    qapp.setFont(font)
    return family
