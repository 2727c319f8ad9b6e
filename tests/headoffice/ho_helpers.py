"""Helpers for the head-office tests: a settable clock, and a store's event log written
exactly as the store writes its outbox (desktop/store/outbox.py's hashing)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from desktop.core import wire
from desktop.core.chain import GENESIS, canonical, chain_hash
from desktop.core.members import Member, MemberId, Tier
from headoffice.admin import Opening
from headoffice.db import Database, Row
from headoffice.engine import HeadOffice

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 26, 10, 0, tzinfo=SH)


@dataclass
class Clock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@dataclass
class StoreLog:
    """One store's outbox: seq from 1, each event chained to the one before."""

    store_id: str
    secret: str = ""
    events: list[dict[str, Any]] = field(default_factory=list)
    at: datetime = T0

    @property
    def head(self) -> dict[str, Any]:
        if not self.events:
            return {"seq": 0, "hash": GENESIS}
        return {"seq": self.events[-1]["seq"], "hash": self.events[-1]["hash"]}

    def add(
        self, kind: str, payload: dict[str, Any], event_id: str | None = None
    ) -> dict[str, Any]:
        self.at += timedelta(seconds=1)
        seq = len(self.events) + 1
        prev = self.head["hash"]
        event_id = event_id or str(uuid.uuid4())
        created = self.at.isoformat()
        event = {
            "seq": seq,
            "event_id": event_id,
            "kind": kind,
            "payload": payload,
            "created_at": created,
            "prev_hash": prev,
            "hash": chain_hash(prev, seq, event_id, kind, canonical(payload), created),
        }
        self.events.append(event)
        return event

    def redemption(
        self,
        member_id: str,
        points: int,
        *,
        cash_fen: int = 0,
        replay_key: str | None = None,
        code_kind: str = "static",
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "redemption_id": str(uuid.uuid4()),
            "receipt_no": f"{self.store_id}-{self.at:%Y%m%d}-{len(self.events) + 1:05d}",
            "member_id": member_id,
            "cashier_id": "C01",
            "lines": [["G101", 1, points, cash_fen]],
            "points": points,
            "cash_fen": cash_fen,
            "lots": [],
            "offline": True,
            "override_by": None,
            "code_kind": code_kind,
            "at": (self.at + timedelta(seconds=1)).isoformat(),
        }
        if replay_key is not None:
            payload["replay_key"] = replay_key
        return self.add("redemption", well_formed("redemption", payload))

    def void(self, redemption: dict[str, Any]) -> dict[str, Any]:
        p = redemption["payload"]
        return self.add(
            "void",
            well_formed(
                "void",
                {
                    "void_id": str(uuid.uuid4()),
                    "redemption_id": p["redemption_id"],
                    "receipt_no": p["receipt_no"],
                    "member_id": p["member_id"],
                    "points": p["points"],
                    "manager_id": "M01",
                    "cashier_id": "C01",
                    "reason": "customer changed mind",
                    "at": (self.at + timedelta(seconds=1)).isoformat(),
                },
            ),
        )

    def earn(self, member_id: str, points: int) -> dict[str, Any]:
        return self.add(
            "earn",
            well_formed(
                "earn",
                {
                    "earn_id": str(uuid.uuid4()),
                    "member_id": member_id,
                    "amount_fen": points * 100,
                    "points": points,
                    "campaign_id": None,
                    "cashier_id": "C01",
                    "at": (self.at + timedelta(seconds=1)).isoformat(),
                },
            ),
        )

    def body(self, events: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        return {
            "store_id": self.store_id,
            "events": self.events if events is None else events,
            "head": self.head,
        }

    def next_day(self) -> None:
        self.at += timedelta(days=1)


def well_formed(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """A payload these helpers build is the protocol's shape for its kind (the till's own
    payloads are checked the same way in tests/e2e/test_till_payloads.py)."""
    assert wire.shape_problems(kind, payload) == [], wire.shape_problems(kind, payload)
    return payload


def rechain(events: list[dict[str, Any]], start_prev: str) -> list[dict[str, Any]]:
    """Recompute the hashes of `events` from `start_prev`, as someone who edited a store
    database and then recomputed its chain would."""
    out, prev = [], start_prev
    for e in events:
        digest = chain_hash(
            prev, e["seq"], e["event_id"], e["kind"], canonical(e["payload"]), e["created_at"]
        )
        out.append({**e, "prev_hash": prev, "hash": digest})
        prev = digest
    return out


def add_member(ho: HeadOffice, n: int, points: int = 0, tier: Tier = Tier.REGULAR) -> str:
    member_id = f"M{n:08d}"
    opening = (Opening(points),) if points else ()
    ho.admin.upsert_member(Member(MemberId(member_id), f"会员{n}", tier), opening)
    return member_id


def store(ho: HeadOffice, store_id: str) -> StoreLog:
    return StoreLog(store_id, ho.admin.create_store(store_id, f"store {store_id}"))


def q(db: Database, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
    with db.transaction(write=False) as tx:
        return tx.all(sql, params)


def member_row(db: Database, member_id: str) -> Row:
    rows = q(db, "SELECT * FROM members WHERE member_id = ?", (member_id,))
    assert rows, member_id
    return rows[0]


def outcomes(answer: dict[str, Any]) -> list[str]:
    return [r["outcome"] for r in answer["results"]]


def ledger_problems(db: Database) -> list[str]:
    from headoffice.accounts import ledger_mismatches

    with db.transaction(write=False) as tx:
        return ledger_mismatches(tx)
