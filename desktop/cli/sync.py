"""`lantern sync`: one round with head office, or its status."""

from __future__ import annotations

from typing import Any

from desktop.cli.base import EXIT_UNREACHABLE, Add, Cli, fail, say, warn


def _when(at: Any) -> str:
    return at.isoformat(timespec="seconds") if at is not None else "never"


def cmd_sync(cli: Cli) -> int:
    from desktop.sync.client import SyncError

    if cli.args.action == "status":
        return _sync_status(cli)
    sync = cli.app.sync

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "push":
            say(f"  push: {done}/{total} events acknowledged", err=True)
        else:
            say(f"  {stage}: {done}/{total} pages of changes", err=True)

    if cli.app.recovery.pending():
        # a restored store recovers first (`lantern recover`), then syncs
        from desktop.cli.backup import cmd_recover

        return cmd_recover(cli)
    try:
        report = sync.sync_once(progress)
    except SyncError as e:
        waiting = sync.status().waiting
        fail(e)
        say(
            f"lantern: the store keeps working offline; {waiting} event(s) wait for head office",
            err=True,
        )
        return EXIT_UNREACHABLE
    say(report.summary())
    if report.conflicts:
        say(
            f"{report.conflicts} applied with a conflict (overdraft or replayed code): "
            "head office flagged them for review",
            err=True,
        )
    if report.parked:
        say(f"{report.parked} event(s) parked by head office: see `lantern sync status`", err=True)
    for problem in report.problems:
        warn(problem)
    return 0


def _sync_status(cli: Cli) -> int:
    s = cli.app.sync.status()
    if s.connection is None:
        say("head office: not connected (`lantern store connect --url URL --store-id ID`)")
    elif s.online:
        say(f"head office: {s.connection.url} as store {s.connection.store_id} (online)")
    else:
        say(f"head office: {s.connection.url} as store {s.connection.store_id} (offline)")
    say(
        f"events waiting: {s.waiting} (newest event {s.head_seq}, acknowledged up to {s.acked_seq})"
    )
    say(f"last successful sync: {_when(s.last_success_at)}")
    if s.last_error:
        say(f"last attempt: {_when(s.last_attempt_at)} failed: {s.last_error}")
    else:
        say(f"last attempt: {_when(s.last_attempt_at)}")
    say(f"pull cursor: {s.cursor}")
    say(f"parked events: {len(s.parked)}")
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
