"""The redemption receipt as a PDF for 58 mm and 80 mm rolls: the page is as long as the
receipt. The same document goes to the PDF archive, the system printer and (rasterised
natively as text) ESC/POS printers."""

from __future__ import annotations

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from desktop.core.money import yuan_text
from desktop.printing.documents import ReceiptDoc
from desktop.printing.fonts import cjk_font
from desktop.printing.text import wrap

ROLL_WIDTHS = {58: 48.0, 80: 72.0}  # roll width → printable width in mm
OFFLINE_NOTE = ("离线交易 — 待总部确认", "Offline — awaiting head-office confirmation")


class _Layout:
    """Collects drawing operations top-down, then sizes the page to fit them."""

    def __init__(self, width: float) -> None:
        self.width = width
        self.ops: list[tuple[str, float, tuple[object, ...]]] = []
        self.y = 0.0  # distance from the top, growing downwards
        self.font = cjk_font()

    def text(self, text: str, size: float = 8, align: str = "left", gap: float = 1.3) -> None:
        for line in wrap(text, self.font, size, self.width):
            self.y += size * gap
            self.ops.append(("text", self.y, (line, size, align)))

    def pair(self, left: str, right: str, size: float = 8) -> None:
        """A label on the left and a figure on the right of the same line."""
        room = self.width - stringWidth(right, self.font, size) - 2
        lines = list(wrap(left, self.font, size, room)) or [""]
        for i, line in enumerate(lines):
            self.y += size * 1.3
            self.ops.append(("text", self.y, (line, size, "left")))
            if i == len(lines) - 1:
                self.ops.append(("text", self.y, (right, size, "right")))

    def rule(self, dashed: bool = True) -> None:
        self.y += 4
        self.ops.append(("rule", self.y, (dashed,)))
        self.y += 2

    def space(self, points: float) -> None:
        self.y += points

    def qr(self, value: str, size: float) -> None:
        self.y += size
        self.ops.append(("qr", self.y, (value, size)))

    def render(self, margin: float, title: str) -> bytes:
        buf = io.BytesIO()
        page_w = self.width + 2 * margin
        page_h = self.y + 2 * margin
        c = canvas.Canvas(buf, pagesize=(page_w, page_h), initialFontName=self.font)
        c.setTitle(title)
        for kind, y, args in self.ops:
            base = page_h - margin - y
            if kind == "text":
                line, size, align = args
                assert isinstance(line, str) and isinstance(size, float | int)
                c.setFont(self.font, size)
                if align == "center":
                    c.drawCentredString(page_w / 2, base, line)
                elif align == "right":
                    c.drawRightString(page_w - margin, base, line)
                else:
                    c.drawString(margin, base, line)
            elif kind == "rule":
                c.setDash(2, 2) if args[0] else c.setDash()
                c.setLineWidth(0.5)
                c.line(margin, base, page_w - margin, base)
                c.setDash()
            elif kind == "qr":
                value, size = args
                assert isinstance(value, str) and isinstance(size, float | int)
                draw_qr(c, value, (page_w - size) / 2, base, size)
        c.showPage()
        c.save()
        return buf.getvalue()


def draw_qr(c: canvas.Canvas, value: str, x: float, y: float, size: float) -> None:
    """A QR symbol (level M, no quiet zone: the page margin is one) as vector rectangles,
    `size` points wide, lower-left corner at (x, y). Dark runs in a row are one rectangle."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    qr.add_data(value)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    n = len(matrix)
    step = size / n
    path = c.beginPath()
    for row, cells in enumerate(matrix):
        col = 0
        while col < n:
            if cells[col]:
                start = col
                while col < n and cells[col]:
                    col += 1
                path.rect(x + start * step, y + size - (row + 1) * step, (col - start) * step, step)
            else:
                col += 1
    c.drawPath(path, stroke=0, fill=1)


def mask_member_id(member_id: str) -> str:
    return member_id[:1] + "****" + member_id[-4:] if len(member_id) > 5 else member_id


def receipt_pdf(doc: ReceiptDoc, roll_mm: int = 80) -> bytes:
    if roll_mm not in ROLL_WIDTHS:
        raise ValueError(f"receipt rolls are 58 or 80 mm, not {roll_mm}")
    narrow = roll_mm == 58
    big, body, small = (10.0, 7.0, 6.0) if narrow else (12.0, 8.0, 7.0)
    lay = _Layout(ROLL_WIDTHS[roll_mm] * mm)
    lay.text(doc.store_name_zh, big, "center")
    lay.text(doc.store_name_en, small, "center")
    lay.text("积分兑换凭证 Points redemption receipt", body, "center")
    if doc.voided:
        lay.text("*** 已作废 VOIDED ***", big, "center")
    if doc.reprint:
        lay.text("*** 重印 REPRINT ***", body, "center")
    lay.rule()
    lay.pair("单号 Receipt", doc.receipt_no, body)
    lay.pair("时间 Time", f"{doc.at:%Y-%m-%d %H:%M:%S}", body)
    lay.pair("收银员 Cashier", doc.cashier, body)
    lay.pair("会员 Member", f"{doc.member_masked} {mask_member_id(doc.member_id)}", body)
    lay.rule()
    for line in doc.lines:
        lay.text(f"{line.name_zh} {line.name_en}", body)
        price = f"{line.points_each:,} 分"
        if line.cash_fen_each:
            price += f" + ¥{yuan_text(line.cash_fen_each)}"
        total = f"{line.points_each * line.quantity:,} 分"
        if line.cash_fen_each:
            total += f" + ¥{yuan_text(line.cash_fen_each * line.quantity)}"
        lay.pair(f"  {line.quantity} × {price}", total, body)
        if line.detail:
            lay.text(f"  {line.detail}", small)
    lay.rule()
    lay.pair("积分合计 Points", f"{doc.points:,}", body + 1)
    lay.pair("现金 Cash", f"¥{yuan_text(doc.cash_fen)}", body + 1)
    lay.pair("兑换前积分 Points before", f"{doc.balance_before:,}", body)
    lay.pair("兑换后积分 Points after", f"{doc.balance_after:,}", body)
    if doc.expiring:
        lay.rule()
        lay.text("即将过期积分 Points expiring soon", body)
        for day, points in doc.expiring:
            lay.pair(f"  {day:%Y-%m-%d} 前 before", f"{points:,}", body)
    if doc.offline:
        lay.rule(dashed=False)
        lay.text(OFFLINE_NOTE[0], body, "center")
        lay.text(OFFLINE_NOTE[1], small, "center")
    for coupon in doc.coupons:
        lay.rule()
        lay.text(f"优惠券 Coupon · {coupon.title}", body, "center")
        if doc.voided:
            lay.text("已作废 VOIDED", body, "center")
        else:
            lay.space(3)
            lay.qr(coupon.code, (18 if narrow else 22) * mm)
        lay.text(coupon.code, body + 1, "center")
        lay.text(f"有效期至 Valid until {coupon.valid_until:%Y-%m-%d}", small, "center")
    lay.rule()
    lay.space(4)
    lay.qr(doc.receipt_no, (22 if narrow else 26) * mm)
    lay.text(doc.receipt_no, small, "center")
    lay.text("凭此单办理退换 · Keep this receipt for voids", small, "center")
    lay.text("谢谢光临 Thank you!", body, "center")
    return lay.render((3 if narrow else 4) * mm, f"Receipt {doc.receipt_no}")
