"""`lantern backup`, `lantern verify`, `lantern restore`, `lantern recover`: the store
database's backups and the way back after a lost disk or an old backup (issue #10)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from desktop.cli.base import EXIT_ERROR, EXIT_REFUSED, EXIT_UNREACHABLE, Add, Cli, fail, say


def cmd_backup(cli: Cli) -> int:
    a = cli.args
    if a.set_folder is not None or a.keep is not None:
        cli.app.recovery.configure(Path(a.set_folder) if a.set_folder else None, a.keep)
        say(f"backups go to {cli.app.recovery.folder()}, the newest {cli.app.recovery.keep()} kept")
    folder = Path(cli.args.folder) if cli.args.folder else None
    path = cli.app.recovery.backup_now("manual", folder)
    checked = cli.app.recovery.verify(path)
    if not checked.ok:
        fail(f"the backup {path} does not verify:")
        for p in checked.problems:
            say(f"  {p}", err=True)
        return EXIT_ERROR
    print(path)
    return 0


def cmd_verify(cli: Cli) -> int:
    from desktop.store import backups

    status = 0
    for name in cli.args.files:
        v = backups.verify(Path(name))
        if v.ok:
            print(
                f"{v.path}\tok\tschema {v.schema}, {v.events} events (newest {v.head_seq}, "
                f"acknowledged {v.acked_seq}), store {v.store_id}"
            )
        else:
            status = EXIT_ERROR
            print(f"{v.path}\tFAILED", file=sys.stdout)
            for p in v.problems:
                say(f"  {p}", err=True)
    return status


def cmd_restore(cli: Cli) -> int:
    from desktop.paths import default_db
    from desktop.services.recovery import RecoveryRefused, restore_file

    db = Path(cli.args.db or default_db())
    try:
        report = restore_file(db, Path(cli.args.backup), force=cli.args.force)
    except RecoveryRefused as e:
        fail(e)
        return EXIT_REFUSED
    say(f"restored {db} from {report.restored_from} ({report.events} events)")
    if report.safety_copy:
        say(f"the database as it was is kept in {report.safety_copy}")
    if report.lost_unsynced:
        say(
            f"lost: {len(report.lost_unsynced)} event(s) head office never acknowledged "
            "(in the copy above, not in the store):",
            err=True,
        )
        for line in report.lost_unsynced:
            print(f"  {line}", file=sys.stderr)
    if cli.args.no_recover:
        say("next: `lantern recover` takes back what head office holds")
        return 0
    return _recover(cli)


def cmd_recover(cli: Cli) -> int:
    return _recover(cli)


def _recover(cli: Cli) -> int:
    from desktop.sync.client import SyncError

    try:
        report = cli.app.recovery.recover()
    except SyncError as e:
        fail(e)
        say(
            "lantern: the store is not recovered yet: run `lantern recover` when head "
            "office answers (the till keeps to the offline limits until then)",
            err=True,
        )
        return EXIT_UNREACHABLE
    for line in report.lines():
        say(line)
    if report.sync is not None:
        say(f"sync: {report.sync.summary()}")
    if report.sync_error is not None:
        say(f"lantern: sync after recovery failed: {report.sync_error}", err=True)
        return EXIT_UNREACHABLE
    return 0


def register(sub: Any, add: Add) -> None:
    b = add(
        "backup",
        cmd_backup,
        "an online backup of the store database now (verified, 0600, rotated); prints its path",
    )
    b.add_argument("--folder", help="where to write this one (default: the store's backup folder)")
    b.add_argument(
        "--set-folder", metavar="DIR", help="keep the store's backups in DIR from now on"
    )
    b.add_argument("--keep", type=int, help="how many automatic backups to keep (default 20)")
    v = add(
        "verify",
        cmd_verify,
        "check backup files: integrity_check, ledgers against cached figures, the event chain",
    )
    v.add_argument("files", nargs="+", metavar="FILE")
    r = add(
        "restore",
        cmd_restore,
        "put a verified backup in place of the store database (close the till first), then "
        "recover from head office; refuses over unsynced events unless --force",
    )
    r.add_argument("backup", metavar="FILE")
    r.add_argument(
        "--force", action="store_true", help="restore even over events head office never got"
    )
    r.add_argument(
        "--no-recover", action="store_true", help="only restore; run `lantern recover` later"
    )
    add(
        "recover",
        cmd_recover,
        "take back this store's events from head office and start a new epoch, then sync "
        "(after a restore, or when head office refuses the store's chain)",
    )
