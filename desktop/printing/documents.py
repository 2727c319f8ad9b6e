"""The documents printing renders: plain values the services fill in from the store.
Points are int, cash is int fen; printing formats them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class ReceiptLineDoc:
    name_zh: str
    name_en: str
    quantity: int
    points_each: int
    cash_fen_each: int
    detail: str = ""  # e.g. an experience's session: "场次 Session 2026-12-20 14:00 · 三楼教室"


@dataclass(frozen=True)
class CouponDoc:
    """One coupon code a redemption issued, printed as text and as a QR code."""

    title: str  # e.g. "满300减80 ¥80 off ¥300"
    code: str  # as shown, grouped: 7K3D-QW9M-2XHT-R6PA-F
    valid_until: date


@dataclass(frozen=True)
class ReceiptDoc:
    store_name_zh: str
    store_name_en: str
    receipt_no: str
    at: datetime
    cashier: str  # name and id, e.g. "王小丽 (C01)"
    member_masked: str
    member_id: str
    lines: tuple[ReceiptLineDoc, ...]
    points: int
    cash_fen: int
    balance_before: int
    balance_after: int
    expiring: tuple[tuple[date, int], ...] = ()  # points expiring soon, (last day, points)
    offline: bool = False  # "offline — awaiting head-office confirmation"
    reprint: bool = False
    voided: bool = False
    coupons: tuple[CouponDoc, ...] = ()  # the codes it issued, one per coupon unit


@dataclass(frozen=True)
class CardDoc:
    """A personalised greeting card for a redemption."""

    member_name: str  # the member's own name (the card goes to them)
    occasion: str  # an Occasion value from desktop.core.occasions
    gift_zh: str
    gift_en: str
    store_name_zh: str
    store_name_en: str
    day: date
    receipt_no: str
    blessing: str | None = None  # the member's own line, printed under the message


@dataclass(frozen=True)
class CashierTotals:
    cashier: str
    redemptions: int
    points: int
    cash_fen: int
    voids: int


@dataclass(frozen=True)
class VoidRow:
    receipt_no: str
    at: datetime
    cashier: str
    approver: str
    reason: str
    points: int
    cash_fen: int


@dataclass(frozen=True)
class StockRow:
    gift_id: str
    name_zh: str
    opening: int
    received: int
    redeemed: int
    voided_back: int
    adjusted: int
    closing: int
    low: bool


@dataclass(frozen=True)
class OverrideRow:
    """A redemption a manager approved beyond the offline limits (redemptions.override_by)."""

    receipt_no: str
    at: datetime
    cashier: str
    approver: str
    member_id: str
    points: int
    cash_fen: int
    voided: bool


@dataclass(frozen=True)
class RiskExceptionRow:
    """A redemption that triggered a risk rule, or an attempt one refused (no receipt)."""

    at: datetime
    receipt_no: str  # "" for a refused attempt
    member_id: str
    cashier: str
    rule: str  # e.g. velocity:member/60min (desktop/core/risk.py)
    action: str  # verify / refuse
    verified_by: str  # "name (id)" or ""
    voided: bool = False


@dataclass(frozen=True)
class StockNoteRow:
    """A delivery or a count of the day, with the reason written in the stock ledger."""

    at: datetime
    gift_id: str
    name_zh: str
    kind: str  # receive | adjust | delivery (head office's, by sync) | opening (set-up)
    delta: int
    by: str  # "李经理 (M01)", or "" for a head-office delivery
    reason: str
    ref: str  # the stock movement's id (a head-office delivery's id)


@dataclass(frozen=True)
class VoucherRow:
    """A paper fallback voucher keyed in on the day (desktop/services/vouchers.py)."""

    voucher_no: str
    receipt_no: str
    written_at: datetime
    written_by: str  # "王小丽 (C01)"
    keyed_in_at: datetime
    keyed_in_by: str
    member_id: str
    member_masked: str  # never the member's full name
    gifts: str  # "G101 环保购物袋 ×2, …"
    points: int
    overdraft: int  # points recorded as the member's debt; 0 when covered
    voided: bool


@dataclass(frozen=True)
class RedemptionLineRow:
    """One gift line of one redemption, for the cash office's columnar CSV."""

    receipt_no: str
    at: datetime
    cashier: str
    member_id: str
    member_masked: str  # never the member's full name
    gift_id: str
    gift_name: str
    quantity: int
    points: int  # the line's points (quantity × points each)
    cash_fen: int  # the line's cash
    offline: bool
    voided_at: datetime | None
    void_approver: str  # "" when not voided
    override_by: str  # "" when no manager override

    @property
    def voided(self) -> bool:
        return self.voided_at is not None


@dataclass(frozen=True)
class DailyReport:
    store_id: str
    store_name_zh: str
    store_name_en: str
    day: date
    generated_at: datetime
    opened: str  # "09:00 by 李经理 (M01)" or "not opened"
    closed: str
    redemptions: int  # not voided
    points: int
    cash_fen: int
    voided_count: int
    voided_points: int
    voided_cash_fen: int
    per_cashier: tuple[CashierTotals, ...]
    voids: tuple[VoidRow, ...]
    stock: tuple[StockRow, ...]
    offline_periods: tuple[tuple[datetime, datetime | None], ...]
    offline_redemptions: int
    unconfirmed_events: int  # this day's events head office has not yet acknowledged
    headoffice_match: str  # "matches", "differs: …", or "not yet confirmed"
    overdrafts: tuple[str, ...] = field(default=())
    overrides: tuple[OverrideRow, ...] = ()
    stock_notes: tuple[StockNoteRow, ...] = ()
    lines: tuple[RedemptionLineRow, ...] = ()  # every redemption line of the day, voided too
    vouchers: tuple[VoucherRow, ...] = ()  # paper vouchers keyed in on the day
    risk_exceptions: tuple[RiskExceptionRow, ...] = ()  # risk rules triggered or refusing

    def risk_refusals(self) -> dict[str, int]:
        """Attempts refused per rule, e.g. {"velocity:member/60min": 3}."""
        out: dict[str, int] = {}
        for e in self.risk_exceptions:
            if not e.receipt_no:
                out[e.rule] = out.get(e.rule, 0) + 1
        return out
