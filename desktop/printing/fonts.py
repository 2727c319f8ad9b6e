"""The one font printing uses: WenQuanYi Micro Hei from resources/fonts, embedded (subset)
in every PDF so Chinese prints the same on any printer and viewer. It carries Latin
letters and digits too, so a layout needs no other font."""

from __future__ import annotations

import threading

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

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
