"""Store settings: a key/value table (store id and name, time zone, expiry policy,
offline limits). Values are JSON text."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from desktop.core.errors import LanternError


def get(conn: sqlite3.Connection, key: str, default: Any = None) -> Any:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return default if row is None else json.loads(row[0])


def require(conn: sqlite3.Connection, key: str) -> Any:
    value = get(conn, key)
    if value is None:
        raise LanternError(
            f"store setting {key!r} is missing: run `lantern store init` on this database"
        )
    return value


def put(conn: sqlite3.Connection, key: str, value: Any) -> None:
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, json.dumps(value, ensure_ascii=False)),
    )
