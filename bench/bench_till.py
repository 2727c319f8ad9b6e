"""Benchmark: the till window's cold start and scan-to-member latency on a store with
1,000,000 members, next to their floors, in one run.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_till.py [--members 1000000]

Cold start is measured from launching a fresh Python process to the window being usable
(log-in screen with its staff list loaded), and on to the till after log-in (catalogue
loaded), for: the interpreter alone, PySide6 with an empty window (the Qt floor), Lantern on
the 200-member demo store, and Lantern on the big store. Scan-to-member is from the scanner's
text arriving (the keyboard wedge's signal) to the member's masked name painted in the
panel, against the floor of the same service calls made directly."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import sys, time
t0 = time.perf_counter()
mode, db = sys.argv[1], sys.argv[2]
from desktop.ui.qt import QApplication, QMainWindow, QTimer
qapp = QApplication(sys.argv)
if mode == "qt":
    w = QMainWindow(); w.show(); qapp.processEvents()
    print("READY", flush=True); sys.exit(0)
from desktop.services.app import StoreServices
from desktop.ui.fonts import install_fonts
from desktop.ui.main_window import MainWindow
install_fonts(qapp)
app = StoreServices.open(db)
w = MainWindow(app, language="zh_CN")
w.show()
def ready_login():
    return w.login.isVisible() and w.login.staff_list.count() > 0
def ready_till():
    return w.till.isVisible() and len(w.till.catalogue.tiles) > 0
stage = ["login"]
def poll():
    if stage[0] == "login" and ready_login():
        print("READY", flush=True)
        w.session.logged_in(app.login("C01", "1111"))
        stage[0] = "till"
    elif stage[0] == "till" and ready_till():
        print("TILL", flush=True)
        w.close(); qapp.quit()
timer = QTimer(); timer.timeout.connect(poll); timer.start(2)
qapp.exec()
"""


def cold_start(mode: str, db: str, runs: int) -> tuple[list[float], list[float]]:
    ready, till = [], []
    for _ in range(runs):
        t = time.perf_counter()
        if mode == "python":
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            ready.append(time.perf_counter() - t)
            continue
        p = subprocess.Popen(
            [sys.executable, "-c", CHILD, mode, db],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert p.stdout is not None
        for line in p.stdout:
            if line.startswith("READY"):
                ready.append(time.perf_counter() - t)
            elif line.startswith("TILL"):
                till.append(time.perf_counter() - t)
        p.wait(timeout=120)
    return ready, till


def build(path: Path, members: int) -> list[tuple[str, str, str]]:
    """The store, and (member id, static card code, masked name) for 200 sample members."""
    from desktop.services.demo import build_demo, populate_bulk
    from headoffice.issuing import KeyFile, issue_card

    app = build_demo(path, members=200)
    if members > 200:
        populate_bulk(app, members=members - 200, ledger_rows=100_000, start=1001)
    keys = KeyFile(path.with_suffix(".keys.json"))
    key = keys.new_key(date.today())
    app.setup.add_issuer_key(key.issuer_key())
    total = int(app.db.scalar("SELECT COUNT(*) FROM members"))
    step = max(1, total // 200)
    sample = app.db.query(
        "SELECT member_id, name FROM members WHERE rowid % ? = 0 LIMIT 200", (step,)
    )
    with app.db.write() as conn:
        conn.executemany(
            "UPDATE members SET card_serial = 1 WHERE member_id = ?", [(r[0],) for r in sample]
        )
    from desktop.core.members import mask_name

    out = [(r[0], issue_card(keys, r[0], 1, date.today()), mask_name(r[1])) for r in sample]
    app.close()
    return out


def scan_latency(db: Path, sample: list[tuple[str, str, str]]) -> tuple[list[float], list[float]]:
    from desktop.services.app import StoreServices
    from desktop.ui.main_window import MainWindow
    from desktop.ui.qt import QApplication

    qapp = QApplication.instance() or QApplication(sys.argv)
    app = StoreServices.open(db)
    w = MainWindow(app, language="zh_CN")
    w.show()
    w.session.logged_in(app.login("C01", "1111"))
    ui, floor = [], []
    for member_id, code, masked in sample:
        t = time.perf_counter()
        w.on_scanned(code)  # what the keyboard wedge emits when a scan completes
        deadline = t + 10
        while w.till.member_name.text() != masked:
            qapp.processEvents()
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{member_id} never showed")
        ui.append(time.perf_counter() - t)
        t = time.perf_counter()
        member, _ = app.till.identify(code)
        app.till.member_view(member.member_id)
        floor.append(time.perf_counter() - t)
    w.close()
    app.close()
    return ui, floor


def ms(values: list[float]) -> str:
    if not values:
        return "—"
    v = sorted(values)
    return f"{statistics.median(v) * 1000:9.1f}{v[int(0.95 * (len(v) - 1))] * 1000:9.1f}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--members", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=5)
    a = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lantern-bench-till-") as tmp:
        print(f"building a {a.members:,}-member store …", file=sys.stderr, flush=True)
        t = time.perf_counter()
        big = Path(tmp) / "big.db"
        sample = build(big, a.members)
        small = Path(tmp) / "small.db"
        build(small, 200)
        print(f"  built in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        print("Lantern till benchmark")
        print(
            f"  python {sys.version.split()[0]}, {os.cpu_count()} CPUs, QT_QPA_PLATFORM={os.environ['QT_QPA_PLATFORM']}"
        )
        print(
            f"\n  cold start, {a.runs} runs each (ms)       to usable   median   p95   | to till after log-in  median   p95"
        )
        for label, mode, db in (
            ("python -c pass (interpreter floor)", "python", ""),
            ("PySide6 + empty window (Qt floor)", "qt", ""),
            ("Lantern, 200-member demo store", "lantern", str(small)),
            (f"Lantern, {a.members:,}-member store", "lantern", str(big)),
        ):
            ready, till = cold_start(mode, db, a.runs)
            print(f"  {label:<44}{ms(ready)}   |{'':>21}{ms(till)}")
        ui, floor = scan_latency(big, sample)
        print(
            f"\n  scan to member shown, {len(ui)} members of {a.members:,} (ms)      median   p95"
        )
        print(f"  {'till window (wedge signal → name painted)':<52}{ms(ui)}")
        print(f"  {'floor: identify + member_view, same thread':<52}{ms(floor)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
