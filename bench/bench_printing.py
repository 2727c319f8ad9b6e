"""Benchmark: what printing costs — per receipt, per greeting card, and the daily
reconciliation of a 20,000-redemption day (figures from the ledgers, PDF and CSV).

    .venv/bin/python bench/bench_printing.py [--redemptions 20000] [--repeat 200]

The day is made of real durable redemptions through TillService on a demo store with extra
bulk members, so the report reads the same ledgers a store would have."""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from desktop.core.occasions import Occasion
from desktop.printing.designs import load_designs
from desktop.printing.greeting import card_pdf
from desktop.printing.receipt import receipt_pdf
from desktop.printing.report import daily_csv, daily_pdf
from desktop.printing.samples import CARD, RECEIPT
from desktop.services.demo import build_demo, populate_bulk
from desktop.services.till import LineRequest, Receipt

SH = ZoneInfo("Asia/Shanghai")


def timed(fn: Callable[[], object], n: int) -> tuple[float, float, int]:
    fn()  # warm-up (font registration, caches)
    times, size = [], 0
    for _ in range(n):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1000)
        size = len(out) if isinstance(out, bytes | str) else 0
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], size


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--redemptions", type=int, default=20_000)
    p.add_argument("--repeat", type=int, default=200)
    a = p.parse_args(argv)

    print("Lantern printing benchmark")
    print(f"  python {sys.version.split()[0]}; {a.repeat} renders each after one warm-up\n")
    print(f"  {'document':<44}{'median ms':>10}{'p95 ms':>9}{'bytes':>9}")
    for label, fn in (
        ("receipt, 80 mm roll", lambda: receipt_pdf(RECEIPT, 80)),
        ("receipt, 58 mm roll", lambda: receipt_pdf(RECEIPT, 58)),
    ):
        med, p95, size = timed(fn, a.repeat)
        print(f"  {label:<44}{med:>10.2f}{p95:>9.2f}{size:>9,}")
    designs = load_designs()
    for occasion in (Occasion.SPRING_FESTIVAL, Occasion.MID_AUTUMN, Occasion.BIRTHDAY):
        doc = replace(CARD, occasion=occasion.value)
        design = designs[occasion]
        med, p95, size = timed(lambda doc=doc, design=design: card_pdf(doc, design), a.repeat)  # type: ignore[misc]
        print(f"  {'greeting card (A6), ' + occasion.value:<44}{med:>10.2f}{p95:>9.2f}{size:>9,}")

    with tempfile.TemporaryDirectory(prefix="lantern-bench-print-") as tmp:
        clock = [datetime(2026, 9, 24, 8, 0, tzinfo=SH)]
        t0 = time.perf_counter()
        app = build_demo(Path(tmp) / "store.db", members=50, clock=lambda: clock[0])
        populate_bulk(app, members=a.redemptions, ledger_rows=a.redemptions * 2, start=1001)
        cashiers = [app.login("C01", "1111"), app.login("C02", "2222")]
        manager = app.login("M01", "9999", manager=True)
        for gift in ("G101", "G102", "G103", "G106"):
            app.stock.receive(manager, f"bench-{gift}", gift, a.redemptions)
        rich = [r[0] for r in app.db.query("SELECT member_id FROM members WHERE balance >= 200")]
        rng = random.Random(1)
        made, voided = 0, 0
        step = (16 * 3600) / a.redemptions  # spread over the day, 08:00–24:00
        print(f"\n  making a {a.redemptions:,}-redemption day …", file=sys.stderr, flush=True)
        for n in range(a.redemptions):
            clock[0] = datetime(2026, 9, 24, 8, 0, tzinfo=SH).fromtimestamp(
                datetime(2026, 9, 24, 8, 0, tzinfo=SH).timestamp() + n * step, SH
            )
            r = app.till.redeem(
                cashiers[n % 2],
                f"b{n}",
                rng.choice(rich),
                (LineRequest(rng.choice(("G101", "G102", "G103", "G106"))),),
            )
            if isinstance(r, Receipt):
                made += 1
                if n % 200 == 0:
                    app.till.void(cashiers[n % 2], manager, f"v{n}", r.receipt_no, "bench void")
                    voided += 1
        setup = time.perf_counter() - t0
        t = time.perf_counter()
        report = app.reports.daily(date(2026, 9, 24))
        figures = time.perf_counter() - t
        t = time.perf_counter()
        pdf = daily_pdf(report)
        pdf_s = time.perf_counter() - t
        t = time.perf_counter()
        text = daily_csv(report)
        csv_s = time.perf_counter() - t
        assert report.redemptions == made - voided, (report.redemptions, made, voided)
        print(
            f"\n  daily reconciliation of a {made:,}-redemption day ({voided} voided; set-up {setup:.1f} s)"
        )
        print(f"  {'figures from the ledgers':<44}{figures * 1000:>10.1f} ms")
        print(f"  {'A4 PDF':<44}{pdf_s * 1000:>10.1f} ms  {len(pdf):,} bytes")
        print(f"  {'CSV':<44}{csv_s * 1000:>10.1f} ms  {len(text):,} bytes")
        print(f"  {'total':<44}{(figures + pdf_s + csv_s) * 1000:>10.1f} ms")
        app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
