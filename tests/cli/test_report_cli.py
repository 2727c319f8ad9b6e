"""`lantern report daily` as a subprocess: the PDF and both CSVs, named as documented,
the CSVs with a BOM and the cash office's columns summing to the redemptions made."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.cli

ROOT = Path(__file__).resolve().parents[2]


def lantern(*args: str, db: Path, pin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    env["LANTERN_DB"] = str(db)
    if pin is not None:
        env["LANTERN_PIN"] = pin
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        input="",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )


def test_report_daily_writes_the_pdf_and_both_csvs(demo_path: Path) -> None:
    # Given two redemptions: points only, and points + cash
    for gift in ("G101", "G501:1:1"):
        r = lantern("redeem", "--member", "M00000001", "--gift", gift, "--cashier", "C01",
                    "--no-print", pin="1111", db=demo_path)  # fmt: skip
        assert r.returncode == 0, r.stderr
    ymd = r.stdout.strip().split("-")[1]  # the store's business day (its own time zone)
    day = date(int(ymd[:4]), int(ymd[4:6]), int(ymd[6:]))
    # When the manager writes the day's report without naming files
    r = lantern("report", "daily", db=demo_path)
    assert r.returncode == 0, r.stderr
    # Then the three files are where the README says, one per line of output
    stem = f"daily-SH001-{day.isoformat()}"
    folder = demo_path.parent / "reports"
    assert r.stdout.splitlines() == [
        str(folder / f"{stem}.pdf"),
        str(folder / f"{stem}.csv"),
        str(folder / f"{stem}-redemptions.csv"),
    ]
    assert "每日对账单" in PdfReader(folder / f"{stem}.pdf").pages[0].extract_text()
    for name in (f"{stem}.csv", f"{stem}-redemptions.csv"):
        assert (folder / name).read_bytes()[:3] == b"\xef\xbb\xbf"
    lines = list(
        csv.DictReader(io.StringIO((folder / f"{stem}-redemptions.csv").read_text("utf-8-sig")))
    )
    assert [row["礼品编号 gift_id"] for row in lines] == ["G101", "G501"]
    assert sum(int(row["积分 points"]) for row in lines) == 100 + 300
    assert [row["现金元 cash_yuan"] for row in lines] == ["0.00", "15.00"]
    assert "2 redemptions, 400 points, cash 15.00" in r.stderr
