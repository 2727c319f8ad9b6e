"""Sync with head office: push the outbox, pull changes (docs/sync-protocol.md).

One round (`sync_once`):
1. **Push** the events head office has not acknowledged, in seq order, in batches. Each
   answer is recorded in one transaction: the outcome of every event it acknowledges
   (applied, duplicate, applied with a conflict, or rejected = parked with its error) and
   the new acknowledged seq. Parked events are acknowledged like the others, so they never
   block the queue; `out_of_order` answers are simply resent from acked + 1.
2. **Pull** pages of changes until head office says there are no more; each page and its
   cursor are applied in one transaction (`sync_apply.apply_page`).
3. Record the round: last attempt, last success, the link state change for the
   reconciliation's offline periods.
Pulling happens only after the push completed, so every event head office has applied is
acknowledged before its snapshots are applied (see sync_apply for why that matters).

The till never waits on this: it runs on the sync loop's thread or from `lantern sync`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from desktop.core.errors import InvalidInput, LanternError
from desktop.core.wire import Outcome
from desktop.services.context import REFUSED, REFUSED_POLICY, LinkState, ServiceContext
from desktop.services.printing import card_designs_folder
from desktop.services.sync_apply import apply_page
from desktop.store import outbox, settings
from desktop.store import reports as reports_repo
from desktop.store import sync_state as sync_repo
from desktop.store.vault import vault_for
from desktop.sync.client import (
    BadAddress,
    HeadOfficeClient,
    HeadOfficeUnreachable,
    SyncError,
    check_base_url,
)
from desktop.sync.protocol import ChangesPage, PushAnswer, StoredEvents

log = logging.getLogger(__name__)

# The head-office address in the settings cannot be used (a configuration error, not an
# outage): the sync loop and the till tell it apart to show it to a manager.
BadHeadOfficeAddress = BadAddress

Progress = Callable[[str, int, int], None]  # (stage, done, total)

#: Head office counts as online while the last round succeeded and is at most this old,
#: and no request to it has failed since; beyond it, or from the first failed request on,
#: the till applies the offline caps.
FRESH = timedelta(minutes=10)
BATCH = 200
PAGE = 500
_MAX_STALLS = 3  # answers in a row that acknowledge nothing new
_MAX_PAGES = 100_000


class HeadOffice(Protocol):
    """What a sync round needs from head office (HeadOfficeClient over HTTP)."""

    def push(self, body: dict[str, Any]) -> PushAnswer: ...

    def changes(self, since: int, limit: int) -> ChangesPage: ...

    def stored_events(self, since: int, limit: int) -> StoredEvents: ...

    def close(self) -> None: ...


ClientFactory = Callable[[str, str, str], HeadOffice]  # (url, store id, secret)


class NotConnected(LanternError):
    """No head office is configured for this store."""


class ChainMismatch(SyncError):
    """Head office holds a different version of events this store already sent: the store
    database was edited, or restored from an old backup."""


@dataclass(frozen=True)
class SyncReport:
    pushed: int  # events head office acknowledged in this round
    applied: int  # of which applied (including applied with a conflict)
    conflicts: int  # of which applied with a conflict (overdraft, replayed phone code)
    duplicates: int
    parked: int  # rejected: parked at head office with an error for a manager
    pulled: int  # changes applied from head office
    pages: int
    deliveries: int  # stock deliveries counted in
    acked_seq: int
    cursor: int
    waiting: int  # events still unacknowledged after the round
    problems: tuple[str, ...] = ()

    def summary(self) -> str:
        return (
            f"{self.pushed} events pushed, {self.applied} applied, {self.duplicates} duplicates, "
            f"{self.parked} parked; {self.pulled} changes pulled"
        )


@dataclass(frozen=True)
class SyncStatus:
    connection: sync_repo.Connection | None  # its repr hides the secret
    online: bool
    waiting: int
    acked_seq: int
    head_seq: int
    cursor: int
    last_success_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str | None
    parked: tuple[sync_repo.Parked, ...]
    outcomes: dict[str, int]
    refused: str | None = None  # head office refuses the chain: recover the store
    refused_policy: str = "caps"  # meanwhile: "caps" or "stop" (REFUSED_POLICY)


@dataclass
class _Tally:
    pushed: int = 0
    applied: int = 0
    conflicts: int = 0
    duplicates: int = 0
    parked: int = 0
    pulled: int = 0
    pages: int = 0
    deliveries: int = 0


class SyncService:
    def __init__(
        self,
        ctx: ServiceContext,
        client_factory: ClientFactory | None = None,
        *,
        batch_size: int = BATCH,
        page_limit: int = PAGE,
        fresh: timedelta = FRESH,
    ) -> None:
        self.ctx = ctx
        self.db = ctx.db
        self.client_factory = client_factory or self.http_client
        self.batch_size = batch_size
        self.page_limit = page_limit
        self.fresh = fresh
        self._round = threading.Lock()  # one round at a time per process

    # --- configuration ---------------------------------------------------------------------
    def connect(self, url: str, store_id: str, secret: str) -> sync_repo.Connection:
        """Remember where head office is and this store's credentials. Nothing is sent:
        the next sync round uses them. A different URL or store id may be another head
        office, whose change numbers mean nothing here: the pull starts again from the
        beginning (snapshots, so pulling again is harmless). The acknowledged seq stays:
        a head office that lacks events says so in its answer and gets them again."""
        url = check_base_url(url)
        if not store_id.strip() or ":" in store_id:
            raise InvalidInput(f"a store id is letters and digits (e.g. SH001), got {store_id!r}")
        if not secret or not (secret.isascii() and secret.isprintable()) or " " in secret:
            raise InvalidInput(
                "the store secret must be the text head office printed (no spaces, ASCII)"
            )
        own = self.ctx.setting("store_id")
        if own is not None and own != store_id:
            raise InvalidInput(
                f"this database belongs to store {own}, not {store_id}: connect it as {own} "
                "(nothing was changed)"
            )
        c = sync_repo.Connection(url, store_id, secret)
        with self.db.write() as conn:
            old = sync_repo.connection(conn)
            if old is None or (old.url, old.store_id) != (c.url, c.store_id):
                sync_repo.set_cursor(conn, 0)
            sync_repo.put_connection(conn, c)
        log.info("store %s connected to head office at %s", store_id, url)
        return c

    def connection(self) -> sync_repo.Connection | None:
        with self.db.read() as conn:
            return sync_repo.connection(conn)

    def waiting(self) -> int:
        """Events head office has not acknowledged yet (the till's status bar)."""
        with self.db.read() as conn:
            return sync_repo.waiting(conn)

    def http_client(self, url: str, store_id: str, secret: str) -> HeadOffice:
        """The real client (the default factory): it reports every failed request to
        `request_failed` as it happens, before it tries again."""
        return HeadOfficeClient(url, store_id, secret, on_failure=self.request_failed)

    def request_failed(self, reason: str) -> None:
        """A request to head office failed just now (timeout, refused connection, 5xx).
        The link counts as down from this moment: the till applies the offline caps at
        once, not only when the client has given up retrying or the last success has grown
        old. A later success in the same round brings the link back."""
        try:
            self._finish(reason)
        except Exception:  # the round goes on; its end records the outcome again
            log.exception("could not record the failed request to head office")

    # --- state -----------------------------------------------------------------------------
    def link_state(self) -> LinkState:
        """For ServiceContext.link: online while the last round succeeded recently enough
        and no request has failed since (`request_failed`). A store with no head office
        configured runs standalone (online)."""
        with self.db.read() as conn:
            c = sync_repo.connection(conn)
            st = sync_repo.state(conn)
        if c is None:
            return LinkState()
        refused = self.ctx.setting(REFUSED)
        online = (
            st.last_attempt_ok
            and st.last_success_at is not None
            and self.ctx.now() - st.last_success_at <= self.fresh
            and refused is None
        )
        return LinkState(online, st.last_success_at, refused)

    def status(self) -> SyncStatus:
        with self.db.read() as conn:
            c = sync_repo.connection(conn)
            st = sync_repo.state(conn)
            acked = sync_repo.acked_seq(conn)
            head_seq, _ = sync_repo.head(conn)
            waiting = sync_repo.waiting(conn)
            parked = tuple(sync_repo.parked(conn))
            outcomes = sync_repo.outcome_counts(conn)
        return SyncStatus(
            c,
            self.link_state().online if c is not None else False,
            waiting,
            acked,
            head_seq,
            st.pull_cursor,
            st.last_success_at,
            st.last_attempt_at,
            st.last_error,
            parked,
            outcomes,
            self.ctx.setting(REFUSED),
            str(self.ctx.setting(REFUSED_POLICY, "caps")),
        )

    # --- one round -------------------------------------------------------------------------
    def sync_once(self, progress: Progress | None = None) -> SyncReport:
        """Push, then pull. Raises NotConnected, or a SyncError (HeadOfficeUnreachable,
        Unauthorized, ChainMismatch) after recording the failed attempt; whatever was
        acknowledged or applied before the failure stays committed."""
        c = self.connection()
        if c is None:
            raise NotConnected(
                "this store is not connected to a head office: run "
                "`lantern store connect --url URL --store-id ID` first"
            )
        if not c.secret:
            raise NotConnected(
                f"this store's head-office secret is not on this machine (it is kept outside "
                f"the database, in {vault_for(self.db.path).where}, and a copied or moved "
                "database does not take it along): run `lantern store connect` again with "
                "the secret head office gave (nothing was changed)"
            )
        with self._round:
            tally = _Tally()
            problems: list[str] = []
            client: HeadOffice | None = None
            try:
                # Inside the try: an address the client cannot use is a failed round too,
                # recorded (so the link shows offline) and named for the manager.
                try:
                    client = self.client_factory(c.url, c.store_id, c.secret)
                except LanternError:
                    raise
                except Exception as e:
                    raise BadAddress(
                        f"head office at {c.url} cannot be called: {type(e).__name__}: {e}; "
                        "correct the address in the manager's Settings"
                    ) from e
                self._push(client, c.store_id, tally, progress)
                self._pull(client, tally, problems, progress)
            except BaseException as e:
                try:
                    self._finish(_reason(e), refused=isinstance(e, ChainMismatch))
                except Exception:  # the database itself failed: the first error matters
                    log.exception("could not record the failed sync round")
                raise
            finally:
                if client is not None:
                    client.close()
            self._finish(None)
            with self.db.read() as conn:
                report = SyncReport(
                    tally.pushed,
                    tally.applied,
                    tally.conflicts,
                    tally.duplicates,
                    tally.parked,
                    tally.pulled,
                    tally.pages,
                    tally.deliveries,
                    sync_repo.acked_seq(conn),
                    sync_repo.state(conn).pull_cursor,
                    sync_repo.waiting(conn),
                    tuple(problems),
                )
        log.info("sync: %s", report.summary())
        return report

    def _finish(self, error: str | None, *, refused: bool = False) -> None:
        at = self.ctx.now().isoformat()
        with self.db.write() as conn:
            sync_repo.record_attempt(conn, at, error)
            if refused:
                settings.put(conn, REFUSED, error)
            elif error is None:
                conn.execute("DELETE FROM settings WHERE key = ?", (REFUSED,))
            reports_repo.record_link(conn, error is None, at, "ok" if error is None else error)

    # --- push ------------------------------------------------------------------------------
    def _push(
        self, client: HeadOffice, store_id: str, tally: _Tally, progress: Progress | None
    ) -> None:
        with self.db.read() as conn:
            start = sync_repo.acked_seq(conn)
            head_seq, _ = sync_repo.head(conn)
        if head_seq == 0:
            return  # nothing ever happened in this store
        total = max(0, head_seq - start)
        stalls = 0
        first = True
        while True:
            with self.db.read() as conn:
                acked = sync_repo.acked_seq(conn)
                events = outbox.events(conn, acked, self.batch_size)
                head_seq, head_hash = sync_repo.head(conn)
            if not events and not first:
                return
            first = False
            body = {
                "store_id": store_id,
                "events": [
                    {
                        "seq": e.seq,
                        "event_id": e.event_id,
                        "kind": e.kind,
                        "payload": e.payload,
                        "created_at": e.created_at,
                        "prev_hash": e.prev_hash,
                        "hash": e.hash,
                    }
                    for e in events
                ],
                "head": {"seq": head_seq, "hash": head_hash},
            }
            answer = client.push(body)
            new_acked = self._record_answer(answer, events, acked, head_seq, tally)
            if progress:
                progress("push", min(total, max(0, new_acked - start)), total)
            if new_acked >= head_seq:
                return  # everything up to the head this push carried is acknowledged
            if new_acked > acked:
                stalls = 0
            else:  # out_of_order only, or head office has fewer events than it had
                stalls += 1
                if stalls >= _MAX_STALLS:
                    raise HeadOfficeUnreachable(
                        f"head office accepts none of this store's events after seq {acked} "
                        f"(it answered {_outcomes(answer)}); tell head office"
                    )

    def _record_answer(
        self,
        answer: PushAnswer,
        events: list[outbox.Event],
        acked: int,
        head_seq: int,
        tally: _Tally,
    ) -> int:
        if not answer.chain_ok:
            raise ChainMismatch(
                "head office holds a different version of events this store already sent: "
                "the store database was edited or restored from an old backup. Nothing was "
                "applied; the till keeps to the offline limits. Recover it: `lantern recover` "
                "(or the manager screen's sync tab)"
            )
        if answer.acked_seq > head_seq:
            raise ChainMismatch(
                f"head office says it stored event {answer.acked_seq} of this store, but the "
                f"newest event here is {head_seq}: this database was restored from an old "
                "backup (or it is not this store's head office). Recover it: `lantern "
                "recover` takes back what head office holds"
            )
        sent = {e.seq: e for e in events}
        at = self.ctx.now().isoformat()
        with self.db.write() as conn:
            for r in answer.results:
                if not r.outcome.stored or r.seq > answer.acked_seq:
                    continue
                ev = sent.get(r.seq)
                if ev is None:
                    continue  # an answer about an event not in this batch: nothing to record
                if ev.event_id != r.event_id:
                    raise HeadOfficeUnreachable(
                        f"head office answered for event {r.seq} with id {r.event_id}, but this "
                        f"store's event {r.seq} is {ev.event_id}"
                    )
                # a duplicate of an event whose first answer never arrived carries that
                # answer's outcome: it is recorded and counted as what happened
                outcome = r.effective
                sync_repo.record_outcome(
                    conn, r.seq, r.event_id, outcome.value, r.conflict, r.error, at
                )
                if r.seq <= acked:
                    continue
                if outcome is Outcome.DUPLICATE:
                    tally.duplicates += 1
                elif outcome is Outcome.REJECTED:
                    tally.parked += 1
                    log.warning("event %d (%s) parked by head office: %s", r.seq, ev.kind, r.error)
                else:
                    tally.applied += 1
                    if outcome is Outcome.APPLIED_WITH_CONFLICT:
                        tally.conflicts += 1
            if answer.acked_seq < acked:
                log.warning(
                    "head office has events only up to %d (this store had %d acknowledged): "
                    "sending them again",
                    answer.acked_seq,
                    acked,
                )
            sync_repo.set_acked_seq(conn, answer.acked_seq)
        tally.pushed += max(0, answer.acked_seq - acked)
        return answer.acked_seq

    # --- pull ------------------------------------------------------------------------------
    def _pull(
        self,
        client: HeadOffice,
        tally: _Tally,
        problems: list[str],
        progress: Progress | None,
    ) -> None:
        with self.db.read() as conn:
            cursor = sync_repo.state(conn).pull_cursor
        folder = card_designs_folder(self.db.path)
        for _ in range(_MAX_PAGES):
            page = client.changes(cursor, self.page_limit)
            if page.more and page.cursor <= cursor:
                raise HeadOfficeUnreachable(
                    f"head office said there are more changes after {cursor} but sent a page "
                    f"ending at {page.cursor}"
                )
            # head office's cursor is the truth, even backwards: after head office was
            # restored from a backup, new changes are numbered from its (lower) top again
            new_cursor = page.cursor
            at = self.ctx.now().isoformat()
            with self.db.write() as conn:
                result = apply_page(conn, page, at=at, designs_folder=folder, tz=self.ctx.tz)
                sync_repo.set_cursor(conn, new_cursor)
            cursor = new_cursor
            tally.pages += 1
            tally.pulled += page.size
            tally.deliveries += result.deliveries_received
            problems.extend(result.problems)
            if progress:
                progress("pull", tally.pages, tally.pages + (1 if page.more else 0))
            if not page.more:
                return
        raise HeadOfficeUnreachable(f"head office sent more than {_MAX_PAGES} pages of changes")


def _outcomes(answer: PushAnswer) -> str:
    seen = sorted({r.outcome.value for r in answer.results})
    return ", ".join(seen) or "no results"


def _reason(e: BaseException) -> str:
    if isinstance(e, LanternError):
        return str(e)
    if isinstance(e, KeyboardInterrupt):
        return "interrupted"
    return f"unexpected error: {type(e).__name__}: {e}"
