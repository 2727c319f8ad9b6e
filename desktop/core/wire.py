"""Sync protocol v1 on the wire, one definition for both ends (docs/sync-protocol.md).

The event kinds a store pushes and the payload each carries, the outcomes head office
answers, the conflicts it reports, and the hash chain (`desktop.core.chain`). The till
builds its payloads as these types, so mypy checks every key it writes; head office reads
them by the same names (`headoffice/events.py`, `headoffice/recovery.py`); the store and
head office parse answers and requests with the same `Outcome` and `ConflictKind`.
`tests/headoffice/test_till_payloads.py` checks every payload a real till wrote against
these shapes and has head office apply them.

Pure: no I/O, no HTTP, no SQL.
"""

# no `from __future__ import annotations`: TypedDict must see NotRequired[...] itself
import enum
from dataclasses import dataclass
from typing import Any, NotRequired, TypedDict

from desktop.core.chain import GENESIS, canonical, chain_hash, payload_hash

__all__ = [
    "GENESIS",
    "PAYLOADS",
    "PROTOCOL_VERSION",
    "SETTING_KEYS",
    "ChainedEvent",
    "ConflictKind",
    "EventKind",
    "Outcome",
    "canonical",
    "chain_hash",
    "payload_hash",
    "shape_problems",
]

PROTOCOL_VERSION = 1

#: The settings a changes page carries (head office's `settings`, sent whole): each one is
#: validated when head office sets it and again by the store that pulls it.
SETTING_KEYS = (
    "offline_limits",
    "expiry_years_kept",
    "bounds",
    "occasions",
    "catalogue",
    "stock_policy",
    "risk_rules",
    "journeys",
)


class EventKind(enum.StrEnum):
    REDEMPTION = "redemption"
    VOID = "void"
    EARN = "earn"
    EXPIRY = "expiry"
    STOCK_RECEIVE = "stock_receive"
    STOCK_ADJUST = "stock_adjust"
    DAY_OPEN = "day_open"
    DAY_CLOSE = "day_close"
    REPLENISHMENT = "replenishment"  # a manager asks head office for more of a gift
    JOURNEY = "journey"  # a member journey applied at the till (desktop/core/journeys.py)
    EPOCH = "epoch"  # a restored store starts a new epoch (docs/sync-protocol.md, Recovery)


class Outcome(enum.Enum):
    """Head office's answer for one pushed event."""

    APPLIED = "applied"
    APPLIED_WITH_CONFLICT = "applied_with_conflict"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"  # parked at head office with its error
    OUT_OF_ORDER = "out_of_order"  # not stored: resend from acked_seq + 1

    @property
    def stored(self) -> bool:
        return self is not Outcome.OUT_OF_ORDER


class ConflictKind(enum.Enum):
    OVERDRAFT = "overdraft"  # the member's lots at head office could not cover it
    CODE_REPLAYED = "code_replayed"  # the phone code was already used for another redemption
    VOUCHER_REPEATED = "voucher_repeated"  # the store already sent this paper voucher number
    # the member already had this journey for this period (at another store): no second bonus
    JOURNEY_REPEATED = "journey_repeated"


@dataclass(frozen=True, slots=True)
class ChainedEvent:
    """One event of a store's log as both ends hold it: the store's outbox row, what a push
    carries, what head office gives back at recovery. `hash` chains it to `prev_hash`
    (`chain_hash`)."""

    seq: int
    event_id: str
    kind: str
    payload: dict[str, Any]
    created_at: str
    prev_hash: str
    hash: str


# --- payloads, one per event kind ------------------------------------------------------------
# [gift_id, quantity, points each, cash_fen each] and [lot_id, points]
Line = list[str | int]
Take = list[str | int]


class RedemptionPayload(TypedDict):
    redemption_id: str
    receipt_no: str
    member_id: str
    cashier_id: str
    lines: list[Line]
    points: int
    cash_fen: int
    lots: list[Take]  # the store's own lot takes; head office spends from its lots
    offline: bool
    override_by: str | None
    code_kind: str
    at: str  # ISO time with the store's offset: its date is the business day
    replay_key: NotRequired[str]  # the phone code that paid for it (first redemption only)
    # a paper fallback voucher keyed in later (code_kind "paper_voucher"): its number,
    # unique per store, the manager who keyed it in and the time written on the paper
    voucher_no: NotRequired[str]
    keyed_in_by: NotRequired[str]
    written_at: NotRequired[str]
    # one [gift_id, code, valid_until ISO date] per coupon unit it issued (coupon gifts only)
    coupons: NotRequired[list[list[str]]]
    risk: NotRequired[list[str]]  # the risk rules it triggered (desktop/core/risk.py)
    verified_by: NotRequired[str]  # the manager who gave the second verification


class VoidPayload(TypedDict):
    void_id: str
    redemption_id: str
    receipt_no: str
    member_id: str
    points: int
    manager_id: str
    cashier_id: str
    reason: str
    at: str


class EarnPayload(TypedDict):
    earn_id: str
    member_id: str
    amount_fen: int
    points: int
    campaign_id: str | None
    cashier_id: str
    at: str


class ExpiryPayload(TypedDict):
    member_id: str
    points: int
    lots: list[Take]


class StockPayload(TypedDict):
    movement_id: str
    gift_id: str
    delta: int
    staff_id: str
    note: str | None
    at: str


class ReplenishmentPayload(TypedDict):
    request_id: str
    gift_id: str
    quantity: int  # units asked for
    stock: int  # on hand when asked
    threshold: int  # the low-stock alert then (desktop/core/stock_policy.py)
    staff_id: str
    note: str | None
    at: str


class DayPayload(TypedDict):
    day: str
    manager_id: str


class JourneyPayload(TypedDict):
    use_id: str  # also the lot id of the bonus points
    journey: str  # "welcome_back" | "starter" | "birthday"
    period: str  # what makes it once: the last-activity day, "first", the birthday year
    member_id: str
    cashier_id: str
    bonus_points: int
    gift_id: str | None  # a gift that left the store's stock at 0 points
    redemption_id: str | None  # the redemption it went with, if any
    dormant_days: int | None  # welcome_back: whole business days since the last activity
    at: str


class EpochPayload(TypedDict):
    epoch: int
    after_seq: int  # the last event the restored store still held
    lost_from: int | None  # events head office heard of but never received, if any
    lost_to: int | None
    renumbered: int  # events made after the restore, appended again after this one
    at: str


PAYLOADS: dict[EventKind, Any] = {
    EventKind.REDEMPTION: RedemptionPayload,
    EventKind.VOID: VoidPayload,
    EventKind.EARN: EarnPayload,
    EventKind.EXPIRY: ExpiryPayload,
    EventKind.STOCK_RECEIVE: StockPayload,
    EventKind.STOCK_ADJUST: StockPayload,
    EventKind.DAY_OPEN: DayPayload,
    EventKind.DAY_CLOSE: DayPayload,
    EventKind.REPLENISHMENT: ReplenishmentPayload,
    EventKind.JOURNEY: JourneyPayload,
    EventKind.EPOCH: EpochPayload,
}


def shape_problems(kind: str, payload: dict[str, Any]) -> list[str]:
    """What keeps `payload` from being the shape its kind declares: an unknown kind, a
    required key missing, a key the protocol does not know. Empty when it fits."""
    try:
        shape = PAYLOADS[EventKind(kind)]
    except ValueError:
        return [f"unknown event kind {kind!r}"]
    required: frozenset[str] = shape.__required_keys__
    known = required | shape.__optional_keys__
    problems = [f"{kind}: {key} missing" for key in sorted(required - payload.keys())]
    problems += [f"{kind}: {key} is not in the protocol" for key in sorted(payload.keys() - known)]
    return problems
