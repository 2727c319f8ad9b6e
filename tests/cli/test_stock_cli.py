"""`lantern stock levels|request` and `lantern report turnover` on a demo store."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from pypdf import PdfReader
from test_cli import lantern


def replenishment_events(db: Path) -> int:
    with closing(sqlite3.connect(db)) as c:
        return int(
            c.execute("SELECT COUNT(*) FROM outbox WHERE kind = 'replenishment'").fetchone()[0]
        )


def test_levels_and_a_replenishment_request(demo_path: Path) -> None:
    levels = lantern("stock", "levels", "--low", db=demo_path)
    assert levels.returncode == 0, levels.stderr
    g105 = next(line for line in levels.stdout.splitlines() if line.startswith("G105\t"))
    assert "stock 9 LOW" in g105 and "alert 10" in g105 and "redeemed 0 in 30 days" in g105
    # nothing redeemed: no suggestion, so the quantity must be given
    r = lantern("stock", "request", "G105", "--manager", "M01", manager_pin="9999", db=demo_path)
    assert r.returncode == 1 and "give the quantity" in r.stderr
    assert replenishment_events(demo_path) == 0
    # a cashier may not ask
    r = lantern(
        "stock", "request", "G105", "--quantity", "20", "--manager", "C01",
        manager_pin="1111", db=demo_path,
    )  # fmt: skip
    assert r.returncode != 0 and replenishment_events(demo_path) == 0
    args = ("stock", "request", "G105", "--quantity", "20", "--note", "节前", "--manager", "M01")
    r = lantern(*args, "--request-id", "req-1", manager_pin="9999", db=demo_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "req-1" and "20 requested from head office" in r.stderr
    # the same request again (a retry) sends once; a new one while it is pending is refused
    assert lantern(*args, "--request-id", "req-1", manager_pin="9999", db=demo_path).returncode == 0
    assert replenishment_events(demo_path) == 1
    again = lantern(*args, manager_pin="9999", db=demo_path)
    assert again.returncode != 0 and "already requested" in again.stderr
    levels = lantern("stock", "levels", db=demo_path)
    g105 = next(line for line in levels.stdout.splitlines() if line.startswith("G105\t"))
    assert "requested 20 on" in g105 and "pending" in g105
    # `gift list --low` flags by the same alert
    low = lantern("gift", "list", "--low", db=demo_path)
    assert any(line.startswith("G105\t") and "LOW" in line for line in low.stdout.splitlines())


def test_report_turnover_writes_csv_and_pdf(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = lantern("report", "turnover", "--days", "30", "--out", str(out), db=demo_path)
    assert r.returncode == 0, r.stderr
    pdf, csv_path = (Path(p) for p in r.stdout.split())
    assert pdf.parent == out and pdf.suffix == ".pdf" and csv_path.suffix == ".csv"
    assert "slow movers" in r.stderr
    text = "".join(p.extract_text() for p in PdfReader(str(pdf)).pages)
    assert "库存周转报表" in text
    lines = csv_path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("礼品编号 gift_id,") and len(lines) > 10
    bad = lantern("report", "turnover", "--days", "0", "--out", str(out), db=demo_path)
    assert bad.returncode != 0 and "1 to 3650" in bad.stderr
