"""The store's integrity check: SQLite's own quick check, every cached figure against its
ledger, the outbox's hash chain, every row against its seal (desktop/store/seals.py).
Read-only."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from desktop.store import catalogue, members, outbox, seals

log = logging.getLogger(__name__)


def problems(
    conn: sqlite3.Connection, path: Path, *, key_from: Path | None = None, anchored: bool = True
) -> list[str]:
    """Every inconsistency found; empty when the store is sound. A damaged file is
    reported as such (restore the last backup), not raised."""
    try:
        found = [f"sqlite: {r[0]}" for r in conn.execute("PRAGMA quick_check") if r[0] != "ok"]
        found += members.ledger_mismatches(conn)
        found += catalogue.stock_mismatches(conn)
        found += outbox.chain_problems(conn)
        found += seals.problems(conn, path, key_from=key_from, anchored=anchored)
        negative = members.unexplained_negative_balances(conn)
    except sqlite3.DatabaseError as e:
        log.error("store database %s is damaged: %s", path, e)
        return [
            f"the store database {path} is damaged ({e}): stop the till and restore the last backup"
        ]
    if negative:
        found.append(f"{negative} member(s) have a negative balance with no recorded overdraft")
    return found
