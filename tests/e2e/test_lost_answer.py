"""A push whose answer is lost, against a real head-office process: head office applied the
events, the store never heard; the next push is answered `duplicate` carrying the outcome
head office stored (applied, applied with a conflict), so the store records and reports
what really happened — "7 applied", not "0 applied, 7 duplicates"."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from desktop.services.app import StoreServices
from desktop.services.till import LineRequest, Receipt
from desktop.sync.client import HeadOfficeClient, HeadOfficeUnreachable
from desktop.sync.protocol import PushAnswer
from headoffice.engine import HeadOffice

from .conftest import HeadOfficeProcess, add_member, fast_client, new_store, staff

pytestmark = pytest.mark.headoffice

SHARED = "M00000001"  # 1,000 points, spent by both stores
OTHER = "M00000002"
G504 = (LineRequest("G504"),)  # 800 points
G101 = (LineRequest("G101"),)  # 100 points


class LosingClient:
    """The real client; the answer to the first push is lost on the way back (head office
    did all the work, the store sees a dropped connection)."""

    def __init__(self, url: str, store_id: str, secret: str) -> None:
        self.client: HeadOfficeClient = fast_client(url, store_id, secret)
        self.lost = 0

    def push(self, body: dict[str, Any]) -> PushAnswer:
        answer = self.client.push(body)
        if self.lost == 0 and body["events"]:
            self.lost += 1
            raise HeadOfficeUnreachable("the connection dropped before the answer arrived")
        return answer

    def changes(self, since: int, limit: int) -> Any:
        return self.client.changes(since, limit)

    def close(self) -> None:
        self.client.close()


def redeem(app: StoreServices, member_id: str, lines: tuple[LineRequest, ...]) -> None:
    r = app.till.redeem(staff(app, "C01"), str(uuid.uuid4()), member_id, lines)
    assert isinstance(r, Receipt), r


def test_after_a_lost_answer_the_store_reports_what_head_office_applied(
    office: HeadOffice, server: HeadOfficeProcess, tmp_path: Path
) -> None:
    # Given two stores that know a member with 1,000 points (and another with plenty)
    add_member(office, SHARED, 1000)
    add_member(office, OTHER, 5000)
    secrets = {s: office.admin.create_store(s, f"Store {s}") for s in ("SH001", "BJ002")}
    for s in secrets:
        office.admin.deliver(s, "G504", 5)
        office.admin.deliver(s, "G101", 20)
    a = new_store(tmp_path / "sh.db", "SH001", server.url, secrets["SH001"])
    b = new_store(tmp_path / "bj.db", "BJ002", server.url, secrets["BJ002"])
    try:
        for app in (a, b):
            app.sync.sync_once()
        # And the other store spent 800 of the shared points, and head office heard of it
        redeem(b, SHARED, G504)
        b.sync.sync_once()
        # And this store redeemed 7 times, one of them the same 800 points (an overdraft)
        redeem(a, SHARED, G504)
        for _ in range(6):
            redeem(a, OTHER, G101)
        assert a.sync.waiting() == 7
        # When head office applies its push but the answer is lost
        a.sync.client_factory = LosingClient
        with pytest.raises(HeadOfficeUnreachable, match="before the answer arrived"):
            a.sync.sync_once()
        assert a.sync.waiting() == 7
        assert server.one("SELECT COUNT(*) FROM store_events WHERE store_id = 'SH001'") == 8
        # And the store pushes again
        a.sync.client_factory = fast_client
        report = a.sync.sync_once()
        # Then it reports what head office did with them, not that they were duplicates
        assert (report.pushed, report.applied, report.conflicts) == (7, 7, 1)
        assert (report.duplicates, report.parked) == (0, 0)
        assert report.summary().startswith("7 events pushed, 7 applied, 0 duplicates, 0 parked;")
        # And it recorded each event's real outcome, the overdraft with its conflict
        assert a.sync.status().outcomes == {"applied": 7, "applied_with_conflict": 1}
        conflict = a.db.one(
            "SELECT o.kind, s.conflict FROM sync_outcomes s JOIN outbox o USING (seq) "
            "WHERE s.outcome = 'applied_with_conflict'"
        )
        assert conflict is not None and tuple(conflict) == ("redemption", "overdraft")
        assert a.sync.waiting() == 0 and a.setup.check() == []
    finally:
        a.close()
        b.close()
