"""Benchmark: durable redemptions through the real till service, against the floor of a bare
SQLite commit with the same durability, plus member lookups, on a store with a million
members. Every figure in the printed table comes from one run of this script.

    .venv/bin/python bench/bench_redeem.py [--members N] [--ledger-rows N] [--redemptions N]

See bench/README.md for what each figure means."""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop.core.members import Tier
from desktop.services.app import StoreServices
from desktop.services.demo import build_demo, card_number, member_id, populate_bulk
from desktop.services.till import LineRequest, Receipt
from desktop.store import members as members_repo
from desktop.store.staff import Staff

DEMO_MEMBERS = 200  # build_demo's own members M00000001…M00000200
BULK_START = 1001  # populate_bulk's members start at M00001001
MIN_BALANCE = 500  # a member is picked for a redemption only with at least this balance
MAX_GIFT_POINTS = 150  # "cheap gifts": points-only, no tier restriction, at most this price
BLOCK = 50  # redemptions and floor commits alternate in blocks of this many
SLOW_FLOOR_NS = 1_000_000  # a floor p50 above this means the disk is slow or throttled
STOCK_MARGIN = 100  # extra units received per gift on top of the worst case

# table headings; the smoke test looks for these
H_SETUP = "Setup"
H_WRITES = "Durable writes"
H_LOOKUPS = "Member lookups"
H_INTEGRITY = "Integrity"


# --- measuring -----------------------------------------------------------------------------
def percentile(sorted_ns: Sequence[int], p: float) -> int:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_ns:
        raise ValueError("no samples")
    rank = max(1, math.ceil(p / 100 * len(sorted_ns)))
    return sorted_ns[min(rank, len(sorted_ns)) - 1]


@dataclass
class Series:
    """Latencies of one operation (ns) and the wall time of the loops that produced them."""

    name: str
    samples: list[int]
    wall_ns: int = 0
    cpu_ns: int = 0  # CPU time of this thread over those loops (waiting on the disk excluded)

    def pct(self, p: float) -> int:
        return percentile(sorted(self.samples), p)

    @property
    def cpu_ms_each(self) -> float:
        return self.cpu_ns / len(self.samples) / 1e6

    @property
    def per_second(self) -> float:
        return len(self.samples) / (self.wall_ns / 1e9) if self.wall_ns else float("nan")


def time_calls(fn: Callable[[str], object], args: Sequence[str]) -> list[int]:
    out = []
    for a in args:
        t0 = time.perf_counter_ns()
        fn(a)
        out.append(time.perf_counter_ns() - t0)
    return out


# --- the machine ---------------------------------------------------------------------------
def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def file_system_of(path: Path) -> str:
    """'ext4 on /dev/vda (mounted at /)' for the mount that holds `path`, best effort."""
    try:
        mounts = [line.split() for line in Path("/proc/mounts").read_text().splitlines()]
    except OSError:
        return "unknown file system"
    real = str(path.resolve())
    best = None
    for m in mounts:
        if len(m) >= 3:
            point = m[1]
            inside = real == point or real.startswith(point.rstrip("/") + "/")
            if inside and (best is None or len(point) > len(best[1])):
                best = m
    return f"{best[2]} on {best[0]} (mounted at {best[1]})" if best else "unknown file system"


def load_average() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "n/a"


def db_bytes(path: Path) -> tuple[int, int]:
    """(main file, -wal file) sizes in bytes."""
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size, wal.stat().st_size if wal.exists() else 0


# --- the store -----------------------------------------------------------------------------
@dataclass
class Store:
    app: StoreServices
    path: Path
    build_s: float
    populate_s: float
    size_after_setup: tuple[int, int]


def make_store(path: Path, members: int, ledger_rows: int) -> Store:
    t0 = time.perf_counter_ns()
    app = build_demo(path, members=DEMO_MEMBERS)
    t1 = time.perf_counter_ns()
    populate_bulk(app, members=members, ledger_rows=ledger_rows, start=BULK_START)
    t2 = time.perf_counter_ns()
    return Store(app, path, (t1 - t0) / 1e9, (t2 - t1) / 1e9, db_bytes(path))


def cheap_gifts(app: StoreServices) -> list[tuple[str, int]]:
    """(gift id, points) of points-only gifts any active member may take today."""
    now = app.ctx.now()
    out: list[tuple[str, int]] = []
    for gift, _stock in app.stock.catalogue():
        price = gift.prices[0]
        if (
            gift.min_tier is Tier.REGULAR
            and gift.active_at(now)
            and price.cash_fen == 0
            and 0 < price.points <= MAX_GIFT_POINTS
        ):
            out.append((gift.gift_id, price.points))
    if not out:
        raise SystemExit("the demo catalogue has no cheap points-only gift to redeem")
    return out


class MemberPicker:
    """Random bulk members with enough points. Balances are tracked locally, so a member
    picked twice is only picked while they can still pay."""

    def __init__(self, app: StoreServices, members: int, rng: random.Random) -> None:
        rows = app.db.query(
            "SELECT member_id, balance FROM members WHERE balance >= ? AND status = 'active' "
            "AND member_id BETWEEN ? AND ?",
            (MIN_BALANCE, member_id(BULK_START), member_id(BULK_START + members - 1)),
        )
        self.balance: dict[str, int] = {str(r[0]): int(r[1]) for r in rows}
        self.ids = list(self.balance)
        self.rng = rng

    def pick(self, points: int) -> str:
        while self.ids:
            i = self.rng.randrange(len(self.ids))
            mid = self.ids[i]
            if self.balance[mid] >= points:
                self.balance[mid] -= points
                return mid
            self.ids[i] = self.ids[-1]
            self.ids.pop()
        raise SystemExit("ran out of members with enough points: use fewer --redemptions")


def receive_stock(app: StoreServices, gifts: list[tuple[str, int]], units: int) -> None:
    manager = app.login("M01", "9999", manager=True)
    for gift_id, _points in gifts:
        app.stock.receive(manager, str(uuid.uuid4()), gift_id, units, "benchmark delivery")


# --- the floor -----------------------------------------------------------------------------
class Floor:
    """A bare durable commit: same directory, WAL, synchronous=FULL, one small INSERT per
    BEGIN IMMEDIATE … COMMIT."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(str(path), isolation_level=None)
        mode = self.conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        self.conn.execute("PRAGMA synchronous=FULL")
        sync = self.conn.execute("PRAGMA synchronous").fetchone()[0]
        if mode != "wal" or sync != 2:
            raise SystemExit(f"floor database is not WAL/FULL ({mode}, {sync})")
        self.conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, request_id TEXT, at INTEGER)")

    def commit_one(self) -> int:
        t0 = time.perf_counter_ns()
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("INSERT INTO t (request_id, at) VALUES (?, ?)", (str(uuid.uuid4()), t0))
        self.conn.execute("COMMIT")
        return time.perf_counter_ns() - t0

    def close(self) -> None:
        self.conn.close()


# --- redemptions ---------------------------------------------------------------------------
@dataclass
class Redeemer:
    app: StoreServices
    cashier: Staff
    picker: MemberPicker
    gifts: list[tuple[str, int]]
    rng: random.Random
    done: int = 0

    def redeem_one(self) -> int:
        gift_id, points = self.rng.choice(self.gifts)
        mid = self.picker.pick(points)
        request_id = str(uuid.uuid4())
        lines = (LineRequest(gift_id),)
        t0 = time.perf_counter_ns()
        result = self.app.till.redeem(self.cashier, request_id, mid, lines)
        elapsed = time.perf_counter_ns() - t0
        if not isinstance(result, Receipt) or result.replayed:
            raise SystemExit(f"redemption for {mid} was not a fresh receipt: {result!r}")
        if result.points != points or result.balance_after != result.balance_before - points:
            raise SystemExit(f"redemption for {mid} has wrong figures: {result!r}")
        self.done += 1
        return elapsed


def durable_writes(redeemer: Redeemer, floor: Floor, n: int, warmup: int) -> tuple[Series, Series]:
    """Redemptions and floor commits, alternating in blocks so both see the same machine
    (page-cache writeback, neighbours on the host) over the same minutes."""
    for _ in range(warmup):
        redeemer.redeem_one()
        floor.commit_one()
    redeem = Series("redeem", [])
    bare = Series("floor", [])
    left = n
    while left:
        k = min(BLOCK, left)
        t0, c0 = time.perf_counter_ns(), time.thread_time_ns()
        redeem.samples += [redeemer.redeem_one() for _ in range(k)]
        t1, c1 = time.perf_counter_ns(), time.thread_time_ns()
        bare.samples += [floor.commit_one() for _ in range(k)]
        t2, c2 = time.perf_counter_ns(), time.thread_time_ns()
        redeem.wall_ns += t1 - t0
        bare.wall_ns += t2 - t1
        redeem.cpu_ns += c1 - c0
        bare.cpu_ns += c2 - c1
        left -= k
    return redeem, bare


# --- lookups -------------------------------------------------------------------------------
def lookups(app: StoreServices, members: int, n: int, warmup: int, seed: int) -> list[Series]:
    rng = random.Random(seed)
    total = BULK_START + members  # numbers 1..200 (demo) and 1001.. (bulk) exist
    numbers = [rng.randrange(BULK_START, total) for _ in range(n + warmup)]
    ids = [member_id(k) for k in numbers]
    cards = [card_number(k) for k in numbers]
    with_points = [
        r[0]
        for r in app.db.query(
            "SELECT member_id FROM members WHERE balance > 0 AND member_id >= ? "
            "ORDER BY random() LIMIT ?",
            (member_id(BULK_START), n + warmup),
        )
    ]
    if not with_points:
        raise SystemExit("no member has points: use more --ledger-rows")
    with_points = (with_points * (1 + (n + warmup) // len(with_points)))[: n + warmup]
    till = app.till
    plan: list[tuple[str, Callable[[str], object], list[str]]] = [
        ("identify(member id)", till.identify, ids),
        ("identify(card number, typed)", till.identify, cards),
        ("member_view(member id)", till.member_view, ids),
        ("member_view(member with points)", till.member_view, with_points),
    ]
    # the unacknowledged events' effect on a member's balance (part of member_view), read
    # through the schema-8 index and, side by side, with the outbox scanned as before it
    # (this store never syncs: every event it wrote is unacknowledged, after seq 0)
    scan_sql = members_repo.UNCONFIRMED_EFFECT_SQL.replace("FROM outbox", "FROM outbox NOT INDEXED")

    def pending_indexed(mid: str) -> object:
        return app.db.scalar(members_repo.UNCONFIRMED_EFFECT_SQL, (mid, 0))

    def pending_scanned(mid: str) -> object:
        return app.db.scalar(scan_sql, (mid, 0))

    plan += [
        ("unconfirmed effect (indexed)", pending_indexed, with_points),
        ("unconfirmed effect (outbox scan)", pending_scanned, with_points),
    ]
    out = []
    for name, fn, args in plan:
        time_calls(fn, args[:warmup])
        t0 = time.perf_counter_ns()
        samples = time_calls(fn, args[warmup:])
        out.append(Series(name, samples, time.perf_counter_ns() - t0))
    # the typed card number really found the member it was printed for
    if till.identify(cards[-1])[0].member_id != ids[-1]:
        raise SystemExit("identify(card number) found the wrong member")
    return out


# --- printing ------------------------------------------------------------------------------
def mb(n: int) -> str:
    return f"{n / 1e6:,.1f} MB"


def print_table(
    machine: list[str],
    store: Store,
    redeem: Series,
    bare: Series,
    looks: list[Series],
    integrity: list[str],
) -> None:
    w = 34
    print()
    print("Lantern redemption benchmark")
    for line in machine:
        print(f"  {line}")
    print()
    print(f"== {H_SETUP} ==")
    print(f"  {'build_demo (200 members)':<{w}} {store.build_s:>9.2f} s")
    print(f"  {'populate_bulk':<{w}} {store.populate_s:>9.2f} s")
    print(f"  {'setup total':<{w}} {store.build_s + store.populate_s:>9.2f} s")
    main_b, wal_b = store.size_after_setup
    print(f"  {'db file after setup':<{w}} {mb(main_b):>12}  (+ -wal {mb(wal_b)})")
    main_b, wal_b = db_bytes(store.path)
    print(f"  {'db file after the run':<{w}} {mb(main_b):>12}  (+ -wal {mb(wal_b)})")
    print()
    print(f"== {H_WRITES} (ms; one transaction each, WAL + synchronous=FULL) ==")
    head = (
        f"  {'':<{w}} {'n':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8} {'per s':>9}"
        f" {'cpu/op':>8}"
    )
    print(head)
    for label, s in (
        ("TillService.redeem (redemptions)", redeem),
        ("bare SQLite commit (floor)", bare),
    ):
        print(
            f"  {label:<{w}} {len(s.samples):>6} {s.pct(50) / 1e6:>8.3f} {s.pct(95) / 1e6:>8.3f}"
            f" {s.pct(99) / 1e6:>8.3f} {max(s.samples) / 1e6:>8.3f} {s.per_second:>9,.0f}"
            f" {s.cpu_ms_each:>8.3f}"
        )
    ratio = redeem.pct(50) / bare.pct(50)
    above = (redeem.pct(50) - bare.pct(50)) / 1e6
    print(f"  {'ratio redeem p50 / floor p50':<{w}} {ratio:>6.1f} x")
    print(f"  {'redeem p50 - floor p50':<{w}} {above:>6.3f} ms")
    if bare.pct(50) > SLOW_FLOOR_NS:
        print(
            f"  note: the floor p50 is above {SLOW_FLOOR_NS / 1e6:.0f} ms: the disk (or the host's"
            " limit on it) is slow right now; compare cpu/op and the ratio, not absolute times"
        )
    print()
    print(f"== {H_LOOKUPS} (µs) ==")
    print(f"  {'':<{w}} {'n':>6} {'p50':>8} {'p99':>8} {'max':>8}")
    for s in looks:
        print(
            f"  {s.name:<{w}} {len(s.samples):>6} {s.pct(50) / 1e3:>8.1f} "
            f"{s.pct(99) / 1e3:>8.1f} {max(s.samples) / 1e3:>8.1f}"
        )
    print()
    print(f"== {H_INTEGRITY} ==")
    for line in integrity:
        print(f"  {line}")
    print()


# --- main ----------------------------------------------------------------------------------
def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--members", type=int, default=1_000_000, help="bulk members (1,000,000)")
    p.add_argument("--ledger-rows", type=int, default=100_000, help="opening lots (100,000)")
    p.add_argument("--redemptions", type=int, default=2_000, help="measured redemptions (2,000)")
    p.add_argument("--lookups", type=int, default=5_000, help="measured calls per lookup (5,000)")
    p.add_argument("--seed", type=int, default=1, help="seed for picking members and gifts")
    p.add_argument("--tmpdir", default=None, help="where the temp dir goes (default: $TMPDIR)")
    args = p.parse_args(argv)
    for name in ("members", "ledger_rows", "redemptions", "lookups"):
        if getattr(args, name) <= 0:
            p.error(f"--{name.replace('_', '-')} must be greater than zero")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter_ns()
    warm_writes = min(50, max(5, args.redemptions // 10))
    warm_looks = min(200, max(10, args.lookups // 10))
    with tempfile.TemporaryDirectory(prefix="lantern-bench-", dir=args.tmpdir) as tmp:
        tmpdir = Path(tmp)
        machine = [
            f"machine: {os.cpu_count()} CPUs ({cpu_model()}), {platform.platform()}",
            f"python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
            f"temp dir: {tmpdir} on {file_system_of(tmpdir)}",
        ]
        print(f"building the store in {tmpdir} …", file=sys.stderr, flush=True)
        store = make_store(tmpdir / "store.db", args.members, args.ledger_rows)
        app = store.app
        floor = Floor(tmpdir / "floor.db")
        try:
            print(f"setup {store.build_s + store.populate_s:.1f} s; measuring …", file=sys.stderr)
            mode = app.db.scalar("PRAGMA journal_mode")
            sync = app.db.scalar("PRAGMA synchronous")
            if mode != "wal" or sync != 2:
                raise SystemExit(f"the store is not WAL/FULL ({mode}, {sync})")
            rng = random.Random(args.seed)
            gifts = cheap_gifts(app)
            # worst case: every redemption takes the same gift
            receive_stock(app, gifts, warm_writes + args.redemptions + STOCK_MARGIN)
            picker = MemberPicker(app, args.members, rng)
            eligible = len(picker.ids)
            redeemer = Redeemer(app, app.login("C01", "1111"), picker, gifts, rng)
            load_before = load_average()
            redeem, bare = durable_writes(redeemer, floor, args.redemptions, warm_writes)
            looks = lookups(app, args.members, args.lookups, warm_looks, args.seed + 1)
            machine += [
                f"load average (1 min): {load_before} before measuring, {load_average()} after"
                f" (on {os.cpu_count()} CPUs; see bench/README.md)",
                f"warm-up, not counted: {warm_writes} redemptions + {warm_writes} floor commits,"
                f" {warm_looks} calls per lookup",
            ]
            integrity = check(app, redeemer, eligible, gifts)
            print_table(machine, store, redeem, bare, looks, integrity)
        finally:
            floor.close()
            app.close()
    elapsed = (time.perf_counter_ns() - started) / 1e9
    print(f"whole run {elapsed:.1f} s; temp dir removed")
    return 1 if any(line.startswith("NOT CLEAN") for line in integrity) else 0


def check(
    app: StoreServices, redeemer: Redeemer, eligible: int, gifts: list[tuple[str, int]]
) -> list[str]:
    """The store must be sound after the run, and must hold every redemption we timed."""
    members = app.db.scalar("SELECT COUNT(*) FROM members")
    lots = app.db.scalar("SELECT COUNT(*) FROM point_lots")
    recorded = app.db.scalar("SELECT COUNT(*) FROM redemptions")
    events = app.db.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'redemption'")
    t0 = time.perf_counter_ns()
    problems = app.setup.check()
    check_s = (time.perf_counter_ns() - t0) / 1e9
    lines = [
        f"store: {members:,} members, {lots:,} point lots; {eligible:,} bulk members had "
        f">= {MIN_BALANCE} points; gifts redeemed: {', '.join(g for g, _ in gifts)}",
        f"redemptions in the store: {recorded:,} (made {redeemer.done:,} incl. warm-up), "
        f"outbox redemption events: {events:,}",
    ]
    if recorded != redeemer.done or events != redeemer.done:
        problems.append("the store does not hold exactly the redemptions this run made")
    if problems:
        lines.append(f"NOT CLEAN: {len(problems)} problem(s):")
        lines += [f"  {p}" for p in problems[:20]]
    else:
        lines.append(f"app.setup.check(): clean ({check_s:.2f} s)")
    return lines


if __name__ == "__main__":
    sys.exit(main())
