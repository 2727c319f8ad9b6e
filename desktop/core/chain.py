"""The hash chain of a store's event log, shared by both ends of sync.

Each event's hash covers the hash of the event before, so head office can tell an edited
store database even when someone recomputed the cached balances. The store writes the
chain (desktop/store/outbox.py); head office verifies it (headoffice/engine.py). Both must
compute exactly these bytes: see docs/sync-protocol.md.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

GENESIS = "0" * 64  # the prev_hash of a store's first event


def canonical(payload: Mapping[str, Any]) -> str:
    """JSON with sorted keys and no spaces: the text an event's hash covers."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, seq: int, event_id: str, kind: str, body: str, at: str) -> str:
    """sha256(prev_hash ␟ seq ␟ event_id ␟ kind ␟ body ␟ created_at ␟), as hex."""
    h = hashlib.sha256()
    for part in (prev_hash, str(seq), event_id, kind, body, at):
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()


def payload_hash(body: str) -> str:
    """The hash head office keeps to tell a retried event from a reused event id."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()
