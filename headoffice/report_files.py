"""The programme report's files: one CSV per figure (UTF-8 with a byte-order mark, so
Excel, Chinese editions included, reads it as UTF-8) and one landscape A4 PDF with bilingual
headings, tables and charts (reportlab.graphics), the CJK font embedded.

Each file is written beside its final name and renamed into place, so a failed run never
leaves half a file under the real name."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from desktop.core.errors import InvalidInput
from desktop.resources import CJK_FONT
from headoffice.report import BANDS, Report

BOM = "\ufeff".encode()
FONT = "WQYMicroHei"  # the same name desktop/printing registers the same file under
RED = colors.HexColor("#B0171F")
GOLD = colors.HexColor("#D4A017")
NO_EVENTS = "本期无事件 No events in this period"
FORMATS = ("csv", "pdf")
CHART_BARS = 15  # at most this many bars per chart: the largest

Row = Sequence[object]


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(CJK_FONT), subfontIndex=0))
    return FONT


# --- the tables, shared by the CSVs and the PDF ---------------------------------------------
def gift_rate_table(r: Report) -> list[Row]:
    head = (
        "门店 store_id", "门店名称 store", "礼品编号 gift_id", "礼品 gift_zh", "gift_en",
        "兑换次数 redemptions", "作废 voids", "件数 units", "作废件数 units_voided",
        "净件数 net_units", "日均件数 units_per_day",
    )  # fmt: skip
    return [head] + [
        (g.store_id, g.store_name, g.gift_id, g.name_zh, g.name_en, g.redemptions, g.voids,
         g.units, g.units_voided, g.net_units, g.per_day)
        for g in r.gift_rates
    ]  # fmt: skip


def store_share_table(r: Report) -> list[Row]:
    head = (
        "门店 store_id", "门店名称 store", "门店会员 members_known",
        "本期兑换会员 members_served", "占比 share",
    )  # fmt: skip
    return [head] + [
        (s.store_id, s.store_name, s.members_known, s.members_served, s.share)
        for s in r.store_shares
    ]


def dormancy_table(r: Report) -> list[Row]:
    head = (
        "门店 store_id", "门店名称 store", "唤醒会员 woken_up",
        *(f"沉睡{b}个月 months_{b.replace('-', '_').replace('+', '_plus')}" for b in BANDS),
        "欢迎回来旅程 welcome_back_journeys", "欢迎回来积分 welcome_back_points",
    )  # fmt: skip
    return [head] + [
        (d.store_id, d.store_name, d.woken_up, *d.bands, d.welcome_back, d.welcome_back_points)
        for d in r.dormancy
    ]


def comeback_table(r: Report) -> list[Row]:
    head = (
        "门店 store_id", "会员号 member_id", "上次活动 asleep_since", "回归日 back_on",
        "沉睡天数 dormant_days", "区间(月) band_months", "方式 kind",
    )  # fmt: skip
    return [head] + [
        (c.store_id, c.member_id, c.asleep_since, c.back_on, c.dormant_days, c.band, c.kind)
        for c in r.comebacks
    ]


def points_table(r: Report) -> list[Row]:
    head = (
        "期间 bucket", "起 first_day", "止 last_day", "消费积分 earned",
        "旅程奖励 journey_bonus", "发放 issued", "兑换 redeemed", "作废返还 voided",
        "净兑换 net_redeemed", "过期 expired", "期初导入 opening",
        "未兑换余额 outstanding",
    )  # fmt: skip
    return [head] + [
        (p.label, p.first.isoformat(), p.last.isoformat(), p.earned, p.journey_bonus, p.issued,
         p.redeemed, p.voided, p.net_redeemed, p.expired, p.opening, p.outstanding)
        for p in r.points
    ]  # fmt: skip


def turnover_table(r: Report) -> list[Row]:
    head = (
        "门店 store_id", "门店名称 store", "礼品编号 gift_id", "礼品 gift_zh", "gift_en",
        "总部配送 delivered", "门店入库 counted_in", "收货合计 received", "调整 adjusted",
        "净兑换件数 net_redeemed", "期初库存(估) stock_start", "期末库存(估) stock_end",
        "周转率 turnover", "最近兑换 last_redemption", "距今天数 days_since",
        "滞销 slow_mover",
    )  # fmt: skip
    return [head] + [
        (t.store_id, t.store_name, t.gift_id, t.name_zh, t.name_en, t.delivered, t.counted_in,
         t.received, t.adjusted, t.net_redeemed, t.stock_start, t.stock_end, t.turnover,
         t.last_redemption, "" if t.days_since is None else t.days_since,
         "yes" if t.slow else "no")
        for t in r.turnover
    ]  # fmt: skip


CSV_FILES: dict[str, Callable[[Report], list[Row]]] = {
    "redemption_rate.csv": gift_rate_table,
    "store_share.csv": store_share_table,
    "dormancy.csv": dormancy_table,
    "dormancy_members.csv": comeback_table,
    "points.csv": points_table,
    "turnover.csv": turnover_table,
}
PDF_FILE = "programme_report.pdf"


def csv_bytes(rows: list[Row]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows(rows)
    return BOM + buf.getvalue().encode("utf-8")


# --- writing ---------------------------------------------------------------------------------
def parse_formats(text: str) -> tuple[str, ...]:
    wanted = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise InvalidInput(f"--format takes csv, pdf or csv,pdf, got {text!r}")
    return wanted


def prepare_folder(out: Path) -> Path:
    """Create `out` if needed and prove it can be written to, before any figure is
    computed."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".lantern-report-probe"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        raise InvalidInput(
            f"cannot write the report to folder {out}: {e.strerror or e}; give a folder you "
            "can write to with --out"
        ) from None
    return out


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise InvalidInput(f"cannot write the report file {path}: {e.strerror or e}") from None


def write_report(
    report: Report,
    out: Path,
    formats: Sequence[str] = FORMATS,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write the report's files into `out`; returns their paths."""
    written = []
    if "csv" in formats:
        for name, table in CSV_FILES.items():
            path = out / name
            _write(path, csv_bytes(table(report)))
            written.append(path)
        if progress is not None:
            progress(f"{len(CSV_FILES)} CSV file(s) written")
    if "pdf" in formats:
        path = out / PDF_FILE
        _write(path, report_pdf(report))
        written.append(path)
        if progress is not None:
            progress("PDF written")
    return written


# --- the PDF ------------------------------------------------------------------------------------
def _styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    font = _font()
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=20, spaceAfter=2)
    head = ParagraphStyle(
        "head", fontName=font, fontSize=11, leading=14, spaceBefore=8, spaceAfter=3
    )
    body = ParagraphStyle("body", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK")
    return title, head, body


def _table(rows: list[Row], widths: list[float] | None = None) -> Table:
    t = Table([[str(c) for c in row] for row in rows], colWidths=widths, repeatRows=1)
    numbers = [
        ("ALIGN", (col, 1), (col, -1), "RIGHT")
        for col in range(len(rows[0]))
        if all(isinstance(row[col], int) for row in rows[1:])
    ]
    t.setStyle(
        TableStyle(
            [
                *numbers,
                ("FONT", (0, 0), (-1, -1), _font(), 6.5),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F1E4E4")),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#8B1A1A")),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#DDDDDD")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return t


def _wrap_head(rows: list[Row]) -> list[Row]:
    """Headings on two lines (Chinese above English) so wide tables fit the page."""
    return [tuple(str(h).replace(" ", "\n", 1) for h in rows[0]), *rows[1:]]


def _bar_chart(
    title: str,
    labels: list[str],
    series: list[list[float]],
    names: list[str],
    value_format: str | None,
    width: float,
) -> Drawing:
    font = _font()
    height = 70 * mm
    d = Drawing(width, height, initialFontName=font)
    d.add(String(0, height - 10, title, fontName=font, fontSize=9))
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 42
    chart.width, chart.height = width - (130 if len(series) > 1 else 45), height - 70
    chart.data = series
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 6
    chart.categoryAxis.labels.angle = 30
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 6
    chart.valueAxis.valueMin = min(0, *(min(s) for s in series if s))  # a void day: < 0
    chart.barLabelFormat = value_format
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 5.5
    chart.barLabels.nudge = 5
    palette = [RED, GOLD, colors.HexColor("#4F6D7A")]
    for i in range(len(series)):
        chart.bars[i].fillColor = palette[i % len(palette)]
        chart.bars[i].strokeColor = None
    d.add(chart)
    if len(series) > 1:
        legend = Legend()
        legend.x, legend.y = width - 90, height - 30
        legend.fontName = font
        legend.fontSize = 7
        legend.colorNamePairs = [(palette[i % len(palette)], names[i]) for i in range(len(series))]
        d.add(legend)
    return d


def _gift_label(zh: str, en: str, gift_id: str) -> str:
    return zh or en or gift_id


def _charts(report: Report, width: float) -> list[Flowable]:
    out: list[Flowable] = []
    units: dict[str, int] = {}
    label: dict[str, str] = {}
    for g in report.gift_rates:
        units[g.gift_id] = units.get(g.gift_id, 0) + g.net_units
        label[g.gift_id] = _gift_label(g.name_zh, g.name_en, g.gift_id)
    top = sorted(units, key=lambda k: (-units[k], k))[:CHART_BARS]
    if top:
        out.append(
            _bar_chart(
                "各礼品兑换件数 Units redeemed per gift (all stores)",
                [label[k] for k in top],
                [[units[k] for k in top]],
                ["件数 units"],
                "%d",
                width,
            )
        )
    if any(p.issued or p.net_redeemed for p in report.points):
        out.append(
            _bar_chart(
                "积分发放与兑换 Points issued vs redeemed",
                [p.label for p in report.points],
                [[p.issued for p in report.points], [p.net_redeemed for p in report.points]],
                ["发放 Issued", "兑换 Redeemed"],
                "%d" if len(report.points) <= 16 else None,
                width,
            )
        )
    moving = [t for t in report.turnover if t.turnover]
    moving.sort(key=lambda t: (-_num(t.turnover), t.store_id, t.gift_id))
    if moving:
        shown = moving[:CHART_BARS]
        out.append(
            _bar_chart(
                "库存周转率 Stock turnover (store / gift)",
                [f"{t.store_id} {_gift_label(t.name_zh, t.name_en, t.gift_id)}" for t in shown],
                [[_num(t.turnover) for t in shown]],
                ["周转率 turnover"],
                "%.2f",
                width,
            )
        )
    return out


def _num(text: str) -> float:
    """A displayed ratio back as a number, for a bar's height only."""
    return float(text) if text else 0.0


def report_pdf(report: Report) -> bytes:
    title, head, body = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title="Lantern programme report",
        initialFontName=_font(),
    )
    width = landscape(A4)[0] - 24 * mm
    p = report.period
    story: list[Flowable] = [
        Paragraph("会员礼品计划报告 Programme report", title),
        Paragraph(
            f"期间 Period: {p.start} – {p.end} ({p.days} 天 days) · 门店事件 store events: "
            f"{report.events} · 沉睡门槛 dormant after {report.dormant_days} 天 days",
            body,
        ),
    ]
    if report.empty:
        story.append(Spacer(1, 4 * mm))
        story.append(Paragraph(NO_EVENTS, head))
    story += _charts(report, width)
    sections: list[tuple[str, list[Row]]] = [
        ("兑换率（按礼品与门店） Redemption rate per gift and store", gift_rate_table(report)),
        ("门店服务会员占比 Share of each store's members served", store_share_table(report)),
        ("沉睡会员唤醒 Members woken up from dormancy", dormancy_table(report)),
        ("积分发放与兑换 Points issued versus redeemed", points_table(report)),
        ("库存周转 Stock turnover", turnover_table(report)),
    ]
    for heading, rows in sections:
        story.append(Paragraph(heading, head))
        if len(rows) > 1:
            story.append(_table(_wrap_head(rows)))
        else:
            story.append(Paragraph("无数据 No data", body))
    doc.build(story)
    return buf.getvalue()
