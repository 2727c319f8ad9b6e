"""What each kind of store event does at head office (docs/sync-protocol.md, "Event
kinds"). Called inside the event's transaction; raises `Unappliable` when the payload
cannot be applied, and the caller parks the event with that error."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from desktop.core import coupons
from desktop.core.errors import InvalidInput, LanternError, NotFound
from desktop.core.limits import CEILING, BoundExceeded, within_ceiling
from desktop.core.lots import LotId, LotTake
from desktop.core.wire import ConflictKind, EventKind
from headoffice.accounts import apply_account, bounds, expiry_policy, flag_member, load_account
from headoffice.db import Tx
from headoffice.protocol import PushedEvent

# recorded for the reconciliation only; `expiry` too: head office runs expiry itself
RECORDED_ONLY = frozenset(
    {
        EventKind.EXPIRY,
        EventKind.STOCK_RECEIVE,
        EventKind.STOCK_ADJUST,
        EventKind.DAY_OPEN,
        EventKind.DAY_CLOSE,
    }
)
#: The business days an event may fall on: wide enough for any real till clock, narrow
#: enough that every date computed from it (expiry at the end of next year…) exists.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)


class Unappliable(LanternError):
    """The event's payload cannot be applied (unknown member, malformed, contradicts what
    head office already holds). The event is parked with this message."""


def _show(value: Any) -> str:
    """A value for an error text (kept with the parked event), cut short."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _text(p: dict[str, Any], key: str) -> str:
    value = p.get(key)
    if not isinstance(value, str) or not value.strip() or not _is_text(value):
        raise Unappliable(
            f"payload.{key} must be non-empty text of at most 200 characters without NUL, "
            f"got {_show(value)}"
        )
    return value


def _is_text(value: str) -> bool:
    return 0 < len(value) <= 200 and "\x00" not in value


def _opt_text(p: dict[str, Any], key: str) -> str | None:
    return None if p.get(key) is None else _text(p, key)


def _whole(p: dict[str, Any], key: str, default: int | None = None) -> int:
    value = p.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= CEILING:
        raise Unappliable(
            f"payload.{key} must be a whole number from 0 to {CEILING:,}, got {_show(value)}"
        )
    return value


def _amount(tx: Tx, p: dict[str, Any], key: str, bound: str, default: int | None = None) -> int:
    """A points or fen value within the programme's bound `bound` (setting `bounds`, the
    same limits the stores enforce: desktop/core/limits.py)."""
    value = _whole(p, key, default)
    try:
        return bounds(tx).check(bound, within_ceiling(value, f"payload.{key}"), f"payload.{key}")
    except BoundExceeded as e:
        raise Unappliable(str(e)) from None


def _when(p: dict[str, Any], event: PushedEvent) -> tuple[str, date]:
    """The event's time as the store wrote it, and its business day (the store writes
    local time with its offset, so the date part is the store's calendar day)."""
    at = p.get("at", event.created_at)
    if not isinstance(at, str) or len(at) > 50 or not (at.isascii() and at.isprintable()):
        raise Unappliable(f"payload.at must be an ISO 8601 time, got {_show(at)}")
    try:
        when = datetime.fromisoformat(at)
    except ValueError:
        raise Unappliable(f"payload.at must be an ISO 8601 time, got {_show(at)}") from None
    if not FIRST_DAY <= when.date() <= LAST_DAY:
        raise Unappliable(
            f"payload.at {at} is not a business day Lantern accepts ({FIRST_DAY} to {LAST_DAY})"
        )
    return at, when.date()


def apply_event(tx: Tx, store_id: str, event: PushedEvent) -> tuple[ConflictKind, ...]:
    """Apply one event's effect; returns the conflicts it was applied with."""
    if event.kind in RECORDED_ONLY:
        return ()
    handler = _HANDLERS.get(event.kind)
    if handler is None:
        raise Unappliable(f"unknown event kind {event.kind!r}")
    try:
        return handler(tx, store_id, event)
    except NotFound as e:
        raise Unappliable(str(e)) from e
    except InvalidInput as e:  # the core refused the arithmetic (e.g. a void of unknown lots)
        raise Unappliable(str(e)) from e


def _redemption(tx: Tx, store_id: str, event: PushedEvent) -> tuple[ConflictKind, ...]:
    """Never refused: the gift has left the store. Spends from the member's lots earliest
    expiry first; a shortfall becomes debt (a negative balance) and flags the member."""
    p = event.payload
    redemption_id = _text(p, "redemption_id")
    member_id = _text(p, "member_id")
    points = _amount(tx, p, "points", "redemption_points")
    cash_fen = _amount(tx, p, "cash_fen", "redemption_cash_fen", 0)
    receipt = p.get("receipt_no")
    receipt_no = receipt if isinstance(receipt, str) and _is_text(receipt) else None
    replay_key = _opt_text(p, "replay_key")
    voucher_no = _opt_text(p, "voucher_no")
    at, day = _when(p, event)
    issued = _coupons(p)
    known = tx.one("SELECT store_id FROM redemptions WHERE redemption_id = ?", (redemption_id,))
    if known is not None:
        raise Unappliable(
            f"redemption {redemption_id} is already recorded (from store {known['store_id']})"
        )
    before = load_account(tx, member_id)
    conflicts: list[ConflictKind] = []
    overdraft = 0
    if points:
        spend = before.spend(points, day, allow_overdraft=True)
        apply_account(tx, member_id, before, spend.account, "redeem", redemption_id, at, store_id)
        overdraft = spend.overdraft
        if overdraft:
            conflicts.append(ConflictKind.OVERDRAFT)
            flag_member(
                tx,
                member_id,
                f"overdraft of {overdraft} points: redemption {receipt_no or redemption_id} "
                f"at store {store_id} on {day}",
            )
    if replay_key is not None:
        first = _use_code(tx, replay_key, store_id, member_id, redemption_id, at)
        if first is not None:
            conflicts.append(ConflictKind.CODE_REPLAYED)
            flag_member(
                tx,
                member_id,
                f"phone code used again: redemption {receipt_no or redemption_id} at store "
                f"{store_id}, first used for redemption {first[1]} at store {first[0]}",
            )
    if voucher_no is not None:
        first_use = _use_voucher(tx, store_id, voucher_no, redemption_id, p, at)
        if first_use is not None:
            conflicts.append(ConflictKind.VOUCHER_REPEATED)
            flag_member(
                tx,
                member_id,
                f"paper voucher {voucher_no} keyed in again: redemption "
                f"{receipt_no or redemption_id} at store {store_id}, first keyed in as "
                f"redemption {first_use}",
            )
    tx.execute(
        "INSERT INTO redemptions (redemption_id, store_id, seq, member_id, receipt_no, "
        "business_day, points, cash_fen, overdraft, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            redemption_id,
            store_id,
            event.seq,
            member_id,
            receipt_no,
            day.isoformat(),
            points,
            cash_fen,
            overdraft,
            at,
        ),
    )
    for gift_id, code, valid_until in issued:
        if tx.one("SELECT redemption_id FROM coupons WHERE code = ?", (code,)) is not None:
            raise Unappliable(f"coupon code {code[:4]}… of redemption {redemption_id} exists")
        tx.execute(
            "INSERT INTO coupons (code, redemption_id, store_id, gift_id, valid_until) "
            "VALUES (?, ?, ?, ?, ?)",
            (code, redemption_id, store_id, gift_id, valid_until),
        )
    tx.changed("member", member_id)
    tx.changed("total", day.isoformat(), store_id)
    return tuple(conflicts)


def _coupons(p: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The payload's coupons as (gift, code, valid until): each a well-formed code with its
    check character, for a gift of the redemption's lines, no more than its quantity."""
    raw = p.get("coupons", [])
    if not isinstance(raw, list):
        raise Unappliable(f"payload.coupons must be a list, got {_show(raw)}")
    lines = p.get("lines")
    units: dict[str, int] = {}
    for line in lines if isinstance(lines, list) else []:
        if (
            isinstance(line, list)
            and len(line) == 4
            and isinstance(line[0], str)
            and isinstance(line[1], int)
            and not isinstance(line[1], bool)
        ):
            units[line[0]] = units.get(line[0], 0) + line[1]
    out = []
    for item in raw:
        if not (
            isinstance(item, list) and len(item) == 3 and all(isinstance(v, str) for v in item)
        ):
            raise Unappliable(
                f"payload.coupons items must be [gift_id, code, valid_until], got {_show(item)}"
            )
        gift_id, code, until = item
        if coupons.normalise(code) != code:
            raise Unappliable(f"payload.coupons: {_show(code)} is not a coupon code")
        try:
            date.fromisoformat(until)
        except ValueError:
            raise Unappliable(
                f"payload.coupons: valid until {_show(until)} is not a date"
            ) from None
        units[gift_id] = units.get(gift_id, 0) - 1
        if units[gift_id] < 0:
            raise Unappliable(
                f"payload.coupons: more coupons for gift {_show(gift_id)} than its lines redeem"
            )
        out.append((gift_id, code, until))
    return out


def _use_code(
    tx: Tx, replay_key: str, store_id: str, member_id: str, redemption_id: str, at: str
) -> tuple[str, str] | None:
    """Record a phone code's use; (store, redemption) of its first use when it was used
    before. The member row is locked, and a replay key names its member, so two uses of
    one code cannot race past each other."""
    inserted = tx.execute(
        "INSERT INTO code_uses (replay_key, store_id, member_id, redemption_id, used_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (replay_key) DO NOTHING",
        (replay_key, store_id, member_id, redemption_id, at),
    )
    if inserted:
        return None
    row = tx.one(
        "SELECT store_id, redemption_id FROM code_uses WHERE replay_key = ?", (replay_key,)
    )
    assert row is not None
    return str(row["store_id"]), str(row["redemption_id"])


def _use_voucher(
    tx: Tx, store_id: str, voucher_no: str, redemption_id: str, p: dict[str, Any], at: str
) -> str | None:
    """Record a paper voucher number for its store; the redemption that first used it when
    the store already sent it."""
    inserted = tx.execute(
        "INSERT INTO paper_vouchers (store_id, voucher_no, redemption_id, keyed_in_by, "
        "written_at, at) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (store_id, voucher_no) DO NOTHING",
        (store_id, voucher_no, redemption_id, _opt_text(p, "keyed_in_by"),
         _opt_text(p, "written_at"), at),
    )  # fmt: skip
    if inserted:
        return None
    row = tx.one(
        "SELECT redemption_id FROM paper_vouchers WHERE store_id = ? AND voucher_no = ?",
        (store_id, voucher_no),
    )
    assert row is not None
    return str(row["redemption_id"])


def _void(tx: Tx, store_id: str, event: PushedEvent) -> tuple[ConflictKind, ...]:
    """Give back exactly what that redemption took at head office: its lot takes go back
    to their lots and its overdraft is cancelled (core `PointsAccount.restore`)."""
    p = event.payload
    void_id = _text(p, "void_id")
    redemption_id = _text(p, "redemption_id")
    at, day = _when(p, event)
    red = tx.one(
        "SELECT * FROM redemptions WHERE redemption_id = ?" + tx.for_update, (redemption_id,)
    )
    if red is None:
        raise Unappliable(
            f"void of redemption {redemption_id}, which head office has not applied "
            "(was the redemption parked?)"
        )
    if red["store_id"] != store_id:
        raise Unappliable(f"redemption {redemption_id} belongs to store {red['store_id']}")
    if red["void_id"] is not None:
        raise Unappliable(f"redemption {redemption_id} was already voided by {red['void_id']}")
    member_id = str(red["member_id"])
    if p.get("member_id", member_id) != member_id:
        raise Unappliable(f"redemption {redemption_id} is member {member_id}'s, not the void's")
    before = load_account(tx, member_id)
    moves = tx.all(
        "SELECT lot_id, delta FROM ledger WHERE ref = ? AND kind = 'redeem' AND member_id = ?",
        (redemption_id, member_id),
    )
    takes = tuple(LotTake(LotId(m["lot_id"]), -int(m["delta"])) for m in moves if m["lot_id"])
    overdraft = sum(-int(m["delta"]) for m in moves if m["lot_id"] is None)
    after, _ = before.restore(
        takes, overdraft, day=day, policy=expiry_policy(tx), excess_lot_id=LotId(f"{void_id}-x")
    )
    if after != before:
        apply_account(tx, member_id, before, after, "void", void_id, at, store_id)
    tx.execute(
        "UPDATE redemptions SET void_id = ?, voided_at = ? WHERE redemption_id = ?",
        (void_id, at, redemption_id),
    )
    tx.execute(
        "UPDATE coupons SET voided_at = ? WHERE redemption_id = ? AND voided_at IS NULL",
        (at, redemption_id),
    )
    tx.changed("member", member_id)
    tx.changed("total", str(red["business_day"]), store_id)
    return ()


def _earn(tx: Tx, store_id: str, event: PushedEvent) -> tuple[ConflictKind, ...]:
    """A lot with the event's earn_id as lot id, expiring by head office's policy (points
    first pay off any overdraft debt, as the core decides)."""
    p = event.payload
    earn_id = _text(p, "earn_id")
    member_id = _text(p, "member_id")
    points = _amount(tx, p, "points", "earn_points")
    at, day = _when(p, event)
    before = load_account(tx, member_id)
    if not points:
        return ()
    if tx.one("SELECT member_id FROM lots WHERE lot_id = ?", (earn_id,)) is not None:
        raise Unappliable(f"a lot {earn_id} already exists: the earn was applied before")
    result = before.earn(LotId(earn_id), points, day, expiry_policy(tx))
    apply_account(tx, member_id, before, result.account, "earn", earn_id, at, store_id)
    return ()


def _replenishment(tx: Tx, store_id: str, event: PushedEvent) -> tuple[ConflictKind, ...]:
    """A store asks for more of a gift: listed for head office (`lantern headoffice
    replenishments`) until a delivery naming it answers it."""
    p = event.payload
    request_id = _text(p, "request_id")
    gift_id = _text(p, "gift_id")
    quantity = _whole(p, "quantity")
    if quantity <= 0:
        raise Unappliable(f"payload.quantity must be greater than zero, got {quantity}")
    stock = _whole(p, "stock")
    threshold = _whole(p, "threshold")
    staff_id = _text(p, "staff_id")
    note = _opt_text(p, "note")
    at, _ = _when(p, event)
    known = tx.one(
        "SELECT store_id FROM replenishment_requests WHERE request_id = ?", (request_id,)
    )
    if known is not None:
        raise Unappliable(
            f"replenishment request {request_id} is already recorded (from store "
            f"{known['store_id']})"
        )
    tx.execute(
        "INSERT INTO replenishment_requests (request_id, store_id, seq, gift_id, quantity, "
        "stock, threshold, staff_id, note, requested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (request_id, store_id, event.seq, gift_id, quantity, stock, threshold, staff_id, note, at),
    )
    return ()


JOURNEYS = frozenset({"welcome_back", "starter", "birthday"})


def _journey(tx: Tx, store_id: str, event: PushedEvent) -> tuple[ConflictKind, ...]:
    """A member journey used at a store. Head office applies a (member, journey, period)
    once: the first use's bonus points become a lot named by its use id (ledger kind
    'earn'); a second use from another store is recorded and credits nothing (conflict
    journey_repeated). A gift it gave has left that store either way."""
    p = event.payload
    use_id = _text(p, "use_id")
    member_id = _text(p, "member_id")
    journey = _text(p, "journey")
    if journey not in JOURNEYS:
        raise Unappliable(
            f"payload.journey must be one of {sorted(JOURNEYS)}, got {_show(journey)}"
        )
    period = _text(p, "period")
    bonus = _amount(tx, p, "bonus_points", "earn_points")
    gift_id = _opt_text(p, "gift_id")
    redemption_id = _opt_text(p, "redemption_id")
    dormant = p.get("dormant_days")
    if dormant is not None:
        dormant = _whole(p, "dormant_days")
    at, day = _when(p, event)
    if tx.one("SELECT use_id FROM journey_uses WHERE use_id = ?", (use_id,)) is not None:
        raise Unappliable(f"journey use {use_id} is already recorded")
    before = load_account(tx, member_id)  # locks the member: two stores' uses queue here
    first = tx.one(
        "SELECT use_id, store_id FROM journey_uses WHERE member_id = ? AND journey = ? "
        "AND period = ? AND repeated_of IS NULL",
        (member_id, journey, period),
    )
    conflicts: tuple[ConflictKind, ...] = ()
    credited = 0
    if first is None:
        if bonus:
            if tx.one("SELECT member_id FROM lots WHERE lot_id = ?", (use_id,)) is not None:
                raise Unappliable(f"a lot {use_id} already exists: the journey was applied before")
            result = before.earn(LotId(use_id), bonus, day, expiry_policy(tx))
            apply_account(tx, member_id, before, result.account, "earn", use_id, at, store_id)
            credited = bonus
    else:
        conflicts = (ConflictKind.JOURNEY_REPEATED,)
    tx.execute(
        "INSERT INTO journey_uses (use_id, store_id, seq, member_id, journey, period, "
        "bonus_points, gift_id, redemption_id, dormant_days, repeated_of, at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            use_id,
            store_id,
            event.seq,
            member_id,
            journey,
            period,
            credited,
            gift_id,
            redemption_id,
            dormant,
            None if first is None else str(first["use_id"]),
            at,
        ),
    )
    tx.changed("member", member_id)
    return conflicts


_HANDLERS: dict[str, Callable[[Tx, str, PushedEvent], tuple[ConflictKind, ...]]] = {
    EventKind.REDEMPTION: _redemption,
    EventKind.VOID: _void,
    EventKind.EARN: _earn,
    EventKind.REPLENISHMENT: _replenishment,
    EventKind.JOURNEY: _journey,
}
