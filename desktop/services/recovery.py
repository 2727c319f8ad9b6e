"""Backups, restore and recovery of the store database (issue #10).

- `backup_now` / `backup_if_due`: an online backup into the backup folder (setting
  `backup_folder`, default `<store>-backups/`), rotated to the newest `backups_kept`
  (default 20). The till's sync loop takes one every 15 minutes while events wait for head
  office, and day close takes one.
- `verify`: integrity_check, ledgers and chain of a backup file.
- `restore_file` (module function: the store must not be open): puts a verified backup in
  place of the store database; refuses when the database holds events head office has not
  acknowledged, unless forced, and then names each of them (they are lost; a copy of the
  database as it was is kept). The restored store is marked `recovery_pending`.
- `recover`: takes back from head office this store's acknowledged events the database
  lacks, re-chains the events head office never saw after a new epoch, then syncs
  (desktop/store/recovery.py has the details). A sync refused by head office ("restored
  from an old backup") is answered by it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from desktop.core import wire
from desktop.core.errors import InvalidInput, LanternError
from desktop.services.context import REFUSED_POLICY, ServiceContext, require_manager
from desktop.services.sync import NotConnected, SyncReport, SyncService
from desktop.store import backups, checks, outbox, seals, settings
from desktop.store import recovery as repo
from desktop.store import sync_state as sync_repo
from desktop.store.database import backup_dir, open_store
from desktop.store.staff import Staff

log = logging.getLogger(__name__)

BACKUP_EVERY = timedelta(minutes=15)
PAGE = 1000


class RecoveryRefused(LanternError):
    """A restore or a recovery that would lose something without being told to."""


@dataclass(frozen=True)
class RecoveryReport:
    epoch: int
    adopted: int  # events taken back from head office
    renumbered: tuple[tuple[int, int], ...]  # (old seq, new seq) of events re-chained
    epoch_seq: int  # the new epoch's first seq (its `epoch` event)
    lost: tuple[int, int] | None  # seqs head office heard of but never received
    problems: tuple[str, ...]
    sync: SyncReport | None = None
    sync_error: str | None = None

    def lines(self) -> list[str]:
        out = [
            f"recovered: {self.adopted} event(s) taken back from head office; "
            f"epoch {self.epoch} starts at event {self.epoch_seq}"
        ]
        if self.renumbered:
            out.append(
                f"{len(self.renumbered)} event(s) head office had not seen kept and renumbered: "
                + ", ".join(f"{a}→{b}" for a, b in self.renumbered[:20])
                + (" …" if len(self.renumbered) > 20 else "")
            )
        if self.lost is not None:
            a, b = self.lost
            out.append(
                f"could not be recovered: event(s) {a}..{b} — head office heard of them but "
                "never received them, and no copy holds them"
            )
        else:
            out.append("nothing head office heard of is missing")
        out += self.problems
        return out


@dataclass(frozen=True)
class RestoreReport:
    restored_from: Path
    safety_copy: Path | None
    lost_unsynced: tuple[str, ...]  # the overwritten database's unsynced events
    events: int
    head_seq: int


@dataclass(frozen=True)
class DayCloseCheck:
    problems: tuple[str, ...]  # empty: the store is sound
    backup: Path | None
    backup_error: str | None

    def lines(self) -> list[str]:
        out = []
        if self.problems:
            out.append(
                f"the store check found {len(self.problems)} problem(s): keep trading only "
                "after head office confirms; restore the last good backup with "
                "`lantern restore FILE` and `lantern recover`"
            )
            out += [f"  {p}" for p in self.problems]
        else:
            out.append("store check: ok (integrity, ledgers, event chain)")
        if self.backup is not None:
            out.append(f"backup: {self.backup}")
        else:
            out.append(f"backup failed: {self.backup_error}")
        return out


@dataclass
class _Auto:
    last: datetime | None = None
    taken: int = 0


class RecoveryService:
    def __init__(self, ctx: ServiceContext, sync: SyncService) -> None:
        self.ctx = ctx
        self.db = ctx.db
        self.sync = sync
        self._auto = _Auto()

    # --- backups --------------------------------------------------------------------------
    def folder(self) -> Path:
        folder = self.ctx.setting("backup_folder")
        return Path(folder) if folder else backup_dir(self.db.path)

    def keep(self) -> int:
        return max(1, int(self.ctx.setting("backups_kept", backups.KEEP)))

    def configure(self, folder: Path | None = None, keep: int | None = None) -> None:
        """Where automatic backups go and how many stay (store settings)."""
        if keep is not None and keep < 1:
            raise InvalidInput(f"keep at least one backup, not {keep}")
        with self.db.write() as conn:
            if folder is not None:
                settings.put(conn, "backup_folder", str(Path(folder).resolve()))
            if keep is not None:
                settings.put(conn, "backups_kept", keep)

    def backup_now(self, reason: str = "manual", folder: Path | None = None) -> Path:
        now = self.ctx.now()
        target_folder = folder or self.folder()
        # its own read connection: the till's writes do not wait for the copy
        path = backups.take(self.db.path, target_folder, reason, now, self.keep())
        self._auto.last = now
        self._auto.taken += 1
        return path

    def backup_if_due(self, every: timedelta = BACKUP_EVERY) -> Path | None:
        """Called by the till's background loop: a backup when events wait for head office
        and the last one is older than `every`."""
        now = self.ctx.now()
        if self._auto.last is not None and now - self._auto.last < every:
            return None
        if self.sync.waiting() == 0:
            return None
        return self.backup_now("auto")

    def newest_backup(self) -> Path | None:
        """The newest automatic backup in the backup folder, if any."""
        found = backups.listed(self.folder(), self.db.path)
        return found[-1] if found else None

    def verify(self, path: Path | str) -> backups.Verified:
        return backups.verify(Path(path), self.db.path)

    # --- checks -----------------------------------------------------------------------------
    def quick_check(self) -> list[str]:
        """At start-up: SQLite's quick_check only (cheap). Empty when sound."""
        with self.db.read() as conn:
            try:
                rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check")]
            except Exception as e:  # a damaged file raises instead of answering
                return [f"the store database is damaged ({e})"]
        return [f"sqlite: {r}" for r in rows if r != "ok"]

    def full_check(self) -> list[str]:
        """At day close: integrity_check, every cached figure against its ledger, the chain."""
        with self.db.read() as conn:
            try:
                found = [
                    f"sqlite: {r[0]}"
                    for r in conn.execute("PRAGMA integrity_check")
                    if r[0] != "ok"
                ]
            except Exception as e:
                return [f"the store database is damaged ({e})"]
            return found + checks.problems(conn, self.db.path)

    def close_day(self) -> DayCloseCheck:
        """After the business day closed: the full check, then a backup (a backup of a
        database that fails its check is still taken: it may be the best copy there is)."""
        problems = self.full_check()
        try:
            path: Path | None = self.backup_now("day_close")
            error = None
        except LanternError as e:
            path, error = None, str(e)
        return DayCloseCheck(tuple(problems), path, error)

    # --- while head office refuses the store -------------------------------------------------
    def set_refused_policy(self, manager: Staff, policy: str) -> None:
        """A manager's choice while head office refuses this store's sync: "caps" (trade
        within the offline caps) or "stop" (every redemption needs a manager's override)."""
        require_manager(manager)
        if policy not in ("caps", "stop"):
            raise InvalidInput(f"policy is caps or stop, not {policy!r}")
        with self.db.write() as conn:
            settings.put(conn, REFUSED_POLICY, policy)
        log.warning("while sync is refused: %s (chosen by %s)", policy, manager.staff_id)

    # --- state ------------------------------------------------------------------------------
    def pending(self) -> bool:
        return bool(self.ctx.setting("recovery_pending", False))

    def unsynced(self) -> list[str]:
        with self.db.read() as conn:
            return repo.unsynced(conn)

    def history(self) -> list[dict[str, Any]]:
        with self.db.read() as conn:
            return repo.recovery_log(conn)

    # --- recover ----------------------------------------------------------------------------
    def recover(self, *, sync_after: bool = True) -> RecoveryReport:
        c = self.sync.connection()
        if c is None:
            raise NotConnected(
                "this store is not connected to a head office: run "
                "`lantern store connect --url URL --store-id ID` first"
            )
        client = self.sync.client_factory(c.url, c.store_id, c.secret)
        # no sync round between reading head office's events and taking them back
        with self.sync._round:
            report = self._take_back(client)
        if not sync_after:
            return report
        try:
            result = self.sync.sync_once()
        except LanternError as e:
            return _with(report, sync_error=str(e))
        return _with(report, sync=result)

    def _take_back(self, client: Any) -> RecoveryReport:
        try:
            with self.db.read() as conn:
                since = sync_repo.acked_seq(conn)
            pages = []
            while True:
                page = client.stored_events(since, PAGE)
                pages.append(page)
                if page.events:
                    since = page.events[-1].seq
                if not page.more or not page.events:
                    break
        finally:
            client.close()
        last = pages[-1]
        held = {e.seq: e for p in pages for e in p.events}
        return self._apply(held, last.acked_seq, last.head_seq)

    def _apply(self, held: dict[int, Any], ho_acked: int, ho_head: int) -> RecoveryReport:
        at = self.ctx.now().isoformat()
        problems: list[str] = []
        with self.db.write() as conn:
            acked = sync_repo.acked_seq(conn)
            if ho_acked < acked:
                raise RecoveryRefused(
                    f"head office holds this store's events only up to {ho_acked}, but this "
                    f"database had {acked} acknowledged: head office lost events, not this "
                    "store. Run `lantern sync`: it sends them again (nothing was changed)"
                )
            matched = acked
            for e in outbox.events(conn, acked, 10_000_000):
                theirs = held.get(e.seq)
                if theirs is None or theirs.hash != e.hash:
                    break
                matched = e.seq
            local_max = repo.max_seq(conn)
            moved = repo.supersede(conn, matched)
            theirs_ids = {e.event_id for e in held.values()}
            keep = [e for e in moved if e.event_id not in theirs_ids]
            adopted = 0
            for seq in sorted(s for s in held if s > matched):
                h = held[seq]
                problem = repo.adopt(
                    conn,
                    repo.Adopted(
                        h.seq,
                        h.event_id,
                        h.kind,
                        h.payload,
                        h.created_at,
                        h.prev_hash,
                        h.hash,
                        h.outcome.value,
                        h.conflict,
                        h.error,
                    ),
                    at,
                )
                adopted += 1
                if problem:
                    problems.append(problem)
            after_seq, _ = sync_repo.head(conn)
            epoch = repo.epoch(conn) + 1
            for h in held.values():
                if h.kind == repo.EPOCH and isinstance(h.payload.get("epoch"), int):
                    epoch = max(epoch, int(h.payload["epoch"]) + 1)
            start = max(ho_head, ho_acked, local_max, after_seq) + 1
            lost = (ho_acked + 1, ho_head) if ho_head > ho_acked else None
            payload: wire.EpochPayload = {
                "epoch": epoch,
                "after_seq": after_seq,
                "lost_from": lost[0] if lost else None,
                "lost_to": lost[1] if lost else None,
                "renumbered": len(keep),
                "at": at,
            }
            renumbered = repo.rechain(conn, start, payload, keep, at)
            sync_repo.set_acked_seq(conn, after_seq)
            sync_repo.set_cursor(conn, 0)  # pull everything again: snapshots, harmless
            settings.put(conn, "epoch", epoch)
            settings.put(conn, "recovery_pending", False)
            repo.log_recovery(
                conn,
                {
                    "at": at,
                    "epoch": epoch,
                    "epoch_seq": start,
                    "adopted": adopted,
                    "renumbered": renumbered,
                    "superseded": [
                        {"seq": e.seq, "event_id": e.event_id, "kind": e.kind, "hash": e.hash}
                        for e in moved
                    ],
                    "lost": list(lost) if lost else None,
                    "problems": problems,
                },
            )
        log.warning(
            "store recovered: epoch %d from seq %d, %d events taken back, %d renumbered, lost %s",
            epoch,
            start,
            adopted,
            len(renumbered),
            lost,
        )
        return RecoveryReport(epoch, adopted, tuple(renumbered), start, lost, tuple(problems))


def _with(report: RecoveryReport, **changes: Any) -> RecoveryReport:
    return replace(report, **changes)


def restore_file(db_path: Path, source: Path, *, force: bool = False) -> RestoreReport:
    """Put the backup `source` in place of the store database at `db_path`. The store must
    not be open anywhere (close the till). Nothing is changed when refused."""
    db_path, source = Path(db_path), Path(source)
    checked = backups.verify(source, db_path)
    if not checked.ok:
        raise RecoveryRefused(
            f"{source} does not verify, nothing was restored: " + "; ".join(checked.problems[:5])
        )
    safety: Path | None = None
    lost: tuple[str, ...] = ()
    if db_path.exists():
        store = open_store(db_path)
        try:
            with store.read() as conn:
                own = settings.get(conn, "store_id")
                lost = tuple(repo.unsynced(conn))
            if own is not None and checked.store_id is not None and own != checked.store_id:
                raise RecoveryRefused(
                    f"{source} is a backup of store {checked.store_id}, this database is "
                    f"store {own}: nothing was restored"
                )
            if lost and not force:
                raise RecoveryRefused(
                    f"this database holds {len(lost)} event(s) head office has not "
                    "acknowledged; restoring would lose them. Sync first (`lantern sync`), "
                    "or restore with --force to lose them (each is listed"
                    + (f"; the first 50 of {len(lost)}" if len(lost) > 50 else "")
                    + "):\n  "
                    + "\n  ".join(lost[:50])
                )
            with store.read() as conn:
                safety = backups.write(
                    conn,
                    backups.auto_name(
                        db_path, backup_dir(db_path), "before_restore", datetime.now().astimezone()
                    ),
                )
        finally:
            store.close()
    backups.restore_into(source, db_path)
    seals.reanchor(db_path)  # restored on purpose: its newest seal is the store's now
    store = open_store(db_path)  # upgrades an older backup's schema (after its own copy)
    try:
        with store.write() as conn:
            settings.put(conn, "recovery_pending", True)
    finally:
        store.close()
    if lost:
        log.warning("restore over %d unsynced event(s): %s", len(lost), "; ".join(lost))
    log.warning("store %s restored from %s", db_path, source)
    return RestoreReport(source, safety, lost, checked.events, checked.head_seq)
