"""Idempotency keys: the request id of every till operation a retry may repeat (a double
click, a double Enter, a resend after a timeout), with a hash of what it asked for and a
reference to what it did. Recorded in the transaction of the operation itself."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Any

from desktop.core.errors import Conflict


def content_hash(content: dict[str, Any]) -> str:
    body = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def seen(
    conn: sqlite3.Connection, request_id: str, kind: str, content: dict[str, Any]
) -> str | None:
    """The result of an earlier identical request, or None if this one is new.
    The same id with different content is refused: a retry must repeat itself exactly."""
    row = conn.execute(
        "SELECT kind, content_hash, result_ref FROM requests WHERE request_id = ?",
        (request_id,),
    ).fetchone()
    if row is None:
        return None
    if row["kind"] != kind or row["content_hash"] != content_hash(content):
        raise Conflict(
            f"request id {request_id} was already used for a different {row['kind']}; "
            "start a new transaction (nothing was changed)"
        )
    return str(row["result_ref"])


def record(
    conn: sqlite3.Connection,
    request_id: str,
    kind: str,
    content: dict[str, Any],
    result_ref: str,
    at: str,
) -> None:
    conn.execute(
        "INSERT INTO requests (request_id, kind, content_hash, result_ref, at) "
        "VALUES (?, ?, ?, ?, ?)",
        (request_id, kind, content_hash(content), result_ref, at),
    )
