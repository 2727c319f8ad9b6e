"""`lantern report …`: the daily reconciliation, the stock turnover."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop.cli.base import Add, Cli, progress_line, say
from desktop.core.money import yuan_text
from desktop.services.reports import daily_file_names


def cmd_report_daily(cli: Cli) -> int:
    from datetime import date

    a = cli.args
    day = date.fromisoformat(a.day) if a.day else None
    pdf, csv_path, lines = (Path(p) if p else None for p in (a.pdf, a.csv, a.redemptions_csv))
    if pdf is None and csv_path is None and lines is None:
        folder = cli.app.db.path.parent / "reports"
        pdf, csv_path, lines = daily_file_names(
            cli.app.ctx.store_id, day or cli.app.ctx.today(), folder
        )

    r = cli.app.reports.write_daily(day, pdf, csv_path, progress_line, redemptions=lines)
    for path in (pdf, csv_path, lines):
        if path is not None:
            print(path)
    say(
        f"{r.day}: {r.redemptions} redemptions, {r.points:,} points, cash {yuan_text(r.cash_fen)}, "
        f"{r.voided_count} voided; head office: {r.headoffice_match}",
        err=True,
    )
    return 0


def cmd_report_turnover(cli: Cli) -> int:
    from desktop.core.money import parse_int

    a = cli.args
    days = parse_int(a.days, "--days")
    folder = Path(a.out) if a.out else cli.app.db.path.parent / "reports"
    report, pdf, csv_path = cli.app.reports.write_turnover(days, folder, progress_line)
    print(pdf)
    print(csv_path)
    slow = report.slow_movers()
    say(
        f"{report.first} to {report.last}: {len(report.rows)} gifts, {len(slow)} slow movers"
        + (f" ({', '.join(t.gift_id for t in slow)})" if slow else ""),
        err=True,
    )
    return 0


def register(sub: Any, add: Add) -> None:
    """Add the report group to the parser."""
    report = sub.add_parser("report", help="reports").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    rd = add(
        "daily",
        cmd_report_daily,
        "the daily reconciliation as PDF and CSVs (default: all three into reports/ beside "
        "the store: daily-STORE-DAY.pdf, .csv and -redemptions.csv)",
        report,
    )
    rd.add_argument("--day", help="business day YYYY-MM-DD (default: today)")
    rd.add_argument("--pdf", help="write the PDF here")
    rd.add_argument("--csv", help="write the figures CSV (section, item, field, value) here")
    rt = add(
        "turnover",
        cmd_report_turnover,
        "stock turnover per gift and the slow movers, as PDF and CSV (default: into reports/ "
        "beside the store)",
        report,
    )
    rt.add_argument("--days", default="90", help="the period: the last N business days")
    rt.add_argument("--out", help="the folder to write turnover-STORE-DAY-Nd.pdf and .csv into")
    rd.add_argument(
        "--redemptions-csv",
        help="write the cash office's CSV (one row per redemption line, in columns) here",
    )
