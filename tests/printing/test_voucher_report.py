"""The daily reconciliation lists the paper vouchers keyed in that day, read back from the
real PDF and CSV: number, written at/by, keyed in at/by, member (masked), gifts, points,
and the overdraft flag."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from desktop.core.vouchers import make_voucher_no
from desktop.services.demo import build_demo
from desktop.services.till import LineRequest
from desktop.services.vouchers import VoucherEntry

pytestmark = pytest.mark.printing

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 9, 24, 15, 30, tzinfo=SH)
POOR = "M00000055"  # 148 points in this demo


def test_keyed_in_vouchers_are_read_back_from_the_pdf_and_the_csv(tmp_path: Path) -> None:
    # Given a store where two paper vouchers were keyed in, one an overdraft
    app = build_demo(tmp_path / "store.db", members=60, clock=lambda: NOW)
    try:
        manager = app.login("M01", "9999", manager=True)
        app.till.redeem(app.login("C01", "1111"), "t1", POOR, (LineRequest("G101"),))
        written = datetime(2026, 9, 24, 11, 5, tzinfo=SH)
        covered = VoucherEntry(make_voucher_no(7), "M00000001", (("G101", 2),), written, "C02")
        short = VoucherEntry(make_voucher_no(8), POOR, (("G501", 1),), written, "C01")
        app.vouchers.key_in(manager, "v1", covered)
        app.vouchers.key_in(manager, "v2", short, accept_overdraft=True)
        pdf, csv_path = tmp_path / "daily.pdf", tmp_path / "daily.csv"
        # When the reconciliation is written
        app.reports.write_daily(pdf=pdf, csv=csv_path)
        # Then the PDF has the section, each voucher, who wrote and keyed it, and the overdraft
        text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
        section = text[text.index("纸质凭证补录 Keyed-in paper vouchers") :]
        section = section[: section.index("礼品库存 Stock per gift")]
        assert "PV0000075" in section and "PV0000083" in section
        assert section.count("09-24 11:05") == 2 and section.count("09-24 15:30") == 2
        assert "陈建国 (C02)" in section and "王小丽 (C01)" in section
        assert section.count("李经理 (M01)") == 2
        assert "M****0055" in section and "M****0001" in section
        assert "G501" in section and "×2" in section
        assert "【透支 452】" in section and section.count("【透支") == 1  # one flag
        names = [r[0] for r in app.db.query("SELECT name FROM members WHERE member_id IN (?, ?)",
                                         ("M00000001", POOR))]  # fmt: skip
        assert all(name not in section for name in names)  # member names only masked
        # And the CSV has the same, one field per row
        body = csv_path.read_bytes().decode("utf-8-sig")
        got = {
            (row[1], row[2]): row[3]
            for row in csv.reader(io.StringIO(body))
            if row[0] == "paper_voucher"
        }
        assert got[("PV0000075", "points")] == "200" and got[("PV0000075", "overdraft")] == "0"
        assert got[("PV0000083", "points")] == "500" and got[("PV0000083", "overdraft")] == "452"
        assert got[("PV0000083", "written_at")] == written.isoformat()
        assert got[("PV0000083", "keyed_in_by")] == "李经理 (M01)"
    finally:
        app.close()
