"""The stock turnover report as CSV and PDF, from one TurnoverReport value: per gift the
period's opening, received, redeemed, adjusted and closing stock, its turnover (units
redeemed per unit of average stock), days since it last moved, and the slow movers."""

from __future__ import annotations

import csv
import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate

from desktop.core.stock_policy import TurnoverReport, ratio_text
from desktop.printing.fonts import cjk_font
from desktop.printing.report import _styles, _table

COLUMNS = (
    "礼品编号 gift_id",
    "礼品 gift",
    "期初 opening",
    "入库 received",
    "兑换 redeemed",
    "调整 adjusted",
    "期末 closing",
    "周转率‰ turnover_permille",
    "未动天数 days_since_movement",
    "未兑换天数 days_since_redemption",
    "滞销 slow_mover",
)


def _rows(r: TurnoverReport) -> list[list[str]]:
    out = []
    for t in r.rows:
        since_move = t.days_since_movement(r.last)
        since_redeem = t.days_since_redemption(r.last)
        out.append(
            [
                t.gift_id,
                t.name,
                str(t.opening),
                str(t.received),
                str(t.redeemed),
                str(t.adjusted),
                str(t.closing),
                "" if t.turnover_permille is None else str(t.turnover_permille),
                "" if since_move is None else str(since_move),
                "" if since_redeem is None else str(since_redeem),
                "1" if t.slow(r.last, r.policy) else "0",
            ]
        )
    return out


def turnover_csv(r: TurnoverReport) -> str:
    """One row per gift; the turnover as an integer per mille (1250: 1.25 times)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    w.writerows(_rows(r))
    return buf.getvalue()


def turnover_pdf(r: TurnoverReport) -> bytes:
    title, head, body = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=f"Stock turnover {r.store_id} {r.first} - {r.last}",
        initialFontName=cjk_font(),
    )
    w = A4[0] - 24 * mm
    slow = r.slow_movers()
    rows: list[list[object]] = [
        [
            "编号 Code",
            "礼品 Gift",
            "期初",
            "入库",
            "兑换",
            "调整",
            "期末",
            "周转",
            "未动天数",
            "滞销",
        ]
    ]
    for t in r.rows:
        since = t.days_since_movement(r.last)
        rows.append(
            [
                t.gift_id,
                Paragraph(t.name, body),
                t.opening,
                t.received,
                t.redeemed,
                t.adjusted,
                t.closing,
                ratio_text(t.turnover_permille),
                "-" if since is None else since,
                "滞销 slow" if t.slow(r.last, r.policy) else "",
            ]
        )
    widths = [w * f for f in (0.09, 0.25, 0.07, 0.07, 0.07, 0.07, 0.07, 0.07, 0.09, 0.15)]
    story: list[object] = [
        Paragraph(f"库存周转报表 Stock turnover — {r.store_id}", title),
        Paragraph(
            f"{r.first:%Y-%m-%d} – {r.last:%Y-%m-%d} ({r.days} 天 days) · 生成 generated "
            f"{r.generated_at:%Y-%m-%d %H:%M}",
            body,
        ),
        Paragraph(
            "周转 = 兑换数量 ÷ 平均库存 Turnover = units redeemed ÷ average stock; "
            f"滞销 = {r.policy.slow_mover_days} 天内无兑换且有库存 Slow mover = in stock, "
            f"nothing redeemed in {r.policy.slow_mover_days} days",
            body,
        ),
        Paragraph("各礼品 Per gift", head),
        _table(rows, widths, numeric_from=2),
        Paragraph(f"滞销礼品 Slow movers ({len(slow)})", head),
    ]
    if slow:
        story.append(
            _table(
                [["编号 Code", "礼品 Gift", "库存 Stock", "上次兑换 Last redeemed"]]
                + [
                    [
                        t.gift_id,
                        Paragraph(t.name, body),
                        t.closing,
                        f"{t.last_redemption:%Y-%m-%d}" if t.last_redemption else "从未 never",
                    ]
                    for t in slow
                ],
                [w * 0.15, w * 0.45, w * 0.15, w * 0.25],
                numeric_from=2,
            )
        )
    else:
        story.append(Paragraph("无 None", body))
    doc.build(story)
    return buf.getvalue()
