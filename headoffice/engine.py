"""Head office's side of sync protocol v1 (docs/sync-protocol.md), without HTTP.

`HeadOffice(db)` authenticates stores, applies pushed events exactly once, each in its own
transaction, and serves change-log pages. `HeadOffice.admin` holds the administration the
`lantern headoffice …` commands use. Nothing is kept in the process between calls but a
memory of verified credentials, keyed on the stored hash (a rotated or revoked store misses
at once), so several service processes can share one PostgreSQL database.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

from desktop.core.chain import GENESIS, canonical, chain_hash, payload_hash
from desktop.core.wire import PROTOCOL_VERSION, ConflictKind, Outcome
from headoffice import recovery, snapshots
from headoffice.admin import Admin, Clock
from headoffice.auth import Verdict, VerifiedCredentials, dummy_check, secret_matches
from headoffice.db import Database, Tx
from headoffice.events import Unappliable, apply_event
from headoffice.protocol import (
    EventResult,
    PushBody,
    PushedEvent,
    Unauthorized,
    parse_changes_query,
    parse_push,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
RETRIES = 5


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class _Mismatch:
    """An event names a seq head office already holds with a different hash."""

    reason: str


class HeadOffice:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self.db = db
        self.clock = clock
        self.admin = Admin(db, clock)
        self.verified = VerifiedCredentials()  # per process; see check_credentials

    # --- credentials ------------------------------------------------------------------
    def authenticate(self, store_id: str, secret: str) -> bool:
        """True only for a known, not revoked store with the right secret."""
        return self.check_credentials(store_id, secret).ok

    def check_credentials(self, store_id: str, secret: str, *, may_hash: bool = True) -> Verdict:
        """Check a store's credentials. A secret this process verified before against the
        same stored hash costs no scrypt run (auth.VerifiedCredentials); any other check
        needs one, and when `may_hash` is false (the client is backing off) it is not
        made: NOT_CHECKED."""
        with self.db.transaction(write=False) as tx:
            row = tx.one("SELECT secret_hash, revoked FROM stores WHERE store_id = ?", (store_id,))
        stored = str(row["secret_hash"]) if row is not None else None
        if row is not None and row["revoked"]:
            return Verdict.REFUSED
        if stored is not None and self.verified.known(store_id, stored, secret):
            return Verdict.REMEMBERED
        if not may_hash:
            return Verdict.NOT_CHECKED
        if stored is None:
            dummy_check(secret)
            return Verdict.REFUSED
        if not secret_matches(secret, stored):
            return Verdict.REFUSED
        self.verified.remember(store_id, stored, secret)
        return Verdict.VERIFIED

    # --- push -------------------------------------------------------------------------
    def push(self, store_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Apply a pushed batch; `store_id` must already be authenticated. Raises
        BadRequest for a malformed body."""
        req = parse_push(body, store_id)
        mismatch = self._retry(partial(self._check_chain, req))
        if mismatch is not None:
            return self._mismatch(store_id, mismatch, [])
        results: list[EventResult] = []
        for event in req.events:
            result = self._retry(partial(self._push_event, store_id, event))
            if isinstance(result, _Mismatch):
                self._retry(partial(self._flag_store, store_id, result.reason))
                return self._mismatch(store_id, result, results)
            results.append(result)
        acked = self._acked_seq(store_id)
        counts: dict[str, int] = {}
        for r in results:
            counts[r.outcome.value] = counts.get(r.outcome.value, 0) + 1
        log.info(
            "push store=%s events=%d %s acked_seq=%d head=%d chain=ok",
            store_id,
            len(req.events),
            " ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "-",
            acked,
            req.head.seq,
        )
        return {"results": [r.to_json() for r in results], "acked_seq": acked, "chain": "ok"}

    def _mismatch(
        self, store_id: str, mismatch: _Mismatch, results: list[EventResult]
    ) -> dict[str, Any]:
        log.warning("push store=%s chain=mismatch: %s; store flagged", store_id, mismatch.reason)
        return {
            "results": [r.to_json() for r in results],
            "acked_seq": self._acked_seq(store_id),
            "chain": "mismatch",
            "error": mismatch.reason,
        }

    def _check_chain(self, req: PushBody) -> _Mismatch | None:
        """Compare the pushed head and events with the (seq, hash) pairs head office holds;
        on a difference flag the store and apply nothing. Otherwise keep the newest head."""
        now = self.clock().isoformat()
        with self.db.transaction() as tx:
            store = self._lock_store(tx, req.store_id)
            pairs = [(e.seq, e.hash, f"event {e.seq}") for e in req.events]
            if req.head.seq and req.head.hash is not None:
                pairs.append((req.head.seq, req.head.hash, f"head {req.head.seq}"))
            claimed: dict[int, str] = {}
            problem = None
            for seq, digest, _ in pairs:
                held = claimed.setdefault(seq, digest)
                if held != digest:
                    problem = f"the push names seq {seq} with two different hashes"
                    break
            seqs = sorted(claimed)
            stored: dict[int, str] = {}
            if seqs and problem is None:
                stored = {
                    int(r["seq"]): str(r["hash"])
                    for r in tx.all(
                        "SELECT seq, hash FROM store_events WHERE store_id = ? "
                        "AND seq BETWEEN ? AND ?",
                        (req.store_id, seqs[0], seqs[-1]),
                    )
                }
            if store["head_hash"] is not None:
                stored.setdefault(int(store["head_seq"]), str(store["head_hash"]))
            for seq, digest, what in pairs:
                if problem is None and seq in stored and stored[seq] != digest:
                    problem = (
                        f"{what} has hash {digest[:12]}… but head office holds "
                        f"{stored[seq][:12]}… for seq {seq}: the store database was changed"
                    )
            if problem is not None:
                self._set_flag(tx, req.store_id, problem, now)
                return _Mismatch(problem)
            if req.head.seq > int(store["head_seq"]):
                tx.execute(
                    "UPDATE stores SET head_seq = ?, head_hash = ? WHERE store_id = ?",
                    (req.head.seq, req.head.hash, req.store_id),
                )
            tx.execute("UPDATE stores SET last_push_at = ? WHERE store_id = ?", (now, req.store_id))
        return None

    def _push_event(self, store_id: str, event: PushedEvent) -> EventResult | _Mismatch:
        """One event in its own transaction, following the protocol's order of rules."""
        now = self.clock().isoformat()
        with self.db.transaction() as tx:
            store = self._lock_store(tx, store_id)
            last = tx.one(
                "SELECT seq, hash FROM store_events WHERE store_id = ? ORDER BY seq DESC LIMIT 1",
                (store_id,),
            )
            last_seq = int(last["seq"]) if last else 0
            if event.seq <= last_seq:
                held = tx.one(
                    "SELECT hash, outcome, conflict, error FROM store_events "
                    "WHERE store_id = ? AND seq = ?",
                    (store_id, event.seq),
                )
                if held is None or held["hash"] != event.hash:
                    return _Mismatch(f"event {event.seq} differs from the one head office holds")
                return _again(event, held)
            epoch = event.kind == recovery.EPOCH and event.seq > last_seq + 1
            if event.seq != last_seq + 1 and not epoch:
                return EventResult(event.seq, event.event_id, Outcome.OUT_OF_ORDER)
            if epoch and (gap := recovery.epoch_gap(event, last_seq)) is not None:
                return EventResult(event.seq, event.event_id, Outcome.OUT_OF_ORDER, error=gap)
            if int(store["head_seq"]) == event.seq and store["head_hash"] not in (None, event.hash):
                return _Mismatch(f"event {event.seq} differs from the head the store pushed")
            body = canonical(event.payload)
            digest = payload_hash(body)
            owner = tx.one(
                "SELECT store_id, seq, payload_hash FROM store_events "
                "WHERE event_id = ? AND id_reused = 0",
                (event.event_id,),
            )
            result = self._decide(tx, store_id, event, body, owner, last)
            if event.kind == recovery.EPOCH and result.outcome is Outcome.APPLIED:
                recovery.lift_flag(tx, store_id, event, now)
            tx.execute(
                "INSERT INTO store_events (store_id, seq, event_id, id_reused, kind, payload, "
                "payload_hash, created_at, prev_hash, hash, outcome, conflict, error, "
                "received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    store_id,
                    event.seq,
                    event.event_id,
                    int(owner is not None),
                    event.kind,
                    body,
                    digest,
                    event.created_at,
                    event.prev_hash,
                    event.hash,
                    result.outcome.value,
                    ",".join(c.value for c in result.conflicts) or None,
                    result.error,
                    now,
                ),
            )
        if result.outcome is Outcome.REJECTED:
            log.warning(
                "push store=%s seq=%d event=%s kind=%s parked: %s",
                store_id,
                event.seq,
                event.event_id,
                event.kind,
                result.error,
            )
        elif result.conflicts:
            log.warning(
                "push store=%s seq=%d event=%s kind=%s applied with conflict: %s",
                store_id,
                event.seq,
                event.event_id,
                event.kind,
                ",".join(c.value for c in result.conflicts),
            )
        return result

    def _decide(
        self,
        tx: Tx,
        store_id: str,
        event: PushedEvent,
        body: str,
        owner: dict[str, Any] | None,
        last: dict[str, Any] | None,
    ) -> EventResult:
        """The outcome of a new event at the next expected seq (and its effect, if any)."""
        if owner is not None:
            where = f"store {owner['store_id']} seq {owner['seq']}"
            if owner["payload_hash"] == payload_hash(body):
                # the same event again at another position: nothing is applied again
                return EventResult(event.seq, event.event_id, Outcome.DUPLICATE)
            return self._rejected(
                event, f"event id {event.event_id} is already stored ({where}) with another payload"
            )
        prev = str(last["hash"]) if last else GENESIS
        if event.prev_hash != prev:
            return self._rejected(
                event,
                f"prev_hash {event.prev_hash[:12]}… does not continue the chain head office "
                f"holds (seq {event.seq - 1} has {prev[:12]}…)",
            )
        expected = chain_hash(
            event.prev_hash, event.seq, event.event_id, event.kind, body, event.created_at
        )
        if expected != event.hash:
            return self._rejected(event, "hash does not match the event's content")
        if event.kind == recovery.EPOCH:
            # a new epoch after a recovery: nothing to apply, the chain goes on (lift_flag)
            return EventResult(event.seq, event.event_id, Outcome.APPLIED)
        try:
            with tx.savepoint():
                conflicts = apply_event(tx, store_id, event)
        except Unappliable as e:
            return self._rejected(event, str(e))
        except Exception as e:
            if self.db.is_integrity_error(e):
                return self._rejected(event, f"contradicts what head office holds ({e})")
            if self.db.is_data_error(e) or isinstance(e, ValueError | ArithmeticError):
                # a value no check above caught: the event's input, not head office, is
                # wrong, so it is parked rather than answered 500 and resent for ever
                log.exception("push store=%s seq=%d: payload cannot be stored", store_id, event.seq)
                return self._rejected(
                    event,
                    f"its payload holds a value head office cannot store ({type(e).__name__})",
                )
            raise
        outcome = Outcome.APPLIED_WITH_CONFLICT if conflicts else Outcome.APPLIED
        return EventResult(event.seq, event.event_id, outcome, conflicts)

    @staticmethod
    def _rejected(event: PushedEvent, error: str) -> EventResult:
        return EventResult(event.seq, event.event_id, Outcome.REJECTED, error=error)

    def _lock_store(self, tx: Tx, store_id: str) -> dict[str, Any]:
        """The store's row, locked: one store's events are applied one at a time even when
        two pushes (a retry and the original) arrive at two service processes at once."""
        row = tx.one(
            "SELECT store_id, revoked, head_seq, head_hash FROM stores WHERE store_id = ?"
            + tx.for_update,
            (store_id,),
        )
        if row is None or row["revoked"]:
            raise Unauthorized(f"store {store_id!r} is unknown or revoked")
        return row

    def _set_flag(self, tx: Tx, store_id: str, reason: str, now: str) -> None:
        tx.execute(
            "UPDATE stores SET flagged = 1, flag_reason = ?, last_push_at = ? WHERE store_id = ?",
            (f"{now} {reason}"[:2000], now, store_id),
        )

    def _flag_store(self, store_id: str, reason: str) -> None:
        with self.db.transaction() as tx:
            self._set_flag(tx, store_id, reason, self.clock().isoformat())

    def _acked_seq(self, store_id: str) -> int:
        with self.db.transaction(write=False) as tx:
            return int(
                tx.scalar(
                    "SELECT COALESCE(MAX(seq), 0) FROM store_events WHERE store_id = ?",
                    (store_id,),
                )
            )

    def _retry(self, fn: Callable[[], T]) -> T:
        """Run a transaction again after a deadlock, serialisation failure or busy file."""
        for attempt in range(RETRIES):
            try:
                return fn()
            except Exception as e:
                if attempt == RETRIES - 1 or not self.db.is_transient(e):
                    raise
                log.info("transient database failure (%s); trying again", e)
                time.sleep(0.05 * 2**attempt)
        raise AssertionError("unreachable")

    # --- pull -------------------------------------------------------------------------
    def changes(
        self, store_id: str, since: int | str | None, limit: int | str | None = None
    ) -> dict[str, Any]:
        """The page of changes after `since` for this store: snapshots of every changed
        entity, the new cursor, and whether more pages follow. `since` and `limit` may be
        the query string's text; anything malformed is a BadRequest."""
        since_n, limit_n = parse_changes_query(since, limit)
        today = self.clock().date()
        with self.db.transaction(write=False) as tx:
            top = int(tx.scalar("SELECT COALESCE(MAX(change_no), 0) FROM change_log"))
            rows = tx.all(
                "SELECT change_no, entity, entity_key, store_id FROM change_log "
                "WHERE change_no > ? AND change_no <= ? AND (store_id IS NULL OR store_id = ?) "
                "ORDER BY change_no LIMIT ?",
                (since_n, top, store_id, limit_n + 1),
            )
            more = len(rows) > limit_n
            rows = rows[:limit_n]
            body = snapshots.page(tx, rows, store_id, today)
        if more:
            cursor = int(rows[-1]["change_no"])
        else:
            # nothing more for this store up to `top`: move past other stores' changes too
            # (numbers commit in order, so nothing at or below `top` can appear later)
            cursor = top
            if since_n > top:
                log.warning(
                    "changes store=%s since=%d is ahead of the change log (%d): was the "
                    "head-office database restored from a backup?",
                    store_id,
                    since_n,
                    top,
                )
        log.info(
            "changes store=%s since=%d cursor=%d entities=%d more=%s",
            store_id,
            since_n,
            cursor,
            len(rows),
            more,
        )
        return {"cursor": cursor, "more": more, **body}

    def stored_events(
        self, store_id: str, since: int | str | None, limit: int | str | None = None
    ) -> dict[str, Any]:
        """The store's own events head office stored after seq `since` (recovery)."""
        since_n, limit_n = recovery.parse_events_query(since, limit)
        with self.db.transaction(write=False) as tx:
            page = recovery.stored_events(tx, store_id, since_n, limit_n)
        log.info(
            "events store=%s since=%d sent=%d acked_seq=%d head=%d flagged=%s",
            store_id,
            since_n,
            len(page["events"]),
            page["acked_seq"],
            page["head"]["seq"],
            page["flagged"],
        )
        return page

    def health(self) -> dict[str, Any]:
        with self.db.transaction(write=False) as tx:
            version = int(tx.scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"))
        return {
            "status": "ok",
            "protocol": PROTOCOL_VERSION,
            "database": self.db.dialect.value,
            "schema": version,
        }


def _again(event: PushedEvent, held: dict[str, Any]) -> EventResult:
    """The answer to an event head office already stored at this seq: duplicate, carrying
    the outcome (conflicts, error) stored with it, so a store that lost the first answer
    records what really happened (docs/sync-protocol.md)."""
    stored = Outcome(held["outcome"])
    if stored is Outcome.DUPLICATE:  # its id was stored before at another seq: nothing new
        return EventResult(event.seq, event.event_id, Outcome.DUPLICATE)
    conflicts = tuple(ConflictKind(c) for c in (held["conflict"] or "").split(",") if c)
    return EventResult(
        event.seq, event.event_id, Outcome.DUPLICATE, conflicts, held["error"], stored
    )
