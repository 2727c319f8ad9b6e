"""A store whose outbox holds events head office cannot apply, against a real head-office
process: the bad events are parked with their reason and the queue moves on; a push head
office refuses as malformed (4xx) is a clear error for the manager, not "unreachable"."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from desktop.services.till import LineRequest, Receipt
from desktop.store import outbox
from desktop.sync.client import HeadOfficeUnreachable, Refused
from headoffice.engine import HeadOffice

from .conftest import HeadOfficeProcess, add_member, new_store, staff

pytestmark = pytest.mark.headoffice

MEMBER = "M00000001"
G101 = (LineRequest("G101"),)  # 100 points
AT = "2026-11-26T10:00:00+08:00"


def test_events_head_office_cannot_apply_are_parked_and_the_queue_moves_on(
    office: HeadOffice, server: HeadOfficeProcess, tmp_path: Path
) -> None:
    # Given a store that synced once, whose outbox then got events no till writes
    add_member(office, MEMBER, 1000)
    secret = office.admin.create_store("SH001", "Store SH001")
    office.admin.deliver("SH001", "G101", 5)
    app = new_store(tmp_path / "sh.db", "SH001", server.url, secret)
    try:
        app.sync.sync_once()
        with app.db.write() as conn:
            huge = {"earn_id": "E-huge", "member_id": MEMBER, "points": 10**30, "at": AT}
            outbox.append(conn, "earn", huge, AT)
            late = {
                "redemption_id": "R-late",
                "member_id": MEMBER,
                "points": 10,
                "at": "9999-12-31T23:59:59+14:00",
            }
            outbox.append(conn, "redemption", late, AT)
        # And a real redemption after them
        r = app.till.redeem(staff(app, "C01"), str(uuid.uuid4()), MEMBER, G101)
        assert isinstance(r, Receipt)
        # When the store syncs
        report = app.sync.sync_once()
        # Then the two are parked with their reasons, the redemption is applied
        assert (report.parked, report.applied, report.waiting) == (2, 1, 0)
        status = app.sync.status()
        errors = {p.kind: p.error or "" for p in status.parked}
        assert "points" in errors["earn"] and "1,000,000,000,000" in errors["earn"]
        assert "9999-12-31" in errors["redemption"]
        assert server.one("SELECT balance FROM members") == 900
        assert server.one("SELECT COUNT(*) FROM store_events WHERE outcome = 'rejected'") == 2
        # And the next round has nothing to send and succeeds
        assert app.sync.sync_once().pushed == 0
    finally:
        app.close()


def test_a_push_head_office_refuses_is_a_clear_error_not_unreachable(
    office: HeadOffice, server: HeadOfficeProcess, tmp_path: Path
) -> None:
    # Given a store whose outbox holds an event with a NUL in its kind (a damaged file)
    add_member(office, MEMBER, 1000)
    secret = office.admin.create_store("SH001", "Store SH001")
    app = new_store(tmp_path / "sh.db", "SH001", server.url, secret)
    try:
        app.sync.sync_once()
        stored = server.one("SELECT COUNT(*) FROM store_events")
        with app.db.write() as conn:
            outbox.append(conn, "day\x00open", {"at": AT}, AT)
        # When it syncs, head office answers 400 and applies nothing
        with pytest.raises(Refused) as e:
            app.sync.sync_once()
        # Then the error says what head office refused, and that it is not the network
        assert not isinstance(e.value, HeadOfficeUnreachable)
        assert "HTTP 400" in str(e.value) and "kind" in str(e.value)
        status = app.sync.status()
        assert status.waiting == 1 and "not a network problem" in (status.last_error or "")
        assert server.one("SELECT COUNT(*) FROM store_events") == stored
    finally:
        app.close()
