"""A scripted head office for store-side sync tests: it stores pushed events in seq order
exactly as the protocol says (applied / duplicate / out_of_order, acked_seq = highest
stored) and serves the change pages a test gives it. The real head office is exercised
in tests/e2e."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from desktop.sync.client import HeadOfficeUnreachable
from desktop.sync.protocol import ChangesPage, PushAnswer, parse_changes, parse_push

Decide = Callable[[dict[str, Any]], tuple[str, str | None, str | None]]


def applied(_: dict[str, Any]) -> tuple[str, str | None, str | None]:
    return "applied", None, None


@dataclass
class ScriptedHeadOffice:
    pages: list[dict[str, Any]] = field(default_factory=list)
    decide: Decide = applied  # (outcome, conflict, error) for a new event
    stored: dict[int, str] = field(default_factory=dict)  # seq -> event id
    pushes: list[dict[str, Any]] = field(default_factory=list)
    asked: list[int] = field(default_factory=list)  # `since` of each changes call
    down: bool = False
    accept_only: int | None = None  # store at most this many events per push
    chain_ok: bool = True
    before_changes: Callable[[], None] | None = None  # e.g. the till redeeming mid-round

    def push(self, body: dict[str, Any]) -> PushAnswer:
        if self.down:
            raise HeadOfficeUnreachable("head office at http://ho.test is unreachable: test")
        self.pushes.append(body)
        if not self.chain_ok:
            return parse_push({"results": [], "acked_seq": 0, "chain": "mismatch"})
        results = []
        taken = 0
        for ev in body["events"]:
            seq, event_id = ev["seq"], ev["event_id"]
            if seq in self.stored:
                results.append({"seq": seq, "event_id": event_id, "outcome": "duplicate"})
                continue
            if seq != max(self.stored, default=0) + 1 or (
                self.accept_only is not None and taken >= self.accept_only
            ):
                results.append({"seq": seq, "event_id": event_id, "outcome": "out_of_order"})
                continue
            outcome, conflict, error = self.decide(ev)
            self.stored[seq] = event_id
            taken += 1
            results.append(
                {
                    "seq": seq,
                    "event_id": event_id,
                    "outcome": outcome,
                    "conflict": conflict,
                    "error": error,
                }
            )
        return parse_push(
            {"results": results, "acked_seq": max(self.stored, default=0), "chain": "ok"}
        )

    def changes(self, since: int, limit: int) -> ChangesPage:
        if self.down:
            raise HeadOfficeUnreachable("head office at http://ho.test is unreachable: test")
        self.asked.append(since)
        if self.before_changes is not None:
            hook, self.before_changes = self.before_changes, None
            hook()
        for page in self.pages:
            if page["cursor"] > since:
                return parse_changes(page)
        top = max((p["cursor"] for p in self.pages), default=0)
        return parse_changes({"cursor": max(top, since), "more": False})

    def close(self) -> None:
        pass


def lot(lot_id: str, remaining: int, original: int | None = None, **kw: str) -> dict[str, Any]:
    return {
        "lot_id": lot_id,
        "earned_on": kw.get("earned_on", "2026-01-10"),
        "expires_on": kw.get("expires_on", "2027-12-31"),
        "original": original if original is not None else max(remaining, 1),
        "remaining": remaining,
    }


def member(
    member_id: str,
    lots: list[dict[str, Any]],
    *,
    debt: int = 0,
    tier: str = "platinum",
    name: str = "王芳",
    card_number: str | None = None,
    card_serial: int | None = 1,
) -> dict[str, Any]:
    return {
        "member_id": member_id,
        "name": name,
        "tier": tier,
        "status": "active",
        "card_number": card_number,
        "card_serial": card_serial,
        "birthday": None,
        "balance": sum(x["remaining"] for x in lots) - debt,
        "debt": debt,
        "flagged": debt > 0,
        "lots": lots,
    }


def page(cursor: int, more: bool = False, **lists: Any) -> dict[str, Any]:
    return {"cursor": cursor, "more": more, **lists}
