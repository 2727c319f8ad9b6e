"""`lantern headoffice report` on a real head office (SQLite and PostgreSQL): two stores
push a year of events through the real push path, with a dormant member's comeback months
after their last visit; the command's CSVs are read back and every figure checked, and the
PDF is read back for its headings, its chart labels and the bars it drew."""

from __future__ import annotations

import csv
import io
import os
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from ho_helpers import SH, StoreLog, add_member, outcomes, q, store, well_formed
from pypdf import PdfReader

from desktop.cli import main
from desktop.core.catalogue import Gift, GiftId, Price
from desktop.core.members import Member, MemberId, Tier
from headoffice.admin import Opening
from headoffice.db import Database
from headoffice.engine import HeadOffice
from headoffice.report import Period, build_report, parse_period, ratio_text
from headoffice.report_files import BOM, CSV_FILES, PDF_FILE

pytestmark = pytest.mark.headoffice

Lantern = Callable[..., tuple[int, str, str]]
POINTS = {"G101": 500, "G202": 200, "G303": 800}  # points per unit


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Lantern:
    for k in list(os.environ):
        if k.startswith("LANTERN_"):
            monkeypatch.delenv(k)

    def lantern(*args: str) -> tuple[int, str, str]:
        status = main(["headoffice", *args])
        out, err = capsys.readouterr()
        return status, out, err

    return lantern


def when(month: int, day: int, year: int = 2026) -> datetime:
    return datetime(year, month, day, 10, 0, tzinfo=SH)


def event_at(log: StoreLog, at: datetime) -> str:
    """Put the store's clock at `at`: the event it writes next carries this time."""
    log.at = at - timedelta(seconds=1)
    return at.isoformat()


def redeem(log: StoreLog, member_id: str, at: datetime, *lines: tuple[str, int]) -> dict[str, Any]:
    t = event_at(log, at)
    points = sum(POINTS[g] * n for g, n in lines)
    return log.add(
        "redemption",
        well_formed(
            "redemption",
            {
                "redemption_id": str(uuid.uuid4()),
                "receipt_no": f"{log.store_id}-{at:%Y%m%d}-{len(log.events) + 1:05d}",
                "member_id": member_id,
                "cashier_id": "C01",
                "lines": [[g, n, POINTS[g], 0] for g, n in lines],
                "points": points,
                "cash_fen": 0,
                "lots": [],
                "offline": False,
                "override_by": None,
                "code_kind": "static",
                "at": t,
            },
        ),
    )


def void(log: StoreLog, redemption: dict[str, Any], at: datetime) -> None:
    t = event_at(log, at)
    p = redemption["payload"]
    log.add(
        "void",
        well_formed(
            "void",
            {
                "void_id": str(uuid.uuid4()),
                "redemption_id": p["redemption_id"],
                "receipt_no": p["receipt_no"],
                "member_id": p["member_id"],
                "points": p["points"],
                "manager_id": "M01",
                "cashier_id": "C01",
                "reason": "customer changed mind",
                "at": t,
            },
        ),
    )


def earn(log: StoreLog, member_id: str, points: int, at: datetime) -> None:
    t = event_at(log, at)
    log.add(
        "earn",
        well_formed(
            "earn",
            {
                "earn_id": str(uuid.uuid4()),
                "member_id": member_id,
                "amount_fen": points * 100,
                "points": points,
                "campaign_id": None,
                "cashier_id": "C01",
                "at": t,
            },
        ),
    )


def stock(log: StoreLog, kind: str, gift_id: str, delta: int, at: datetime) -> None:
    t = event_at(log, at)
    payload = {
        "movement_id": str(uuid.uuid4()),
        "gift_id": gift_id,
        "delta": delta,
        "staff_id": "M01",
        "note": "count",
        "at": t,
    }
    log.add(kind, well_formed(kind, payload))


def welcome_back(
    log: StoreLog, member_id: str, bonus: int, at: datetime, dormant_days: int = 263
) -> None:
    """The till's `journey` event for a welcome-back bonus (desktop/core/journeys.py)."""
    t = event_at(log, at)
    payload = {
        "use_id": str(uuid.uuid4()),
        "journey": "welcome_back",
        "period": (at - timedelta(days=dormant_days)).date().isoformat(),
        "member_id": member_id,
        "cashier_id": "C01",
        "bonus_points": bonus,
        "gift_id": None,
        "redemption_id": None,
        "dormant_days": dormant_days,
        "at": t,
    }
    log.add("journey", well_formed("journey", payload))


@pytest.fixture
def programme(ho: HeadOffice) -> dict[str, str]:
    """Two stores, three gifts, five members and their year, pushed to head office."""
    clock = ho.clock
    assert hasattr(clock, "now")
    clock.now = when(1, 1)
    for gift_id, zh, en in (("G101", "保温杯", "Thermos"), ("G202", "红包", "Red envelope"),
                            ("G303", "茶叶礼盒", "Tea box")):  # fmt: skip
        ho.admin.upsert_gift(Gift(GiftId(gift_id), zh, en, "home", (Price(POINTS[gift_id], 0),)))
    sh, bj = store(ho, "SH001"), store(ho, "BJ001")
    m = {n: add_member(ho, n, points) for n, points in ((1, 1000), (2, 2000), (3, 1500), (4, 1000))}
    m[5] = "M00000005"
    ho.admin.upsert_member(
        Member(MemberId(m[5]), "会员5", Tier.REGULAR),
        (Opening(300, date(2026, 1, 1), date(2026, 11, 14)),),
    )

    # Shanghai: M1 visits in March and comes back in November (263 days asleep)
    earn(sh, m[1], 100, when(3, 2))
    stock(sh, "stock_receive", "G303", 10, when(5, 10))  # tea never moves: a slow mover
    earn(sh, m[5], 50, when(9, 1))
    stock(sh, "stock_receive", "G101", 20, when(10, 20))
    redeem(sh, m[3], when(10, 25), ("G101", 1))
    redeem(sh, m[2], when(11, 5), ("G101", 2), ("G202", 1))
    voided = redeem(sh, m[3], when(11, 10), ("G101", 1))
    void(sh, voided, when(11, 11))
    stock(sh, "stock_adjust", "G101", -1, when(11, 12))
    redeem(sh, m[1], when(11, 20), ("G202", 3))
    welcome_back(sh, m[1], 200, when(11, 20) + timedelta(minutes=1))
    # Beijing: M4 asleep 155 days (a comeback only with --dormant-days up to 155)
    earn(bj, m[4], 50, when(6, 1))
    earn(bj, m[2], 200, when(10, 1))
    earn(bj, m[4], 300, when(11, 3))
    redeem(bj, m[4], when(11, 15), ("G101", 1))

    for log in (sh, bj):
        answer = ho.push(log.store_id, log.body())
        assert set(outcomes(answer)) == {"applied"}, answer
    clock.now = when(11, 2)
    ho.admin.deliver("BJ001", "G101", 10, "November")
    clock.now = when(11, 15)
    assert ho.admin.run_expiry(date(2026, 11, 15)) == 300
    return {str(k): v for k, v in m.items()}


def read_csv(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    assert data.startswith(BOM), f"{path.name}: no byte-order mark for Excel"
    rows = list(csv.reader(io.StringIO(data[len(BOM) :].decode("utf-8"))))
    # the key after the Chinese in each heading, as scripts read it
    keys = [h.split(" ")[-1] for h in rows[0]]
    return [dict(zip(keys, r, strict=True)) for r in rows[1:]]


def by(rows: list[dict[str, str]], *keys: str) -> dict[tuple[str, ...], dict[str, str]]:
    return {tuple(r[k] for k in keys): r for r in rows}


def test_the_report_figures_read_back_from_its_csvs_and_pdf(
    programme: dict[str, str], db: Database, run: Lantern, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    status, stdout, err = run(
        "report", "--db", db.target, "--out", str(out), "--from", "2026-11-01", "--to",
        "2026-11-30",
    )  # fmt: skip
    assert status == 0, err
    assert "[1/4] redemption rate" in err and "[4/4] stock turnover" in err  # progress
    assert "no events" not in err
    names = [Path(line).name for line in stdout.split()]
    assert names == [*CSV_FILES, PDF_FILE]

    # redemption rate: the voided redemption is subtracted on the day of its void
    rates = by(read_csv(out / "redemption_rate.csv"), "store_id", "gift_id")
    assert set(rates) == {("SH001", "G101"), ("SH001", "G202"), ("BJ001", "G101")}
    sh_cup = rates[("SH001", "G101")]
    assert (sh_cup["redemptions"], sh_cup["voids"], sh_cup["units"]) == ("2", "1", "3")
    assert (sh_cup["net_units"], sh_cup["units_per_day"]) == ("2", "0.07")
    assert sh_cup["gift_zh"] == "保温杯" and sh_cup["store"] == "store SH001"
    assert rates[("SH001", "G202")]["net_units"] == "4"
    assert rates[("SH001", "G202")]["units_per_day"] == "0.13"
    assert rates[("BJ001", "G101")]["net_units"] == "1"

    shares = by(read_csv(out / "store_share.csv"), "store_id")
    # SH001's members: M1, M2, M3, M5 (M5 only earned); BJ001's: M2, M4
    assert [shares[("SH001",)][k] for k in ("members_known", "members_served", "share")] == [
        "4",
        "3",
        "75.0%",
    ]
    assert shares[("BJ001",)]["share"] == "50.0%"

    # woken up: M1 only (263 days asleep); M4's 155 days are under the default 180
    dormancy = by(read_csv(out / "dormancy.csv"), "store_id")
    sh = dormancy[("SH001",)]
    assert sh["woken_up"] == "1"
    assert (sh["months_1_3"], sh["months_3_6"], sh["months_6_plus"]) == ("0", "0", "1")
    assert (sh["welcome_back_journeys"], sh["welcome_back_points"]) == ("1", "200")
    assert dormancy[("BJ001",)]["woken_up"] == "0"
    members = read_csv(out / "dormancy_members.csv")
    assert [
        (c["member_id"], c["asleep_since"], c["back_on"], c["dormant_days"]) for c in members
    ] == [(programme["1"], "2026-03-02", "2026-11-20", "263")]

    # points: one row a day; the period's totals and what members hold at its end
    points = read_csv(out / "points.csv")
    assert len(points) == 30 and points[0]["bucket"] == "2026-11-01"

    def total(key: str) -> int:
        return sum(int(p[key]) for p in points)

    assert total("earned") == 300 and total("journey_bonus") == 200 and total("issued") == 500
    assert (total("redeemed"), total("voided"), total("net_redeemed")) == (2800, 500, 2300)
    assert total("expired") == 300 and total("opening") == 0
    day = {p["bucket"]: p for p in points}
    assert day["2026-11-05"]["redeemed"] == "1200" and day["2026-11-11"]["voided"] == "500"
    # before: openings 5800 + earns 400 - the October redemption 500; then the period
    assert int(day["2026-11-01"]["outstanding"]) == 5700
    held = sum(int(r["balance"]) for r in q(db, "SELECT balance FROM members"))
    # the period: earns 300, the welcome-back bonus 200, net redeemed 2300, expired 300
    assert int(points[-1]["outstanding"]) == held == 5700 + 300 + 200 - 2300 - 300

    turnover = by(read_csv(out / "turnover.csv"), "store_id", "gift_id")
    cup = turnover[("SH001", "G101")]
    assert [cup[k] for k in ("stock_start", "received", "adjusted", "net_redeemed", "stock_end")] == [
        "19", "0", "-1", "2", "16",
    ]  # fmt: skip
    assert cup["turnover"] == "0.11"  # 2 / ((19 + 16) / 2)
    assert (cup["last_redemption"], cup["days_since"], cup["slow_mover"]) == (
        "2026-11-05",
        "25",
        "no",
    )
    tea = turnover[("SH001", "G303")]
    assert (tea["stock_end"], tea["turnover"], tea["last_redemption"], tea["slow_mover"]) == (
        "10",
        "0.00",
        "",
        "yes",
    )
    bj_cup = turnover[("BJ001", "G101")]
    assert (bj_cup["delivered"], bj_cup["received"], bj_cup["stock_end"], bj_cup["turnover"]) == (
        "10",
        "10",
        "9",
        "0.22",
    )

    # the PDF: bilingual headings, the charts with their titles, labels and bars
    pdf = PdfReader(out / PDF_FILE)
    text = "\n".join(page.extract_text() for page in pdf.pages)
    for heading in (
        "Programme report",
        "兑换率",
        "Redemption rate per gift and store",
        "Members woken up from dormancy",
        "Points issued versus redeemed",
        "库存周转",
        "Stock turnover",
        "Units redeemed per gift",  # chart titles and legend: drawn by the charts only
        "Points issued vs redeemed",
        "发放 Issued",
        "Stock turnover (store / gift)",
    ):
        assert heading in text, heading
    assert "No events in this period" not in text
    first = pdf.pages[0]
    content = first.get_contents()
    assert content is not None
    stream = content.get_data().decode("latin-1")
    # filled rectangles in the charts' red and gold: the bars themselves
    assert stream.count(" re f") >= 3
    assert ".690196 .090196 .121569 rg" in stream and ".831373 .627451 .090196 rg" in stream
    resources: Any = first["/Resources"]
    fonts = resources["/Font"]
    for name in fonts:  # only the CJK font, embedded
        font = fonts[name].get_object()
        assert "WenQuanYiMicroHei" in font["/BaseFont"], font["/BaseFont"]
        assert "/FontFile2" in font["/FontDescriptor"], f"{font['/BaseFont']} not embedded"


def test_a_shorter_dormancy_threshold_wakes_more_members(
    programme: dict[str, str], db: Database
) -> None:
    report = build_report(db, Period(date(2026, 11, 1), date(2026, 11, 30)), dormant_days=90)
    woken = {c.member_id: (c.store_id, c.dormant_days, c.band, c.kind) for c in report.comebacks}
    assert woken == {
        programme["1"]: ("SH001", 263, "6+", "redemption"),
        programme["4"]: ("BJ001", 155, "3-6", "earn"),
    }
    # a period of 4 months is shown by week, one of a year by month
    long = build_report(db, Period(date(2026, 1, 1), date(2026, 12, 31)))
    assert long.bucket == "month" and [p.label for p in long.points][:2] == ["2026-01", "2026-02"]
    assert sum(p.net_redeemed for p in long.points) == 2800
    assert build_report(db, Period(date(2026, 9, 1), date(2026, 11, 30))).bucket == "week"


def test_an_empty_period_is_a_report_that_says_so(
    programme: dict[str, str], db: Database, run: Lantern, tmp_path: Path
) -> None:
    out = tmp_path / "empty"
    status, _, err = run(
        "report", "--db", db.target, "--out", str(out), "--from", "2025-01-01", "--to",
        "2025-01-31",
    )  # fmt: skip
    assert status == 0, err
    assert "no events in this period" in err
    assert read_csv(out / "redemption_rate.csv") == []
    text = "\n".join(p.extract_text() for p in PdfReader(out / PDF_FILE).pages)
    assert "No events in this period" in text


def test_bad_input_is_refused_before_anything_is_written(
    programme: dict[str, str], db: Database, run: Lantern, tmp_path: Path
) -> None:
    out = tmp_path / "never"
    status, _, err = run(
        "report", "--db", db.target, "--out", str(out), "--from", "2026-12-01", "--to",
        "2026-11-01",
    )  # fmt: skip
    assert status != 0 and "--from 2026-12-01 is after --to 2026-11-01" in err
    assert not out.exists()
    status, _, err = run("report", "--db", db.target, "--out", str(out), "--from", "1 Nov")
    assert status != 0 and "--from must be a day, YYYY-MM-DD" in err
    status, _, err = run("report", "--db", db.target, "--out", str(out), "--format", "xlsx")
    assert status != 0 and "--format takes csv, pdf" in err
    assert not out.exists()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    status, _, err = run("report", "--db", db.target, "--out", str(blocker / "report"))
    assert status != 0 and "cannot write the report to folder" in err
    # CSV only, when asked
    status, _, err = run(
        "report", "--db", db.target, "--out", str(out), "--format", "csv", "--to", "2026-11-30"
    )
    assert status == 0, err
    assert sorted(p.name for p in out.iterdir()) == sorted(CSV_FILES)


def test_a_parked_or_repeated_journey_is_not_counted(ho: HeadOffice, db: Database) -> None:
    """A journey event head office did not apply (parked) is not a figure, and a journey a
    second store gave again (both offline) credited nothing: counted once."""
    sh, bj = store(ho, "SH001"), store(ho, "BJ001")
    member = add_member(ho, 1, 100)
    earn(sh, member, 50, when(3, 1))
    welcome_back(sh, member, 200, when(11, 20))
    welcome_back(bj, member, 200, when(11, 20) + timedelta(minutes=5))
    sh.add("journey", {"journey": "welcome_back", "member_id": member, "at": "bad"})
    assert outcomes(ho.push("SH001", sh.body())) == ["applied", "applied", "rejected"]
    assert outcomes(ho.push("BJ001", bj.body())) == ["applied_with_conflict"]
    report = build_report(db, Period(date(2026, 11, 1), date(2026, 11, 30)))
    assert {d.store_id: d.welcome_back for d in report.dormancy} == {"SH001": 1, "BJ001": 0}
    bucket = [p for p in report.points if p.journey_bonus]
    assert [(p.earned, p.journey_bonus, p.issued) for p in bucket] == [(0, 200, 200)]
    # the bonus lot is not a visit: the member's comeback is their own earn or redemption
    assert report.comebacks == []


def test_period_and_ratio_arithmetic() -> None:
    assert parse_period(None, None, date(2026, 12, 7)) == Period(
        date(2026, 11, 8), date(2026, 12, 7)
    )
    assert parse_period("2026-11-01", "2026-11-01", date(2026, 12, 7)).days == 1
    assert [ratio_text(2, 30), ratio_text(1, 3), ratio_text(2, 3), ratio_text(5, 0)] == [
        "0.07",
        "0.33",
        "0.67",
        "",
    ]
    assert ratio_text(1, 200) == "0.01" and ratio_text(-1, 3) == "-0.33"


def test_a_void_after_the_period_does_not_reach_back_into_it(
    programme: dict[str, str], db: Database
) -> None:
    # the redemption of 10 November was voided on the 11th: a report to the 10th keeps it
    report = build_report(db, Period(date(2026, 11, 1), date(2026, 11, 10)))
    rate = {(g.store_id, g.gift_id): g for g in report.gift_rates}[("SH001", "G101")]
    assert (rate.redemptions, rate.voids, rate.net_units) == (2, 0, 3)
    cup = {(t.store_id, t.gift_id): t for t in report.turnover}[("SH001", "G101")]
    assert (cup.net_redeemed, cup.last_redemption, cup.days_since) == (3, "2026-11-10", 0)
    assert sum(p.voided for p in report.points) == 0
