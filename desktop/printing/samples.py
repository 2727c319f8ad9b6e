"""Sample documents: the same receipt and card for the docs renders, the benchmark and the
layout tests, so they all look at one thing."""

from __future__ import annotations

from datetime import date, datetime

from desktop.printing.documents import CardDoc, ReceiptDoc, ReceiptLineDoc

STORE_ZH, STORE_EN = "上海南京东路店", "Shanghai Nanjing Road East"

RECEIPT = ReceiptDoc(
    store_name_zh=STORE_ZH,
    store_name_en=STORE_EN,
    receipt_no="SH001-20261126-00042",
    at=datetime(2026, 11, 26, 15, 32, 7),
    cashier="王小丽 (C01)",
    member_masked="张*明",
    member_id="M00001234",
    lines=(
        ReceiptLineDoc("不锈钢保温杯", "Stainless vacuum flask", 1, 300, 1500),
        ReceiptLineDoc("红包袋 20 个", "Red envelopes, 20", 2, 120, 0),
    ),
    points=540,
    cash_fen=1500,
    balance_before=3120,
    balance_after=2580,
    expiring=((date(2026, 12, 31), 800),),
    offline=True,
)

CARD = CardDoc(
    member_name="张晓明",
    occasion="mid_autumn",
    gift_zh="月饼礼盒",
    gift_en="Mooncake gift box",
    store_name_zh=STORE_ZH,
    store_name_en=STORE_EN,
    day=date(2026, 9, 24),
    receipt_no="SH001-20260924-00042",
)
