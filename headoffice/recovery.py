"""A store that lost its disk or went back to a backup comes back whole (issue #10).

Two pieces of head office's side of the recovery (docs/sync-protocol.md, "Recovery"):

- `stored_events`: the events of one store head office stored, in seq order, exactly as
  pushed (payload, hashes, outcome), so the store can take back what it lost
  (`GET /v1/sync/events`).
- `epoch_gap`: an `epoch` event starts a store's new epoch. It may jump over sequence
  numbers (those the lost database used and never delivered, which must never be used
  again) only when it continues the chain exactly where head office holds it: its
  `after_seq` is head office's newest stored seq and its `prev_hash` that event's hash
  (checked by the ordinary chain rules); the store puts it beyond every seq it ever named
  (a seq at or below the head it pushed would meet that head's hash: a mismatch). Head
  office then lifts the store's flag (`lift_flag`).
"""

from __future__ import annotations

import json
from typing import Any

from desktop.core.wire import EventKind
from headoffice.db import Tx
from headoffice.protocol import BadRequest, PushedEvent

EPOCH = EventKind.EPOCH
MAX_EVENTS_PER_PAGE = 1000


def parse_events_query(since: Any, limit: Any) -> tuple[int, int]:
    def number(value: Any, what: str, default: int) -> int:
        if value is None or value == "":
            return default
        text = str(value)
        if not (text.isascii() and text.isdigit()) or len(text) > 18:
            raise BadRequest(f"{what} must be a whole number, got {value!r}")
        return int(text)

    since_n = number(since, "since", 0)
    limit_n = number(limit, "limit", 500)
    if not 1 <= limit_n <= MAX_EVENTS_PER_PAGE:
        raise BadRequest(f"limit must be 1..{MAX_EVENTS_PER_PAGE}, got {limit_n}")
    return since_n, limit_n


def stored_events(tx: Tx, store_id: str, since: int, limit: int) -> dict[str, Any]:
    """One page of the store's stored events after `since`, with what head office knows of
    the store's chain: the newest stored seq, the newest head the store pushed, the flag."""
    rows = tx.all(
        "SELECT seq, event_id, kind, payload, created_at, prev_hash, hash, outcome, conflict, "
        "error FROM store_events WHERE store_id = ? AND seq > ? ORDER BY seq LIMIT ?",
        (store_id, since, limit + 1),
    )
    more = len(rows) > limit
    store = tx.one(
        "SELECT head_seq, head_hash, flagged, flag_reason FROM stores WHERE store_id = ?",
        (store_id,),
    )
    acked = tx.scalar(
        "SELECT COALESCE(MAX(seq), 0) FROM store_events WHERE store_id = ?", (store_id,)
    )
    assert store is not None  # authenticated
    return {
        "events": [
            {
                "seq": int(r["seq"]),
                "event_id": r["event_id"],
                "kind": r["kind"],
                "payload": json.loads(r["payload"]),
                "created_at": r["created_at"],
                "prev_hash": r["prev_hash"],
                "hash": r["hash"],
                "outcome": r["outcome"],
                "conflict": r["conflict"],
                "error": r["error"],
            }
            for r in rows[:limit]
        ],
        "more": more,
        "acked_seq": int(acked),
        "head": {"seq": int(store["head_seq"]), "hash": store["head_hash"]},
        "flagged": bool(store["flagged"]),
        "flag_reason": store["flag_reason"],
    }


def epoch_gap(event: PushedEvent, last_seq: int) -> str | None:
    """Why this event may not jump from `last_seq` to its seq (None: it may). Only for an
    `epoch` event whose seq is beyond `last_seq + 1`."""
    after = event.payload.get("after_seq")
    if not isinstance(after, int) or isinstance(after, bool) or after != last_seq:
        return (
            f"epoch event {event.seq} says it follows seq {after!r}, but head office's newest "
            f"event of this store is {last_seq}: recover again (`lantern recover`)"
        )
    # a seq at or below the newest head the store ever pushed would meet that head's hash
    # in the chain check (a mismatch): the store starts beyond it (`stored_events` says where)
    return None


def lift_flag(tx: Tx, store_id: str, event: PushedEvent, now: str) -> None:
    """The chain continues correctly after a recovery: the store is no longer flagged."""
    epoch = event.payload.get("epoch")
    tx.execute(
        "UPDATE stores SET flagged = 0, flag_reason = ? WHERE store_id = ?",
        (
            f"{now} flag lifted: epoch {epoch} continues the chain after seq "
            f"{event.payload.get('after_seq')} (event {event.seq})"[:2000],
            store_id,
        ),
    )
