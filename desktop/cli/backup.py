"""`lantern backup`, `lantern verify`, `lantern restore`, `lantern recover`: the store
database's backups and the way back after a lost disk or an old backup (issue #10)."""

from __future__ import annotations

import os
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


def read_passphrase(confirm: bool) -> str:
    """The escrow passphrase: $LANTERN_ESCROW_PASSPHRASE, the terminal (twice when it is
    new), or the next line of stdin; never an argument (`ps` shows those), never logged."""
    import getpass

    from desktop import logs
    from desktop.core.errors import InvalidInput

    if os.environ.get("LANTERN_ESCROW_PASSPHRASE"):
        phrase = os.environ["LANTERN_ESCROW_PASSPHRASE"]
    elif sys.stdin.isatty():
        phrase = getpass.getpass("escrow passphrase: ")
        if confirm and getpass.getpass("the same passphrase again: ") != phrase:
            raise InvalidInput("the two passphrases differ: nothing was written")
    else:
        phrase = sys.stdin.readline().rstrip("\n")
    if not phrase:
        raise InvalidInput(
            "an escrow passphrase is needed: set LANTERN_ESCROW_PASSPHRASE or type it on stdin"
        )
    logs.redact(phrase)
    return phrase


def cmd_vault_export(cli: Cli) -> int:
    from desktop.store import vault

    a = cli.args
    cli.staff(a.manager, manager=True)  # secrets leave the till only with a manager's PIN
    out = Path(a.file)
    blob = vault.export_escrow(cli.app.db.path, read_passphrase(confirm=True))
    try:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        fail(f"{out} already exists: nothing was written (choose a new file name)")
        return EXIT_ERROR
    except OSError as e:
        fail(f"cannot write {out} ({e.strerror or e}): nothing was written")
        return EXIT_ERROR
    with os.fdopen(fd, "wb") as f:
        f.write(blob)
        f.flush()
        os.fsync(f.fileno())
    say(
        f"the vault's secrets are in {out}, encrypted: keep it and its passphrase apart, "
        "away from this till (with the backups' copy off site)"
    )
    return 0


def cmd_vault_import(cli: Cli) -> int:
    from desktop.paths import default_db
    from desktop.store import vault

    a = cli.args
    db = Path(a.db or default_db())
    try:
        blob = Path(a.file).read_bytes()
    except OSError as e:
        fail(f"cannot read {a.file} ({e.strerror or e}): nothing was put in the vault")
        return EXIT_ERROR
    names = vault.import_escrow(db, blob, read_passphrase(confirm=False), replace=a.replace)
    say(f"put in the vault of {db}: {', '.join(names)}")
    say("next: `lantern restore BACKUP` (a new disk), then `lantern store check`")
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
    vault = sub.add_parser(
        "vault", help="the store's secrets kept outside the database: escrow and bring back"
    ).add_subparsers(dest="action", required=True, metavar="ACTION")
    ve = add(
        "export",
        cmd_vault_export,
        "write the vault's secrets (PIN pepper, head-office secret, chain key) to FILE, "
        "encrypted with a passphrase; a manager's PIN is needed",
        vault,
    )
    ve.add_argument("file", metavar="FILE")
    ve.add_argument("--manager", required=True, help="manager id (PIN from $LANTERN_MANAGER_PIN)")
    vi = add(
        "import",
        cmd_vault_import,
        "put the secrets of an escrow FILE into this store's vault (a new disk: before "
        "`lantern restore`)",
        vault,
    )
    vi.add_argument("file", metavar="FILE")
    vi.add_argument(
        "--replace", action="store_true", help="overwrite different secrets the vault holds"
    )
