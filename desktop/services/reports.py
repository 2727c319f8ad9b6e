"""Reports from the store's ledgers: the daily reconciliation (PDF and CSV)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from desktop.core.errors import InvalidInput
from desktop.core.members import mask_name
from desktop.core.stock_policy import TurnoverReport
from desktop.printing.documents import (
    CashierTotals,
    DailyReport,
    OverrideRow,
    RedemptionLineRow,
    RiskExceptionRow,
    StockNoteRow,
    StockRow,
    VoidRow,
    VoucherRow,
)
from desktop.printing.report import daily_pdf
from desktop.printing.report_csv import BOM, daily_csv, redemptions_csv
from desktop.printing.turnover import turnover_csv, turnover_pdf
from desktop.private import private_dir, private_file
from desktop.services.context import ServiceContext
from desktop.services.stock import StockService, levels_in
from desktop.store import reports as q
from desktop.store import risk as risk_repo
from desktop.store import settings
from desktop.store import vouchers as vouchers_repo

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (stage, done, total)


def _who(at: str | None, name: str | None, staff_id: str | None) -> str:
    if not at:
        return "—"
    return f"{at[11:16]} {name or ''} ({staff_id})"


def _staff(name: str | None, staff_id: str | None) -> str:
    return f"{name or ''} ({staff_id})" if staff_id else ""


def daily_file_names(store_id: str, day: date, folder: Path) -> tuple[Path, Path, Path]:
    """Where a day's reconciliation goes in a folder: `daily-SH001-2026-09-24.pdf`, the
    figures `daily-SH001-2026-09-24.csv`, and the cash office's one row per redemption
    line `daily-SH001-2026-09-24-redemptions.csv`."""
    stem = f"daily-{store_id}-{day.isoformat()}"
    return folder / f"{stem}.pdf", folder / f"{stem}.csv", folder / f"{stem}-redemptions.csv"


def _overrides(rows: Sequence[Any]) -> tuple[OverrideRow, ...]:
    return tuple(
        OverrideRow(
            r["receipt_no"],
            datetime.fromisoformat(r["created_at"]),
            _staff(r["cashier_name"], r["cashier_id"]),
            _staff(r["manager_name"], r["override_by"]),
            r["member_id"],
            r["points"],
            r["cash_fen"],
            bool(r["voided"]),
        )
        for r in rows
    )


def _stock_notes(rows: Sequence[Any]) -> tuple[StockNoteRow, ...]:
    return tuple(
        StockNoteRow(
            datetime.fromisoformat(r["at"]),
            r["gift_id"],
            r["name_zh"],
            "delivery" if r["headoffice"] else "opening" if r["ref"] == "opening" else r["kind"],
            r["delta"],
            _staff(r["staff_name"], r["staff_id"]),
            r["reason"] or "",
            r["ref"],
        )
        for r in rows
    )


def _lines(rows: Sequence[Any]) -> tuple[RedemptionLineRow, ...]:
    return tuple(
        RedemptionLineRow(
            r["receipt_no"],
            datetime.fromisoformat(r["created_at"]),
            _staff(r["cashier_name"], r["cashier_id"]),
            r["member_id"],
            mask_name(r["member_name"]),
            r["gift_id"],
            r["name_zh"],
            r["quantity"],
            r["points"],
            r["cash_fen"],
            bool(r["offline"]),
            datetime.fromisoformat(r["voided_at"]) if r["voided_at"] else None,
            _staff(r["void_manager_name"], r["void_manager_id"]),
            _staff(r["override_name"], r["override_by"]),
        )
        for r in rows
    )


class ReportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.db = ctx.db

    def daily(self, day: date | None = None, progress: Progress | None = None) -> DailyReport:
        """The reconciliation of one business day, every figure summed from ledger rows.
        Read in one snapshot (`read()`: one read transaction), so the figures agree."""
        day = day or self.ctx.today()
        d = day.isoformat()
        steps = [
            "totals",
            "cashiers",
            "voids",
            "overrides",
            "stock",
            "stock notes",
            "redemption lines",
            "risk exceptions",
            "link",
            "events",
            "paper vouchers",
        ]

        def step(i: int) -> None:
            if progress:
                progress(steps[i], i + 1, len(steps))

        with self.db.read() as conn:
            bday = q.business_day(conn, d)
            totals = q.day_totals(conn, d)
            step(0)
            cashiers = tuple(
                CashierTotals(
                    f"{r['name']} ({r['cashier_id']})",
                    r["redemptions"],
                    r["points"],
                    r["cash_fen"],
                    r["voids"],
                )
                for r in q.per_cashier(conn, d)
            )
            step(1)
            voids = tuple(
                VoidRow(
                    r["receipt_no"],
                    datetime.fromisoformat(r["created_at"]),
                    f"{r['cashier_name']} ({r['cashier_id']})",
                    f"{r['manager_name']} ({r['manager_id']})",
                    r["reason"],
                    r["points"],
                    r["cash_fen"],
                )
                for r in q.voids(conn, d)
            )
            step(2)
            overrides = _overrides(q.overrides(conn, d))
            step(3)
            alerts = {lv.gift.gift_id: lv.threshold for lv in levels_in(conn, day)}
            stock = tuple(
                StockRow(
                    r["gift_id"],
                    r["name_zh"],
                    r["opening"],
                    r["received"],
                    r["redeemed"],
                    r["voided_back"],
                    r["adjusted"],
                    r["closing"],
                    r["closing"] <= alerts.get(r["gift_id"], r["low_stock_threshold"]),
                )
                for r in q.stock_movements(conn, d)
            )
            step(4)
            notes = _stock_notes(q.stock_notes(conn, d))
            step(5)
            lines = _lines(q.redemption_lines(conn, d))
            step(6)
            exceptions = tuple(
                RiskExceptionRow(
                    datetime.fromisoformat(e.at),
                    e.receipt_no,
                    e.member_id,
                    _staff(e.cashier_name, e.cashier_id),
                    e.rule,
                    e.action,
                    _staff(e.verifier_name, e.verified_by),
                    e.voided,
                )
                for e in risk_repo.day_exceptions(conn, d)
            )
            step(7)
            periods = self._offline_periods(q.link_changes(conn, d), d)
            step(8)
            acked = int(settings.get(conn, "outbox_acked_seq", 0))
            unconfirmed = q.unconfirmed_events(conn, d, acked)
            ho_totals = settings.get(conn, f"headoffice_totals:{d}")
            overdrafts = tuple(
                f"{o['member_id']}: balance {o['balance']:,} (overdraft {o['debt']:,})"
                for o in q.overdrawn_members(conn, d)
            )
            step(9)
            vouchers = tuple(
                VoucherRow(
                    v.voucher_no,
                    v.receipt_no,
                    datetime.fromisoformat(v.written_at),
                    v.written_by,
                    datetime.fromisoformat(v.keyed_in_at),
                    v.keyed_in_by,
                    v.member_id,
                    v.member_masked,
                    v.gifts,
                    v.points,
                    v.overdraft,
                    v.voided,
                )
                for v in vouchers_repo.listed(conn, d)
            )
            step(10)
        if ho_totals is None:
            match = (
                "not yet confirmed by head office"
                if unconfirmed or totals["redemptions"]
                else "nothing to confirm"
            )
        else:
            ours = {
                "redemptions": totals["redemptions"],
                "points": totals["points"],
                "cash_fen": totals["cash_fen"],
            }
            diffs = [
                f"{k}: store {ours[k]} / head office {ho_totals.get(k)}"
                for k in ours
                if ho_totals.get(k) != ours[k]
            ]
            match = "matches" if not diffs else "differs — " + "; ".join(diffs)
        return DailyReport(
            store_id=self.ctx.store_id,
            store_name_zh=str(self.ctx.setting("store_name_zh", "")),
            store_name_en=str(self.ctx.setting("store_name_en", "")),
            day=day,
            generated_at=self.ctx.now(),
            opened=_who(bday["opened_at"], bday["opened_name"], bday["opened_by"])
            if bday
            else "not opened",
            closed=_who(bday["closed_at"], bday["closed_name"], bday["closed_by"]) if bday else "—",
            redemptions=totals["redemptions"],
            points=totals["points"],
            cash_fen=totals["cash_fen"],
            voided_count=totals["voided_count"],
            voided_points=totals["voided_points"],
            voided_cash_fen=totals["voided_cash_fen"],
            per_cashier=cashiers,
            voids=voids,
            stock=stock,
            offline_periods=periods,
            offline_redemptions=totals["offline_redemptions"],
            unconfirmed_events=unconfirmed,
            headoffice_match=match,
            overdrafts=overdrafts,
            overrides=overrides,
            stock_notes=notes,
            lines=lines,
            vouchers=vouchers,
            risk_exceptions=exceptions,
        )

    def _offline_periods(
        self, changes: Sequence[tuple[str, bool]], day: str
    ) -> tuple[tuple[datetime, datetime | None], ...]:
        """Offline spans overlapping `day` from the log of link state changes."""
        periods: list[tuple[datetime, datetime | None]] = []
        start: datetime | None = None
        for when, online in changes:
            at = datetime.fromisoformat(when)
            if not online and start is None:
                start = at
            elif online and start is not None:
                if self.ctx.day_of(at).isoformat() >= day:
                    periods.append((start, at))
                start = None
        if start is not None:
            periods.append((start, None))
        return tuple(periods)

    def write_daily(
        self,
        day: date | None = None,
        pdf: Path | None = None,
        csv: Path | None = None,
        progress: Progress | None = None,
        redemptions: Path | None = None,
    ) -> DailyReport:
        """The reconciliation as a PDF, its figures as a CSV, and/or one CSV row per
        redemption line (`redemptions`). The CSVs are UTF-8 with a byte-order mark, which
        is how Excel (Chinese Windows included) knows they are UTF-8."""
        if pdf is None and csv is None and redemptions is None:
            raise InvalidInput("say where to write the report: a PDF path, a CSV path, or both")
        report = self.daily(day, progress)
        if pdf is not None:
            _atomic_write(pdf, daily_pdf(report))
        if csv is not None:
            _atomic_write(csv, BOM + daily_csv(report).encode("utf-8"))
        if redemptions is not None:
            _atomic_write(redemptions, BOM + redemptions_csv(report).encode("utf-8"))
        log.info(
            "daily reconciliation for %s written (%s)",
            report.day,
            ", ".join(str(p) for p in (pdf, csv, redemptions) if p is not None),
        )
        return report

    def write_turnover(
        self, days: int, folder: Path, progress: Progress | None = None
    ) -> tuple[TurnoverReport, Path, Path]:
        """The stock turnover of the last `days` business days as PDF and CSV in `folder`
        (`turnover-STORE-LASTDAY-90d.pdf` and `.csv`)."""
        report = StockService(self.ctx).turnover(days, progress)
        stem = f"turnover-{report.store_id}-{report.last.isoformat()}-{days}d"
        pdf, csv_path = folder / f"{stem}.pdf", folder / f"{stem}.csv"
        _atomic_write(pdf, turnover_pdf(report))
        _atomic_write(csv_path, BOM + turnover_csv(report).encode("utf-8"))
        log.info("stock turnover of %d days written (%s, %s)", days, pdf, csv_path)
        return report, pdf, csv_path


def _atomic_write(path: Path, data: bytes) -> None:
    private_dir(path.parent)
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    private_file(tmp)  # 0600: the report names members and cashiers
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
