"""The print queue's rows (table print_jobs, db/store/0004_print_jobs.sql).

Times are ISO 8601 with an offset and compared with julianday(), so instants compare
correctly whatever offset each was written with. A job is claimed before it prints by
moving its next attempt past a lease: two processes on one store (the till and
`lantern print run`) never print the same job at once, and a job whose process died while
printing becomes due again when the lease runs out."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from desktop.core.errors import NotFound

WAITING = ("queued", "failed")


@dataclass(frozen=True)
class QueuedJob:
    job_id: str
    kind: str  # receipt | card
    receipt_no: str
    backend: str
    copy: int  # 0 for the original, N for the Nth reprint
    status: str  # queued | printed | failed | cancelled
    attempts: int
    last_error: str | None
    next_attempt_at: str
    created_at: str
    printed_at: str | None
    reprint_of: str | None


def _job(row: sqlite3.Row) -> QueuedJob:
    return QueuedJob(
        row["job_id"],
        row["kind"],
        row["receipt_no"],
        row["backend"],
        row["copy"],
        row["status"],
        row["attempts"],
        row["last_error"],
        row["next_attempt_at"],
        row["created_at"],
        row["printed_at"],
        row["reprint_of"],
    )


def add(
    conn: sqlite3.Connection,
    job_id: str,
    kind: str,
    receipt_no: str,
    backend: str,
    at: str,
    copy: int = 0,
    reprint_of: str | None = None,
) -> bool:
    """Queue a printout; False (and nothing added) when it is already queued."""
    cur = conn.execute(
        "INSERT INTO print_jobs (job_id, kind, receipt_no, backend, copy, status, attempts, "
        "next_attempt_at, created_at, reprint_of) VALUES (?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?) "
        "ON CONFLICT (receipt_no, kind, backend, copy) DO NOTHING",
        (job_id, kind, receipt_no, backend, copy, at, at, reprint_of),
    )
    return cur.rowcount == 1


def get(conn: sqlite3.Connection, job_id: str) -> QueuedJob:
    row = conn.execute("SELECT * FROM print_jobs WHERE job_id = ?", (job_id,)).fetchone()
    if row is None:
        raise NotFound(f"no print job {job_id!r}: `lantern print queue` lists them")
    return _job(row)


def find(conn: sqlite3.Connection, prefix: str) -> QueuedJob:
    """A job by its id or an unambiguous start of it (as the queue listing shows them)."""
    rows = conn.execute(
        "SELECT * FROM print_jobs WHERE job_id >= ? AND job_id < ? LIMIT 2",
        (prefix, prefix + "\uffff"),
    ).fetchall()
    if len(rows) == 1 and prefix:
        return _job(rows[0])
    if len(rows) > 1:
        raise NotFound(f"print job {prefix!r} is ambiguous: give more of its id")
    raise NotFound(f"no print job {prefix!r}: `lantern print queue` lists them")


def due(conn: sqlite3.Connection, now: str, receipt_no: str | None = None) -> list[QueuedJob]:
    """Jobs waiting whose time has come: oldest first, a receipt before its card."""
    sql = (
        "SELECT * FROM print_jobs WHERE status IN ('queued', 'failed') "
        "AND julianday(next_attempt_at) <= julianday(?)"
    )
    params: tuple[str, ...] = (now,)
    if receipt_no is not None:
        sql += " AND receipt_no = ?"
        params += (receipt_no,)
    sql += " ORDER BY julianday(created_at), receipt_no, kind DESC, copy, backend"
    return [_job(r) for r in conn.execute(sql, params)]


def waiting(conn: sqlite3.Connection) -> list[QueuedJob]:
    """Every job not yet printed (queued, or failed and waiting for a retry)."""
    return [
        _job(r)
        for r in conn.execute(
            "SELECT * FROM print_jobs WHERE status IN ('queued', 'failed') "
            "ORDER BY julianday(created_at), receipt_no, kind DESC, copy, backend"
        )
    ]


def for_receipt(conn: sqlite3.Connection, receipt_no: str) -> list[QueuedJob]:
    return [
        _job(r)
        for r in conn.execute(
            "SELECT * FROM print_jobs WHERE receipt_no = ? ORDER BY kind DESC, copy, backend",
            (receipt_no,),
        )
    ]


def claim(conn: sqlite3.Connection, job_id: str, now: str, lease_until: str) -> bool:
    """Take a due job for printing (one attempt more); False if another process has it."""
    cur = conn.execute(
        "UPDATE print_jobs SET attempts = attempts + 1, next_attempt_at = ? "
        "WHERE job_id = ? AND status IN ('queued', 'failed') "
        "AND julianday(next_attempt_at) <= julianday(?)",
        (lease_until, job_id, now),
    )
    return cur.rowcount == 1


def mark_printed(conn: sqlite3.Connection, job_id: str, at: str) -> None:
    conn.execute(
        "UPDATE print_jobs SET status = 'printed', printed_at = ?, last_error = NULL "
        "WHERE job_id = ?",
        (at, job_id),
    )


def mark_failed(conn: sqlite3.Connection, job_id: str, error: str, next_attempt_at: str) -> None:
    conn.execute(
        "UPDATE print_jobs SET status = 'failed', last_error = ?, next_attempt_at = ? "
        "WHERE job_id = ?",
        (error, next_attempt_at, job_id),
    )


def mark_cancelled(conn: sqlite3.Connection, job_id: str, reason: str) -> None:
    conn.execute(
        "UPDATE print_jobs SET status = 'cancelled', last_error = ? WHERE job_id = ?",
        (reason, job_id),
    )


def make_due(conn: sqlite3.Connection, job_id: str, now: str) -> bool:
    """A waiting job becomes due now (a manager's retry); False if it is not waiting."""
    cur = conn.execute(
        "UPDATE print_jobs SET next_attempt_at = ? "
        "WHERE job_id = ? AND status IN ('queued', 'failed')",
        (now, job_id),
    )
    return cur.rowcount == 1


def next_copy(conn: sqlite3.Connection, receipt_no: str, kind: str) -> int:
    """The number the next reprint of a printout gets (1 for the first reprint)."""
    last = conn.execute(
        "SELECT MAX(copy) FROM print_jobs WHERE receipt_no = ? AND kind = ?", (receipt_no, kind)
    ).fetchone()[0]
    return int(last or 0) + 1


def original(conn: sqlite3.Connection, receipt_no: str, kind: str, backend: str) -> str | None:
    row = conn.execute(
        "SELECT job_id FROM print_jobs WHERE receipt_no = ? AND kind = ? AND backend = ? "
        "AND copy = 0",
        (receipt_no, kind, backend),
    ).fetchone()
    return None if row is None else str(row[0])
