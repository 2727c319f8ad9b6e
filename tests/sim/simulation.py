"""A deterministic simulation of sync between three stores and one head office over a
faulty network (DESIGN.md "Sync with head office", docs/sync-protocol.md).

    .venv/bin/python -m tests.sim.simulation --seed 1234 -v      one seed, with its trace
    .venv/bin/python -m tests.sim.simulation --seeds 1-300       many seeds, with a summary
    LANTERN_SIM_SEEDS=1234 .venv/bin/pytest tests/sim -q -k seed  the same seed under pytest

**The world.** Three real stores (`StoreServices` on SQLite files) and one head office (the
`HeadOffice` engine over a SQLite file, in this process), all under one simulated clock.
Each store's `SyncService` gets a `SimClient` (the interface of `HeadOfficeClient`: push,
changes, close) whose requests and answers cross a `Link` as JSON text, as over HTTP.

**Operations.** `operations(seed)` draws 200 operations from `random.Random(seed)` alone:
redemptions (35 % of them for two "hot" members, so the same member redeems in several
stores, often while offline: overdrafts), earns, voids of recent receipts, a retried
redemption (same intent id), stock received in the store, deliveries sent by head office,
sync attempts, "busy" sync attempts (a till operation fired in the middle of the round,
after its push and before its pull, so the pulled snapshots must re-apply it:
`sync_apply.replay`), network partitions of one store (it is offline in every run of the
seed: its syncs fail and its tills use the offline caps, with a manager override now and
then) and pauses of 20 minutes (a store that has not synced for 10 minutes counts as
offline). The list never depends on the faults, and UUIDs are drawn from per-actor
generators seeded from the seed, so two runs of a seed perform the same operations and
make the same event ids. Each store also has a member of its own (`LOCAL`) whom no other
store serves; the busy syncs' till operations are for that member.

**Faults** are drawn from a separate `random.Random` seeded from the seed, only in the
faulty run. Per request: dropped (20 %), held and delivered later, after newer requests
(10 %: the client times out), delivered twice (20 %), applied but the answer lost (10 %);
per push: head office crashing mid-batch (8 %: it applied a prefix of the batch, then
its database objects are closed and opened again) and the store process killed right
after head office applied the push (4 %: the store's connection is closed before the
round can record anything). Between operations: a store closed and re-opened (5 %) and
head office re-opened (3 %).

A sync attempt on a store that is not partitioned is retried until a round completes (as
the till's sync loop does, after backoff; at most `MAX_ATTEMPTS`), with the clock
standing still, and the till's online/offline state (`World.link_state`) follows
SyncService's rule applied to whole sync operations (the perfect-link run checks before
every operation that it equals `SyncService.link_state()`). So every attempt ends where
the perfect link ends, and the store's decisions (balances shown, offline caps, payloads)
are the same in both runs: that is what makes the faulty run comparable with the perfect
one, event by event. (Which round of a busy sync pushes the mid-round event differs
between the runs; as only that store serves that member, head office still applies every
member's events in the same order.)

**Healing.** Held requests are delivered, the link becomes perfect, every partition ends,
and every store syncs until nothing waits and the pull is exhausted, twice over.

**Checks** (`check_world`, then `compare`), each failure naming the seed and the command
that replays it:

(a) head office holds every store event exactly once: the multiset of (store, event id,
    payload hash) of its `store_events` equals the union of the three outboxes; nothing
    was parked and no store was flagged for a chain mismatch;
(b) every balance equals its ledger: `SetupService.check() == []` in each store, and at
    head office an independent query over members, lots and ledger;
(d) every store's view equals head office's: balances, debts and live lots of every
    member, nothing waiting, each delivery counted in once;
(c) the faulty run equals the perfect-link run of the same seed: every operation's result,
    head office's members, lots, redemptions and event outcomes, each store's members,
    lots, stock and outbox.

For speed the store files and head office's file are copied from a template built once
per process, on /dev/shm when it exists, and the simulation's own store connections run
with `PRAGMA synchronous=OFF` (`FAST_STORES`; test-only: set on the connection after
`open_store`, the product code is unchanged). Authentication is not simulated: the
scrypt check (~30 ms a request) is covered by tests/headoffice and tests/e2e.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import random
import shutil
import sys
import tempfile
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from desktop.core.catalogue import Gift, GiftId, Price
from desktop.core.chain import payload_hash
from desktop.core.errors import LanternError
from desktop.core.members import Member, MemberId, Tier
from desktop.core.offline import CodeKind
from desktop.core.redemption import Refusal
from desktop.services.app import StoreServices
from desktop.services.context import LinkState
from desktop.services.setup import init_store
from desktop.services.till import LineRequest
from desktop.store.database import open_store
from desktop.store.staff import Staff, get_staff
from desktop.store.vault import copy_vault
from desktop.sync.client import HeadOfficeUnreachable, SyncError
from desktop.sync.protocol import ChangesPage, Malformed, PushAnswer, parse_changes, parse_push
from headoffice.admin import Opening
from headoffice.db import open_db
from headoffice.engine import HeadOffice

log = logging.getLogger("lantern.sim")

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 26, 9, 0, tzinfo=SH)  # the template is built then; runs start after
STORES = ("SIM1", "SIM2", "SIM3")
URL = "http://headoffice.sim"
OPERATIONS = 200
BATCH = 4  # events per push: small, so rounds have several batches to lose or split
PAGE = 3  # changes per page: small, so pulls have several pages
MAX_ATTEMPTS = 80  # sync rounds tried before a store's sync is called stuck
FAST_STORES = True  # PRAGMA synchronous=OFF on the simulation's store connections only

# (member number, tier, opening lots as (points, earned_on, expires_on))
MEMBERS: tuple[tuple[int, Tier, tuple[tuple[int, date, date], ...]], ...] = (
    (1, Tier.GOLD, ((600, date(2025, 5, 1), date(2026, 12, 31)), (700, date(2026, 3, 1), date(2027, 12, 31)))),
    (2, Tier.REGULAR, ((900, date(2026, 2, 1), date(2027, 12, 31)),)),
    (3, Tier.PLATINUM, ((1500, date(2025, 8, 1), date(2026, 12, 31)), (2500, date(2026, 6, 1), date(2027, 12, 31)))),
    (4, Tier.SILVER, ((400, date(2026, 9, 1), date(2027, 12, 31)),)),
    (5, Tier.REGULAR, ((250, date(2025, 12, 1), date(2026, 12, 31)), (300, date(2026, 10, 1), date(2027, 12, 31)))),
    (6, Tier.GOLD, ((3000, date(2026, 1, 15), date(2027, 12, 31)),)),
    (7, Tier.REGULAR, ((150, date(2026, 11, 1), date(2027, 12, 31)),)),
    (8, Tier.SILVER, ((1200, date(2025, 7, 1), date(2026, 12, 31)),)),
    (9, Tier.GOLD, ((800, date(2025, 9, 1), date(2026, 12, 31)), (900, date(2026, 4, 1), date(2027, 12, 31)))),
    (10, Tier.REGULAR, ((700, date(2026, 5, 1), date(2027, 12, 31)),)),
    (11, Tier.PLATINUM, ((2500, date(2025, 10, 1), date(2026, 12, 31)), (500, date(2026, 8, 1), date(2027, 12, 31)))),
)  # fmt: skip
SHARED = tuple(f"M{n:08d}" for n, _, _ in MEMBERS[:8])  # any store serves them
HOT = SHARED[:2]  # redeemed in several stores at once
# Each store's own member, whom no other store serves: the till operations fired in the
# middle of a sync round are for them (see "busy_sync"), so whichever round pushes such
# an event, head office applies every member's events in the same order in both runs.
LOCAL = {s: f"M{9 + i:08d}" for i, s in enumerate(STORES)}
MEMBER_IDS = tuple(f"M{n:08d}" for n, _, _ in MEMBERS)
FRESH = timedelta(minutes=10)  # SyncService's default: online while the last round is this recent
GIFTS = (
    Gift(GiftId("G100"), "环保袋", "Tote bag", "daily", (Price(100),), low_stock_threshold=3),
    Gift(GiftId("G300"), "保温杯", "Flask", "daily", (Price(300), Price(150, 1500))),
    Gift(GiftId("G800"), "电饭煲", "Rice cooker", "home", (Price(800),), low_stock_threshold=2),
    Gift(GiftId("G2000"), "茶具", "Tea set", "home", (Price(2000),), Tier.PLATINUM),
)
GIFT_IDS = tuple(str(g.gift_id) for g in GIFTS)
OFFLINE_LIMITS = {
    "per_redemption_points": 1500,
    "per_member_day_static_points": 1200,
    "per_member_day_rotating_points": 2400,
    "members_served_offline": 5,
    "store_exposure_points": 4000,
}


# --- replaying a seed ----------------------------------------------------------------------
def replay_command(seed: int) -> str:
    return f"LANTERN_SIM_SEEDS={seed} .venv/bin/pytest tests/sim -q -k seed"


def trace_command(seed: int) -> str:
    return f".venv/bin/python -m tests.sim.simulation --seed {seed} -v"


class SimulationFailure(AssertionError):
    """A seed broke a property; the message says which, and how to replay it."""

    def __init__(self, seed: int, what: str, details: str = "", trace: list[str] | None = None):
        tail = "\n".join(f"    {line}" for line in (trace or [])[-25:])
        text = f"simulation seed {seed}: {what}"
        if details:
            text += f"\n{details}"
        if tail:
            text += f"\n  the trace's last lines:\n{tail}"
        text += f"\n  replay: {replay_command(seed)}\n  trace:  {trace_command(seed)}"
        super().__init__(text)
        self.seed = seed
        self.what = what


def parse_seeds(text: str) -> list[int]:
    """'7', '1-300', '3,9,20-25' → the seeds, in order, without repeats."""
    out: list[int] = []
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        lo, dash, hi = part.partition("-")
        seeds = range(int(lo), int(hi) + 1) if dash else [int(lo)]
        out += [s for s in seeds if s not in out]
    return out


# --- the clock and the UUIDs -------------------------------------------------------------
@dataclass
class SimClock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


class Uuids:
    """`uuid.uuid4` replaced, for the duration of a run, by generators seeded from the
    seed, one per actor (each store, head office's administration, the sync rounds), so
    the same operations make the same ids whatever happened on the network."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.actor = "setup"
        self._gens: dict[str, random.Random] = {}

    def uuid4(self) -> uuid.UUID:
        gen = self._gens.get(self.actor)
        if gen is None:
            gen = self._gens[self.actor] = random.Random(f"uuid:{self.seed}:{self.actor}")
        return uuid.UUID(int=gen.getrandbits(128), version=4)

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        real = uuid.uuid4
        uuid.uuid4 = self.uuid4  # type: ignore[assignment]
        try:
            yield
        finally:
            uuid.uuid4 = real  # type: ignore[assignment]

    @contextlib.contextmanager
    def acting(self, actor: str) -> Iterator[None]:
        before, self.actor = self.actor, actor
        try:
            yield
        finally:
            self.actor = before


# --- the operations ------------------------------------------------------------------------
@dataclass(frozen=True)
class Op:
    n: int
    kind: str  # redeem, retry, earn, void, receive, deliver, sync, busy_sync, partition, pause
    store: str
    member: str = ""
    lines: tuple[tuple[str, int, int], ...] = ()  # (gift, quantity, price option)
    code_kind: str = "static"
    override: bool = False
    amount_fen: int = 0
    pick: int = 0  # void: which of the store's recent receipts; retry: which redemption
    gift: str = ""
    quantity: int = 0
    during: Op | None = None  # busy_sync: the till operation fired before the pull

    def describe(self) -> str:
        match self.kind:
            case "busy_sync":
                assert self.during is not None
                return f"sync, and mid-round {self.during.describe()}"
            case "redeem":
                basket = " ".join(f"{g}x{q}" + (f"/{o}" if o else "") for g, q, o in self.lines)
                extra = " override" if self.override else ""
                return f"redeem {self.member} [{basket}] {self.code_kind}{extra}"
            case "retry":
                return f"retry redemption request -{self.pick + 1}"
            case "earn":
                return f"earn {self.member} {self.amount_fen} fen"
            case "void":
                whose = f" of {self.member}" if self.member else ""
                return f"void receipt -{self.pick + 1}{whose}"
            case "receive":
                return f"receive {self.gift} x{self.quantity}"
            case "deliver":
                return f"head office delivers {self.gift} x{self.quantity}"
            case _:
                return self.kind


KINDS = (
    "redeem", "retry", "earn", "void", "receive", "deliver", "sync", "busy_sync", "partition",
    "pause",
)  # fmt: skip
WEIGHTS = (33, 2, 13, 6, 4, 3, 22, 8, 5, 4)


def _member(rng: random.Random, store: str, hot: float) -> str:
    r = rng.random()
    if r < hot:
        return rng.choice(HOT)
    return LOCAL[store] if r < hot + 0.15 else rng.choice(SHARED)


def _basket(rng: random.Random) -> tuple[tuple[str, int, int], ...]:
    lines = []
    for _ in range(rng.choice((1, 1, 1, 2))):
        gift = rng.choice(GIFT_IDS)
        option = rng.randrange(2) if gift == "G300" else 0
        lines.append((gift, rng.choice((1, 1, 1, 2)), option))
    return tuple(lines)


def operations(seed: int, count: int = OPERATIONS) -> list[Op]:
    """The operation stream of a seed: drawn from `random.Random(seed)` and nothing else."""
    rng = random.Random(seed)
    ops: list[Op] = []
    for n in range(1, count + 1):
        store = rng.choice(STORES)
        kind = rng.choices(KINDS, WEIGHTS)[0]
        if kind == "redeem":
            member = _member(rng, store, 0.35)
            code = "rotating" if rng.random() < 0.3 else "static"
            ops.append(Op(n, kind, store, member, _basket(rng), code, rng.random() < 0.3))
        elif kind == "earn":
            member = _member(rng, store, 0.3)
            ops.append(Op(n, kind, store, member, amount_fen=rng.randrange(500, 60_000)))
        elif kind == "busy_sync":
            member = LOCAL[store]
            what = rng.choice(("redeem", "redeem", "earn", "void"))
            if what == "redeem":
                during = Op(n, what, store, member, _basket(rng), override=rng.random() < 0.3)
            elif what == "earn":
                during = Op(n, what, store, member, amount_fen=rng.randrange(500, 60_000))
            else:
                during = Op(n, what, store, member, pick=rng.randrange(2))
            ops.append(Op(n, kind, store, during=during))
        elif kind in ("void", "retry"):
            ops.append(Op(n, kind, store, pick=rng.randrange(3)))
        elif kind == "receive":
            ops.append(Op(n, kind, store, gift=rng.choice(GIFT_IDS), quantity=rng.randint(1, 6)))
        elif kind == "deliver":
            ops.append(Op(n, kind, store, gift=rng.choice(GIFT_IDS), quantity=rng.randint(2, 10)))
        else:
            ops.append(Op(n, kind, store))
    return ops


# --- the network -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Faults:
    drop: float = 0.20
    hold: float = 0.10
    duplicate: float = 0.20
    answer_lost: float = 0.10
    ho_crash_mid_batch: float = 0.08
    store_killed_after_push: float = 0.04
    store_restart: float = 0.05  # between operations
    ho_restart: float = 0.03  # between operations
    release_held: float = 0.3  # each held request, at each later request


class StoreKilled(BaseException):
    """The store's process died in the middle of a sync round (not an error it handles)."""


@dataclass
class Held:
    store_id: str
    kind: str  # push or changes
    wire: str


class Link:
    """Between every store and head office: perfect, or faulty as `faults` says."""

    def __init__(self, world: World, faults: Faults | None, seed: int) -> None:
        self.world = world
        self.faults = faults
        self.rng = random.Random(f"faults:{seed}")
        self.partitioned: set[str] = set()
        self.held: list[Held] = []
        self.stats: Counter[str] = Counter()

    def _deliver(self, store_id: str, kind: str, wire: str) -> str:
        ho = self.world.ho
        if kind == "push":
            answer = ho.push(store_id, json.loads(wire))
        else:
            since, limit = json.loads(wire)
            answer = ho.changes(store_id, since, limit)
        return json.dumps(answer, ensure_ascii=False)

    def release_held(self, everything: bool = False) -> None:
        """Deliver held requests (late, after newer ones); their answers go nowhere."""
        if not self.held:
            return
        keep = []
        for h in self.held:
            if everything or self.rng.random() < self.faults_or_default.release_held:
                self.stats["held_delivered"] += 1
                self.world.trace(f"    link: a held {h.kind} of {h.store_id} arrives late")
                self._deliver(h.store_id, h.kind, h.wire)
            else:
                keep.append(h)
        self.held = keep

    @property
    def faults_or_default(self) -> Faults:
        return self.faults or Faults()

    def request(self, store_id: str, kind: str, wire: str, events: int = 0) -> str:
        """One request and its answer (as JSON text), or HeadOfficeUnreachable."""
        if store_id in self.partitioned:
            raise HeadOfficeUnreachable(f"head office at {URL} is unreachable: partitioned")
        f = self.faults
        if f is None:
            return self._deliver(store_id, kind, wire)
        self.release_held()
        rng, say = self.rng, self.world.trace
        r = rng.random()
        if r < f.drop:
            self.stats["dropped"] += 1
            say(f"    link: {kind} of {store_id} dropped")
            raise HeadOfficeUnreachable(f"head office at {URL} is unreachable: dropped")
        if r < f.drop + f.hold:
            self.stats["held"] += 1
            say(f"    link: {kind} of {store_id} held (delivered later)")
            self.held.append(Held(store_id, kind, wire))
            raise HeadOfficeUnreachable(f"head office at {URL} is unreachable: timed out")
        if kind == "push" and events and rng.random() < f.ho_crash_mid_batch:
            body = json.loads(wire)
            k = rng.randrange(events)
            body["events"] = body["events"][:k]
            self.stats["ho_crash_mid_batch"] += 1
            say(f"    link: head office crashes after {k} of {events} events of {store_id}")
            self.world.ho.push(store_id, body)
            self.world.restart_ho()
            raise HeadOfficeUnreachable(f"head office at {URL} is unreachable: connection reset")
        answer = self._deliver(store_id, kind, wire)
        if rng.random() < f.duplicate:
            self.stats["duplicated"] += 1
            say(f"    link: {kind} of {store_id} delivered twice")
            again = self._deliver(store_id, kind, wire)
            answer = rng.choice((answer, again))
        if rng.random() < f.answer_lost:
            self.stats["answer_lost"] += 1
            say(f"    link: {kind} of {store_id} applied, answer lost")
            raise HeadOfficeUnreachable(f"head office at {URL} is unreachable: no answer")
        if kind == "push" and rng.random() < f.store_killed_after_push:
            self.stats["store_killed"] += 1
            say(f"    link: store {store_id} killed after head office applied its push")
            self.world.kill_store(store_id)
            raise StoreKilled(store_id)
        return answer


class SimClient:
    """What `SyncService` needs from head office (HeadOfficeClient's interface), over
    the simulated link. Answers are parsed as the HTTP client parses them."""

    def __init__(self, link: Link, store_id: str, world: World | None = None) -> None:
        self.link = link
        self.store_id = store_id
        self.world = world

    def push(self, body: dict[str, Any]) -> PushAnswer:
        wire = json.dumps(body, ensure_ascii=False)
        data = json.loads(self.link.request(self.store_id, "push", wire, len(body["events"])))
        try:
            return parse_push(data)
        except Malformed as e:
            raise HeadOfficeUnreachable(f"garbage push answer: {e}") from None

    def changes(self, since: int, limit: int) -> ChangesPage:
        if self.world is not None:
            self.world.before_pull(self.store_id)
        data = json.loads(self.link.request(self.store_id, "changes", json.dumps([since, limit])))
        try:
            return parse_changes(data)
        except Malformed as e:
            raise HeadOfficeUnreachable(f"garbage changes answer: {e}") from None

    def close(self) -> None:
        pass


# --- the template: head office and three stores, set up and synced once -------------------
@dataclass(frozen=True)
class Template:
    folder: Path

    @property
    def files(self) -> list[str]:
        return ["headoffice.db", *(f"{s}.db" for s in STORES)]

    def secret(self, store_id: str) -> str:
        data: dict[str, str] = json.loads((self.folder / "secrets.json").read_text())
        return data[store_id]


def scratch_root() -> Path:
    """/dev/shm when there is one (no disk writes, fast fsync), else the temp folder."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return shm
    return Path(tempfile.gettempdir())


def build_template(folder: Path) -> Template:
    folder.mkdir(parents=True, exist_ok=True)
    clock = SimClock(T0)
    db = open_db(str(folder / "headoffice.db"))
    try:
        ho = HeadOffice(db, clock)
        for g in GIFTS:
            ho.admin.upsert_gift(g)
        for n, tier, lots in MEMBERS:
            ho.admin.upsert_member(
                Member(MemberId(f"M{n:08d}"), f"会员{n}", tier),
                tuple(Opening(p, earned, expires) for p, earned, expires in lots),
            )
        ho.admin.set_offline_limits(OFFLINE_LIMITS)
        secrets = {s: ho.admin.create_store(s, f"Store {s}") for s in STORES}
        for s in STORES:
            for gid in GIFT_IDS:
                ho.admin.deliver(s, gid, 6)
        (folder / "secrets.json").write_text(json.dumps(secrets))
        link_world = _TemplateWorld(ho)
        for s in STORES:
            store_db = init_store(folder / f"{s}.db", s, f"门店 {s}", f"Store {s}")
            app = StoreServices(store_db, clock)
            try:
                app.setup.add_staff("C01", "收银员", "cashier", "1111")
                app.setup.add_staff("M01", "店长", "manager", "9999")
                with app.db._lock:
                    manager = get_staff(app.db.conn, "M01")
                app.day.open(manager)
                app.sync.connect(URL, s, secrets[s])
                app.sync.client_factory = link_world.client
                report = app.sync.sync_once()
                assert report.waiting == 0, report
            finally:
                app.close()
    finally:
        db.close()
    return Template(folder)


class _TemplateWorld:
    """A perfect link to head office for the template's first sync."""

    def __init__(self, ho: HeadOffice) -> None:
        self.ho = ho
        self.link = Link(self, None, 0)  # type: ignore[arg-type]

    def client(self, url: str, store_id: str, secret: str) -> SimClient:
        return SimClient(self.link, store_id)

    def trace(self, text: str) -> None:
        pass


_TEMPLATES: list[Template] = []


def template() -> Template:
    """The template of this process, built on first use (removed when the process ends)."""
    if not _TEMPLATES:
        import atexit

        folder = Path(tempfile.mkdtemp(prefix="lantern-sim-template-", dir=scratch_root()))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        with quiet():
            _TEMPLATES.append(build_template(folder))
    return _TEMPLATES[0]


@contextlib.contextmanager
def quiet(verbose: bool = False) -> Iterator[None]:
    """Product logging off (the simulation's faults make it chatty), unless verbose."""
    names = ("desktop", "headoffice")
    before = {n: logging.getLogger(n).level for n in names}
    for n in names:
        logging.getLogger(n).setLevel(logging.INFO if verbose else logging.CRITICAL + 1)
    try:
        yield
    finally:
        for n, level in before.items():
            logging.getLogger(n).setLevel(level)


# --- one run ---------------------------------------------------------------------------------
@dataclass
class RunResult:
    results: list[str]  # what each operation did
    state: dict[str, list[Any]]  # what the world holds after healing
    stats: Counter[str] = field(default_factory=Counter)
    trace: list[str] = field(default_factory=list)


class World:
    def __init__(
        self,
        seed: int,
        folder: Path,
        tpl: Template,
        faults: Faults | None,
        uuids: Uuids,
        echo: Callable[[str], None] | None = None,
    ) -> None:
        self.seed = seed
        self.folder = folder
        self.clock = SimClock(T0 + timedelta(minutes=1))
        self.uuids = uuids
        self.lines: list[str] = []
        self.echo = echo
        self.faults = faults
        for name in tpl.files:
            shutil.copyfile(tpl.folder / name, folder / name)
            copy_vault(tpl.folder / name, folder / name)  # secrets and PIN key
        self.link = Link(self, faults, seed)
        self.stats = self.link.stats
        self.db = open_db(str(folder / "headoffice.db"))
        self.ho = HeadOffice(self.db, self.clock)
        self.apps: dict[str, StoreServices] = {}
        self.staff: dict[str, tuple[Staff, Staff]] = {}
        self.requests: dict[str, list[tuple[str, str, tuple[LineRequest, ...], str]]] = {
            s: [] for s in STORES
        }
        self.hooks: dict[str, Op] = {}  # busy_sync: the till operation waiting for the pull
        self.hook_results: dict[str, str] = {}
        # per store: did its last sync operation complete, and when did one last complete
        # (the template's first sync completed at T0)
        self.links: dict[str, tuple[bool, datetime | None]] = {s: (True, T0) for s in STORES}
        for s in STORES:
            self.open_store(s)

    def trace(self, text: str) -> None:
        self.lines.append(text)
        if self.echo is not None:
            self.echo(text)

    # --- processes ---------------------------------------------------------------------
    def open_store(self, store_id: str) -> StoreServices:
        app = StoreServices(
            open_store(self.folder / f"{store_id}.db"),
            self.clock,
            lambda: self.link_state(store_id),
        )
        if FAST_STORES:
            app.db.conn.execute("PRAGMA synchronous=OFF")
        app.sync.client_factory = lambda url, sid, secret: SimClient(self.link, sid, self)
        app.sync.batch_size = BATCH
        app.sync.page_limit = PAGE
        with app.db._lock:
            self.staff[store_id] = (get_staff(app.db.conn, "C01"), get_staff(app.db.conn, "M01"))
        self.apps[store_id] = app
        return app

    def kill_store(self, store_id: str) -> None:
        """The store's process dies: its connection goes away, nothing more commits."""
        self.apps[store_id].db.conn.close()

    def restart_store(self, store_id: str) -> None:
        self.apps[store_id].close()
        self.open_store(store_id)

    def restart_ho(self) -> None:
        self.db.close()
        self.db = open_db(str(self.folder / "headoffice.db"))
        self.ho = HeadOffice(self.db, self.clock)

    def close(self) -> None:
        for app in self.apps.values():
            with contextlib.suppress(Exception):
                app.close()
        self.db.close()

    # --- operations ----------------------------------------------------------------------
    def run_op(self, op: Op) -> str:
        self.clock.advance(minutes=1)
        s = op.store
        match op.kind:
            case "sync":
                return self.sync(s)
            case "busy_sync":
                assert op.during is not None
                self.hooks[s] = op.during
                synced = self.sync(s)
                during = self.hooks.pop(s, None)
                if during is not None:  # no round reached its pull: the till went on anyway
                    self.hook_results[s] = self.till_op(during) + " (after)"
                return f"mid-round {self.hook_results.pop(s)}; {synced}"
            case "deliver":
                with self.uuids.acting("headoffice"):
                    self.ho.admin.deliver(s, op.gift, op.quantity)
                return "sent"
            case "partition":
                if s in self.link.partitioned:
                    self.link.partitioned.discard(s)
                    return "back online"
                self.link.partitioned.add(s)
                return "cut off"
            case "pause":
                self.clock.advance(minutes=20)
                return "20 minutes pass"
        return self.till_op(op)

    def before_pull(self, store_id: str) -> None:
        """Called by the store's client before it asks for changes: the till operation of
        a busy_sync fires here, once, while the round is between its push and its pull."""
        during = self.hooks.pop(store_id, None)
        if during is not None:
            self.hook_results[store_id] = self.till_op(during)
            self.trace(f"    {store_id}: mid-round: {self.hook_results[store_id]}")

    def till_op(self, op: Op) -> str:
        s = op.store
        app = self.apps[s]
        cashier, manager = self.staff[s]
        request_id = f"op-{self.seed}-{op.n}"
        try:
            with self.uuids.acting(s):
                match op.kind:
                    case "redeem":
                        lines = tuple(LineRequest(g, q, o) for g, q, o in op.lines)
                        self.requests[s].append((request_id, op.member, lines, op.code_kind))
                        return self._redeem(op, request_id, op.member, lines, op.code_kind)
                    case "retry":
                        if not self.requests[s]:
                            return "no redemption to retry"
                        done = self.requests[s]
                        rid, member, lines, kind = done[-1 - op.pick % len(done)]
                        return "again: " + self._redeem(op, rid, member, lines, kind)
                    case "earn":
                        e = app.till.earn(cashier, request_id, op.member, op.amount_fen)
                        return f"earned {e.points}, balance {e.balance_after}"
                    case "void":
                        receipts = app.db.query(
                            "SELECT receipt_no FROM redemptions WHERE member_id LIKE ? AND "
                            "redemption_id NOT IN (SELECT redemption_id FROM voids) "
                            "ORDER BY receipt_no DESC LIMIT 3",
                            (op.member or "%",),
                        )
                        if not receipts:
                            return "nothing to void"
                        receipt = receipts[op.pick % len(receipts)][0]
                        v = app.till.void(cashier, manager, request_id, receipt, "changed mind")
                        return (
                            f"voided {v.receipt_no}: {v.points_returned} back, "
                            f"balance {v.balance_after}"
                        )
                    case "receive":
                        m = app.stock.receive(manager, request_id, op.gift, op.quantity, "count")
                        return f"stock {m.gift_id} now {m.stock_after}"
        except LanternError as e:
            return f"refused ({type(e).__name__}): {e}"
        raise AssertionError(op.kind)

    def _redeem(
        self, op: Op, request_id: str, member: str, lines: tuple[LineRequest, ...], kind: str
    ) -> str:
        s = op.store
        cashier, manager = self.staff[s]
        r = self.apps[s].till.redeem(
            cashier, request_id, member, lines, CodeKind(kind), manager if op.override else None
        )
        if isinstance(r, Refusal):
            return f"refused: {r.explain()}"
        how = (" offline" if r.offline else "") + (" replayed" if r.replayed else "")
        return f"{r.receipt_no} {r.points} points, {r.balance_before} -> {r.balance_after}{how}"

    # --- sync ------------------------------------------------------------------------------
    def link_state(self, store_id: str) -> LinkState:
        """What the till of `store_id` believes about head office, by SyncService's rule
        (online while the last round succeeded at most FRESH ago) applied to whole sync
        operations: the rounds a fault broke inside an operation do not count, so the
        till decides the same in both runs. The perfect-link run checks, before every
        operation, that this equals the store's own `SyncService.link_state()`."""
        ok, last = self.links[store_id]
        online = ok and last is not None and self.clock.now - last <= FRESH
        return LinkState(online, last)

    def check_link_model(self) -> None:
        for s, app in self.apps.items():
            real, model = app.sync.link_state(), self.link_state(s)
            if real != model:
                raise SimulationFailure(
                    self.seed,
                    f"the simulation's link model says {model} for {s}, its SyncService {real}",
                    trace=self.lines,
                )

    def sync(self, store_id: str) -> str:
        """A sync attempt: retried until a round completes (the sync loop's job), unless
        the store is cut off, when its one attempt fails in every run of the seed."""
        if store_id in self.link.partitioned:
            try:
                self.apps[store_id].sync.sync_once()
            except HeadOfficeUnreachable:
                self.links[store_id] = (False, self.links[store_id][1])
                return "unreachable (cut off)"
            raise AssertionError(f"{store_id} synced while cut off")
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                with self.uuids.acting(f"sync-{store_id}"):
                    report = self.apps[store_id].sync.sync_once()
            except SyncError as e:
                if self.faults is None:
                    raise
                self.trace(f"    {store_id}: round {attempt} failed: {type(e).__name__}: {e}")
                self.stats["failed_rounds"] += 1
                continue
            except StoreKilled:
                self.trace(f"    {store_id}: restarted after being killed")
                self.stats["failed_rounds"] += 1
                self.restart_store(store_id)
                continue
            if attempt > 1:
                self.stats["retried_syncs"] += 1
            self.links[store_id] = (True, self.clock.now)
            return (
                f"synced: pushed {report.pushed} (applied {report.applied}, conflicts "
                f"{report.conflicts}, duplicates {report.duplicates}, parked {report.parked}), "
                f"pulled {report.pulled}, acked {report.acked_seq}, waiting {report.waiting}"
            )
        raise SimulationFailure(
            self.seed,
            f"store {store_id} could not complete a sync round in {MAX_ATTEMPTS} attempts",
            trace=self.lines,
        )

    def between_ops(self) -> None:
        f = self.faults
        if f is None:
            return
        rng = self.link.rng
        if rng.random() < f.store_restart:
            s = rng.choice(STORES)
            self.stats["store_restarts"] += 1
            self.trace(f"    {s}: closed and re-opened")
            self.restart_store(s)
        if rng.random() < f.ho_restart:
            self.stats["ho_restarts"] += 1
            self.trace("    head office: re-opened")
            self.restart_ho()

    def heal(self) -> None:
        """Late requests arrive, the link becomes perfect, partitions end; every store
        syncs until nothing waits and its pull is exhausted, twice over."""
        self.link.release_held(everything=True)
        self.link.faults = None
        self.faults = None
        self.link.partitioned.clear()
        self.clock.advance(minutes=5)
        for _ in range(2):
            for s in STORES:
                for _ in range(3):
                    with self.uuids.acting(f"sync-{s}"):
                        report = self.apps[s].sync.sync_once()
                    if report.waiting == 0:
                        break
                else:
                    raise SimulationFailure(
                        self.seed, f"store {s} still has {report.waiting} events waiting"
                    )


def run(
    seed: int,
    faults: Faults | None,
    *,
    ops: int = OPERATIONS,
    tpl: Template | None = None,
    echo: Callable[[str], None] | None = None,
    keep: bool = False,
) -> tuple[RunResult, World | None]:
    """Run a seed's operations (with faults, or over a perfect link), heal, check the
    world's own properties (a, b, d), and return what the comparison needs. With `keep`
    the world is returned open (its files stay) for a caller that wants to look."""
    tpl = tpl or template()
    which = "faulty" if faults else "perfect-link"
    folder = Path(tempfile.mkdtemp(prefix=f"lantern-sim-{seed}-", dir=scratch_root()))
    world: World | None = None
    try:
        uuids = Uuids(seed)
        with uuids.installed():
            world = World(seed, folder, tpl, faults, uuids, echo)
            results = []
            step = "setting up"
            try:
                for op in operations(seed, ops):
                    step = f"operation {op.n} ({op.store} {op.describe()})"
                    if faults is None:
                        world.check_link_model()
                    result = world.run_op(op)
                    results.append(result)
                    world.trace(
                        f"{op.n:3d} {world.clock.now:%H:%M} {op.store} {op.describe()}: {result}"
                    )
                    world.between_ops()
                step = "healing"
                world.trace("--- healing")
                world.heal()
            except SimulationFailure:
                raise
            except Exception as e:
                raise SimulationFailure(
                    seed,
                    f"{which} run: {step} raised {type(e).__name__}: {e}",
                    traceback.format_exc(limit=-6),
                    world.lines,
                ) from e
        problems = check_world(world)
        if problems:
            raise SimulationFailure(
                seed,
                f"{which} run broke the sync properties",
                "\n".join(f"  - {p}" for p in problems[:40]),
                world.lines,
            )
        result = RunResult(results, state_of(world), world.stats, world.lines)
        if keep:
            return result, world
        return result, None
    finally:
        if world is not None and not keep:
            world.close()
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


# --- what the world holds, and its properties ---------------------------------------------
def ho_rows(world: World, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    with world.db.transaction(write=False) as tx:
        return tx.all(sql, params)


def store_rows(app: StoreServices, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in app.db.query(sql)]


def state_of(world: World) -> dict[str, list[Any]]:
    """Everything the faulty and the perfect run must agree on, as sorted lists."""
    state: dict[str, list[Any]] = {
        "head office members": [
            tuple(r.values())
            for r in ho_rows(
                world,
                "SELECT member_id, balance, debt, flagged FROM members ORDER BY member_id",
            )
        ],
        "head office lots": [
            tuple(r.values())
            for r in ho_rows(
                world,
                "SELECT lot_id, member_id, earned_on, expires_on, original, remaining FROM lots "
                "ORDER BY lot_id",
            )
        ],
        "head office redemptions": [
            tuple(r.values())
            for r in ho_rows(
                world,
                "SELECT redemption_id, store_id, seq, member_id, points, cash_fen, overdraft, "
                "void_id FROM redemptions ORDER BY redemption_id",
            )
        ],
        "head office events": [
            tuple(r.values())
            for r in ho_rows(
                world,
                "SELECT store_id, seq, event_id, kind, outcome, conflict FROM store_events "
                "ORDER BY store_id, seq",
            )
        ],
    }
    for s, app in world.apps.items():
        state[f"{s} members"] = store_rows(
            app, "SELECT member_id, balance, debt FROM members ORDER BY member_id"
        )
        state[f"{s} lots"] = store_rows(
            app,
            "SELECT lot_id, member_id, remaining FROM point_lots WHERE remaining > 0 "
            "ORDER BY lot_id",
        )
        state[f"{s} stock"] = store_rows(app, "SELECT gift_id, stock FROM gifts ORDER BY gift_id")
        state[f"{s} outbox"] = store_rows(
            app, "SELECT seq, event_id, kind, hash FROM outbox ORDER BY seq"
        )
    return state


def check_world(world: World) -> list[str]:
    """Properties (a), (b) and (d) after healing; every problem found, as text."""
    problems: list[str] = []
    # (a) each store event exactly once at head office, as the outboxes hold it
    held = Counter(
        (r["store_id"], r["event_id"], r["payload_hash"])
        for r in ho_rows(world, "SELECT store_id, event_id, payload_hash FROM store_events")
    )
    sent: Counter[tuple[str, str, str]] = Counter()
    for s, app in world.apps.items():
        for event_id, payload in store_rows(app, "SELECT event_id, payload FROM outbox"):
            sent[(s, event_id, payload_hash(payload))] += 1
    for key in sorted((held - sent) + (sent - held)):
        problems.append(
            f"event {key[1]} of {key[0]}: head office holds it {held[key]} times, "
            f"the store's outbox {sent[key]} times (or with another payload)"
        )
    for r in ho_rows(
        world, "SELECT store_id, seq, kind, error FROM store_events WHERE outcome = 'rejected'"
    ):
        problems.append(
            f"head office parked {r['store_id']} event {r['seq']} ({r['kind']}): {r['error']}"
        )
    for r in ho_rows(world, "SELECT store_id, flag_reason FROM stores WHERE flagged = 1"):
        problems.append(f"head office flagged store {r['store_id']}: {r['flag_reason']}")
    # (b) balances equal ledgers, on both sides
    for s, app in world.apps.items():
        problems += [f"{s} check: {p}" for p in app.setup.check()]
    problems += [f"head office: {p}" for p in ho_ledger_problems(world)]
    # (d) every store sees what head office holds; nothing waits; deliveries once
    ho_members = {
        r["member_id"]: (r["balance"], r["debt"])
        for r in ho_rows(world, "SELECT member_id, balance, debt FROM members")
    }
    ho_lots = {
        r["lot_id"]: r["remaining"]
        for r in ho_rows(world, "SELECT lot_id, remaining FROM lots WHERE remaining > 0")
    }
    for s, app in world.apps.items():
        status = app.sync.status()
        if status.waiting or status.acked_seq != status.head_seq:
            problems.append(
                f"{s}: {status.waiting} events waiting, acked {status.acked_seq} of {status.head_seq}"
            )
        mine = {
            m: (b, d) for m, b, d in store_rows(app, "SELECT member_id, balance, debt FROM members")
        }
        if mine != ho_members:
            diff = sorted(
                k for k in set(mine) | set(ho_members) if mine.get(k) != ho_members.get(k)
            )
            problems += [
                f"{s}: member {k} (balance, debt) is {mine.get(k)} in the store, "
                f"{ho_members.get(k)} at head office"
                for k in diff
            ]
        lots = dict(store_rows(app, "SELECT lot_id, remaining FROM point_lots WHERE remaining > 0"))
        if lots != ho_lots:
            diff = sorted(k for k in set(lots) | set(ho_lots) if lots.get(k) != ho_lots.get(k))
            problems += [
                f"{s}: lot {k} has {lots.get(k)} in the store, {ho_lots.get(k)} at head office"
                for k in diff[:10]
            ]
        sent_ids = sorted(
            r["delivery_id"]
            for r in ho_rows(world, "SELECT delivery_id FROM deliveries WHERE store_id = ?", (s,))
        )
        got = sorted(r[0] for r in store_rows(app, "SELECT delivery_id FROM received_deliveries"))
        if got != sent_ids:
            problems.append(f"{s}: received deliveries {got}, head office sent {sent_ids}")
    return problems


def ho_ledger_problems(world: World) -> list[str]:
    """Head office's cached figures against its ledger, by query (independently of
    headoffice.accounts): balance = ledger sum = live lot points - debt; debt = minus
    the lot-less rows; each lot's remaining = its ledger rows, within 0..original."""
    problems = []
    for r in ho_rows(
        world,
        "SELECT m.member_id, m.balance, m.debt, "
        "(SELECT COALESCE(SUM(delta), 0) FROM ledger l WHERE l.member_id = m.member_id) AS total, "
        "(SELECT COALESCE(SUM(delta), 0) FROM ledger l WHERE l.member_id = m.member_id "
        " AND l.lot_id IS NULL) AS debt_moves, "
        "(SELECT COALESCE(SUM(remaining), 0) FROM lots p WHERE p.member_id = m.member_id) AS lots "
        "FROM members m",
    ):
        if not r["balance"] == r["total"] == r["lots"] - r["debt"] or r["debt"] != -r["debt_moves"]:
            problems.append(
                f"member {r['member_id']}: balance {r['balance']}, debt {r['debt']}, ledger sum "
                f"{r['total']}, lot points {r['lots']}, ledger debt {-r['debt_moves']}"
            )
    for r in ho_rows(
        world,
        "SELECT p.lot_id, p.original, p.remaining, "
        "(SELECT COALESCE(SUM(delta), 0) FROM ledger l WHERE l.lot_id = p.lot_id) AS total "
        "FROM lots p",
    ):
        if r["remaining"] != r["total"] or not 0 <= r["remaining"] <= r["original"]:
            problems.append(
                f"lot {r['lot_id']}: remaining {r['remaining']} of {r['original']}, ledger "
                f"sum {r['total']}"
            )
    return problems


def compare(faulty: RunResult, perfect: RunResult) -> list[str]:
    """(c): where the faulty run ended somewhere else than the perfect link."""
    problems = []
    for n, (a, b) in enumerate(zip(faulty.results, perfect.results, strict=True), 1):
        # a sync's own figures (how much was pushed, duplicates…) depend on the faults
        if a.split("synced:")[0] != b.split("synced:")[0]:
            problems.append(f"operation {n}: faulty run '{a}', perfect link '{b}'")
            break  # everything after the first difference differs for that reason
    for key, want in perfect.state.items():
        got = faulty.state[key]
        if got != want:
            extra = sorted(set(got) - set(want))[:5]
            missing = sorted(set(want) - set(got))[:5]
            problems.append(
                f"{key}: the faulty run has {len(got)} rows, the perfect link {len(want)}; "
                f"only in the faulty run: {extra}; only with the perfect link: {missing}"
            )
    return problems


@dataclass
class SeedReport:
    seed: int
    seconds: float
    stats: Counter[str]
    overdrafts: int
    offline_redemptions: int
    refusals: int
    events: int


def check_seed(
    seed: int,
    *,
    ops: int = OPERATIONS,
    faults: Faults | None = None,
    tpl: Template | None = None,
    echo: Callable[[str], None] | None = None,
) -> SeedReport:
    """The faulty run and the perfect-link run of a seed, each checked, then compared.
    Raises SimulationFailure (with the replay command) when a property breaks."""
    started = time.perf_counter()
    faults = faults or Faults()
    try:
        with quiet(echo is not None):
            if echo:
                echo(f"=== seed {seed}: faulty run")
            faulty, _ = run(seed, faults, ops=ops, tpl=tpl, echo=echo)
            if echo:
                echo(f"=== seed {seed}: perfect-link run")
            perfect, _ = run(seed, None, ops=ops, tpl=tpl, echo=echo)
    except SimulationFailure:
        raise
    except Exception as e:
        raise SimulationFailure(
            seed, f"a run raised {type(e).__name__}: {e}", traceback.format_exc()
        ) from e
    problems = compare(faulty, perfect)
    if problems:
        raise SimulationFailure(
            seed,
            "the faulty run ended elsewhere than the perfect link",
            "\n".join(f"  - {p}" for p in problems),
            faulty.trace,
        )
    events = perfect.state["head office events"]
    return SeedReport(
        seed,
        time.perf_counter() - started,
        faulty.stats,
        sum(1 for e in events if e[5] and "overdraft" in e[5]),
        sum(1 for r in perfect.results if r.endswith(" offline")),
        sum(1 for r in perfect.results if "refused" in r),
        len(events),
    )


# --- the command line ------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.sim.simulation",
        description="Deterministic simulation of store/head-office sync over a faulty link.",
    )
    parser.add_argument("--seed", type=int, help="one seed (use -v for its trace)")
    parser.add_argument("--seeds", default="1-20", help="seeds, e.g. 1-300 or 3,9,20-25")
    parser.add_argument("--ops", type=int, default=OPERATIONS, help="operations per seed")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the faulty trace")
    args = parser.parse_args(argv)
    seeds = [args.seed] if args.seed is not None else parse_seeds(args.seeds)
    echo = print if args.verbose else None
    started = time.perf_counter()
    template()
    print(f"template built in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    totals: Counter[str] = Counter()
    failed = []
    for seed in seeds:
        try:
            report = check_seed(seed, ops=args.ops, echo=echo)
        except SimulationFailure as e:
            failed.append(seed)
            print(f"seed {seed}: FAILED\n{e}", file=sys.stderr)
            continue
        totals.update(report.stats)
        totals.update(
            overdrafts=report.overdrafts,
            offline_redemptions=report.offline_redemptions,
            refusals=report.refusals,
            events=report.events,
        )
        print(
            f"seed {seed}: ok in {report.seconds:.2f} s; {report.events} events, "
            f"{report.overdrafts} overdrafts, {report.offline_redemptions} offline "
            f"redemptions; faults: "
            + ", ".join(f"{k} {v}" for k, v in sorted(report.stats.items())),
            file=sys.stderr,
        )
    elapsed = time.perf_counter() - started
    print(
        f"{len(seeds) - len(failed)} passed, {len(failed)} failed in {elapsed:.1f} s "
        f"({len(seeds)} seeds x {args.ops} operations)"
    )
    print("totals: " + ", ".join(f"{k} {v}" for k, v in sorted(totals.items())))
    if failed:
        print("failed seeds: " + ",".join(map(str, failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
