"""The daily reconciliation's risk exceptions, read back from the real PDF and CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from desktop.core.redemption import Refusal, RefusalReason
from desktop.services.app import StoreServices
from desktop.services.demo import build_demo
from desktop.services.till import LineRequest, Receipt
from desktop.store import settings

pytestmark = pytest.mark.printing

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 9, 24)
BAG = (LineRequest("G101"),)  # 100 points


@pytest.fixture
def app(tmp_path: Path) -> Iterator[tuple[StoreServices, list[datetime]]]:
    clock = [datetime(2026, 9, 24, 9, 0, tzinfo=SH)]
    services = build_demo(tmp_path / "store.db", members=60, clock=lambda: clock[0])
    yield services, clock
    services.close()


def test_exceptions_list_verified_redemptions_and_refused_attempts(
    app: tuple[StoreServices, list[datetime]], tmp_path: Path
) -> None:
    services, clock = app
    with services.db.write() as conn:
        settings.put(
            conn,
            "risk_rules",
            {
                "velocity": [
                    {"scope": "member", "window_minutes": 60, "max": 1, "action": "verify"},
                    {"scope": "member", "window_minutes": 30, "max": 2, "action": "refuse"},
                ],
                "second_verification": {"points_over": 250},
            },
        )
    c1 = services.login("C01", "1111")
    mgr = services.login("M01", "9999", manager=True)
    with services.db.read() as conn:
        member, other = [
            r[0] for r in conn.execute(
                "SELECT member_id FROM members WHERE status = 'active' ORDER BY balance DESC LIMIT 2"
            )
        ]  # fmt: skip
    first = services.till.redeem(c1, "a1", member, BAG)
    assert isinstance(first, Receipt)
    clock[0] += timedelta(minutes=5)
    second = services.till.redeem(c1, "a2", member, BAG, verified_by=mgr)
    assert isinstance(second, Receipt)
    refused = []
    for n in range(3):
        clock[0] += timedelta(minutes=1)
        r = services.till.redeem(c1, f"x{n}", member, BAG, verified_by=mgr)
        assert isinstance(r, Refusal) and r.reason is RefusalReason.RISK_REFUSED
        refused.append(r)
    services.till.redeem(c1, "x0", member, BAG, verified_by=mgr)  # a retry: logged once
    clock[0] += timedelta(hours=2)
    big = services.till.redeem(c1, "b1", other, (LineRequest("G101", 3),), verified_by=mgr)
    assert isinstance(big, Receipt)
    services.till.void(c1, mgr, "v1", big.receipt_no, "customer changed mind")

    pdf, csv_path = tmp_path / "daily.pdf", tmp_path / "daily.csv"
    report = services.reports.write_daily(DAY, pdf=pdf, csv=csv_path)

    assert report.risk_refusals() == {"velocity:member/30min": 3}
    assert [(e.receipt_no, e.rule, e.action, e.verified_by, e.voided) for e in report.risk_exceptions] == [
        (second.receipt_no, "velocity:member/60min", "verify", "李经理 (M01)", False),
        ("", "velocity:member/30min", "refuse", "", False),
        ("", "velocity:member/30min", "refuse", "", False),
        ("", "velocity:member/30min", "refuse", "", False),
        (big.receipt_no, "points_over/250", "verify", "李经理 (M01)", True),
    ]  # fmt: skip
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    section = text[text.index("Risk exceptions") : text.index("Stock per gift")]
    assert "velocity:member/30min: 拒绝 3 次 · 3 refused" in section
    assert second.receipt_no in section and big.receipt_no in section
    assert first.receipt_no not in section  # it triggered nothing
    assert section.count("李经理 (M01)") == 2
    assert section.count("not redeemed") == 3
    assert "VOIDED" in section
    assert member not in section  # members are masked
    rows = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
    risk = [r for r in rows if r[0] == "risk"]
    assert len(risk) == 5 * 8
    assert ["risk", "1", "receipt_no", second.receipt_no] in risk
    assert ["risk", "5", "verified_by", "李经理 (M01)"] in risk
    assert ["risk_refused", "velocity:member/30min", "attempts", "3"] in rows


def test_a_day_without_exceptions_says_none(
    app: tuple[StoreServices, list[datetime]], tmp_path: Path
) -> None:
    services, _ = app
    pdf = tmp_path / "daily.pdf"
    report = services.reports.write_daily(DAY, pdf=pdf)
    assert report.risk_exceptions == ()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    section = text[text.index("Risk exceptions") : text.index("Stock per gift")]
    assert "无 None" in section
