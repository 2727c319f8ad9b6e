"""Sync protocol v1 answers as values (docs/sync-protocol.md).

`parse_push` and `parse_changes` turn decoded JSON into frozen values built from the domain
core (Member, PointLot, Gift, Campaign, IssuerKey) or raise `Malformed` naming the first
field that is wrong, e.g. `members[3].lots[0].remaining: expected an integer, got "x"`.
Optional lists that are missing count as empty; a field that is present must be right.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from desktop.core.catalogue import Gift, GiftId, GiftKind, Price, kind_terms
from desktop.core.codes import IssuerKey
from desktop.core.earning import Campaign
from desktop.core.errors import LanternError
from desktop.core.lots import LotId, PointLot, PointsAccount
from desktop.core.members import Member, MemberId, MemberStatus, Tier
from desktop.core.occasions import Occasion
from desktop.core.wire import ChainedEvent, Outcome


class Malformed(LanternError):
    """An answer that is not what the protocol says; the message names the field."""


@dataclass(frozen=True, slots=True)
class EventResult:
    seq: int
    event_id: str
    outcome: Outcome
    conflict: str | None = None
    error: str | None = None
    # with a duplicate of an event head office stored at this seq: the outcome it answered
    # the first time (`conflict` and `error` are that answer's), for a store that lost it
    stored_outcome: Outcome | None = None

    @property
    def effective(self) -> Outcome:
        """What happened to the event at head office: the first outcome when a duplicate
        carries it, else the outcome itself."""
        if self.outcome is Outcome.DUPLICATE and self.stored_outcome is not None:
            return self.stored_outcome
        return self.outcome


@dataclass(frozen=True, slots=True)
class PushAnswer:
    results: tuple[EventResult, ...]
    acked_seq: int
    chain_ok: bool


@dataclass(frozen=True, slots=True)
class MemberSnapshot:
    member: Member
    card_serial: int | None
    account: PointsAccount  # head office's lots and overdraft debt
    balance: int
    flagged: bool
    # member journeys (desktop/core/journeys.py): the last earn or redemption at any store,
    # whether they ever redeemed, and the (journey, period) keys already used anywhere
    last_active_on: date | None = None
    redeemed: bool = False
    journeys: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Delivery:
    delivery_id: str
    gift_id: str
    quantity: int
    note: str
    request_id: str | None = None  # the replenishment request it answers, if any


@dataclass(frozen=True, slots=True)
class Revocation:
    member_no: int
    serial: int


@dataclass(frozen=True, slots=True)
class DayTotals:
    day: date
    redemptions: int
    points: int
    cash_fen: int


@dataclass(frozen=True, slots=True)
class DesignFile:
    occasion: str
    design: Mapping[str, Any]  # validated by the printing layer before it is written


@dataclass(frozen=True, slots=True)
class ChangesPage:
    cursor: int
    more: bool
    members: tuple[MemberSnapshot, ...] = ()
    gifts: tuple[Gift, ...] = ()
    campaigns: tuple[Campaign, ...] = ()
    keys: tuple[IssuerKey, ...] = ()
    revocations: tuple[Revocation, ...] = ()
    deliveries: tuple[Delivery, ...] = ()
    settings: Mapping[str, Any] = field(default_factory=dict)
    designs: tuple[DesignFile, ...] = ()
    totals: tuple[DayTotals, ...] = ()

    @property
    def size(self) -> int:
        """How many changes the page carries (the settings, sent whole, count as one)."""
        return (
            len(self.members)
            + len(self.gifts)
            + len(self.campaigns)
            + len(self.keys)
            + len(self.revocations)
            + len(self.deliveries)
            + (1 if self.settings else 0)
            + len(self.designs)
            + len(self.totals)
        )


# --- reading JSON with a path for every error -------------------------------------------
def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class _At:
    """A JSON object at a path; each accessor checks the type or raises Malformed."""

    def __init__(self, value: Any, path: str) -> None:
        if not isinstance(value, Mapping):
            raise Malformed(f"{path or 'answer'}: expected a JSON object, got {_show(value)}")
        self.value = value
        self.path = path

    def _where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def raw(self, key: str) -> Any:
        if key not in self.value:
            raise Malformed(f"{self._where(key)}: missing")
        return self.value[key]

    def num(self, key: str, *, minimum: int | None = None) -> int:
        v = self.raw(key)
        if isinstance(v, bool) or not isinstance(v, int):
            raise Malformed(f"{self._where(key)}: expected an integer, got {_show(v)}")
        if minimum is not None and v < minimum:
            raise Malformed(f"{self._where(key)}: expected at least {minimum}, got {v}")
        return v

    def flag(self, key: str, default: bool | None = None) -> bool:
        if default is not None and key not in self.value:
            return default
        v = self.raw(key)
        if not isinstance(v, bool):
            raise Malformed(f"{self._where(key)}: expected true or false, got {_show(v)}")
        return v

    def text(self, key: str) -> str:
        v = self.raw(key)
        if not isinstance(v, str) or not v:
            raise Malformed(f"{self._where(key)}: expected non-empty text, got {_show(v)}")
        return v

    def opt_text(self, key: str) -> str | None:
        v = self.value.get(key)
        if v is None:
            return None
        if not isinstance(v, str):
            raise Malformed(f"{self._where(key)}: expected text or null, got {_show(v)}")
        return v

    def opt_num(self, key: str) -> int | None:
        return None if self.value.get(key) is None else self.num(key)

    def day(self, key: str) -> date:
        text = self.text(key)
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        try:
            return datetime.fromisoformat(text).date()
        except ValueError:
            raise Malformed(
                f"{self._where(key)}: expected a day YYYY-MM-DD, got {_show(text)}"
            ) from None

    def opt_day(self, key: str) -> date | None:
        return None if self.value.get(key) is None else self.day(key)

    def instant(self, key: str) -> datetime:
        text = self.text(key)
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            when = None
        if when is None or when.tzinfo is None:
            raise Malformed(
                f"{self._where(key)}: expected a time with an offset "
                f"(2026-11-26T00:00:00+08:00), got {_show(text)}"
            )
        return when

    def opt_instant(self, key: str) -> datetime | None:
        return None if self.value.get(key) is None else self.instant(key)

    def array(self, key: str, *, optional: bool = False) -> list[Any]:
        if optional and self.value.get(key) is None:
            return []
        v = self.raw(key)
        if not isinstance(v, list):
            raise Malformed(f"{self._where(key)}: expected a list, got {_show(v)}")
        return v

    def items(self, key: str, *, optional: bool = True) -> list[_At]:
        where = self._where(key)
        return [_At(v, f"{where}[{i}]") for i, v in enumerate(self.array(key, optional=optional))]


def _domain(path: str, make: Any, *args: Any) -> Any:
    """Build a core value; its own validation errors become Malformed at `path`."""
    try:
        return make(*args)
    except (LanternError, ValueError, TypeError) as e:
        raise Malformed(f"{path}: {e}") from None


# --- push ----------------------------------------------------------------------------------
def parse_push(data: Any) -> PushAnswer:
    a = _At(data, "")
    results = []
    for r in a.items("results", optional=False):
        outcome = _outcome(r, "outcome")
        stored = None
        if r.value.get("stored_outcome") is not None:
            stored = _outcome(r, "stored_outcome")
            if outcome is not Outcome.DUPLICATE or not stored.stored or stored is outcome:
                raise Malformed(
                    f"{r.path}.stored_outcome: {stored.value} cannot come with {outcome.value}"
                )
        results.append(
            EventResult(
                r.num("seq", minimum=1),
                r.text("event_id"),
                outcome,
                r.opt_text("conflict"),
                r.opt_text("error"),
                stored,
            )
        )
    chain = a.text("chain")
    if chain not in ("ok", "mismatch"):
        raise Malformed(f"chain: expected 'ok' or 'mismatch', got {_show(chain)}")
    return PushAnswer(tuple(results), a.num("acked_seq", minimum=0), chain == "ok")


def _outcome(r: _At, key: str) -> Outcome:
    try:
        return Outcome(r.text(key))
    except ValueError:
        known = ", ".join(o.value for o in Outcome)
        raise Malformed(
            f"{r.path}.{key}: expected one of {known}, got {_show(r.raw(key))}"
        ) from None


# --- changes -------------------------------------------------------------------------------
def _lot(x: _At) -> PointLot:
    original = x.num("original", minimum=1)
    remaining = x.num("remaining", minimum=0)
    if remaining > original:
        raise Malformed(f"{x.path}.remaining: {remaining} is more than original {original}")
    return PointLot(
        LotId(x.text("lot_id")), x.day("earned_on"), x.day("expires_on"), original, remaining
    )


def _member(x: _At) -> MemberSnapshot:
    member = _domain(
        x.path,
        Member,
        MemberId(x.text("member_id")),
        x.text("name"),
        _domain(f"{x.path}.tier", Tier, x.text("tier")),
        _domain(f"{x.path}.status", MemberStatus, x.text("status")),
        x.opt_text("card_number") or None,
        x.opt_day("birthday"),
    )
    lots = tuple(_lot(lot) for lot in x.items("lots"))
    if len({lot.lot_id for lot in lots}) != len(lots):
        raise Malformed(f"{x.path}.lots: the same lot id twice")
    serial = x.opt_num("card_serial")
    if serial is not None and not 1 <= serial <= 65535:
        raise Malformed(f"{x.path}.card_serial: expected 1..65535, got {serial}")
    journeys = []
    for i, pair in enumerate(x.array("journeys", optional=True)):
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(v, str) and v for v in pair)
        ):
            raise Malformed(
                f"{x.path}.journeys[{i}]: expected [journey, period], got {_show(pair)}"
            )
        journeys.append((str(pair[0]), str(pair[1])))
    return MemberSnapshot(
        member,
        serial,
        PointsAccount(lots, x.num("debt", minimum=0) if "debt" in x.value else 0),
        x.num("balance"),
        x.flag("flagged", default=False),
        x.opt_day("last_active_on"),
        x.flag("redeemed", default=False),
        tuple(journeys),
    )


def _prices(x: _At) -> tuple[Price, ...]:
    out = []
    for i, p in enumerate(x.array("prices")):
        where = f"{x.path}.prices[{i}]"
        if (
            not isinstance(p, Sequence)
            or isinstance(p, str)
            or len(p) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in p)
        ):
            raise Malformed(f"{where}: expected [points, cash_fen], got {_show(p)}")
        out.append(_domain(where, Price, p[0], p[1]))
    return tuple(out)


def _gift(x: _At) -> Gift:
    kind = _domain(f"{x.path}.kind", GiftKind, x.opt_text("kind") or "goods")
    coupon, session = _domain(f"{x.path}.terms", kind_terms, kind, x.value.get("terms"))
    gift: Gift = _domain(
        x.path,
        Gift,
        GiftId(x.text("gift_id")),
        x.text("name_zh"),
        x.text("name_en"),
        x.text("category"),
        _prices(x),
        _domain(f"{x.path}.min_tier", Tier, x.opt_text("min_tier") or "regular"),
        x.opt_instant("active_from"),
        x.opt_instant("active_until"),
        x.num("low_stock_threshold", minimum=0) if "low_stock_threshold" in x.value else 0,
        kind,
        coupon,
        session,
    )
    return gift


def _campaign(x: _At) -> Campaign:
    tiers = x.opt_text("tiers") or ""
    occasion = x.opt_text("occasion")
    campaign: Campaign = _domain(
        x.path,
        Campaign,
        x.text("campaign_id"),
        x.text("name"),
        x.instant("starts"),
        x.instant("ends"),
        x.num("multiplier_permille", minimum=1),
        frozenset(_domain(f"{x.path}.tiers", Tier, t) for t in tiers.split(",") if t),
        _domain(f"{x.path}.occasion", Occasion, occasion) if occasion else None,
    )
    return campaign


def _key(x: _At) -> IssuerKey:
    text = x.text("public")
    try:
        public = bytes.fromhex(text)
    except ValueError:
        public = b""
    if len(public) != 32:
        raise Malformed(f"{x.path}.public: expected 64 hex digits, got {_show(text)}")
    key_id = x.num("key_id", minimum=0)
    if key_id > 255:
        raise Malformed(f"{x.path}.key_id: expected 0..255, got {key_id}")
    return IssuerKey(key_id, public, x.opt_day("not_after"))


def parse_changes(data: Any) -> ChangesPage:
    a = _At(data, "")
    settings = a.value.get("settings") or {}
    if not isinstance(settings, Mapping):
        raise Malformed(f"settings: expected a JSON object, got {_show(settings)}")
    designs = []
    for d in a.items("designs"):
        design = d.raw("design")
        if not isinstance(design, Mapping):
            raise Malformed(f"{d.path}.design: expected a JSON object, got {_show(design)}")
        designs.append(DesignFile(d.text("occasion"), design))
    return ChangesPage(
        cursor=a.num("cursor", minimum=0),
        more=a.flag("more"),
        members=tuple(_member(m) for m in a.items("members")),
        gifts=tuple(_gift(g) for g in a.items("gifts")),
        campaigns=tuple(_campaign(c) for c in a.items("campaigns")),
        keys=tuple(_key(k) for k in a.items("keys")),
        revocations=tuple(
            Revocation(r.num("member_no", minimum=1), r.num("serial", minimum=1))
            for r in a.items("revocations")
        ),
        deliveries=tuple(
            Delivery(
                d.text("delivery_id"),
                d.text("gift_id"),
                d.num("quantity"),
                d.opt_text("note") or "",
                d.opt_text("request_id"),
            )
            for d in a.items("deliveries")
        ),
        settings=dict(settings),
        designs=tuple(designs),
        totals=tuple(
            DayTotals(
                t.day("day"),
                t.num("redemptions", minimum=0),
                t.num("points"),
                t.num("cash_fen"),
            )
            for t in a.items("totals")
        ),
    )


# --- recovery: this store's own stored events ------------------------------------------------
@dataclass(frozen=True, slots=True)
class StoredEvent(ChainedEvent):
    """One of this store's events as head office stored it, with head office's answer."""

    outcome: Outcome
    conflict: str | None
    error: str | None


@dataclass(frozen=True, slots=True)
class StoredEvents:
    events: tuple[StoredEvent, ...]
    more: bool
    acked_seq: int  # head office's newest stored seq of this store
    head_seq: int  # the newest head the store ever pushed (may be beyond acked_seq)
    head_hash: str | None
    flagged: bool
    flag_reason: str | None


def parse_stored_events(data: Any) -> StoredEvents:
    """GET /v1/sync/events (docs/sync-protocol.md, "Recovery")."""
    a = _At(data, "")
    events = []
    for e in a.items("events", optional=False):
        payload = e.raw("payload")
        if not isinstance(payload, Mapping):
            raise Malformed(f"{e.path}.payload: expected a JSON object, got {_show(payload)}")
        try:
            outcome = Outcome(e.text("outcome"))
        except ValueError:
            raise Malformed(f"{e.path}.outcome: unknown {_show(e.raw('outcome'))}") from None
        events.append(
            StoredEvent(
                e.num("seq", minimum=1),
                e.text("event_id"),
                e.text("kind"),
                dict(payload),
                e.text("created_at"),
                e.text("prev_hash"),
                e.text("hash"),
                outcome,
                e.opt_text("conflict"),
                e.opt_text("error"),
            )
        )
    head = _At(a.raw("head"), "head")
    return StoredEvents(
        tuple(events),
        a.flag("more"),
        a.num("acked_seq", minimum=0),
        head.num("seq", minimum=0),
        head.opt_text("hash"),
        a.flag("flagged"),
        a.opt_text("flag_reason"),
    )
