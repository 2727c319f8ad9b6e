"""The shapes of sync protocol v1 (docs/sync-protocol.md): a push body parsed into values,
outcomes and conflicts. Anything malformed is a `BadRequest` (HTTP 400) that says what."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from desktop.core.errors import InvalidInput, NotAllowed

PROTOCOL_VERSION = 1
MAX_EVENTS_PER_PUSH = 1000
MAX_CHANGES_PER_PAGE = 1000
DEFAULT_CHANGES_PER_PAGE = 200
HASH_HEX = 64


class BadRequest(InvalidInput):
    """A request body or query that does not follow the protocol."""


class Unauthorized(NotAllowed):
    """Unknown or revoked store, or a wrong secret (HTTP 401, nothing else said)."""


class Outcome(enum.Enum):
    APPLIED = "applied"
    APPLIED_WITH_CONFLICT = "applied_with_conflict"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"
    OUT_OF_ORDER = "out_of_order"


class ConflictKind(enum.Enum):
    OVERDRAFT = "overdraft"  # the member's lots at head office could not cover it
    CODE_REPLAYED = "code_replayed"  # the phone code was already used for another redemption


@dataclass(frozen=True, slots=True)
class PushedEvent:
    seq: int
    event_id: str
    kind: str
    payload: dict[str, Any]
    created_at: str
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class Head:
    seq: int
    hash: str | None  # None only for seq 0 (a store with no events yet)


@dataclass(frozen=True, slots=True)
class PushBody:
    store_id: str
    events: tuple[PushedEvent, ...]
    head: Head


@dataclass(frozen=True, slots=True)
class EventResult:
    seq: int
    event_id: str
    outcome: Outcome
    conflicts: tuple[ConflictKind, ...] = ()
    error: str | None = None
    # a duplicate of an event stored at this seq: what head office answered the first time
    # (with its conflicts and error), so a store whose answer was lost still learns it
    stored: Outcome | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "seq": self.seq,
            "event_id": self.event_id,
            "outcome": self.outcome.value,
        }
        if self.stored is not None:
            out["stored_outcome"] = self.stored.value
        if self.conflicts:
            # one conflict answers "conflict"; the more serious one when there are two
            # (a replayed code may be fraud; the overdraft is then its consequence)
            kinds = sorted(self.conflicts, key=lambda c: c is not ConflictKind.CODE_REPLAYED)
            out["conflict"] = kinds[0].value
            out["conflicts"] = [c.value for c in kinds]
        if self.error is not None:
            out["error"] = self.error
        return out


def _int(value: Any, what: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f"{what} must be a whole number, got {value!r}")
    if value < minimum:
        raise BadRequest(f"{what} must be at least {minimum}, got {value}")
    return value


def _text(value: Any, what: str, *, max_len: int = 200) -> str:
    if not isinstance(value, str) or not value or len(value) > max_len:
        raise BadRequest(f"{what} must be non-empty text of at most {max_len} characters")
    return value


def _hash(value: Any, what: str) -> str:
    text = _text(value, what)
    if len(text) != HASH_HEX or any(c not in "0123456789abcdef" for c in text):
        raise BadRequest(f"{what} must be 64 lowercase hex digits (a SHA-256)")
    return text


def parse_event(raw: Any, index: int) -> PushedEvent:
    where = f"events[{index}]"
    if not isinstance(raw, dict):
        raise BadRequest(f"{where} must be an object")
    missing = [
        k
        for k in ("seq", "event_id", "kind", "payload", "created_at", "prev_hash", "hash")
        if k not in raw
    ]
    if missing:
        raise BadRequest(f"{where} lacks {', '.join(missing)}")
    if not isinstance(raw["payload"], dict):
        raise BadRequest(f"{where}.payload must be an object")
    return PushedEvent(
        seq=_int(raw["seq"], f"{where}.seq", 1),
        event_id=_text(raw["event_id"], f"{where}.event_id"),
        kind=_text(raw["kind"], f"{where}.kind", max_len=50),
        payload=raw["payload"],
        created_at=_text(raw["created_at"], f"{where}.created_at", max_len=50),
        prev_hash=_hash(raw["prev_hash"], f"{where}.prev_hash"),
        hash=_hash(raw["hash"], f"{where}.hash"),
    )


def parse_push(body: Any, store_id: str) -> PushBody:
    """A push body from an authenticated store, checked for shape (not for content:
    an event whose payload cannot be applied is parked, not refused)."""
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    claimed = body.get("store_id", store_id)
    if claimed != store_id:
        raise BadRequest(f"store_id {claimed!r} in the body is not the authenticated store")
    events = body.get("events")
    if not isinstance(events, list):
        raise BadRequest("events must be a list (empty when there is nothing to send)")
    if len(events) > MAX_EVENTS_PER_PUSH:
        raise BadRequest(f"at most {MAX_EVENTS_PER_PUSH} events per push, got {len(events)}")
    if "head" not in body:
        raise BadRequest("head is required: the store's newest event {seq, hash}")
    raw_head = body["head"]
    if raw_head is None:
        head = Head(0, None)
    elif isinstance(raw_head, dict):
        seq = _int(raw_head.get("seq"), "head.seq", 0)
        hash_ = raw_head.get("hash")
        head = Head(seq, None if seq == 0 and hash_ is None else _hash(hash_, "head.hash"))
    else:
        raise BadRequest("head must be an object {seq, hash}")
    parsed = tuple(parse_event(e, i) for i, e in enumerate(events))
    return PushBody(store_id, parsed, head)


def parse_changes_query(since: Any, limit: Any) -> tuple[int, int]:
    """`since` and `limit` from a query string (text) or from Python (ints)."""

    def number(value: Any, what: str, default: int) -> int:
        if value is None or value == "":
            return default
        if isinstance(value, str):
            if not (value.isascii() and value.isdigit()) or len(value) > 18:
                raise BadRequest(f"{what} must be a whole number, got {value!r}")
            value = int(value)
        return _int(value, what, 0)

    since_n = number(since, "since", 0)
    limit_n = number(limit, "limit", DEFAULT_CHANGES_PER_PAGE)
    if not 1 <= limit_n <= MAX_CHANGES_PER_PAGE:
        raise BadRequest(f"limit must be 1..{MAX_CHANGES_PER_PAGE}, got {limit_n}")
    return since_n, limit_n
