"""The programme report from what real tills synced: two stores on their own SQLite files,
their clocks months apart, sync to a real `lantern headoffice serve` process; then
`lantern headoffice report` runs as a command on head office's database and its CSVs and
PDF are read back."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from desktop.services.app import StoreServices
from desktop.services.setup import init_store
from desktop.services.till import LineRequest, Receipt
from headoffice.engine import HeadOffice
from headoffice.report_files import BOM, PDF_FILE

from .conftest import ROOT, HeadOfficeProcess, add_member, fast_client, staff

pytestmark = pytest.mark.headoffice

SH = ZoneInfo("Asia/Shanghai")
SLEEPER, REGULAR = "M00000001", "M00000002"
G101 = (LineRequest("G101"),)  # 100 points


@dataclass
class StoreClock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Till:
    app: StoreServices
    clock: StoreClock

    def on(self, y: int, m: int, d: int) -> None:
        """The store's next business day: its clock moves there, the manager opens and the
        till syncs (so it is not offline for months)."""
        self.clock.now = datetime(y, m, d, 10, 0, tzinfo=SH)
        self.app.day.open(staff(self.app, "M01"))
        assert self.app.sync.sync_once().parked == 0


def till(path: Path, store_id: str, url: str, secret: str) -> Till:
    """A new till whose clock the test sets (conftest.new_store, with a clock)."""
    clock = StoreClock(datetime(2026, 3, 1, 9, 0, tzinfo=SH))
    db = init_store(path, store_id, f"门店 {store_id}", f"Store {store_id}")
    app = StoreServices(db, clock)
    app.setup.add_staff("C01", "收银员", "cashier", "1111")
    app.setup.add_staff("M01", "店长", "manager", "9999")
    app.sync.client_factory = fast_client
    app.sync.connect(url, store_id, secret)
    return Till(app, clock)


@pytest.fixture
def tills(
    office: HeadOffice, server: HeadOfficeProcess, tmp_path: Path
) -> Iterator[dict[str, Till]]:
    add_member(office, SLEEPER, 5000)
    add_member(office, REGULAR, 5000)
    made: dict[str, Till] = {}
    try:
        for store_id in ("SH001", "BJ002"):
            secret = office.admin.create_store(store_id, f"Store {store_id}")
            made[store_id] = till(tmp_path / f"{store_id}.db", store_id, server.url, secret)
            made[store_id].app.sync.sync_once()
        yield made
    finally:
        for t in made.values():
            t.app.close()


def read_csv(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    assert data.startswith(BOM)
    rows = list(csv.reader(io.StringIO(data[len(BOM) :].decode("utf-8"))))
    keys = [h.split(" ")[-1] for h in rows[0]]
    return [dict(zip(keys, r, strict=True)) for r in rows[1:]]


def test_the_report_counts_what_real_tills_synced(
    tills: dict[str, Till], server: HeadOfficeProcess, ho_db: Path, tmp_path: Path
) -> None:
    sh, bj = tills["SH001"], tills["BJ002"]
    cashier, manager = staff(sh.app, "C01"), staff(sh.app, "M01")
    # March: the sleeper earns in Shanghai, then is not seen for 263 days
    sh.on(2026, 3, 2)
    sh.app.till.earn(cashier, str(uuid.uuid4()), SLEEPER, 8_800)
    sh.app.day.close(manager)
    # November in Beijing: a regular member redeems two cups and earns
    bj.on(2026, 11, 5)
    bj_cashier, bj_manager = staff(bj.app, "C01"), staff(bj.app, "M01")
    bj.app.stock.receive(bj_manager, str(uuid.uuid4()), "G101", 10, "DN-7")
    cups = bj.app.till.redeem(bj_cashier, str(uuid.uuid4()), REGULAR, (LineRequest("G101", 2),))
    assert isinstance(cups, Receipt)
    earned = bj.app.till.earn(bj_cashier, str(uuid.uuid4()), REGULAR, 20_000).points
    # November in Shanghai: the sleeper comes back and redeems; a second redemption is voided
    sh.on(2026, 11, 20)
    sh.app.stock.receive(manager, str(uuid.uuid4()), "G101", 5, "DN-8")
    back = sh.app.till.redeem(cashier, str(uuid.uuid4()), SLEEPER, G101)
    again = sh.app.till.redeem(cashier, str(uuid.uuid4()), SLEEPER, G101)
    assert isinstance(back, Receipt) and isinstance(again, Receipt)
    sh.app.till.void(cashier, manager, str(uuid.uuid4()), again.receipt_no, "wrong gift")
    for t in (sh, bj):
        synced = t.app.sync.sync_once()
        assert synced.parked == 0 and t.app.sync.status().waiting == 0
    assert server.one("SELECT COUNT(*) FROM store_events WHERE outcome <> 'applied'") == 0

    # When head office runs the report for November, as a command
    out = tmp_path / "november"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "headoffice", "report", "--db", str(ho_db),
         "--out", str(out), "--from", "2026-11-01", "--to", "2026-11-30"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "[4/4] stock turnover" in done.stderr

    # Then each figure is what the tills did
    rates = {(r["store_id"], r["gift_id"]): r for r in read_csv(out / "redemption_rate.csv")}
    assert set(rates) == {("SH001", "G101"), ("BJ002", "G101")}
    assert [rates[("SH001", "G101")][k] for k in ("redemptions", "voids", "net_units")] == [
        "2",
        "1",
        "1",
    ]
    assert rates[("BJ002", "G101")]["net_units"] == "2"
    assert rates[("BJ002", "G101")]["units_per_day"] == "0.07"  # 2 units / 30 days

    woken = read_csv(out / "dormancy_members.csv")
    assert [(w["store_id"], w["member_id"], w["asleep_since"], w["dormant_days"], w["band_months"])
            for w in woken] == [("SH001", SLEEPER, "2026-03-02", "263", "6+")]  # fmt: skip
    dormancy = {r["store_id"]: r for r in read_csv(out / "dormancy.csv")}
    assert dormancy["SH001"]["months_6_plus"] == "1" and dormancy["BJ002"]["woken_up"] == "0"

    points = read_csv(out / "points.csv")
    assert sum(int(p["issued"]) for p in points) == earned
    assert sum(int(p["redeemed"]) for p in points) == 400  # 2 cups in Beijing, 2 in Shanghai
    assert sum(int(p["net_redeemed"]) for p in points) == 300
    # what members hold now, less the opening points head office granted after November
    # (today, by its real clock)
    balances = server.one("SELECT SUM(balance) FROM members")
    later = server.one(
        "SELECT COALESCE(SUM(delta), 0) FROM ledger WHERE substr(at, 1, 10) > '2026-11-30'"
    )
    assert int(points[-1]["outstanding"]) == balances - later

    turnover = {(r["store_id"], r["gift_id"]): r for r in read_csv(out / "turnover.csv")}
    sh_cup, bj_cup = turnover[("SH001", "G101")], turnover[("BJ002", "G101")]
    assert (sh_cup["counted_in"], sh_cup["net_redeemed"], sh_cup["stock_end"]) == ("5", "1", "4")
    assert sh_cup["turnover"] == "0.50"  # 1 / ((0 + 4) / 2)
    assert (bj_cup["counted_in"], bj_cup["net_redeemed"], bj_cup["stock_end"]) == ("10", "2", "8")
    assert bj_cup["last_redemption"] == "2026-11-05" and bj_cup["days_since"] == "25"

    text = "\n".join(p.extract_text() for p in PdfReader(out / PDF_FILE).pages)
    assert "Units redeemed per gift" in text and "Members woken up from dormancy" in text
    # the earn the till wrote is the one head office counted
    earns = [
        json.loads(r["payload"])
        for r in server.rows("SELECT payload FROM store_events WHERE kind = 'earn'")
    ]
    assert sum(int(e["points"]) for e in earns if e["at"].startswith("2026-11")) == earned
