"""The transactional outbox: events written in the same transaction as their effect.

Each event has a UUID, a per-store sequence number and a SHA-256 hash chaining it to the
event before, so head office can tell an edited store database even if someone recomputed
the cached balances."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Mapping
from typing import Any

from desktop.core import chain
from desktop.core.wire import ChainedEvent

# the chain both ends compute (desktop/core/chain.py), under the names the store uses
GENESIS = chain.GENESIS
canonical = chain.canonical
chain_hash = chain.chain_hash
Event = ChainedEvent  # an outbox row (desktop/core/wire.py)


def append(conn: sqlite3.Connection, kind: str, payload: Mapping[str, Any], at: str) -> Event:
    """Append one event; must run inside the transaction that makes its effect."""
    row = conn.execute("SELECT seq, hash FROM outbox ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (row[0] + 1, row[1]) if row else (1, GENESIS)
    event_id = str(uuid.uuid4())
    body = canonical(payload)
    digest = chain_hash(prev, seq, event_id, kind, body, at)
    conn.execute(
        "INSERT INTO outbox (seq, event_id, kind, payload, created_at, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (seq, event_id, kind, body, at, prev, digest),
    )
    return Event(seq, event_id, kind, dict(payload), at, prev, digest)


def events(conn: sqlite3.Connection, after_seq: int = 0, limit: int = 1000) -> list[Event]:
    return [
        Event(
            r["seq"],
            r["event_id"],
            r["kind"],
            json.loads(r["payload"]),
            r["created_at"],
            r["prev_hash"],
            r["hash"],
        )
        for r in conn.execute(
            "SELECT * FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?", (after_seq, limit)
        )
    ]


def _epoch_follows(r: sqlite3.Row, last: int) -> bool:
    if r["kind"] != "epoch" or r["seq"] <= last:
        return False
    try:
        return bool(json.loads(r["payload"]).get("after_seq") == last)
    except (ValueError, AttributeError):
        return False


def chain_problems(conn: sqlite3.Connection) -> list[str]:
    """Verify sequence numbers and the hash chain from the first event to the head. An
    `epoch` event (a recovery, desktop/store/recovery.py) may jump over the seqs a lost
    database used, when it names the seq it follows."""
    problems, prev, expected = [], GENESIS, 1
    for r in conn.execute("SELECT * FROM outbox ORDER BY seq"):
        if r["seq"] != expected and not _epoch_follows(r, expected - 1):
            problems.append(f"outbox: sequence jumps from {expected - 1} to {r['seq']}")
        if r["prev_hash"] != prev:
            problems.append(f"outbox: event {r['seq']} does not chain to the event before")
        digest = chain_hash(
            r["prev_hash"], r["seq"], r["event_id"], r["kind"], r["payload"], r["created_at"]
        )
        if digest != r["hash"]:
            problems.append(f"outbox: event {r['seq']} was altered (hash mismatch)")
        prev, expected = r["hash"], r["seq"] + 1
    return problems
