"""The one font printing uses: WenQuanYi Micro Hei from resources/fonts, embedded (subset)
in every PDF so Chinese prints the same on any printer and viewer. It carries Latin
letters and digits too, so a layout needs no other font."""

from __future__ import annotations

import threading

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from desktop.core.blessing import clean_blessing
from desktop.core.errors import InvalidInput
from desktop.resources import CJK_FONT

CJK_FONT_NAME = "WQYMicroHei"
_lock = threading.Lock()


def cjk_font() -> str:
    """Register the CJK font with reportlab (once per process) and return its name. Pass it
    as `initialFontName=` to canvas.Canvas, or the page also names Helvetica, unembedded."""
    with _lock:
        if CJK_FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(CJK_FONT_NAME, str(CJK_FONT), subfontIndex=0))
    return CJK_FONT_NAME


def missing_glyphs(text: str) -> list[str]:
    """The characters of text the card's font cannot draw (each once, in order): emoji,
    rare CJK extension characters and the like would print as empty boxes."""
    font = pdfmetrics.getFont(cjk_font())
    assert isinstance(font, TTFont)
    covered = font.face.charToGlyph
    missing: list[str] = []
    for ch in text:
        if ch != " " and ord(ch) not in covered and ch not in missing:
            missing.append(ch)
    return missing


def printable_blessing(text: str | None) -> str | None:
    """A blessing as the card prints it: the core's checks (desktop/core/blessing.py), then
    every character must be in the card's font. InvalidInput naming what cannot print."""
    cleaned = clean_blessing(text)
    if cleaned is None:
        return None
    missing = missing_glyphs(cleaned)
    if missing:
        shown = " ".join(f"{ch} (U+{ord(ch):04X})" for ch in missing)
        raise InvalidInput(
            f"the greeting card cannot print {shown} in the blessing: use other characters "
            "(no emoji or rare characters)"
        )
    return cleaned
