"""The daily reconciliation, checked against independent sums over the ledgers and read
back from the real PDF and CSV."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from desktop.core.members import mask_name
from desktop.core.offline import CodeKind
from desktop.core.redemption import Refusal
from desktop.printing.report import daily_csv
from desktop.printing.report_csv import REDEMPTION_COLUMNS
from desktop.services.app import StoreServices
from desktop.services.context import LinkState
from desktop.services.demo import build_demo
from desktop.services.till import LineRequest, Receipt
from desktop.store import settings
from desktop.store.reports import record_link
from desktop.store.sync_state import receive_delivery

pytestmark = pytest.mark.printing

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 9, 24)


@dataclass
class World:
    app: StoreServices
    path: Path
    clock: list[datetime]
    link: list[LinkState]


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    clock = [datetime(2026, 9, 23, 9, 0, tzinfo=SH)]
    link = [LinkState(True, None)]
    path = tmp_path / "store.db"
    app = build_demo(path, members=120, clock=lambda: clock[0])
    app.ctx.link = lambda: link[0]
    # yesterday: some activity that must not appear in today's figures
    c1 = app.login("C01", "1111")
    app.till.redeem(c1, "y1", "M00000001", (LineRequest("G101"),))
    clock[0] = datetime(2026, 9, 24, 9, 0, tzinfo=SH)
    app.day.open(app.login("M01", "9999", manager=True))
    yield World(app, path, clock, link)
    app.close()


def run_day(w: World) -> list[Receipt]:
    """A day with redemptions by two cashiers, points + cash, two voids, an offline
    period with offline redemptions, a stock delivery and a stock adjustment."""
    app = w.app
    c1, c2 = app.login("C01", "1111"), app.login("C02", "2222")
    mgr = app.login("M01", "9999", manager=True)
    receipts: list[Receipt] = []

    def redeem(cashier: object, n: int, member: int, gift: str, option: int = 0) -> None:
        w.clock[0] += timedelta(minutes=7)
        r = app.till.redeem(
            cashier,  # type: ignore[arg-type]
            f"d{n}",
            f"M{member:08d}",
            (LineRequest(gift, 1, option),),
            CodeKind.STATIC_CARD,
        )
        assert isinstance(r, Receipt), r
        receipts.append(r)

    for n in range(12):
        redeem(
            c1 if n % 2 else c2, n, 10 + n, ["G101", "G104", "G102"][n % 3], 1 if n % 3 == 1 else 0
        )
    app.stock.receive(mgr, "recv", "G105", 24, "delivery DN-2291")
    # head office unreachable from 10:40 to 11:25; two offline redemptions
    w.clock[0] = datetime(2026, 9, 24, 10, 40, tzinfo=SH)
    with app.db.write() as conn:
        record_link(conn, False, w.clock[0].isoformat(), "timeout")
    w.link[0] = LinkState(False, datetime(2026, 9, 24, 10, 30, tzinfo=SH))
    redeem(c1, 100, 40, "G101")
    redeem(c2, 101, 41, "G102")
    # beyond the offline cap: refused, then approved by the manager (override_by); the
    # second one is voided later
    with app.db.write() as conn:
        settings.put(conn, "offline_limits", {"per_redemption_points": 150})
    for n, member, cashier in ((102, 42, c1), (103, 43, c2)):
        w.clock[0] += timedelta(minutes=3)
        lines = (LineRequest("G104", 1, 0),)  # 200 points
        refused = app.till.redeem(cashier, f"d{n}", f"M{member:08d}", lines)
        assert isinstance(refused, Refusal), refused
        r = app.till.redeem(cashier, f"d{n}", f"M{member:08d}", lines, override_by=mgr)
        assert isinstance(r, Receipt), r
        receipts.append(r)
    with app.db.write() as conn:
        settings.put(conn, "offline_limits", {})
    w.clock[0] = datetime(2026, 9, 24, 11, 25, tzinfo=SH)
    with app.db.write() as conn:
        record_link(conn, True, w.clock[0].isoformat(), "ok")
    w.link[0] = LinkState(True, w.clock[0])
    w.clock[0] += timedelta(minutes=5)
    app.till.void(c1, mgr, "v1", receipts[1].receipt_no, "顾客改变主意")
    app.till.void(c2, mgr, "v2", receipts[12].receipt_no, "wrong member scanned")
    app.till.void(c2, mgr, "v3", receipts[15].receipt_no, "会员要求取消")
    app.stock.adjust(mgr, "adj", "G504", counted=3, reason="1 box damaged")
    # a head-office delivery counted in by sync, with head office's note
    with app.db.write() as conn:
        receive_delivery(
            conn, "DLV-0077", "G106", 50, "春节备货 festive stock", w.clock[0].isoformat()
        )
    return receipts


def independent(path: Path, day: str) -> dict[str, int]:
    """The day's figures straight from the points and stock ledgers, without the report's
    queries: points deducted net of voids, cash of unvoided redemptions, stock movements."""
    with closing(sqlite3.connect(path)) as con:
        redeemed = -con.execute(
            "SELECT COALESCE(SUM(delta), 0) FROM points_ledger WHERE kind = 'redeem' AND ref IN "
            "(SELECT redemption_id FROM redemptions WHERE business_day = ?)",
            (day,),
        ).fetchone()[0]
        returned = con.execute(
            "SELECT COALESCE(SUM(delta), 0) FROM points_ledger WHERE kind = 'void' AND ref IN "
            "(SELECT void_id FROM voids WHERE substr(created_at, 1, 10) = ?)",
            (day,),
        ).fetchone()[0]
        cash = 0
        for (rid,) in con.execute(
            "SELECT redemption_id FROM redemptions WHERE business_day = ? AND redemption_id "
            "NOT IN (SELECT redemption_id FROM voids)",
            (day,),
        ):
            cash += con.execute(
                "SELECT SUM(quantity * cash_fen_each) FROM redemption_lines WHERE redemption_id = ?",
                (rid,),
            ).fetchone()[0]
        stock = dict(
            con.execute(
                "SELECT kind, SUM(delta) FROM stock_ledger WHERE substr(at, 1, 10) = ? GROUP BY kind",
                (day,),
            ).fetchall()
        )
    return {"points": redeemed - returned, "cash_fen": cash, **stock}


def test_totals_equal_independent_ledger_sums(world: World) -> None:
    receipts = run_day(world)
    report = world.app.reports.daily(DAY)
    truth = independent(world.path, DAY.isoformat())
    assert report.redemptions == len(receipts) - 3
    assert report.points == truth["points"]
    assert report.cash_fen == truth["cash_fen"] > 0
    assert report.voided_count == 3
    assert report.voided_points == sum(receipts[i].points for i in (1, 12, 15))
    assert report.offline_redemptions == 2  # four were made offline; two were voided
    assert sum(c.points for c in report.per_cashier) == report.points
    assert sum(c.redemptions for c in report.per_cashier) == report.redemptions
    assert sum(c.voids for c in report.per_cashier) == 3
    stock = {s.gift_id: s for s in report.stock}
    assert sum(s.received for s in report.stock) == truth["receive"] == 24 + 50
    assert sum(s.redeemed for s in report.stock) == -truth["redeem"]
    assert sum(s.voided_back for s in report.stock) == truth["void"] == 3
    assert sum(s.adjusted for s in report.stock) == truth["adjust"] == -1
    for s in report.stock:
        assert s.closing == s.opening + s.received - s.redeemed + s.voided_back + s.adjusted
    with closing(sqlite3.connect(world.path)) as con:
        for gift_id, cached in con.execute("SELECT gift_id, stock FROM gifts"):
            assert stock[gift_id].closing == cached
    # yesterday's redemption of G101 is in the opening stock, not in today's movements
    assert stock["G101"].opening == 119
    assert stock["G504"].low and stock["G105"].received == 24
    assert [(a.time(), b and b.time()) for a, b in report.offline_periods] == [
        (datetime(2026, 9, 24, 10, 40).time(), datetime(2026, 9, 24, 11, 25).time())
    ]
    assert report.unconfirmed_events > 0
    assert report.headoffice_match == "not yet confirmed by head office"


def test_pdf_and_csv_read_back(world: World, tmp_path: Path) -> None:
    run_day(world)
    pdf, csv_path = tmp_path / "daily.pdf", tmp_path / "daily.csv"
    report = world.app.reports.write_daily(DAY, pdf, csv_path)
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "2026-09-24" in text
    assert "上海南京东路店" in text
    assert "李经理 (M01)" in text  # the approver of the voids
    assert "顾客改变主意" in text and "wrong member scanned" in text
    assert f"{report.points:,}" in text
    assert "10:40 – 11:25" in text
    assert "王小丽 (C01)" in text and "陈建国 (C02)" in text
    assert "Manager signature" in text
    reader = PdfReader(pdf)
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            desc = font.get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in desc, f"font {font.get_object()['/BaseFont']} is not embedded"
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads UTF-8, not GBK
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    totals = {r["field"]: r["value"] for r in rows if r["section"] == "totals"}
    assert int(totals["points"]) == report.points
    assert int(totals["cash_fen"]) == report.cash_fen
    assert int(totals["voided_count"]) == 3
    g105 = {
        r["field"]: int(r["value"]) for r in rows if r["section"] == "stock" and r["item"] == "G105"
    }
    assert g105["received"] == 24
    assert raw.decode("utf-8-sig") == daily_csv(report)
    # and the CSV carries the overrides and the stock reasons too
    overrides = {r["item"] for r in rows if r["section"] == "override"}
    assert overrides == {o.receipt_no for o in report.overrides} and len(overrides) == 2
    approvers = {
        r["value"] for r in rows if r["section"] == "override" and r["field"] == "approver"
    }
    assert approvers == {"李经理 (M01)"}
    reasons = {r["value"] for r in rows if r["section"] == "stock_note" and r["field"] == "reason"}
    assert reasons == {"delivery DN-2291", "1 box damaged", "春节备货 festive stock"}
    assert ["DLV-0077", "by", "head office"] in [
        [r["item"], r["field"], r["value"]] for r in rows if r["section"] == "stock_note"
    ]


def test_an_empty_day_and_progress(world: World) -> None:
    stages: list[tuple[str, int, int]] = []
    report = world.app.reports.daily(DAY, lambda s, d, t: stages.append((s, d, t)))
    assert report.redemptions == report.points == report.voided_count == 0
    assert report.voids == () and report.offline_periods == ()
    assert report.unconfirmed_events == 1  # the day_open event
    assert report.headoffice_match == "not yet confirmed by head office"
    assert [d for _, d, _ in stages] == list(range(1, len(stages) + 1))
    assert stages[-1][1] == stages[-1][2]


def test_headoffice_totals_compared(world: World) -> None:
    run_day(world)
    from desktop.store import settings

    report = world.app.reports.daily(DAY)
    ho = {"redemptions": report.redemptions, "points": report.points, "cash_fen": report.cash_fen}
    with world.app.db.write() as conn:
        settings.put(conn, f"headoffice_totals:{DAY}", ho)
    assert world.app.reports.daily(DAY).headoffice_match == "matches"
    with world.app.db.write() as conn:
        settings.put(conn, f"headoffice_totals:{DAY}", {**ho, "points": ho["points"] - 100})
    match = world.app.reports.daily(DAY).headoffice_match
    assert match.startswith("differs") and "points" in match


def test_overrides_and_stock_reasons_read_back_from_the_pdf(world: World, tmp_path: Path) -> None:
    # Given a day with two manager overrides of the offline cap (one voided since), a
    # delivery, a count and a head-office delivery, each with its reason or note
    receipts = run_day(world)
    overridden = [r.receipt_no for r in receipts[14:16]]
    with closing(sqlite3.connect(world.path)) as con:
        in_ledger = con.execute(
            "SELECT receipt_no, override_by FROM redemptions WHERE override_by IS NOT NULL "
            "ORDER BY receipt_no"
        ).fetchall()
    assert in_ledger == [(no, "M01") for no in overridden]
    # When the reconciliation is written
    pdf = tmp_path / "daily.pdf"
    report = world.app.reports.write_daily(DAY, pdf=pdf)
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    flat = " ".join(text.split())
    # Then the PDF has the overrides section: which receipt, who approved it, voided or not
    assert "Manager overrides of the offline limits" in flat
    section = flat[flat.index("Manager overrides") : flat.index("Stock per gift")]
    for no in overridden:
        assert no in section
    assert section.count("李经理 (M01)") == 2
    assert "VOIDED" in section  # the second override was voided afterwards
    assert [(o.receipt_no, o.approver, o.voided) for o in report.overrides] == [
        (overridden[0], "李经理 (M01)", False),
        (overridden[1], "李经理 (M01)", True),
    ]
    # and the stock section with every reason: the count, the delivery note, head office's
    notes = flat[flat.index("Deliveries and stock counts") : flat.index("Low stock")]
    assert "1 box damaged" in notes and "-1" in notes
    assert "delivery DN-2291" in notes and "+24" in notes
    assert "春节备货 festive stock (DLV-0077)" in notes and "+50" in notes
    assert "总部 Head office" in notes
    assert [(n.gift_id, n.kind, n.delta, n.reason) for n in report.stock_notes] == [
        ("G105", "receive", 24, "delivery DN-2291"),
        ("G504", "adjust", -1, "1 box damaged"),
        ("G106", "delivery", 50, "春节备货 festive stock"),
    ]


def test_redemptions_csv_sums_to_the_ledgers(world: World, tmp_path: Path) -> None:
    # Given a day of redemptions (points and points + cash, voids, offline, overrides)
    receipts = run_day(world)
    path = tmp_path / "lines.csv"
    # When the cash office's CSV is written
    report = world.app.reports.write_daily(DAY, redemptions=path)
    raw = path.read_bytes()
    # Then it is UTF-8 with a BOM, one header row of fixed columns, one row per line
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(table[0]) == REDEMPTION_COLUMNS
    rows = [dict(zip(REDEMPTION_COLUMNS, r, strict=True)) for r in table[1:]]
    assert len(rows) == sum(len(r.lines) for r in receipts)
    assert {r["单号 receipt_no"] for r in rows} == {r.receipt_no for r in receipts}
    # and the columns total directly: points and cash of lines not voided are the report's
    # and the ledgers' figures; the voided lines are the voided totals
    truth = independent(world.path, DAY.isoformat())
    kept = [r for r in rows if r["作废 voided"] == "0"]
    gone = [r for r in rows if r["作废 voided"] == "1"]
    assert sum(int(r["积分 points"]) for r in kept) == report.points == truth["points"]
    assert sum(int(r["现金分 cash_fen"]) for r in kept) == report.cash_fen == truth["cash_fen"]
    cash_yuan = sum(Decimal(r["现金元 cash_yuan"]) for r in kept)
    assert cash_yuan * 100 == report.cash_fen > 0
    assert all(re.fullmatch(r"\d+\.\d\d", r["现金元 cash_yuan"]) for r in rows)
    assert sum(int(r["积分 points"]) for r in gone) == report.voided_points
    assert len({r["单号 receipt_no"] for r in gone}) == report.voided_count == 3
    assert all(
        r["作废批准 void_approver"] == "李经理 (M01)" and r["作废时间 voided_at"] for r in gone
    )
    assert sum(r["离线 offline"] == "1" for r in kept) == report.offline_redemptions
    assert sum(r["越权批准 override_by"] == "李经理 (M01)" for r in rows) == 2
    # and the member is there by id and masked name, never by full name
    with closing(sqlite3.connect(world.path)) as con:
        names = dict(con.execute("SELECT member_id, name FROM members").fetchall())
    for r in rows:
        full = names[r["会员号 member_id"]]
        assert r["会员 member"] == mask_name(full) != full
        assert full not in raw.decode("utf-8-sig")
