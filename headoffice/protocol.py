"""The shapes of sync protocol v1 (docs/sync-protocol.md): a push body parsed into values,
outcomes and conflicts. Anything malformed is a `BadRequest` (HTTP 400) that says what."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from desktop.core.errors import InvalidInput, NotAllowed
from desktop.core.limits import CEILING
from desktop.core.wire import ChainedEvent, ConflictKind, Outcome

MAX_EVENTS_PER_PUSH = 1000
MAX_CHANGES_PER_PAGE = 1000
DEFAULT_CHANGES_PER_PAGE = 200
HASH_HEX = 64
#: The deepest nesting of arrays and objects a body may have (a real push nests 5 deep).
MAX_DEPTH = 32
#: No seq, count or amount in the protocol is larger (desktop.core.limits.CEILING): far
#: below a 64-bit column's 2^63, on SQLite and PostgreSQL alike.
MAX_NUMBER = CEILING


class BadRequest(InvalidInput):
    """A request body or query that does not follow the protocol."""


class UnsupportedMediaType(BadRequest):
    """A body sent with a content type that is not JSON (HTTP 415)."""


class Unauthorized(NotAllowed):
    """Unknown or revoked store, or a wrong secret (HTTP 401, nothing else said)."""


PushedEvent = ChainedEvent  # an event as a store pushed it (desktop/core/wire.py)


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
            # (a replayed code or a repeated paper voucher may be fraud; the overdraft is
            # then its consequence)
            kinds = sorted(self.conflicts, key=lambda c: c is ConflictKind.OVERDRAFT)
            out["conflict"] = kinds[0].value
            out["conflicts"] = [c.value for c in kinds]
        if self.error is not None:
            out["error"] = self.error
        return out


def _int(value: Any, what: str, minimum: int, maximum: int = MAX_NUMBER) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f"{what} must be a whole number, got {_show(value)}")
    if value < minimum:
        raise BadRequest(f"{what} must be at least {minimum}, got {_show(value)}")
    if value > maximum:
        raise BadRequest(f"{what} must be at most {maximum:,}, got {_show(value)}")
    return value


def _show(value: Any) -> str:
    """A value for an error text, cut short (it may be 16 MB of hostile input)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_values(body: Any) -> None:
    """Refuse what no step may recurse into or hash: nesting deeper than MAX_DEPTH, text
    with lone surrogates (not valid UTF-8, so no store could have hashed it), numbers that
    are not finite. Iterative, so a hostile body cannot exhaust the stack. (A NUL
    character is refused in the event's own fields; inside a payload it is stored
    escaped, and a payload field head office reads parks the event when it holds one.)"""
    stack: list[tuple[Any, int]] = [(body, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise BadRequest(f"the body is nested deeper than {MAX_DEPTH} levels")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str):
                    _check_text(key)
                stack.append((item, depth + 1))
        elif isinstance(value, str):
            _check_text(value)
        elif isinstance(value, float) and not math.isfinite(value):
            raise BadRequest("numbers in the body must be finite")


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest("text in the body must be valid Unicode (no lone surrogates)") from None


def _text(value: Any, what: str, *, max_len: int = 200) -> str:
    if not isinstance(value, str) or not value or len(value) > max_len or "\x00" in value:
        raise BadRequest(
            f"{what} must be non-empty text of at most {max_len} characters, without NUL"
        )
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
        raise BadRequest(f"store_id {_show(claimed)} in the body is not the authenticated store")
    events = body.get("events")
    if not isinstance(events, list):
        raise BadRequest("events must be a list (empty when there is nothing to send)")
    if len(events) > MAX_EVENTS_PER_PUSH:
        raise BadRequest(f"at most {MAX_EVENTS_PER_PUSH} events per push, got {len(events)}")
    check_values(body)
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
