"""Printable member cards: the QR of the static card code and the typed card number with
its check digit, as PNG (for screens and tests) or PDF (CR80 card, vector QR, embedded
CJK font)."""

from __future__ import annotations

from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from desktop.resources import CJK_FONT

CARD_W, CARD_H = 85.6 * mm, 54.0 * mm  # ISO/IEC 7810 ID-1 (CR80)
FONT = "WQYMicroHei"


def qr_modules(text: str, ecc: int = ERROR_CORRECT_M, border: int = 4) -> list[list[bool]]:
    """The QR symbol as rows of modules (True = dark), quiet zone included."""
    qr = qrcode.QRCode(error_correction=ecc, border=border)
    qr.add_data(text)
    qr.make(fit=True)
    return [[bool(m) for m in row] for row in qr.get_matrix()]


def qr_version(text: str, ecc: int = ERROR_CORRECT_M) -> int:
    qr = qrcode.QRCode(error_correction=ecc)
    qr.add_data(text)
    qr.make(fit=True)
    return int(qr.version)


def spaced(card_number: str) -> str:
    return " ".join(card_number[i : i + 4] for i in range(0, len(card_number), 4))


def card_image(text: str, card_number: str, module_px: int = 8) -> Image.Image:
    """A grayscale image: the QR, and the card number printed under it (Pillow only, so
    head office needs neither OpenCV nor Qt to print cards)."""
    modules = qr_modules(text)
    size = len(modules)
    qr = Image.new("L", (size, size), 255)
    qr.putdata([0 if dark else 255 for row in modules for dark in row])
    qr = qr.resize((size * module_px, size * module_px), Image.Resampling.NEAREST)
    w, h = qr.size
    out = Image.new("L", (w, h + 8 * module_px), 255)
    out.paste(qr, (0, 0))
    font = ImageFont.truetype(str(CJK_FONT), size=3 * module_px, index=0)
    label = spaced(card_number)
    draw = ImageDraw.Draw(out)
    left, top, right, _ = draw.textbbox((0, 0), label, font=font)
    draw.text(((w - (right - left)) // 2, h + module_px // 2 - top), label, fill=0, font=font)
    return out


def write_card_png(path: Path | str, text: str, card_number: str, module_px: int = 8) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        card_image(text, card_number, module_px).save(path, format="PNG")
    except OSError as e:
        raise OSError(f"could not write {path}: {e}") from e
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
    step = size / len(modules)
    x0, y0 = CARD_W - size - 3.5 * mm, 3 * mm
    for r, row in enumerate(modules):
        for col, dark in enumerate(row):
            if dark:
                c.rect(x0 + col * step, y0 + size - (r + 1) * step, step, step, stroke=0, fill=1)
    c.showPage()
    c.save()
    return path
