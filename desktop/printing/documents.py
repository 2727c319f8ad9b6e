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
