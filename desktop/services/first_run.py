"""Setting up a new till on its first run: the store database, its first manager, the link
to head office, and a first sync that proves the address and the credentials.

All or nothing: the store is built in a scratch file beside the target and moved into place
only after head office has answered; any failure (a wrong secret, head office unreachable,
bad input) removes the scratch file and leaves no store behind, so the set-up can simply be
tried again. The till window's first-run dialog (desktop/ui/dialogs/first_run.py) runs this
off the GUI thread."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop.core.errors import InvalidInput
from desktop.services.app import StoreServices
from desktop.services.setup import init_store
from desktop.services.sync import SyncReport
from desktop.store.staff import validate_pin
from desktop.store.vault import clear_vault, move_vault

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class StoreDetails:
    store_id: str
    name_zh: str
    name_en: str
    headoffice_url: str
    secret: str
    manager_id: str
    manager_name: str
    manager_pin: str
    timezone: str = "Asia/Shanghai"


def _check(d: StoreDetails) -> None:
    missing = [
        what
        for what, value in (
            ("store id", d.store_id),
            ("store name", d.name_zh),
            ("head-office address", d.headoffice_url),
            ("store secret", d.secret),
            ("manager id", d.manager_id),
            ("manager name", d.manager_name),
        )
        if not value.strip()
    ]
    if missing:
        raise InvalidInput(f"please fill in: {', '.join(missing)}")
    validate_pin(d.manager_pin)


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    clear_vault(path)


def set_up_store(path: Path, d: StoreDetails, progress: Progress | None = None) -> SyncReport:
    """Create the store at `path` (which must not exist yet), connected and synced once.
    Raises InvalidInput, or the sync's error (HeadOfficeUnreachable, Unauthorized), with
    nothing left behind."""
    _check(d)
    if path.exists():
        raise InvalidInput(f"{path} already exists: open it with `lantern app --db {path}`")
    scratch = path.with_name(path.name + ".setting-up")
    _remove(scratch)
    app: StoreServices | None = None
    try:
        name_zh = d.name_zh.strip()
        db = init_store(
            scratch, d.store_id.strip(), name_zh, d.name_en.strip() or name_zh, d.timezone
        )
        app = StoreServices(db)
        app.setup.add_staff(d.manager_id.strip(), d.manager_name.strip(), "manager", d.manager_pin)
        app.sync.connect(d.headoffice_url, d.store_id.strip(), d.secret.strip())
        report = app.sync.sync_once(progress)
        app.db.scalar("PRAGMA wal_checkpoint(TRUNCATE)")  # every commit into the main file
        app.close()
        app = None
        wal = Path(str(scratch) + "-wal")
        if wal.exists() and wal.stat().st_size:
            raise InvalidInput(f"{scratch} is still in use by another program; close it and retry")
        move_vault(scratch, path)  # the secret and the PIN key (desktop/store/vault.py)
        os.replace(scratch, path)
    except BaseException:
        clear_vault(path)
        if app is not None:
            app.close()
        _remove(scratch)
        raise
    log.info("store %s set up at %s: %s", d.store_id, path, report.summary())
    return report
