"""Randomized tampering of a real store file: every kind of edit someone with only the
database file can make is detected by `store check` and located (the problem names the
table and row, or the removed events). docs/tamper-evidence.md.

The store is prepared once with a realistic mix (redemptions, voids, earns, stock receipts
and counts, a sync round acknowledging the first part, more events after it). Each case
edits the file with raw SQL in one transaction (append-only triggers dropped, as an
attacker would), runs the check on that connection, and rolls back. Replay a failure with
LANTERN_TAMPER_SEED=<seed printed in the failure>."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sqlite3
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing, suppress
from pathlib import Path
from typing import Any

import pytest

from desktop.core.chain import canonical, chain_hash
from desktop.core.errors import InvalidInput
from desktop.core.redemption import Refusal
from desktop.services.app import StoreServices
from desktop.services.till import LineRequest, Receipt
from desktop.store import checks, seals
from desktop.store.database import open_store
from desktop.store.seals import carry_over
from tests.reliability import record

from ._helpers import T0, Clock, staff
from ._sync import ScriptedHeadOffice

pytestmark = pytest.mark.store

CASES = int(os.environ.get("LANTERN_TAMPER_CASES", "576"))  # 18 of each of 32 kinds
Rng = random.Random
Tamper = Callable[[sqlite3.Connection, Rng], list[str]]  # edits; returns where it should show


# --- the prepared store --------------------------------------------------------------------
@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Path:
    path = tmp_path_factory.mktemp("tamper") / "store.db"
    shutil.copyfile(demo_template, path)
    carry_over(demo_template, path)
    app = StoreServices(open_store(path), Clock(T0))
    ho = ScriptedHeadOffice()
    app.sync.client_factory = lambda url, store_id, secret: ho
    app.sync.connect("http://ho.test", "SH001", "s3cret")
    try:
        mix(app, random.Random(5), 40)
        app.sync.sync_once()  # head office acknowledges the first part
        mix(app, random.Random(6), 30)  # the rest waits for the next sync
    finally:
        app.close()
    with closing(connect(path)) as conn:
        assert checks.problems(conn, path) == []
        acked = conn.execute("SELECT value FROM settings WHERE key = 'outbox_acked_seq'")
        assert int(json.loads(acked.fetchone()[0])) > 0
    return path


def mix(app: StoreServices, rng: Rng, n: int) -> None:
    cashier, manager = staff(app, "C01"), staff(app, "M01")
    members = [f"M{i:08d}" for i in range(1, 40)]
    today: list[Receipt] = []
    for i in range(n):
        rid = f"{rng.random()}-{i}"
        op = rng.choices(["earn", "redeem", "void", "receive", "adjust"], [3, 5, 1, 1, 1])[0]
        if op == "earn":
            app.till.earn(cashier, rid, rng.choice(members), rng.randint(100, 50_000))
        elif op == "redeem":
            got = app.till.redeem(
                cashier,
                rid,
                rng.choice(members),
                (LineRequest(rng.choice(["G101", "G102", "G103"]), rng.randint(1, 2)),),
                override_by=manager,
            )
            if not isinstance(got, Refusal):
                today.append(got)
        elif op == "void" and today:
            app.till.void(cashier, manager, rid, today.pop().receipt_no, "changed mind")
        elif op == "receive":
            app.stock.receive(manager, rid, "G101", rng.randint(1, 9), "delivery")
        else:
            with suppress(InvalidInput):
                app.stock.adjust(manager, rid, "G102", delta=rng.choice([-1, 2]), reason="count")


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    return conn


# --- the tampering ------------------------------------------------------------------------
def pick(c: sqlite3.Connection, rng: Rng, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Row:
    found = c.execute(sql, params).fetchall()
    assert found, sql
    row: sqlite3.Row = rng.choice(found)
    return row


def nonzero(rng: Rng, avoid: int) -> int:
    """A change that is not 0 and not `avoid`."""
    return rng.choice([d for d in (-100, -7, -1, 1, 3, 50, 1000) if d != avoid])


def move_lot(c: sqlite3.Connection, lot_id: str | None, member_id: str, d: int) -> None:
    """Keep the cached figures consistent with a ledger change of `d` (as a careful
    attacker would, so that the sums still agree)."""
    c.execute("UPDATE members SET balance = balance + ? WHERE member_id = ?", (d, member_id))
    if lot_id is None:
        c.execute("UPDATE members SET debt = MAX(0, debt - ?) WHERE member_id = ?", (d, member_id))
    else:
        c.execute(
            "UPDATE point_lots SET original = MAX(original, remaining + ?), "
            "remaining = MAX(0, remaining + ?) WHERE lot_id = ?",
            (d, d, lot_id),
        )


def ledger_edit(c: sqlite3.Connection, rng: Rng) -> list[str]:
    r = pick(c, rng, "SELECT * FROM points_ledger WHERE lot_id IS NOT NULL")
    d = nonzero(rng, -r["delta"])
    c.execute("UPDATE points_ledger SET delta = delta + ? WHERE entry_id = ?", (d, r["entry_id"]))
    move_lot(c, r["lot_id"], r["member_id"], d)
    return [f"points_ledger {r['entry_id']}:"]


def ledger_delete(c: sqlite3.Connection, rng: Rng) -> list[str]:
    r = pick(c, rng, "SELECT * FROM points_ledger")
    c.execute("DELETE FROM points_ledger WHERE entry_id = ?", (r["entry_id"],))
    move_lot(c, r["lot_id"], r["member_id"], -r["delta"])
    return [f"points_ledger {r['entry_id']}:"]


def ledger_insert(c: sqlite3.Connection, rng: Rng) -> list[str]:
    member = pick(c, rng, "SELECT member_id FROM members")["member_id"]
    lot = f"forged-{rng.randrange(10**6)}"
    points = rng.randint(1, 5000)
    c.execute(
        "INSERT INTO point_lots VALUES (?, ?, '2026-06-15', '2027-12-31', ?, ?)",
        (lot, member, points, points),
    )
    cur = c.execute(
        "INSERT INTO points_ledger (member_id, lot_id, delta, kind, ref, at) "
        "VALUES (?, ?, ?, 'earn', ?, '2026-06-15T11:00:00+08:00')",
        (member, lot, points, str(uuid.UUID(int=rng.getrandbits(128)))),
    )
    c.execute("UPDATE members SET balance = balance + ? WHERE member_id = ?", (points, member))
    return [f"points_ledger {cur.lastrowid}:"]


def stock_edit(c: sqlite3.Connection, rng: Rng) -> list[str]:
    r = pick(c, rng, "SELECT * FROM stock_ledger")
    d = nonzero(rng, -r["delta"])
    c.execute("UPDATE stock_ledger SET delta = delta + ? WHERE entry_id = ?", (d, r["entry_id"]))
    c.execute("UPDATE gifts SET stock = MAX(0, stock + ?) WHERE gift_id = ?", (d, r["gift_id"]))
    return [f"stock_ledger {r['entry_id']}:"]


def stock_delete(c: sqlite3.Connection, rng: Rng) -> list[str]:
    r = pick(c, rng, "SELECT * FROM stock_ledger")
    c.execute("DELETE FROM stock_ledger WHERE entry_id = ?", (r["entry_id"],))
    c.execute(
        "UPDATE gifts SET stock = MAX(0, stock - ?) WHERE gift_id = ?", (r["delta"], r["gift_id"])
    )
    return [f"stock_ledger {r['entry_id']}:"]


def stock_insert(c: sqlite3.Connection, rng: Rng) -> list[str]:
    gift = pick(c, rng, "SELECT gift_id FROM gifts")["gift_id"]
    d = rng.randint(1, 30)
    cur = c.execute(
        "INSERT INTO stock_ledger (gift_id, delta, kind, ref, at) "
        "VALUES (?, ?, 'receive', 'forged', '2026-06-15T11:00:00+08:00')",
        (gift, d),
    )
    c.execute("UPDATE gifts SET stock = stock + ? WHERE gift_id = ?", (d, gift))
    return [f"stock_ledger {cur.lastrowid}:"]


def edit_column(table: str, key: str, columns: dict[str, Callable[[Any, Rng], Any]]) -> Tamper:
    def tamper(c: sqlite3.Connection, rng: Rng) -> list[str]:
        r = pick(c, rng, f"SELECT * FROM {table}")
        col = rng.choice(sorted(columns))
        new = columns[col](r[col], rng)
        if new == r[col]:
            new = f"{new}x"
        c.execute(f"UPDATE {table} SET {col} = ? WHERE {key} = ?", (new, r[key]))
        return [f"{table} {r[key]}:"]

    return tamper


def bump(v: Any, rng: Rng) -> Any:
    return (v or 0) + rng.choice([1, 10, 100, 1000])  # up: the CHECK constraints hold


def other_text(v: Any, rng: Rng) -> Any:
    return f"{v or ''}{rng.choice('ABCXYZ')}"


def delete_row(table: str, key: str) -> Tamper:
    def tamper(c: sqlite3.Connection, rng: Rng) -> list[str]:
        r = pick(c, rng, f"SELECT {key} FROM {table}")
        c.execute(f"DELETE FROM {table} WHERE {key} = ?", (r[0],))
        return [f"{table} {r[0]}:"]

    return tamper


def line_change(c: sqlite3.Connection, rng: Rng) -> list[str]:
    r = pick(c, rng, "SELECT * FROM redemption_lines")
    where = f"redemption_lines {r['redemption_id']}/{r['line_no']}:"
    what = rng.choice(["quantity", "gift", "points", "delete", "insert"])
    key = (r["redemption_id"], r["line_no"])
    if what == "delete":
        c.execute("DELETE FROM redemption_lines WHERE redemption_id = ? AND line_no = ?", key)
    elif what == "insert":
        c.execute(
            "INSERT INTO redemption_lines VALUES (?, 9, 'G105', 1, 100, 0)", (r["redemption_id"],)
        )
        where = f"redemption_lines {r['redemption_id']}/9:"
    else:
        col = {"quantity": "quantity", "gift": "gift_id", "points": "points_each"}[what]
        new = "G108" if col == "gift_id" and r[col] != "G108" else "G107"
        value = bump(r[col], rng) if col != "gift_id" else new
        c.execute(
            f"UPDATE redemption_lines SET {col} = ? WHERE redemption_id = ? AND line_no = ?",
            (value, *key),
        )
    return [where]


def rechain(c: sqlite3.Connection, start: int) -> None:
    prev = c.execute("SELECT hash FROM outbox WHERE seq = ?", (start - 1,)).fetchone()
    prev_hash = prev[0] if prev else "0" * 64
    for e in c.execute("SELECT * FROM outbox WHERE seq >= ? ORDER BY seq", (start,)).fetchall():
        digest = chain_hash(
            prev_hash, e["seq"], e["event_id"], e["kind"], e["payload"], e["created_at"]
        )
        c.execute(
            "UPDATE outbox SET prev_hash = ?, hash = ? WHERE seq = ?", (prev_hash, digest, e["seq"])
        )
        prev_hash = digest


def payload_rechained(c: sqlite3.Connection, rng: Rng) -> list[str]:
    e = pick(c, rng, "SELECT * FROM outbox WHERE json_extract(payload, '$.points') IS NOT NULL")
    payload = json.loads(e["payload"])
    payload["points"] = bump(payload["points"], rng)
    c.execute("UPDATE outbox SET payload = ? WHERE seq = ?", (canonical(payload), e["seq"]))
    rechain(c, e["seq"])
    return [f"outbox {e['seq']}:"]


def head(c: sqlite3.Connection) -> int:
    return int(c.execute("SELECT MAX(seq) FROM outbox").fetchone()[0])


def unpushed_tail(c: sqlite3.Connection, rng: Rng) -> list[int]:
    acked = int(
        json.loads(
            c.execute("SELECT value FROM settings WHERE key = 'outbox_acked_seq'").fetchone()[0]
        )
    )
    top = head(c)
    k = rng.randint(1, min(4, top - acked))
    return list(range(top - k + 1, top + 1))


def truncate_events(c: sqlite3.Connection, rng: Rng) -> list[str]:
    gone = unpushed_tail(c, rng)
    c.execute("DELETE FROM outbox WHERE seq >= ?", (gone[0],))
    return [f"outbox {s}:" for s in gone] + [f"events {gone[0]}..{gone[-1]} are missing"]


def truncate_events_and_seals(c: sqlite3.Connection, rng: Rng) -> list[str]:
    """The tail of events and every seal since the first of them: the file is then
    exactly as it was before those events, but the anchor outside it remembers."""
    gone = unpushed_tail(c, rng)
    c.execute("DELETE FROM outbox WHERE seq >= ?", (gone[0],))
    first = min(
        n
        for (n, body) in c.execute("SELECT n, rows FROM seals")
        if any(json.loads(k)[0] in gone for k in json.loads(body).get("outbox", {}))
    )
    c.execute("DELETE FROM seals WHERE n >= ?", (first,))
    return [f"events {gone[0]}..{gone[-1]} are missing"]


def append_events(c: sqlite3.Connection, rng: Rng, forge_seal: bool) -> list[str]:
    top = head(c)
    last = c.execute("SELECT * FROM outbox WHERE seq = ?", (top,)).fetchone()
    added = []
    for seq in range(top + 1, top + 1 + rng.randint(1, 3)):
        event_id = str(uuid.UUID(int=rng.getrandbits(128)))
        payload = {"earn_id": event_id, "member_id": "M00000001", "points": 5000, "at": "x"}
        body = canonical(payload)
        digest = chain_hash(last["hash"], seq, event_id, "earn", body, last["created_at"])
        c.execute(
            "INSERT INTO outbox VALUES (?, ?, 'earn', ?, ?, ?, ?)",
            (seq, event_id, body, last["created_at"], last["hash"], digest),
        )
        last = c.execute("SELECT * FROM outbox WHERE seq = ?", (seq,)).fetchone()
        added.append(seq)
    if forge_seal:
        n, mac = c.execute("SELECT n, mac FROM seals ORDER BY n DESC LIMIT 1").fetchone()
        rows = {"outbox": {json.dumps([s]): "0" * 32 for s in added}}
        body = json.dumps(rows, separators=(",", ":"), sort_keys=True)
        fake = hashlib.sha256(f"{mac}{body}".encode()).hexdigest()  # no key: a guess
        c.execute("INSERT INTO seals VALUES (?, 'x', ?, ?, ?)", (n + 1, body, mac, fake))
    return [f"outbox {s}:" for s in added]


def seal_rewritten(c: sqlite3.Connection, rng: Rng) -> list[str]:
    """A ledger edit, and the seal that recorded the row rewritten to match it."""
    where = ledger_edit(c, rng)
    entry = where[0].split()[1].rstrip(":")
    key = json.dumps([int(entry)], separators=(",", ":"))
    for n, body in c.execute("SELECT n, rows FROM seals ORDER BY n DESC").fetchall():
        rows = json.loads(body)
        if key in rows.get("points_ledger", {}):
            rows["points_ledger"][key] = "f" * 32
            new = json.dumps(rows, separators=(",", ":"), sort_keys=True)
            c.execute("UPDATE seals SET rows = ? WHERE n = ?", (new, n))
            break
    return where


def seals_removed(c: sqlite3.Connection, rng: Rng, everything: bool) -> list[str]:
    top = int(c.execute("SELECT MAX(n) FROM seals").fetchone()[0])
    first = 1 if everything else top - rng.randint(0, 5)
    c.execute("DELETE FROM seals WHERE n >= ?", (first,))
    return [f"seals {first}..{top} are missing"]


def acked_raised(c: sqlite3.Connection, rng: Rng) -> list[str]:
    """Mark unsent events acknowledged, so they would never reach head office."""
    c.execute(
        "UPDATE settings SET value = ? WHERE key = 'outbox_acked_seq'", (json.dumps(head(c)),)
    )
    return ["settings outbox_acked_seq:"]


def replay_cache(c: sqlite3.Connection, rng: Rng) -> list[str]:
    key = f"forged-{rng.randrange(10**6)}"
    c.execute(
        "INSERT INTO code_uses (replay_key, member_id, used_at) "
        "VALUES (?, 'M00000001', '2026-06-15T10:00:00+08:00')",
        (key,),
    )
    return [f"code_uses {key}:"]


def issuer_key_added(c: sqlite3.Connection, rng: Rng) -> list[str]:
    c.execute("INSERT OR REPLACE INTO issuer_keys VALUES (200, ?, NULL, 'x')", ("ab" * 32,))
    return ["issuer_keys 200:"]


def laundered(c: sqlite3.Connection, rng: Rng) -> list[str]:
    """A row edited behind the store's back, then written again by the till (which seals
    the row as it finds it): the seal records what the row was before, so it shows."""
    table, key, column, value = rng.choice(
        [
            ("point_lots", "lot_id", "expires_on", "2099-12-31"),
            ("members", "member_id", "tier", "platinum"),
            ("gifts", "gift_id", "min_tier", "regular"),
            ("staff", "staff_id", "pin_hash", "forged"),
        ]
    )
    r = pick(c, rng, f"SELECT {key} FROM {table} WHERE {column} IS NOT ?", (value,))
    c.execute(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", (value, r[0]))
    prepared = Path(c.execute("PRAGMA database_list").fetchone()[2])
    key_bytes = seals.chain_key(prepared)
    assert key_bytes is not None
    till = seals.Sealer(c, prepared, key_bytes)  # the till's own connection, in effect
    rewrite = next(col for col in till.tables[table].columns if col not in (key, column))
    c.execute(f"UPDATE {table} SET {rewrite} = {rewrite} WHERE {key} = ?", (r[0],))
    till.seal()
    return [f"{table} {r[0]}: was not as sealed"]


KINDS: dict[str, Tamper] = {
    "points ledger row edited (cached balance and lot kept consistent)": ledger_edit,
    "points ledger row deleted (cached figures kept consistent)": ledger_delete,
    "points ledger row and lot inserted (cached balance kept consistent)": ledger_insert,
    "stock ledger row edited (cached stock kept consistent)": stock_edit,
    "stock ledger row deleted (cached stock kept consistent)": stock_delete,
    "stock ledger row inserted (cached stock kept consistent)": stock_insert,
    "cached member balance or debt edited": edit_column(
        "members", "member_id", {"balance": bump, "debt": lambda v, r: v + 5}
    ),
    "cached lot edited (remaining, expiry)": edit_column(
        "point_lots",
        "lot_id",
        {
            "remaining": lambda v, r: v - 1 if v else 1,
            "expires_on": lambda v, r: "2099-12-31",
        },
    ),
    "cached gift stock edited": edit_column("gifts", "gift_id", {"stock": lambda v, r: v + 1}),
    "redemption row edited": edit_column(
        "redemptions",
        "redemption_id",
        {
            "points": bump,
            "cash_fen": bump,
            "balance_after": bump,
            "cashier_id": other_text,
            "override_by": other_text,
            "created_at": other_text,
            "offline": lambda v, r: 1 - v,
        },
    ),
    "redemption row deleted": delete_row("redemptions", "redemption_id"),
    "redemption line edited, deleted or inserted": line_change,
    "void edited": edit_column(
        "voids", "void_id", {"manager_id": other_text, "reason": other_text, "balance_after": bump}
    ),
    "void deleted": delete_row("voids", "void_id"),
    "earn edited": edit_column(
        "earns", "earn_id", {"points": bump, "amount_fen": bump, "balance_after": bump}
    ),
    "earn deleted": delete_row("earns", "earn_id"),
    "request record edited (retry answered with another result)": edit_column(
        "requests", "request_id", {"result_ref": other_text}
    ),
    "event payload edited, hash chain recomputed": payload_rechained,
    "unpushed tail events deleted": truncate_events,
    "unpushed tail events and their seals deleted": truncate_events_and_seals,
    "events appended with a valid hash chain": lambda c, r: append_events(c, r, False),
    "events appended with a valid chain and a forged seal": lambda c, r: append_events(c, r, True),
    "row edited and its seal rewritten to match": seal_rewritten,
    "row edited, then rewritten and sealed by the till": laundered,
    "newest seals deleted": lambda c, r: seals_removed(c, r, False),
    "every seal deleted": lambda c, r: seals_removed(c, r, True),
    "unsent events marked acknowledged (settings)": acked_raised,
    "replay cache entry forged": replay_cache,
    "staff PIN hash replaced": edit_column("staff", "staff_id", {"pin_hash": other_text}),
    "issuing key added": issuer_key_added,
    "sync outcome edited": edit_column(
        "sync_outcomes",
        "seq",
        {"outcome": lambda v, r: "rejected" if v != "rejected" else "applied"},
    ),
    "business day edited": edit_column("business_days", "day", {"opened_by": other_text}),
}


@pytest.fixture
def seed() -> Iterator[int]:
    value = int(os.environ.get("LANTERN_TAMPER_SEED") or random.SystemRandom().randrange(10**9))
    yield value


@pytest.mark.reliability
def test_every_tamper_is_detected_and_located(prepared: Path, seed: int) -> None:
    rng = random.Random(seed)
    names = sorted(KINDS)
    tried: Counter[str] = Counter()
    detected: Counter[str] = Counter()
    located: Counter[str] = Counter()
    misses: list[str] = []
    started = time.perf_counter()
    with closing(connect(prepared)) as conn:
        triggers = [
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        ]
        for i in range(CASES):
            kind = names[i % len(names)]  # every kind in turn; each case random within it
            case_rng = random.Random(rng.getrandbits(64))
            conn.execute("BEGIN")
            try:
                for t in triggers:  # an attacker drops the append-only guards first
                    conn.execute(f'DROP TRIGGER "{t}"')
                where = KINDS[kind](conn, case_rng)
                problems = checks.problems(conn, prepared)
            except Exception as e:
                raise AssertionError(
                    f"case {i} {kind}: {e!r}; replay with LANTERN_TAMPER_SEED={seed}"
                ) from e
            finally:
                conn.execute("ROLLBACK")
            tried[kind] += 1
            if problems:
                detected[kind] += 1
            if any(w in p for p in problems for w in where):
                located[kind] += 1
            else:
                misses.append(f"case {i} {kind}: wanted {where}, got {problems[:4]}")
        assert checks.problems(conn, prepared) == []  # every case was rolled back
    elapsed = time.perf_counter() - started
    assert not misses, f"replay with LANTERN_TAMPER_SEED={seed}:\n" + "\n".join(misses[:20])
    assert sum(tried.values()) == CASES
    assert CASES >= 500 or "LANTERN_TAMPER_CASES" in os.environ
    assert set(tried) == set(KINDS)
    for kind in names:
        record(
            "Tamper cases",
            kind,
            tried=tried[kind],
            detected=detected[kind],
            located=located[kind],
        )
    print(f"{CASES} tamper cases in {elapsed:.1f} s (seed {seed})")


# --- what is not an edit of rows -----------------------------------------------------------
def test_a_database_copied_without_its_chain_key_cannot_be_verified(
    prepared: Path, tmp_path: Path
) -> None:
    # Given the store database copied on its own (its vault and anchor left behind)
    copy = tmp_path / "elsewhere.db"
    shutil.copyfile(prepared, copy)
    # Then the check says the seals cannot be verified, rather than calling them sound
    with closing(connect(copy)) as conn:
        problems = checks.problems(conn, copy)
    assert problems == [
        f"seals: no chain key for {copy} in its vault: the seals cannot be verified "
        "(was the database copied from another computer?)"
    ]


def test_an_older_copy_of_the_file_put_back_is_reported(prepared: Path, tmp_path: Path) -> None:
    # Given a copy of the store taken now, with its key, and three more earns after it
    path = tmp_path / "store.db"
    shutil.copyfile(prepared, path)
    carry_over(prepared, path)
    old = tmp_path / "old.db"
    shutil.copyfile(path, old)
    app = StoreServices(open_store(path), Clock(T0))
    try:
        for i in range(3):
            app.till.earn(staff(app, "C01"), f"later-{i}", "M00000002", 10_000)
        head = app.db.scalar("SELECT MAX(seq) FROM outbox")
        assert app.setup.check() == []
    finally:
        app.close()
    # When the older file is put back over it (the anchor beside it stays)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(old, path)
    # Then the check names the events that went missing
    with closing(connect(path)) as conn:
        problems = checks.problems(conn, path)
    assert f"outbox: events {head - 2}..{head} are missing" in " ".join(problems), problems
