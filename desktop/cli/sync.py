"""`lantern sync`: one round with head office, or its status."""

from __future__ import annotations

import sys
from typing import Any

from desktop.cli.base import EXIT_UNREACHABLE, Add, Cli


def _when(at: Any) -> str:
    return at.isoformat(timespec="seconds") if at is not None else "never"


def cmd_sync(cli: Cli) -> int:
    from desktop.sync.client import SyncError

    if cli.args.action == "status":
        return _sync_status(cli)
    sync = cli.app.sync

    def progress(stage: str, done: int, total: int) -> None:
        what = "events acknowledged" if stage == "push" else "pages of changes"
        print(f"  {stage}: {done}/{total} {what}", file=sys.stderr)

    if cli.app.recovery.pending():
        # a restored store recovers first (`lantern recover`), then syncs
        from desktop.cli.backup import cmd_recover

        return cmd_recover(cli)
    try:
        report = sync.sync_once(progress)
    except SyncError as e:
        waiting = sync.status().waiting
        print(f"lantern: error: {e}", file=sys.stderr)
        print(
            f"lantern: the store keeps working offline; {waiting} event(s) wait for head office",
            file=sys.stderr,
        )
        return EXIT_UNREACHABLE
    print(report.summary())
    if report.conflicts:
        print(
            f"{report.conflicts} applied with a conflict (overdraft or replayed code): "
            "head office flagged them for review",
            file=sys.stderr,
        )
    if report.parked:
        print(
            f"{report.parked} event(s) parked by head office: see `lantern sync status`",
            file=sys.stderr,
        )
    for problem in report.problems:
        print(f"lantern: warning: {problem}", file=sys.stderr)
    return 0


def _sync_status(cli: Cli) -> int:
    s = cli.app.sync.status()
    if s.connection is None:
        print("head office: not connected (`lantern store connect --url URL --store-id ID`)")
    else:
        state = "online" if s.online else "offline"
        print(f"head office: {s.connection.url} as store {s.connection.store_id} ({state})")
    print(
        f"events waiting: {s.waiting} (newest event {s.head_seq}, acknowledged up to {s.acked_seq})"
    )
    print(f"last successful sync: {_when(s.last_success_at)}")
    print(
        f"last attempt: {_when(s.last_attempt_at)}"
        + (f" failed: {s.last_error}" if s.last_error else "")
    )
    print(f"pull cursor: {s.cursor}")
    print(f"parked events: {len(s.parked)}")
    for p in s.parked:
        print(f"  {p.seq}\t{p.kind}\t{p.created_at[:19]}\t{p.event_id}\t{p.error}")
    return 0


def register(sub: Any, add: Add) -> None:
    """Add sync to the parser."""
    sy = add(
        "sync",
        cmd_sync,
        "one sync round with head office now, with progress (exit 4 when unreachable); "
        "`sync status` shows what waits",
    )
    sy.add_argument("action", nargs="?", choices=["status"], help="only show the sync state")
