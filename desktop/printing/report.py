"""The daily reconciliation: an A4 PDF with signature lines, from one DailyReport value
(its CSVs, from the same value, are in report_csv.py)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from desktop.core.money import yuan_text
from desktop.printing.documents import DailyReport
from desktop.printing.fonts import cjk_font
from desktop.printing.receipt import mask_member_id
from desktop.printing.report_csv import daily_csv

__all__ = ["daily_csv", "daily_pdf"]


def _styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    font = cjk_font()
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=20, spaceAfter=2)
    head = ParagraphStyle(
        "head", fontName=font, fontSize=11, leading=14, spaceBefore=8, spaceAfter=3
    )
    body = ParagraphStyle("body", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK")
    return title, head, body


def _table(rows: Sequence[Sequence[object]], widths: list[float], numeric_from: int = 1) -> Table:
    font = cjk_font()
    t = Table(rows, colWidths=widths, repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 8),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F1E4E4")),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#8B1A1A")),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#DDDDDD")),
                ("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return t


def _signatures(width: float) -> Table:
    font = cjk_font()
    t = Table(
        [["店长签字 Manager signature", "日期 Date", "收银主管 Cash office"], ["", "", ""]],
        colWidths=[width * 0.4, width * 0.2, width * 0.4],
        rowHeights=[None, 16 * mm],
    )
    t.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 8),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F1E4E4")),
            ]
        )
    )
    return t


def _money(fen: int) -> str:
    return f"¥{yuan_text(fen)}"


KIND_TEXT = {
    "receive": "入库 Received",
    "adjust": "盘点调整 Count",
    "delivery": "总部配送 HO delivery",
}


def _overrides(r: DailyReport, w: float, body: ParagraphStyle) -> Table | Paragraph:
    """Who approved which receipt beyond the offline limits."""
    if not r.overrides:
        return Paragraph("无 None", body)
    return _table(
        [
            [
                "单号 Receipt",
                "时间 Time",
                "收银员 Cashier",
                "批准 Approver",
                "会员 Member",
                "积分",
                "现金",
            ]
        ]
        + [
            [
                Paragraph(f"{o.receipt_no}<br/>【已作废 VOIDED】", body)
                if o.voided
                else o.receipt_no,
                f"{o.at:%H:%M}",
                o.cashier,
                o.approver,
                mask_member_id(o.member_id),
                f"{o.points:,}",
                _money(o.cash_fen),
            ]
            for o in r.overrides
        ],
        [w * 0.24, w * 0.08, w * 0.15, w * 0.15, w * 0.14, w * 0.12, w * 0.12],
        numeric_from=5,
    )


def _vouchers(r: DailyReport, w: float, body: ParagraphStyle) -> Table | Paragraph:
    """Paper fallback vouchers keyed in on the day, with the overdrafts they recorded."""
    if not r.vouchers:
        return Paragraph("无 None", body)
    rows: list[list[object]] = [
        [
            "凭证号 Voucher",
            "填写 Written",
            "补录 Keyed in",
            "会员 Member",
            "礼品 Gifts",
            "积分 Points",
            "透支 Overdraft",
        ]
    ]
    for v in r.vouchers:
        voucher = f"{v.voucher_no}<br/>{v.receipt_no}" + (
            "<br/>【已作废 VOIDED】" if v.voided else ""
        )
        rows.append(
            [
                Paragraph(voucher, body),
                Paragraph(f"{v.written_at:%m-%d %H:%M}<br/>{v.written_by}", body),
                Paragraph(f"{v.keyed_in_at:%m-%d %H:%M}<br/>{v.keyed_in_by}", body),
                Paragraph(f"{mask_member_id(v.member_id)}<br/>{v.member_masked}", body),
                Paragraph(v.gifts, body),
                f"{v.points:,}",
                f"【透支 {v.overdraft:,}】" if v.overdraft else "—",
            ]
        )
    return _table(
        rows,
        [w * 0.24, w * 0.14, w * 0.14, w * 0.13, w * 0.17, w * 0.08, w * 0.1],
        numeric_from=5,
    )


def _risk_exceptions(r: DailyReport, w: float, body: ParagraphStyle) -> list[Flowable]:
    """Redemptions that triggered a risk rule and attempts a rule refused: the counts of
    refusals per rule first, then every line."""
    if not r.risk_exceptions:
        return [Paragraph("无 None", body)]
    out: list[Flowable] = [
        Paragraph(f"{rule}: 拒绝 {n} 次 · {n} refused", body)
        for rule, n in sorted(r.risk_refusals().items())
    ]
    action = {"verify": "复核 verify", "refuse": "拒绝 refuse"}
    table = _table(
        [["时间 Time", "单号 Receipt", "会员 Member", "收银员 Cashier", "规则 Rule", "处理 Action",
          "复核 Verified by"]]
        + [
            [
                f"{e.at:%H:%M}",
                Paragraph(f"{e.receipt_no}<br/>【已作废 VOIDED】", body)
                if e.voided
                else (e.receipt_no or "（未兑换 not redeemed）"),
                mask_member_id(e.member_id),
                e.cashier,
                Paragraph(e.rule, body),
                action.get(e.action, e.action),
                e.verified_by or "—",
            ]
            for e in r.risk_exceptions
        ],
        [w * 0.07, w * 0.22, w * 0.12, w * 0.14, w * 0.19, w * 0.11, w * 0.15],
        numeric_from=7,
    )  # fmt: skip
    return [*out, table]


def _stock_notes(r: DailyReport, w: float, body: ParagraphStyle) -> Table | Paragraph:
    """Every delivery and count of the day with the reason given (the stock ledger's)."""
    if not r.stock_notes:
        return Paragraph("无 None", body)
    rows: list[list[object]] = [
        [
            f"{n.at:%H:%M}",
            Paragraph(f"{n.gift_id} {n.name_zh}", body),
            KIND_TEXT.get(n.kind, n.kind),
            f"{n.delta:+,}",
            n.by or "总部 Head office",
            Paragraph(n.reason + (f" ({n.ref})" if n.kind == "delivery" else ""), body),
        ]
        for n in r.stock_notes
        if n.kind != "opening"
    ]
    opening = [n for n in r.stock_notes if n.kind == "opening"]
    if opening:  # the store's set-up: one line here (each gift's row is in the CSV)
        rows.append(
            [
                f"{opening[0].at:%H:%M}",
                Paragraph(f"{len(opening)} 种礼品 gifts", body),
                "期初建档 Set-up",
                f"{sum(n.delta for n in opening):+,}",
                "",
                Paragraph("opening stock", body),
            ]
        )
    header = [
        "时间 Time",
        "礼品 Gift",
        "类别 Kind",
        "数量 Qty",
        "经办 By",
        "原因 / 说明 Reason / note",
    ]
    t = _table(
        [header, *rows],
        [w * 0.08, w * 0.22, w * 0.15, w * 0.09, w * 0.15, w * 0.31],
        numeric_from=3,
    )
    t.setStyle(TableStyle([("ALIGN", (4, 1), (-1, -1), "LEFT")]))
    return t


def daily_pdf(r: DailyReport) -> bytes:
    title, head, body = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=f"Daily reconciliation {r.store_id} {r.day}",
        initialFontName=cjk_font(),
    )
    w = A4[0] - 30 * mm
    story: list[object] = [
        Paragraph(f"每日对账单 Daily reconciliation — {r.day:%Y-%m-%d}", title),
        Paragraph(
            f"{r.store_name_zh} {r.store_name_en} ({r.store_id}) · 生成 generated "
            f"{r.generated_at:%Y-%m-%d %H:%M}",
            body,
        ),
        Paragraph(f"开店 Opened: {r.opened} · 闭店 Closed: {r.closed}", body),
        Paragraph("汇总 Summary", head),
        _table(
            [
                ["", "笔数 Count", "积分 Points", "现金 Cash"],
                [
                    "兑换 Redemptions (net of voids)",
                    f"{r.redemptions:,}",
                    f"{r.points:,}",
                    _money(r.cash_fen),
                ],
                [
                    "作废 Voids",
                    f"{r.voided_count:,}",
                    f"{r.voided_points:,}",
                    _money(r.voided_cash_fen),
                ],
                ["离线兑换 Offline redemptions", f"{r.offline_redemptions:,}", "", ""],
            ],
            [w * 0.46, w * 0.18, w * 0.18, w * 0.18],
        ),
        Paragraph("收银员 Per cashier", head),
        _table(
            [["收银员 Cashier", "兑换 Redemptions", "积分 Points", "现金 Cash", "作废 Voids"]]
            + [
                [
                    c.cashier,
                    f"{c.redemptions:,}",
                    f"{c.points:,}",
                    _money(c.cash_fen),
                    f"{c.voids:,}",
                ]
                for c in r.per_cashier
            ]
            or [["—", "", "", "", ""]],
            [w * 0.32, w * 0.17, w * 0.17, w * 0.17, w * 0.17],
        ),
        Paragraph("作废明细 Voids", head),
    ]
    if r.voids:
        story.append(
            _table(
                [
                    [
                        "单号 Receipt",
                        "时间 Time",
                        "收银员 Cashier",
                        "批准 Approver",
                        "原因 Reason",
                        "积分",
                        "现金",
                    ]
                ]
                + [
                    [
                        v.receipt_no,
                        f"{v.at:%H:%M}",
                        v.cashier,
                        v.approver,
                        Paragraph(v.reason, body),
                        f"{v.points:,}",
                        _money(v.cash_fen),
                    ]
                    for v in r.voids
                ],
                [w * 0.2, w * 0.08, w * 0.15, w * 0.15, w * 0.22, w * 0.1, w * 0.1],
                numeric_from=5,
            )
        )
    else:
        story.append(Paragraph("无 None", body))
    story.append(Paragraph("越权批准 Manager overrides of the offline limits", head))
    story.append(_overrides(r, w, body))
    story.append(Paragraph("纸质凭证补录 Keyed-in paper vouchers", head))
    story.append(_vouchers(r, w, body))
    story.append(Paragraph("风险例外 Risk exceptions", head))
    story += _risk_exceptions(r, w, body)
    story += [
        Paragraph("礼品库存 Stock per gift", head),
        _table(
            [
                [
                    "礼品 Gift",
                    "期初 Open",
                    "入库 Recv",
                    "兑出 Redeem",
                    "作废退回 Void",
                    "调整 Adj",
                    "期末 Close",
                ]
            ]
            + [
                [
                    f"{s.gift_id} {s.name_zh}" + (" 【低库存 LOW】" if s.low else ""),
                    f"{s.opening:,}",
                    f"{s.received:,}",
                    f"{s.redeemed:,}",
                    f"{s.voided_back:,}",
                    f"{s.adjusted:+,}" if s.adjusted else "0",
                    f"{s.closing:,}",
                ]
                for s in r.stock
            ],
            [w * 0.34] + [w * 0.11] * 6,
        ),
        Paragraph("入库与盘点说明 Deliveries and stock counts, with reasons", head),
        _stock_notes(r, w, body),
        Paragraph("低库存 Low stock", head),
        Paragraph(
            "、".join(f"{s.gift_id} {s.name_zh} ({s.closing})" for s in r.stock if s.low)
            or "无 None",
            body,
        ),
        Paragraph("离线时段 Offline periods", head),
        Paragraph(
            "; ".join(
                f"{start:%H:%M} – {end:%H:%M}" if end else f"{start:%H:%M} – (still offline)"
                for start, end in r.offline_periods
            )
            or "无 None",
            body,
        ),
        Paragraph("总部确认 Head office", head),
        Paragraph(
            f"未确认事件 Events not yet confirmed by head office: {r.unconfirmed_events:,}. "
            f"总部对账 Head-office totals: {r.headoffice_match}.",
            body,
        ),
    ]
    if r.overdrafts:
        story.append(
            Paragraph("透支 Overdrafts flagged for review: " + "; ".join(r.overdrafts), body)
        )
    story += [
        Spacer(1, 10 * mm),
        _signatures(w),
    ]
    doc.build(story)
    return buf.getvalue()
