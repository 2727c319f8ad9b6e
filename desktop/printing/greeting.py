"""The greeting card a member takes home: an A6 landscape postcard (148 × 105 mm).

Left, the words: the occasion's title in Chinese and English, "亲爱的 {name}：", the
design's message in both languages, the member's own blessing line if they added one
(in quotation marks, in the accent colour, on one line shrunk to fit, or two), then the gift, the
store and the date (with the lunar date). Right, the design's ornament in vector shapes. The only font is the embedded CJK
one; colours and words come from the design (designs.py).
"""

from __future__ import annotations

import io
from datetime import date

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from desktop.core.occasions import lunar_date_zh
from desktop.printing.designs import CardDesign, rgb
from desktop.printing.documents import CardDoc
from desktop.printing.fonts import cjk_font
from desktop.printing.ornaments import ART, CARD_H, CARD_W, INNER, ORNAMENTS, background, nothing
from desktop.printing.text import clip, fit, wrap

LEFT = 14 * mm
TEXT_RIGHT = CARD_W - 52 * mm  # the ornament has the column to the right of this
BLESSING_Y = 33 * mm  # the blessing line's baseline, above the rule over the gift
BLESSING_TOP = 40 * mm  # the message stops here when there is a blessing (of one line)
BLESSING_LEAD = 1.35  # line spacing of a blessing on two lines, times its size
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def card_pdf(doc: CardDoc, design: CardDesign) -> bytes:
    """The card as PDF bytes, every font embedded."""
    font = cjk_font()
    out = io.BytesIO()
    c = Canvas(out, pagesize=(CARD_W, CARD_H), initialFontName=font, initialFontSize=10)
    c.setTitle(f"{design.title_zh} {doc.member_name}")
    c.setAuthor(doc.store_name_zh)
    c.setSubject(f"{doc.occasion} card for receipt {doc.receipt_no}")
    background(c, design)
    c.saveState()
    frame = c.beginPath()
    frame.rect(INNER, INNER, CARD_W - 2 * INNER, CARD_H - 2 * INNER)
    c.clipPath(frame, stroke=0, fill=0)
    ORNAMENTS.get(design.ornament or "", nothing)(c, design)
    c.restoreState()
    _words(c, doc, design, font)
    c.showPage()
    c.save()
    return out.getvalue()


# --- words -------------------------------------------------------------------------------


def date_zh(day: date) -> str:
    lunar = lunar_date_zh(day)
    solar = f"{day.year}年{day.month}月{day.day}日"
    return f"{solar}  农历{lunar}" if lunar else solar


def date_en(day: date) -> str:
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def _words(c: Canvas, doc: CardDoc, design: CardDesign, font: str) -> None:
    text, accent = rgb(design.text), rgb(design.accent)
    _title(c, design, font, text, accent)
    _message(c, doc, design, font, text)
    if doc.blessing:
        _blessing(c, doc.blessing, font, accent)
    _footer(c, doc, design, font, text, accent)


def _title(
    c: Canvas,
    design: CardDesign,
    font: str,
    text: tuple[float, float, float],
    accent: tuple[float, float, float],
) -> None:
    """The Chinese title large and spaced out, the English in small capitals under it."""
    width = TEXT_RIGHT - LEFT
    c.setFillColorRGB(*accent)
    spacing = 4.0
    size = fit(design.title_zh, font, 30, width - spacing * len(design.title_zh), smallest=14)
    c.setFont(font, size)
    title = clip(design.title_zh, font, size, width - spacing * len(design.title_zh))
    c.drawString(LEFT, CARD_H - 24 * mm, title, charSpace=spacing)
    c.setFillColorRGB(*text)
    c.setFillAlpha(0.8)
    title_en = design.title_en.upper()
    room = width - 1.6 * len(title_en)
    size = fit(title_en, font, 8, room)
    c.setFont(font, size)
    c.drawString(
        LEFT + 0.6 * mm, CARD_H - 30.5 * mm, clip(title_en, font, size, room), charSpace=1.6
    )
    c.setFillAlpha(1)
    c.setStrokeColorRGB(*accent)
    c.setLineWidth(0.8)
    c.line(LEFT + 0.6 * mm, CARD_H - 34 * mm, LEFT + 16 * mm, CARD_H - 34 * mm)


def _message(
    c: Canvas, doc: CardDoc, design: CardDesign, font: str, text: tuple[float, float, float]
) -> None:
    """亲爱的 {name}：, then the message, Chinese over English, as large as fits between
    the greeting and the gift (a message too long even at 7 pt is cut short)."""
    width = TEXT_RIGHT - LEFT
    greeting_y, top = CARD_H - 42.5 * mm, CARD_H - 50.5 * mm
    bottom = 33 * mm
    if doc.blessing:  # leave the blessing its line(s)
        size, lines = blessing_lines(doc.blessing, font)
        bottom = BLESSING_TOP + (len(lines) - 1) * size * BLESSING_LEAD
    message_zh, message_en = design.messages(doc)
    for zh_size in (11.0, 10.5, 10.0, 9.5, 9.0, 8.5, 8.0, 7.5, 7.0):
        zh_lead, en_size = zh_size * 1.65, zh_size * 0.76
        en_lead = en_size * 1.5
        zh_lines = wrap(message_zh, font, zh_size, width)
        en_lines = wrap(message_en, font, en_size, width)
        height = (len(zh_lines) - 1) * zh_lead + 2 * mm + len(en_lines) * en_lead
        if top - height >= bottom:
            break
    c.setFillColorRGB(*text)
    greeting = f"亲爱的 {doc.member_name}："
    size = fit(greeting, font, 13, width, smallest=8)
    c.setFont(font, size)
    c.drawString(LEFT, greeting_y, clip(greeting, font, size, width))
    y = top
    c.setFont(font, zh_size)
    for i, line in enumerate(zh_lines):
        if y - zh_lead < bottom and i + 1 < len(zh_lines):
            c.drawString(LEFT, y, clip(line + "…", font, zh_size, width))
            return
        c.drawString(LEFT, y, line)
        y -= zh_lead
    y += zh_lead - 2 * mm - en_lead
    c.setFillAlpha(0.75)
    c.setFont(font, en_size)
    for i, line in enumerate(en_lines):
        if y < bottom:
            break
        cut = y - en_lead < bottom and i + 1 < len(en_lines)
        c.drawString(LEFT, y, clip(line + " …", font, en_size, width) if cut else line)
        y -= en_lead
    c.setFillAlpha(1)


def blessing_lines(blessing: str, font: str) -> tuple[float, list[str]]:
    """The blessing in quotation marks as the card prints it: one line, as large as fits
    (11 down to 8 pt); else at 8 pt on as many lines as it needs (two at most for the
    longest blessing desktop/core/blessing.py allows), broken between words, and inside a
    word too long for a line."""
    width = TEXT_RIGHT - LEFT
    line = f"“{blessing}”"
    size = fit(line, font, 11, width, smallest=8)
    if stringWidth(line, font, size) <= width:
        return size, [line]
    lines: list[str] = []
    for wrapped in wrap(line, font, 8, width):
        rest = wrapped
        while stringWidth(rest, font, 8) > width:  # one word wider than the line
            n = len(rest)
            while n > 1 and stringWidth(rest[:n], font, 8) > width:
                n -= 1
            lines.append(rest[:n])
            rest = rest[n:]
        lines.append(rest)
    return 8, lines


def _blessing(c: Canvas, blessing: str, font: str, accent: tuple[float, float, float]) -> None:
    """The member's line, between the message and the gift, in the accent colour."""
    size, lines = blessing_lines(blessing, font)
    c.setFillColorRGB(*accent)
    c.setFont(font, size)
    y = BLESSING_Y + (len(lines) - 1) * size * BLESSING_LEAD
    for line in lines:
        c.drawString(LEFT, y, line)
        y -= size * BLESSING_LEAD


def _footer(
    c: Canvas,
    doc: CardDoc,
    design: CardDesign,
    font: str,
    text: tuple[float, float, float],
    accent: tuple[float, float, float],
) -> None:
    """The gift, the store, the date (solar and lunar) and the receipt number."""
    c.setStrokeColorRGB(*accent)
    c.setStrokeAlpha(0.5)
    c.setLineWidth(0.4)
    c.line(LEFT, 30 * mm, TEXT_RIGHT, 30 * mm)
    c.setStrokeAlpha(1)
    _labelled(c, font, accent, text, 22.5 * mm, "礼品 GIFT", doc.gift_zh, doc.gift_en, 11)
    _labelled(c, font, accent, text, 14 * mm, "门店 STORE", doc.store_name_zh, doc.store_name_en, 9)
    c.setFillColorRGB(*text)
    c.setFillAlpha(0.7)
    c.setFont(font, 6.5)
    c.drawString(LEFT, 9 * mm, f"{date_zh(doc.day)}  ·  {date_en(doc.day)}")
    c.setFillAlpha(1)
    receipt = f"No. {doc.receipt_no}"
    right = ART[2] - 1 * mm
    pill = stringWidth(receipt, font, 5.5) + 3 * mm
    c.setFillColorRGB(*rgb(design.background))
    c.setFillAlpha(0.85)
    c.roundRect(right - pill + 1.5 * mm, 7.9 * mm, pill, 3.6 * mm, 1.8 * mm, stroke=0, fill=1)
    c.setFillColorRGB(*text)
    c.setFillAlpha(0.7)
    c.setFont(font, 5.5)
    c.drawRightString(right, 9 * mm, receipt)
    c.setFillAlpha(1)


def _labelled(
    c: Canvas,
    font: str,
    accent: tuple[float, float, float],
    text: tuple[float, float, float],
    y: float,
    label: str,
    zh: str,
    en: str,
    size: float,
) -> None:
    c.setFillColorRGB(*accent)
    c.setFont(font, 6.2)
    c.drawString(LEFT, y + size * 1.05, label, charSpace=0.8)
    c.setFillColorRGB(*text)
    # the Chinese first, shrunk (then cut) to fit; the English after it in what is left
    size = fit(zh, font, size, TEXT_RIGHT - LEFT, smallest=7)
    zh = clip(zh, font, size, TEXT_RIGHT - LEFT)
    c.setFont(font, size)
    c.drawString(LEFT, y, zh)
    x = LEFT + stringWidth(zh, font, size) + 2.5 * mm
    en_size = fit(en, font, size * 0.72, TEXT_RIGHT - x, smallest=5.5)
    en = clip(en, font, en_size, TEXT_RIGHT - x)
    if en != "…":
        c.setFillAlpha(0.75)
        c.setFont(font, en_size)
        c.drawString(x, y, en)
        c.setFillAlpha(1)
