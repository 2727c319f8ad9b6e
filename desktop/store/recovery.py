"""Taking back what a store database lost (issue #10; docs/sync-protocol.md, "Recovery").

After a restore from an older backup (or a lost disk) the outbox is a prefix of the chain
head office holds, perhaps followed by events made since the restore, which head office
never saw and whose seqs clash with events it did see. `recover` works in one transaction:

1. **adopt** head office's copies of this store's events the file lacks, verbatim (same
   seq, id, payload, hashes: the chain is byte-for-byte head office's), acknowledged with
   head office's outcome, and re-apply their effect on the store's own records (the
   redemption and its receipt number, voids, stock movements, business days). Points are
   not re-applied here: the pull that follows replaces each member's view with head
   office's (plus this store's unacknowledged events).
2. **re-chain** the events head office never saw: each is kept whole (id, kind, payload,
   time; its effect already happened in this store) and appended again after
3. an **epoch** event that starts the store's new epoch beyond every sequence number the
   lost database may have used, chained to head office's newest event. Receipt numbers of
   the new epoch carry it (`STORE-YYYYMMDD-E2-00001`), so none printed by the lost
   database is ever issued again.

The outbox is append-only; re-chaining is the one place that removes rows, with the
trigger lifted and restored inside the same transaction, and every removed row kept in
the setting `recovery_log` with the epoch that superseded it.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from desktop.core.risk import Action, Triggered
from desktop.core.wire import ChainedEvent, EventKind
from desktop.store import (
    catalogue,
    coupons,
    journeys,
    outbox,
    redemptions,
    risk,
    settings,
    stock_stats,
    voids,
)
from desktop.store import sync_state as sync_repo

EPOCH = EventKind.EPOCH


@dataclass(frozen=True)
class Adopted(ChainedEvent):
    """An event head office holds, as the store takes it back."""

    outcome: str  # head office's answer: applied, applied_with_conflict, duplicate, rejected
    conflict: str | None
    error: str | None


def epoch(conn: sqlite3.Connection) -> int:
    """The store's epoch: 1 until its first recovery."""
    return int(settings.get(conn, "epoch", 1))


def max_seq(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COALESCE(MAX(seq), 0) FROM outbox").fetchone()[0])


def adopt(conn: sqlite3.Connection, e: Adopted, at: str) -> str | None:
    """Insert head office's event into the outbox, acknowledged, and re-apply its effect on
    the store's records. Returns why its effect could not be re-applied, or None."""
    body = outbox.canonical(e.payload)
    if outbox.chain_hash(e.prev_hash, e.seq, e.event_id, e.kind, body, e.created_at) != e.hash:
        raise ValueError(f"head office's event {e.seq} does not match its own hash")
    conn.execute(
        "INSERT INTO outbox (seq, event_id, kind, payload, created_at, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (e.seq, e.event_id, e.kind, body, e.created_at, e.prev_hash, e.hash),
    )
    if e.outcome != "out_of_order":
        sync_repo.record_outcome(conn, e.seq, e.event_id, e.outcome, e.conflict, e.error, at)
    conn.execute("SAVEPOINT replay")
    try:
        _replay(conn, e)
    except (sqlite3.Error, ValueError, KeyError, TypeError, LookupError) as err:
        conn.execute("ROLLBACK TO replay")
        conn.execute("RELEASE replay")
        return f"event {e.seq} ({e.kind}) is back in the outbox, but its effect here was not: {err}"
    conn.execute("RELEASE replay")
    return None


def _replay(conn: sqlite3.Connection, e: Adopted) -> None:
    p, at = e.payload, str(e.payload.get("at", e.created_at))
    if e.kind == "redemption":
        rid = str(p["redemption_id"])
        if conn.execute("SELECT 1 FROM redemptions WHERE redemption_id = ?", (rid,)).fetchone():
            return
        day = datetime.fromisoformat(at).date()
        receipt_no = str(p["receipt_no"])
        if conn.execute("SELECT 1 FROM redemptions WHERE receipt_no = ?", (receipt_no,)).fetchone():
            # the number was issued again after the restore (before this recovery): both
            # receipts exist on paper; head office's copy is kept under a marked number
            receipt_no = f"{receipt_no}-R{e.seq}"
        lines = tuple(
            redemptions.SoldLine(str(g), int(q), int(pe), int(ce)) for g, q, pe, ce in p["lines"]
        )
        redemptions.insert(
            conn,
            redemptions.NewRedemption(
                rid,
                receipt_no,
                day,
                str(p["member_id"]),
                str(p["cashier_id"]),
                int(p["points"]),
                int(p.get("cash_fen", 0)),
                0,  # balances at the time are not in the event; head office's view follows
                0,
                str(p.get("code_kind", "static_card")),
                bool(p.get("offline", False)),
                p.get("override_by"),
                at,
                lines,
            ),
        )
        for line in lines:
            catalogue.move_stock(conn, line.gift_id, -line.quantity, "redeem", rid, at, None)
        for gift_id, code, valid_until in p.get("coupons", []):  # the printed codes stand
            if not coupons.exists(conn, str(code)):
                coupons.insert(conn, str(code), rid, str(gift_id), date.fromisoformat(valid_until))
        # the rules it triggered (it went through: each wanted a verification, and got it)
        risk.record(
            conn,
            rid,
            (
                Triggered(str(r), Action.VERIFY, "taken back from head office")
                for r in p.get("risk", [])
            ),
            p.get("verified_by"),
        )
        if p.get("voucher_no"):  # a paper voucher keyed in: its number stays taken
            conn.execute(
                "INSERT INTO paper_vouchers (voucher_no, redemption_id, written_at, "
                "written_by, keyed_in_by, keyed_in_at) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (voucher_no) DO NOTHING",
                (str(p["voucher_no"]), rid, str(p.get("written_at", at)),
                 str(p["cashier_id"]), str(p.get("keyed_in_by", p["cashier_id"])), at),
            )  # fmt: skip
    elif e.kind == "void":
        vid, rid = str(p["void_id"]), str(p["redemption_id"])
        if conn.execute("SELECT 1 FROM voids WHERE void_id = ?", (vid,)).fetchone():
            return
        voids.insert(
            conn,
            void_id=vid,
            redemption_id=rid,
            manager_id=str(p["manager_id"]),
            cashier_id=str(p["cashier_id"]),
            reason=str(p.get("reason", "")),
            balance_after=0,
            created_at=at,
        )
        for gift_id, quantity in redemptions.gifts_taken(conn, rid):
            catalogue.move_stock(conn, gift_id, quantity, "void", vid, at, p.get("manager_id"))
        coupons.void_for(conn, rid, at)
    elif e.kind in ("stock_receive", "stock_adjust"):
        ref = str(p["movement_id"])
        if conn.execute("SELECT 1 FROM stock_ledger WHERE ref = ?", (ref,)).fetchone():
            return
        catalogue.move_stock(
            conn,
            str(p["gift_id"]),
            int(p["delta"]),
            e.kind.removeprefix("stock_"),
            ref,
            at,
            p.get("staff_id"),
            p.get("note"),
        )
    elif e.kind == "day_open":
        conn.execute(
            "INSERT INTO business_days (day, opened_at, opened_by) VALUES (?, ?, ?) "
            "ON CONFLICT (day) DO NOTHING",
            (str(p["day"]), e.created_at, str(p["manager_id"])),
        )
    elif e.kind == "day_close":
        conn.execute(
            "UPDATE business_days SET closed_at = ?, closed_by = ? WHERE day = ? "
            "AND closed_at IS NULL",
            (e.created_at, str(p["manager_id"]), str(p["day"])),
        )
    elif e.kind == "replenishment" and stock_stats.request(conn, str(p["request_id"])) is None:
        stock_stats.add_request(
            conn,
            str(p["request_id"]),
            str(p["gift_id"]),
            int(p["quantity"]),
            int(p["stock"]),
            int(p["threshold"]),
            str(p["staff_id"]),
            p.get("note"),
            at,
        )
    elif e.kind == "journey":
        uid = str(p["use_id"])
        if conn.execute("SELECT 1 FROM journey_uses WHERE use_id = ?", (uid,)).fetchone():
            return
        use = journeys.JourneyUse(
            uid,
            str(p["member_id"]),
            str(p["journey"]),
            str(p["period"]),
            int(p.get("bonus_points") or 0),
            p.get("gift_id"),
            p.get("dormant_days"),
            at,
        )
        # head office may have told of the use already (then its row stays); the gift left
        # this store either way
        journeys.insert(conn, use, str(p["cashier_id"]), if_new=True)
        if use.gift_id:
            catalogue.move_stock(conn, use.gift_id, -1, "redeem", uid, at, p.get("cashier_id"))
    # earn, expiry, epoch: points only (the pull brings head office's lots) or nothing


def supersede(conn: sqlite3.Connection, after_seq: int) -> list[outbox.Event]:
    """Remove the unacknowledged events after `after_seq` from the outbox (they are
    appended again by `rechain`) and keep their rows in the recovery log."""
    moved = outbox.events(conn, after_seq, 1_000_000)
    if not moved:
        return moved
    conn.execute("DROP TRIGGER outbox_append_only_d")
    conn.execute("DELETE FROM sync_outcomes WHERE seq > ?", (after_seq,))
    conn.execute("DELETE FROM outbox WHERE seq > ?", (after_seq,))
    conn.execute(
        "CREATE TRIGGER outbox_append_only_d BEFORE DELETE ON outbox "
        "BEGIN SELECT RAISE(ABORT, 'outbox is append-only'); END"
    )
    return moved


def rechain(
    conn: sqlite3.Connection,
    start_seq: int,
    epoch_payload: Mapping[str, Any],
    moved: list[outbox.Event],
    at: str,
) -> list[tuple[int, int]]:
    """Append the epoch event at `start_seq`, then the moved events after it; returns the
    (old seq, new seq) of each moved event."""
    row = conn.execute("SELECT seq, hash FROM outbox ORDER BY seq DESC LIMIT 1").fetchone()
    prev = row[1] if row else outbox.GENESIS
    renumbered = []
    seq = start_seq
    items: list[tuple[str, str, Mapping[str, Any], str, int | None]] = [
        (str(_uuid()), EPOCH, epoch_payload, at, None)
    ]
    items += [(e.event_id, e.kind, e.payload, e.created_at, e.seq) for e in moved]
    for event_id, kind, payload, created_at, old in items:
        body = outbox.canonical(payload)
        digest = outbox.chain_hash(prev, seq, event_id, kind, body, created_at)
        conn.execute(
            "INSERT INTO outbox (seq, event_id, kind, payload, created_at, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (seq, event_id, kind, body, created_at, prev, digest),
        )
        if old is not None:
            renumbered.append((old, seq))
        prev, seq = digest, seq + 1
    return renumbered


def _uuid() -> str:
    return str(uuid.uuid4())


def log_recovery(conn: sqlite3.Connection, entry: dict[str, Any]) -> None:
    """Append one recovery to the setting `recovery_log` (what was lost, what moved)."""
    log = list(settings.get(conn, "recovery_log", []))
    log.append(entry)
    settings.put(conn, "recovery_log", log)


def recovery_log(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    return list(settings.get(conn, "recovery_log", []))


def unsynced(conn: sqlite3.Connection) -> list[str]:
    """One line per event head office has not acknowledged: seq, kind, id, receipt."""
    acked = sync_repo.acked_seq(conn)
    out = []
    for e in outbox.events(conn, acked, 1_000_000):
        receipt = e.payload.get("receipt_no")
        out.append(
            f"{e.seq}\t{e.kind}\t{e.created_at[:19]}\t{e.event_id}"
            + (f"\treceipt {receipt}" if receipt else "")
        )
    return out
