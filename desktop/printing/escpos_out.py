"""A receipt as ESC/POS for thermal printers sold in China (58 mm: 32 columns, 80 mm: 48).

python-escpos 3.1 sends Han characters as GB18030 but never puts the printer into Chinese
(Kanji) mode, and a line of only Chinese punctuation ("——「」") goes through its code-page
guesser and comes out as `ESC t 16` and question marks. So text never goes through
`printer.text()` here: the printer is put into Chinese mode (`FS &`) and every line is laid
out by columns and sent whole, pre-encoded in GB18030, through `printer._raw()`. Only
non-text commands (style, QR, cut) use the library.

Columns are counted as the printer counts them in Chinese mode: a character that encodes to
one byte (ASCII) is half width, one column; a character that encodes to two or four bytes
(Han, Chinese punctuation, ×, ￥) is full width, two columns.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from escpos.constants import QR_ECLEVEL_M

from desktop.core.money import yuan_text
from desktop.printing.documents import ReceiptDoc
from desktop.printing.receipt import OFFLINE_NOTE, mask_member_id

COLUMNS = {58: 32, 80: 48}  # font A (12 × 24 dots) on 384- and 576-dot heads
QR_MODULE = {58: 5, 80: 6}  # dots per QR module: about 20 mm wide either way
ENCODING = "gb18030"

FS_CHINESE_ON = b"\x1c\x26"  # FS &: Kanji (Chinese) character mode on
FS_CHINESE_OFF = b"\x1c\x2e"  # FS .: Kanji mode off
ESC_INIT = b"\x1b\x40"  # ESC @: reset the printer's modes and buffer
LF = b"\n"

# Characters whose GB18030 form needs four bytes, which printers with GB2312/GBK fonts
# print as garbage: the usual two-byte Chinese forms instead.
_SUBSTITUTES = str.maketrans({"¥": "￥", "–": "-", "…": "..."})


@dataclass(frozen=True)
class Line:
    """One printed line: its text (already padded to the paper's columns), and style."""

    text: str
    bold: bool = False
    tall: bool = False  # double height (same width, so column counts still hold)


@dataclass(frozen=True)
class Qr:
    value: str


Block = Line | Qr


def clean(text: str) -> str:
    """Text the printer can show: two-byte Chinese forms, no control characters."""
    text = text.translate(_SUBSTITUTES)
    return "".join(ch if ch.isprintable() else " " for ch in text)


def char_width(ch: str) -> int:
    return 1 if len(ch.encode(ENCODING, errors="replace")) == 1 else 2


def width(text: str) -> int:
    """Columns the text takes on the printer in Chinese mode."""
    return sum(char_width(ch) for ch in text)


def encode(text: str) -> bytes:
    """A line as the printer expects it in Chinese mode; unencodable characters become '?'."""
    return clean(text).encode(ENCODING, errors="replace")


def _tokens(text: str) -> Iterator[str]:
    """Latin words (with their trailing space) stay whole; every wide character is its own
    token, since Chinese may break between any two characters."""
    word = ""
    for ch in text:
        if char_width(ch) == 2:
            if word:
                yield word
                word = ""
            yield ch
        elif ch == " ":
            yield word + " "
            word = ""
        else:
            word += ch
    if word:
        yield word


def wrap(text: str, columns: int) -> list[str]:
    """Break text into lines of at most `columns` columns (a word longer than a line is cut)."""
    lines: list[str] = []
    line = ""
    for token in _tokens(clean(text)):
        rest = token
        while width(rest.rstrip()) > columns:  # a word longer than a line: cut it
            room = columns - width(line)
            cut = 0
            while cut < len(rest) and width(rest[: cut + 1]) <= room:
                cut += 1
            if cut == 0 and line:  # no room left on this line: start the next one
                lines.append(line.rstrip())
                line = ""
                continue
            cut = max(cut, 1)  # a character wider than the whole line still moves on
            lines.append((line + rest[:cut]).rstrip())
            line, rest = "", rest[cut:]
        if line and width((line + rest).rstrip()) > columns:
            lines.append(line.rstrip())
            line = rest.lstrip()
        else:
            line += rest
    if line.strip():
        lines.append(line.rstrip())
    return lines


def center(text: str, columns: int) -> list[str]:
    return [" " * ((columns - width(t)) // 2) + t for t in wrap(text, columns)]


def pair(left: str, right: str, columns: int) -> list[str]:
    """A label on the left and a figure flush right on the same line; when they cannot
    share a line, the figure goes flush right on the line below."""
    left, right = clean(left).rstrip(), clean(right)
    if width(left) + 1 + width(right) <= columns:
        return [left + " " * (columns - width(left) - width(right)) + right]
    figure = wrap(right, columns)
    figure[-1] = " " * (columns - width(figure[-1])) + figure[-1]
    return [*wrap(left, columns), *figure]


def receipt_blocks(doc: ReceiptDoc, paper_mm: int = 80) -> list[Block]:
    """The receipt as lines of text and a QR code, laid out for the paper's columns; the
    same content, in the same order, as the PDF receipt."""
    if paper_mm not in COLUMNS:
        raise ValueError(f"receipt rolls are 58 or 80 mm, not {paper_mm}")
    n = COLUMNS[paper_mm]
    out: list[Block] = []

    def add(lines: list[str], bold: bool = False, tall: bool = False) -> None:
        out.extend(Line(t, bold, tall) for t in lines)

    def rule(ch: str = "-") -> None:
        out.append(Line(ch * n))

    add(center(doc.store_name_zh, n), bold=True, tall=True)
    add(center(doc.store_name_en, n))
    add(center("积分兑换凭证", n))
    add(center("Points redemption receipt", n))
    if doc.voided:
        add(center("*** 已作废 VOIDED ***", n), bold=True, tall=True)
    if doc.reprint:
        add(center("*** 重印 REPRINT ***", n), bold=True)
    rule()
    add(pair("单号 Receipt", doc.receipt_no, n))
    add(pair("时间 Time", f"{doc.at:%Y-%m-%d %H:%M:%S}", n))
    add(pair("收银员 Cashier", doc.cashier, n))
    add(pair("会员 Member", f"{doc.member_masked} {mask_member_id(doc.member_id)}", n))
    rule()
    for line in doc.lines:
        add(wrap(line.name_zh, n))
        if line.name_en and line.name_en != line.name_zh:
            add(wrap(line.name_en, n))
        price = f"{line.points_each:,}分"
        total = f"{line.points_each * line.quantity:,}分"
        if line.cash_fen_each:
            price += f"+¥{yuan_text(line.cash_fen_each)}"
            total += f"+¥{yuan_text(line.cash_fen_each * line.quantity)}"
        add(pair(f"  {line.quantity} × {price}", total, n))
        if line.detail:
            add(wrap(f"  {line.detail}", n))
    rule()
    add(pair("积分合计 Points", f"{doc.points:,}", n), bold=True)
    add(pair("现金 Cash", f"¥{yuan_text(doc.cash_fen)}", n), bold=True)
    add(pair("兑换前积分 Points before", f"{doc.balance_before:,}", n))
    add(pair("兑换后积分 Points after", f"{doc.balance_after:,}", n))
    if doc.expiring:
        rule()
        add(wrap("即将过期积分 Points expiring soon", n))
        for day, points in doc.expiring:
            add(pair(f"  {day:%Y-%m-%d} 前 before", f"{points:,}", n))
    if doc.offline:
        rule("=")
        add(center(OFFLINE_NOTE[0], n), bold=True)
        add(center(OFFLINE_NOTE[1], n))
    for coupon in doc.coupons:
        rule()
        add(center(f"优惠券 Coupon · {coupon.title}", n), bold=True)
        if doc.voided:
            add(center("已作废 VOIDED", n), bold=True)
        else:
            out.append(Qr(coupon.code))
        add(center(coupon.code, n), bold=True)
        add(center(f"有效期至 Valid until {coupon.valid_until:%Y-%m-%d}", n))
    rule()
    out.append(Qr(doc.receipt_no))
    add(center(doc.receipt_no, n))
    add(center("凭此单办理退换", n))
    add(center("Keep this receipt for voids", n))
    add(center("谢谢光临 Thank you!", n), bold=True)
    return out


def receipt_text(doc: ReceiptDoc, paper_mm: int = 80) -> list[str]:
    """The receipt's lines of text, as printed (for previews and tests)."""
    return [b.text for b in receipt_blocks(doc, paper_mm) if isinstance(b, Line)]


def print_receipt(
    printer: Any,
    doc: ReceiptDoc,
    paper_mm: int = 80,
    qr_native: bool = True,
    *,
    init: bool = True,
) -> None:
    """Send a receipt to a python-escpos printer object (anything with `_raw`, `set`, `qr`,
    `cut`): initialise, Chinese mode, GB18030 lines, the receipt number as a QR code
    (printed natively by the printer, or as a raster image for printers without QR
    support), cut. `init=False` when the caller has just initialised the printer (and
    kicked the drawer: a second ESC @ must not cut its pulse short)."""
    if init:
        printer._raw(ESC_INIT)
    printer._raw(FS_CHINESE_ON)
    bold = tall = False
    for block in receipt_blocks(doc, paper_mm):
        if isinstance(block, Qr):
            # leave Chinese mode around the QR: its data bytes must not be read as text
            printer._raw(FS_CHINESE_OFF)
            printer.set(align="center")
            if qr_native:
                printer.qr(block.value, ec=QR_ECLEVEL_M, size=QR_MODULE[paper_mm], native=True)
                printer._raw(LF)
            else:
                printer.qr(
                    block.value,
                    ec=QR_ECLEVEL_M,
                    size=QR_MODULE[paper_mm],
                    native=False,
                    center=True,
                )
            printer.set(align="left")
            printer._raw(FS_CHINESE_ON)
            continue
        if block.bold != bold:
            printer.set(bold=block.bold)
            bold = block.bold
        if block.tall != tall:
            # GS ! (character size) applies to Chinese and ASCII alike; ESC ! would not
            printer.set(custom_size=True, width=1, height=2 if block.tall else 1)
            tall = block.tall
        printer._raw(encode(block.text) + LF)
    if bold:
        printer.set(bold=False)
    if tall:
        printer.set(custom_size=True, width=1, height=1)
    printer._raw(FS_CHINESE_OFF)
    printer.cut()
