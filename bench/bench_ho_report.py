"""Benchmark: `lantern headoffice report` on a SQLite head office holding many events.

Four stores push a year of events (earns, redemptions of one or two gifts, a few voids,
stock received) through the real push path (`HeadOffice.push`, in batches of 500); then the
report is built for the last 30 days and for the whole year, and its files written (six
CSVs and the PDF). Prints the wall time of each step.

    .venv/bin/python bench/bench_ho_report.py [--events N] [--members M]
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "headoffice"))

from ho_helpers import StoreLog

from desktop.core.members import Member, MemberId, Tier
from headoffice.admin import Opening
from headoffice.catalogue import load_catalogue
from headoffice.db import open_db
from headoffice.demo import CATALOGUE
from headoffice.engine import HeadOffice
from headoffice.report import Period, build_report
from headoffice.report_files import prepare_folder, write_report

SH = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 1, 1, 9, 0, tzinfo=SH)
BATCH = 500


def seed(ho: HeadOffice, events: int, members: int, rng: random.Random) -> None:
    gifts, _ = load_catalogue(CATALOGUE)
    for g in gifts:
        ho.admin.upsert_gift(g)
    prices = {g.gift_id: g.prices[0].points for g in gifts}
    ids = [f"M{n:08d}" for n in range(1, members + 1)]
    for member_id in ids:
        ho.admin.upsert_member(
            Member(MemberId(member_id), "会员", Tier.REGULAR), (Opening(200_000, START.date()),)
        )
    logs = [
        StoreLog(s, ho.admin.create_store(s, f"store {s}"))
        for s in ("SH001", "SH002", "BJ001", "GZ001")
    ]
    step = timedelta(seconds=365 * 86400 / events)
    at = START
    open_redemptions: dict[str, list[dict[str, object]]] = {lg.store_id: [] for lg in logs}
    for _ in range(events):
        at += step
        log = rng.choice(logs)
        log.at = at
        t = (at + timedelta(seconds=1)).isoformat()
        roll = rng.random()
        member = rng.choice(ids)
        if roll < 0.58:
            points = rng.randint(10, 500)
            log.add("earn", {"earn_id": str(uuid.uuid4()), "member_id": member,
                             "amount_fen": points * 100, "points": points, "campaign_id": None,
                             "cashier_id": "C01", "at": t})  # fmt: skip
        elif roll < 0.95 or not open_redemptions[log.store_id]:
            chosen = rng.sample(sorted(prices), rng.choice((1, 1, 1, 2)))
            lines = [[g, rng.choice((1, 1, 2)), prices[g], 0] for g in chosen]
            event = log.add("redemption", {
                "redemption_id": str(uuid.uuid4()), "receipt_no": f"{log.store_id}-{len(log.events)}",
                "member_id": member, "cashier_id": "C01", "lines": lines,
                "points": sum(int(ln[1]) * int(ln[2]) for ln in lines), "cash_fen": 0,
                "lots": [], "offline": False, "override_by": None, "code_kind": "static",
                "at": t,
            })  # fmt: skip
            open_redemptions[log.store_id].append(event["payload"])
        elif roll < 0.98:
            p = open_redemptions[log.store_id].pop()
            log.add("void", {"void_id": str(uuid.uuid4()), "redemption_id": p["redemption_id"],
                             "receipt_no": p["receipt_no"], "member_id": p["member_id"],
                             "points": p["points"], "manager_id": "M01", "cashier_id": "C01",
                             "reason": "bench", "at": t})  # fmt: skip
        else:
            log.add("stock_receive", {"movement_id": str(uuid.uuid4()),
                                      "gift_id": rng.choice(sorted(prices)),
                                      "delta": rng.randint(5, 50), "staff_id": "M01",
                                      "note": None, "at": t})  # fmt: skip
    for log in logs:
        for i in range(0, len(log.events), BATCH):
            batch = log.events[i : i + BATCH]
            head = {"seq": batch[-1]["seq"], "hash": batch[-1]["hash"]}
            ho.push(log.store_id, {"store_id": log.store_id, "events": batch, "head": head})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=2_000)
    args = parser.parse_args()
    logging.disable(logging.INFO)
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(str(Path(tmp) / "ho.db"))
        ho = HeadOffice(db)
        started = time.perf_counter()
        seed(ho, args.events, args.members, random.Random(2026))
        print(f"seeded {args.events:,} events for {args.members:,} members through push: "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        for name, period in (
            ("last 30 days", Period(date(2026, 12, 2), date(2026, 12, 31))),
            ("whole year", Period(date(2026, 1, 1), date(2026, 12, 31))),
        ):
            started = time.perf_counter()
            report = build_report(db, period)
            built = time.perf_counter() - started
            started = time.perf_counter()
            write_report(report, prepare_folder(Path(tmp) / name.replace(" ", "_")))
            written = time.perf_counter() - started
            print(
                f"report, {name} ({report.events:,} events in the period): figures "
                f"{built:.2f} s, CSV + PDF {written:.2f} s"
            )
        db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
