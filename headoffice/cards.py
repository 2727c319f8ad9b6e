"""Printable member cards: the QR of the static card code and the typed card number with
its check digit, as PNG (for screens and tests) or PDF (CR80 card, vector QR, embedded
CJK font)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from desktop.resources import CJK_FONT

CARD_W, CARD_H = 85.6 * mm, 54.0 * mm  # ISO/IEC 7810 ID-1 (CR80)
FONT = "WQYMicroHei"


def qr_modules(text: str, ecc: int = ERROR_CORRECT_M, border: int = 4) -> np.ndarray:
    """The QR symbol as a boolean matrix (True = dark), quiet zone included."""
    qr = qrcode.QRCode(error_correction=ecc, border=border)
    qr.add_data(text)
    qr.make(fit=True)
    return np.array(qr.get_matrix(), dtype=bool)


def qr_version(text: str, ecc: int = ERROR_CORRECT_M) -> int:
    qr = qrcode.QRCode(error_correction=ecc)
    qr.add_data(text)
    qr.make(fit=True)
    return int(qr.version)


def spaced(card_number: str) -> str:
    return " ".join(card_number[i : i + 4] for i in range(0, len(card_number), 4))


def card_image(text: str, card_number: str, module_px: int = 8) -> np.ndarray:
    """A grayscale image: the QR, and the card number printed under it."""
    modules = qr_modules(text)
    qr = np.where(modules, 0, 255).astype(np.uint8)
    qr = np.kron(qr, np.ones((module_px, module_px), dtype=np.uint8))
    h, w = qr.shape
    out = np.full((h + 16 * module_px // 2, w), 255, dtype=np.uint8)
    out[:h] = qr
    label = spaced(card_number)
    scale = module_px / 8
    (tw, th), _ = cv2.getTextSize(label, cv2.FONT_HERSHEY_SIMPLEX, scale, 2)
    cv2.putText(
        out, label, ((w - tw) // 2, h + th), cv2.FONT_HERSHEY_SIMPLEX, scale, 0, 2, cv2.LINE_AA
    )
    return out


def write_card_png(path: Path | str, text: str, card_number: str, module_px: int = 8) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(path), card_image(text, card_number, module_px)):
        raise OSError(f"could not write {path}")
    return path


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(CJK_FONT), subfontIndex=0))
    return FONT


def write_card_pdf(
    path: Path | str, text: str, card_number: str, name: str, programme: str
) -> Path:
    """A CR80 card: programme name, member name, the QR (vector), the card number."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    font = _font()
    # the embedded font from the start: otherwise the page names Helvetica, not embedded
    c = canvas.Canvas(str(path), pagesize=(CARD_W, CARD_H), initialFontName=font)
    c.setTitle(f"Lantern member card {card_number}")
    c.setFillColorRGB(0.70, 0.09, 0.12)
    c.rect(0, CARD_H - 11 * mm, CARD_W, 11 * mm, stroke=0, fill=1)
    c.setFillColorRGB(1, 1, 1)
    c.setFont(font, 10)
    c.drawString(4 * mm, CARD_H - 7.5 * mm, programme)
    c.setFillColorRGB(0, 0, 0)
    c.setFont(font, 11)
    c.drawString(4 * mm, CARD_H - 18 * mm, name)
    c.setFont(font, 8)
    c.drawString(4 * mm, 5 * mm, spaced(card_number))
    modules = qr_modules(text, border=0)
    size = 38 * mm
    step = size / modules.shape[0]
    x0, y0 = CARD_W - size - 3.5 * mm, 3 * mm
    for r, row in enumerate(modules):
        for col, dark in enumerate(row):
            if dark:
                c.rect(x0 + col * step, y0 + size - (r + 1) * step, step, step, stroke=0, fill=1)
    c.showPage()
    c.save()
    return path
