"""The daily reconciliation as CSV, from the same DailyReport value as the PDF:

- `daily_csv`: every figure of the report, one per row (section, item, field, value);
- `redemptions_csv`: one row per redemption line, in columns a cash office totals directly
  (points, cash in fen as an integer and in yuan as text with two decimals, voided lines
  marked so a filter leaves them out).

Both are written UTF-8 with a byte-order mark (BOM), which is how Excel, the Chinese
editions included, recognises UTF-8 instead of reading it as GBK.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from desktop.core.money import yuan_text
from desktop.printing.documents import DailyReport

BOM = "\ufeff".encode()  # EF BB BF

# The cash office's columns: Chinese for the people, the key after it for scripts.
REDEMPTION_COLUMNS = (
    "单号 receipt_no",
    "时间 time",
    "收银员 cashier",
    "会员号 member_id",
    "会员 member",
    "礼品编号 gift_id",
    "礼品 gift",
    "数量 quantity",
    "积分 points",
    "现金元 cash_yuan",
    "现金分 cash_fen",
    "离线 offline",
    "作废 voided",
    "作废时间 voided_at",
    "作废批准 void_approver",
    "越权批准 override_by",
)


def _rows(r: DailyReport) -> Iterator[list[str]]:
    yield ["section", "item", "field", "value"]
    meta = {
        "store_id": r.store_id,
        "day": r.day.isoformat(),
        "generated_at": r.generated_at.isoformat(),
        "opened": r.opened,
        "closed": r.closed,
    }
    for k, v in meta.items():
        yield ["meta", "", k, v]
    totals = {
        "redemptions": r.redemptions,
        "points": r.points,
        "cash_fen": r.cash_fen,
        "voided_count": r.voided_count,
        "voided_points": r.voided_points,
        "voided_cash_fen": r.voided_cash_fen,
        "offline_redemptions": r.offline_redemptions,
        "unconfirmed_events": r.unconfirmed_events,
    }
    for k, n in totals.items():
        yield ["totals", "", k, str(n)]
    yield ["totals", "", "headoffice_match", r.headoffice_match]
    for c in r.per_cashier:
        for k, n in (
            ("redemptions", c.redemptions),
            ("points", c.points),
            ("cash_fen", c.cash_fen),
            ("voids", c.voids),
        ):
            yield ["cashier", c.cashier, k, str(n)]
    for void in r.voids:
        for k, val in (
            ("at", void.at.isoformat()),
            ("cashier", void.cashier),
            ("approver", void.approver),
            ("reason", void.reason),
            ("points", str(void.points)),
            ("cash_fen", str(void.cash_fen)),
        ):
            yield ["void", void.receipt_no, k, val]
    for s in r.stock:
        for k, n in (
            ("opening", s.opening),
            ("received", s.received),
            ("redeemed", s.redeemed),
            ("voided_back", s.voided_back),
            ("adjusted", s.adjusted),
            ("closing", s.closing),
            ("low", int(s.low)),
        ):
            yield ["stock", s.gift_id, k, str(n)]
    for start, end in r.offline_periods:
        yield ["offline", start.isoformat(), "until", end.isoformat() if end else ""]
    for o in r.overdrafts:
        yield ["overdraft", o, "", ""]
    for pv in r.vouchers:
        for k, val in (
            ("receipt_no", pv.receipt_no),
            ("written_at", pv.written_at.isoformat()),
            ("written_by", pv.written_by),
            ("keyed_in_at", pv.keyed_in_at.isoformat()),
            ("keyed_in_by", pv.keyed_in_by),
            ("member_id", pv.member_id),
            ("member", pv.member_masked),
            ("gifts", pv.gifts),
            ("points", str(pv.points)),
            ("overdraft", str(pv.overdraft)),
            ("voided", str(int(pv.voided))),
        ):
            yield ["paper_voucher", pv.voucher_no, k, val]
    for ov in r.overrides:
        for k, val in (
            ("at", ov.at.isoformat()),
            ("cashier", ov.cashier),
            ("approver", ov.approver),
            ("member_id", ov.member_id),
            ("points", str(ov.points)),
            ("cash_fen", str(ov.cash_fen)),
            ("voided", str(int(ov.voided))),
        ):
            yield ["override", ov.receipt_no, k, val]
    for n, e in enumerate(r.risk_exceptions, 1):
        for k, val in (
            ("at", e.at.isoformat()),
            ("receipt_no", e.receipt_no),
            ("member_id", e.member_id),
            ("cashier", e.cashier),
            ("rule", e.rule),
            ("action", e.action),
            ("verified_by", e.verified_by),
            ("voided", str(int(e.voided))),
        ):
            yield ["risk", str(n), k, val]
    for rule, count in sorted(r.risk_refusals().items()):
        yield ["risk_refused", rule, "attempts", str(count)]
    for note in r.stock_notes:
        for k, val in (
            ("at", note.at.isoformat()),
            ("gift_id", note.gift_id),
            ("kind", note.kind),
            ("delta", str(note.delta)),
            ("by", note.by or "head office"),
            ("reason", note.reason),
        ):
            yield ["stock_note", note.ref, k, val]


def daily_csv(r: DailyReport) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(_rows(r))
    return buf.getvalue()


def redemptions_csv(r: DailyReport) -> str:
    """One row per redemption line of the day, voided lines included with voided = 1.
    Summing the points (or cash) column over voided = 0 gives the report's totals."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\r\n")  # Excel's own line ends
    out.writerow(REDEMPTION_COLUMNS)
    for line in r.lines:
        out.writerow(
            [
                line.receipt_no,
                f"{line.at:%Y-%m-%d %H:%M:%S}",
                line.cashier,
                line.member_id,
                line.member_masked,
                line.gift_id,
                line.gift_name,
                line.quantity,
                line.points,
                yuan_text(line.cash_fen),
                line.cash_fen,
                int(line.offline),
                int(line.voided),
                f"{line.voided_at:%Y-%m-%d %H:%M:%S}" if line.voided_at else "",
                line.void_approver,
                line.override_by,
            ]
        )
    return buf.getvalue()
