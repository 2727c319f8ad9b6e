"""Programme figures at head office (`lantern headoffice report`), from what it holds.

For a period of business days (both ends included) it computes four figures from the
applied events (`store_events` payloads), `redemptions`, `ledger`, `journey_uses`,
`deliveries`, `gifts`, `stores` and `members`:

- redemption rate per gift and store: redemptions and units (voids subtracted on the day
  they happened), units per day; per store, the share of its members it served;
- members woken up from dormancy: an earn or redemption in the period after at least
  `dormant_days` without any earn or redemption at any store, by store and by length of
  the sleep (1–3, 3–6, 6+ months), and the welcome-back journeys stores gave (a journey's
  own bonus lot is not a visit);
- points issued versus redeemed per day, week or month, and the points outstanding; issued
  = purchases' earns + the bonus points journeys credited (a journey repeated at a second
  store credits none);
- stock turnover per gift and store, with the slow movers.

The SQL is plain enough for both SQLite and PostgreSQL (`substr` on ISO times); payload
JSON is read in Python. Points, fen and units are integers throughout; a ratio exists only
as its displayed text (`ratio_text`).
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from desktop.core.errors import InvalidInput
from headoffice.db import Database, Tx

log = logging.getLogger(__name__)

DEFAULT_DAYS = 30
DORMANT_DAYS = 180
SLOW_DAYS = 90
MAX_DAYS = 3660  # ten years: longer is almost certainly a typing slip
APPLIED = ("applied", "applied_with_conflict")
BANDS = ("1-3", "3-6", "6+")  # months asleep (30 days each)
WELCOME_BACK = "welcome_back"

Progress = Callable[[str], None]


def ratio_text(numerator: int, denominator: int, places: int = 2) -> str:
    """numerator / denominator as text, rounded half up, from integers only; "" for a zero
    denominator."""
    if denominator == 0:
        return ""
    scale = 10**places
    sign = "-" if (numerator < 0) != (denominator < 0) and numerator else ""
    n, d = abs(numerator), abs(denominator)
    scaled = (n * scale * 2 + d) // (2 * d)
    whole, frac = divmod(scaled, scale)
    return f"{sign}{whole}.{frac:0{places}d}" if places else f"{sign}{whole}"


def percent_text(numerator: int, denominator: int) -> str:
    text = ratio_text(numerator * 100, denominator, 1)
    return f"{text}%" if text else ""


def band(days: int) -> str:
    """The sleep length band of a dormancy of `days` days."""
    if days < 90:
        return BANDS[0]
    if days < 180:
        return BANDS[1]
    return BANDS[2]


# --- the period --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date  # included

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def holds(self, day: str) -> bool:
        return self.start.isoformat() <= day <= self.end.isoformat()

    def __str__(self) -> str:
        return f"{self.start} – {self.end}"


def _parse_day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{what} must be a day, YYYY-MM-DD, got {text!r}") from None


def parse_period(start: str | None, end: str | None, today: date) -> Period:
    """--from/--to as a period: by default the last 30 days up to today."""
    last = _parse_day(end, "--to") if end else today
    first = _parse_day(start, "--from") if start else last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise InvalidInput(
            f"--from {first} is after --to {last}: give a start on or before the end"
        )
    if (last - first).days + 1 > MAX_DAYS:
        raise InvalidInput(
            f"the period {first} – {last} is longer than {MAX_DAYS} days: give a shorter one"
        )
    return Period(first, last)


# --- the figures -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class GiftRate:
    store_id: str
    store_name: str
    gift_id: str
    name_zh: str
    name_en: str
    redemptions: int  # redemptions with this gift on a line, in the period
    voids: int  # of those redemptions, voided in the period
    units: int  # units redeemed, before voids
    units_voided: int
    net_units: int
    per_day: str


@dataclass(frozen=True, slots=True)
class StoreShare:
    store_id: str
    store_name: str
    members_known: int  # members who earned or redeemed there up to the period's end
    members_served: int  # of them, members who redeemed there in the period
    share: str


@dataclass(frozen=True, slots=True)
class Comeback:
    store_id: str
    member_id: str
    asleep_since: str  # the day of the last activity before
    back_on: str
    dormant_days: int
    band: str
    kind: str  # earn or redemption


@dataclass(frozen=True, slots=True)
class Dormancy:
    store_id: str
    store_name: str
    woken_up: int
    bands: tuple[int, int, int]  # per BANDS
    welcome_back: int  # welcome-back journey events applied in the period
    welcome_back_points: int


@dataclass(frozen=True, slots=True)
class PointsRow:
    label: str
    first: date
    last: date
    earned: int
    journey_bonus: int
    issued: int
    redeemed: int  # redemptions' points
    voided: int  # points voids gave back
    net_redeemed: int
    expired: int
    opening: int  # opening points head office granted
    outstanding: int  # points held by members at the end of the bucket (debts subtracted)


@dataclass(frozen=True, slots=True)
class Turnover:
    store_id: str
    store_name: str
    gift_id: str
    name_zh: str
    name_en: str
    delivered: int  # head-office deliveries in the period
    counted_in: int  # stock_receive events in the period
    received: int
    adjusted: int
    net_redeemed: int
    stock_start: int  # estimated from head office's records (deliveries, events)
    stock_end: int
    turnover: str  # net redeemed / average estimated stock
    last_redemption: str
    days_since: int | None
    slow: bool


@dataclass
class Report:
    period: Period
    dormant_days: int
    events: int  # events stores pushed for days of the period
    bucket: str  # day, week or month
    gift_rates: list[GiftRate] = field(default_factory=list)
    store_shares: list[StoreShare] = field(default_factory=list)
    comebacks: list[Comeback] = field(default_factory=list)
    dormancy: list[Dormancy] = field(default_factory=list)
    points: list[PointsRow] = field(default_factory=list)
    turnover: list[Turnover] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.events == 0


# --- reading ------------------------------------------------------------------------------
def _payload(text: Any) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _lines(payload: dict[str, Any]) -> list[tuple[str, int]]:
    """(gift id, quantity) of a redemption payload's lines; malformed lines are skipped
    (head office stored the event as the store sent it)."""
    out = []
    lines = payload.get("lines")
    for line in lines if isinstance(lines, list) else []:
        if (
            isinstance(line, list)
            and len(line) >= 2
            and isinstance(line[0], str)
            and isinstance(line[1], int)
            and not isinstance(line[1], bool)
            and line[1] > 0
        ):
            out.append((line[0], line[1]))
    return out


def _when(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _day_of(text: Any) -> date | None:
    when = _when(text)
    return None if when is None else when.date()


@dataclass(frozen=True, slots=True)
class _Redemption:
    redemption_id: str
    store_id: str
    member_id: str
    day: str
    void_day: str | None
    lines: list[tuple[str, int]]


class _Names:
    def __init__(self, tx: Tx) -> None:
        self.stores = {
            str(r["store_id"]): str(r["name"]) for r in tx.all("SELECT store_id, name FROM stores")
        }
        self.gifts = {
            str(r["gift_id"]): (str(r["name_zh"]), str(r["name_en"]))
            for r in tx.all("SELECT gift_id, name_zh, name_en FROM gifts")
        }

    def store(self, store_id: str) -> str:
        return self.stores.get(store_id, "")

    def gift(self, gift_id: str) -> tuple[str, str]:
        return self.gifts.get(gift_id, ("", ""))


def _redemptions(tx: Tx, end: date) -> list[_Redemption]:
    """Every redemption head office applied up to `end`, with its lines from the payload
    of the event that carried it."""
    rows = tx.all(
        "SELECT r.redemption_id, r.store_id, r.member_id, r.business_day, r.voided_at, "
        "e.payload FROM redemptions r "
        "JOIN store_events e ON e.store_id = r.store_id AND e.seq = r.seq "
        "WHERE r.business_day <= ? ORDER BY r.business_day, r.redemption_id",
        (end.isoformat(),),
    )
    out = []
    for r in rows:
        void_day = _day_of(r["voided_at"])
        out.append(
            _Redemption(
                str(r["redemption_id"]),
                str(r["store_id"]),
                str(r["member_id"]),
                str(r["business_day"]),
                None if void_day is None else void_day.isoformat(),
                _lines(_payload(r["payload"])),
            )
        )
    return out


# --- figure 1: redemption rate -----------------------------------------------------------
def _gift_rates(period: Period, names: _Names, redemptions: list[_Redemption]) -> list[GiftRate]:
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r in redemptions:
        made = period.holds(r.day)
        voided = r.void_day is not None and period.holds(r.void_day)
        if not (made or voided):
            continue
        per_gift: dict[str, int] = defaultdict(int)
        for gift_id, qty in r.lines:
            per_gift[gift_id] += qty
        for gift_id, qty in per_gift.items():
            c = counts[(r.store_id, gift_id)]
            if made:
                c[0] += 1
                c[2] += qty
            if voided:
                c[1] += 1
                c[3] += qty
    out = []
    for (store_id, gift_id), (n, voids, units, voided_units) in sorted(counts.items()):
        zh, en = names.gift(gift_id)
        net = units - voided_units
        out.append(
            GiftRate(
                store_id,
                names.store(store_id),
                gift_id,
                zh,
                en,
                n,
                voids,
                units,
                voided_units,
                net,
                ratio_text(net, period.days),
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class _Activity:
    member_id: str
    store_id: str
    at: datetime
    kind: str


def _activities(tx: Tx, end: date) -> list[_Activity]:
    """Every earn and redemption at a store up to `end`, in time order."""
    rows = tx.all(
        "SELECT member_id, store_id, at, 'redemption' AS kind FROM redemptions "
        "WHERE business_day <= ? "
        "UNION "
        "SELECT member_id, store_id, at, 'earn' AS kind FROM ledger "
        "WHERE kind = 'earn' AND store_id IS NOT NULL AND substr(at, 1, 10) <= ? "
        # a journey's bonus lot (ref = its use id) is not a visit: the member's own earn or
        # redemption is
        "AND ref NOT IN (SELECT use_id FROM journey_uses)",
        (end.isoformat(), end.isoformat()),
    )
    out = []
    for r in rows:
        when = _when(r["at"])
        if when is not None:
            if when.tzinfo is None:  # stores write their offset; an old event may lack it
                when = when.replace(tzinfo=UTC)
            out.append(_Activity(str(r["member_id"]), str(r["store_id"]), when, str(r["kind"])))
    out.sort(key=lambda a: (a.at, a.member_id))
    return out


def _store_shares(
    period: Period, names: _Names, activities: list[_Activity], redemptions: list[_Redemption]
) -> list[StoreShare]:
    known: dict[str, set[str]] = defaultdict(set)
    for a in activities:
        known[a.store_id].add(a.member_id)
    served: dict[str, set[str]] = defaultdict(set)
    for r in redemptions:
        if period.holds(r.day):
            served[r.store_id].add(r.member_id)
    out = []
    for store_id in sorted(set(names.stores) | set(known)):
        k, s = len(known[store_id]), len(served[store_id])
        out.append(StoreShare(store_id, names.store(store_id), k, s, percent_text(s, k)))
    return out


# --- figure 2: woken up from dormancy -------------------------------------------------------
def _comebacks(period: Period, dormant_days: int, activities: list[_Activity]) -> list[Comeback]:
    """Each member's first activity in the period that came after at least `dormant_days`
    days without any (a member's very first activity is not a comeback)."""
    last: dict[str, _Activity] = {}
    found: dict[str, Comeback] = {}
    for a in activities:
        before = last.get(a.member_id)
        last[a.member_id] = a
        day = a.at.date().isoformat()
        if before is None or a.member_id in found or not period.holds(day):
            continue
        gap = (a.at - before.at).days
        if gap >= dormant_days:
            found[a.member_id] = Comeback(
                a.store_id, a.member_id, before.at.date().isoformat(), day, gap, band(gap), a.kind
            )
    return sorted(found.values(), key=lambda c: (c.store_id, c.back_on, c.member_id))


def _dormancy(tx: Tx, period: Period, names: _Names, comebacks: list[Comeback]) -> list[Dormancy]:
    rows = tx.all(
        "SELECT store_id, bonus_points FROM journey_uses WHERE journey = ? "
        "AND repeated_of IS NULL AND substr(at, 1, 10) >= ? AND substr(at, 1, 10) <= ?",
        (WELCOME_BACK, period.start.isoformat(), period.end.isoformat()),
    )
    journeys: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        j = journeys[str(r["store_id"])]
        j[0] += 1
        j[1] += int(r["bonus_points"])
    bands: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for c in comebacks:
        bands[c.store_id][BANDS.index(c.band)] += 1
    out = []
    for store_id in sorted(set(names.stores) | set(bands) | set(journeys)):
        b, j = bands[store_id], journeys[store_id]
        out.append(
            Dormancy(store_id, names.store(store_id), sum(b), (b[0], b[1], b[2]), j[0], j[1])
        )
    return out


# --- figure 3: points issued and redeemed -----------------------------------------------
def bucket_kind(period: Period) -> str:
    if period.days <= 31:
        return "day"
    if period.days <= 120:
        return "week"
    return "month"


def _bucket_start(day: date, kind: str) -> date:
    if kind == "week":
        return day - timedelta(days=day.weekday())
    if kind == "month":
        return day.replace(day=1)
    return day


def _buckets(period: Period, kind: str) -> list[tuple[str, date, date]]:
    """(label, first day, last day) of each bucket, cut to the period."""
    out = []
    day = period.start
    while day <= period.end:
        start = _bucket_start(day, kind)
        if kind == "day":
            nxt = day + timedelta(days=1)
        elif kind == "week":
            nxt = start + timedelta(days=7)
        else:
            nxt = (start + timedelta(days=32)).replace(day=1)
        last = min(nxt - timedelta(days=1), period.end)
        label = (
            f"{start:%Y-%m}"
            if kind == "month"
            else (f"{start:%G-W%V}" if kind == "week" else day.isoformat())
        )
        out.append((label, day, last))
        day = nxt
    return out


def _points(tx: Tx, period: Period) -> list[PointsRow]:
    moved = tx.all(
        "SELECT substr(at, 1, 10) AS day, kind, SUM(delta) AS total FROM ledger "
        "WHERE substr(at, 1, 10) <= ? GROUP BY substr(at, 1, 10), kind",
        (period.end.isoformat(),),
    )
    # the bonus points journeys credited (their lots are ledger 'earn' rows); a journey
    # repeated at a second store credited nothing
    bonuses = tx.all(
        "SELECT substr(at, 1, 10) AS day, SUM(bonus_points) AS total FROM journey_uses "
        "WHERE repeated_of IS NULL AND substr(at, 1, 10) >= ? AND substr(at, 1, 10) <= ? "
        "GROUP BY substr(at, 1, 10)",
        (period.start.isoformat(), period.end.isoformat()),
    )
    start = period.start.isoformat()
    outstanding = sum(int(m["total"]) for m in moved if str(m["day"]) < start)
    kind = bucket_kind(period)
    out = []
    for label, first, last in _buckets(period, kind):
        lo, hi = first.isoformat(), last.isoformat()
        sums: dict[str, int] = defaultdict(int)
        for m in moved:
            if lo <= str(m["day"]) <= hi:
                sums[str(m["kind"])] += int(m["total"])
        redeemed = -sums["redeem"]
        bonus = sum(int(b["total"]) for b in bonuses if lo <= str(b["day"]) <= hi)
        outstanding += sum(sums.values())
        out.append(
            PointsRow(
                label,
                first,
                last,
                sums["earn"] - bonus,
                bonus,
                sums["earn"],
                redeemed,
                sums["void"],
                redeemed - sums["void"],
                -sums["expire"],
                sums["opening"],
                outstanding,
            )
        )
    return out


# --- figure 4: stock turnover ---------------------------------------------------------------
def _turnover(
    tx: Tx, period: Period, names: _Names, redemptions: list[_Redemption]
) -> list[Turnover]:
    start, end = period.start.isoformat(), period.end.isoformat()
    # per (store, gift): delivered, counted in, adjusted, redeemed (net) in the period,
    # and the same before it (for the estimated stock at its start)
    zero = {"delivered": 0, "counted": 0, "adjusted": 0, "redeemed": 0, "before": 0}
    rows: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: dict(zero))
    first_in: dict[tuple[str, str], str] = {}
    last_out: dict[tuple[str, str], str] = {}

    def add(key: tuple[str, str], what: str, day: str, qty: int) -> None:
        if day < start:
            rows[key]["before"] += qty if what != "redeemed" else -qty
        else:
            rows[key][what] += qty
        if qty > 0 and what in ("delivered", "counted"):
            first_in[key] = min(first_in.get(key, day), day)

    for d in tx.all(
        "SELECT store_id, gift_id, quantity, created_at FROM deliveries "
        "WHERE substr(created_at, 1, 10) <= ?",
        (end,),
    ):
        add(
            (str(d["store_id"]), str(d["gift_id"])),
            "delivered",
            str(d["created_at"])[:10],
            int(d["quantity"]),
        )
    for e in tx.all(
        "SELECT store_id, kind, payload, created_at FROM store_events "
        "WHERE kind IN ('stock_receive', 'stock_adjust') AND outcome IN (?, ?) "
        "AND substr(created_at, 1, 10) <= ?",
        (*APPLIED, end),
    ):
        p = _payload(e["payload"])
        gift_id, delta = p.get("gift_id"), p.get("delta")
        if not isinstance(gift_id, str) or not isinstance(delta, int) or isinstance(delta, bool):
            continue
        what = "counted" if e["kind"] == "stock_receive" else "adjusted"
        add((str(e["store_id"]), gift_id), what, str(e["created_at"])[:10], delta)
    for r in redemptions:
        for gift_id, qty in r.lines:
            key = (r.store_id, gift_id)
            add(key, "redeemed", r.day, qty)
            if r.void_day is not None and r.void_day <= end:
                add(key, "redeemed", r.void_day, -qty)
            else:
                last_out[key] = max(last_out.get(key, r.day), r.day)
    out = []
    for key, c in sorted(rows.items()):
        store_id, gift_id = key
        received = c["delivered"] + c["counted"]
        stock_end = c["before"] + received + c["adjusted"] - c["redeemed"]
        last = last_out.get(key, "")
        since: int | None = None
        if last:
            since = (period.end - date.fromisoformat(last)).days
        idle_from = max(last, first_in.get(key, ""))
        slow = bool(
            key in first_in
            and idle_from
            and (period.end - date.fromisoformat(idle_from)).days >= SLOW_DAYS
        )
        zh, en = names.gift(gift_id)
        out.append(
            Turnover(
                store_id,
                names.store(store_id),
                gift_id,
                zh,
                en,
                c["delivered"],
                c["counted"],
                received,
                c["adjusted"],
                c["redeemed"],
                c["before"],
                stock_end,
                # average stock = (start + end) / 2, so turnover = 2 * redeemed / (start + end)
                ratio_text(2 * c["redeemed"], c["before"] + stock_end)
                if c["before"] + stock_end > 0
                else "",
                last,
                since,
                slow,
            )
        )
    return out


# --- the whole report ---------------------------------------------------------------------
FIGURES = 4


def build_report(
    db: Database,
    period: Period,
    dormant_days: int = DORMANT_DAYS,
    progress: Progress | None = None,
) -> Report:
    """Every figure for `period`, read in one consistent snapshot of the database."""
    if dormant_days < 1:
        raise InvalidInput(f"--dormant-days must be 1 or more, got {dormant_days}")

    def step(n: int, what: str) -> None:
        log.info("report %s: %s", period, what)
        if progress is not None:
            progress(f"[{n}/{FIGURES}] {what}")

    with db.transaction(write=False) as tx:
        events = int(
            tx.scalar(
                "SELECT COUNT(*) FROM store_events WHERE substr(created_at, 1, 10) >= ? "
                "AND substr(created_at, 1, 10) <= ?",
                (period.start.isoformat(), period.end.isoformat()),
            )
        )
        report = Report(period, dormant_days, events, bucket_kind(period))
        names = _Names(tx)
        step(1, "redemption rate per gift and store")
        redemptions = _redemptions(tx, period.end)
        activities = _activities(tx, period.end)
        report.gift_rates = _gift_rates(period, names, redemptions)
        report.store_shares = _store_shares(period, names, activities, redemptions)
        step(2, "members woken up from dormancy")
        report.comebacks = _comebacks(period, dormant_days, activities)
        report.dormancy = _dormancy(tx, period, names, report.comebacks)
        step(3, "points issued and redeemed")
        report.points = _points(tx, period)
        step(4, "stock turnover")
        report.turnover = _turnover(tx, period, names, redemptions)
    return report
