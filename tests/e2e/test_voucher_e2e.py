"""Paper fallback vouchers through a real head office (`lantern headoffice serve`): a
keyed-in voucher arrives marked as one, and the same voucher number arriving again from a
store — keyed in again on a till restored from an older backup, which had forgotten it — is
applied with the conflict `voucher_repeated` and the member flagged, never silently."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from desktop.core.vouchers import make_voucher_no
from desktop.services.app import StoreServices
from desktop.services.sync import ChainMismatch
from desktop.services.vouchers import VoucherEntry
from desktop.store.database import open_store
from headoffice.engine import HeadOffice

from .conftest import HeadOfficeProcess, add_member, fast_client, new_store, staff
from .test_sync_e2e import lantern

pytestmark = pytest.mark.headoffice

MEMBER = "M00000001"
PV = make_voucher_no(31)


def paper(hours_ago: float = 1) -> VoucherEntry:
    written = datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(hours=hours_ago)
    return VoucherEntry(PV, MEMBER, (("G101", 2),), written, "C01")


def test_a_keyed_in_voucher_arrives_marked_and_a_repeated_number_is_a_conflict(
    office: HeadOffice, server: HeadOfficeProcess, tmp_path: Path
) -> None:
    # Given a store that got its member and gifts from head office, and backed itself up
    add_member(office, MEMBER, 5000)
    secret = office.admin.create_store("SH001", "Shanghai")
    office.admin.deliver("SH001", "G101", 20)
    db = tmp_path / "sh.db"
    app = new_store(db, "SH001", server.url, secret)
    app.sync.sync_once()
    backup = app.recovery.backup_now("manual")
    # When a manager keys in a paper voucher and the store syncs
    done = app.vouchers.key_in(staff(app, "M01"), str(uuid.uuid4()), paper())
    report = app.sync.sync_once()
    # Then head office applied it as a redemption marked keyed-in, no conflict
    assert report.parked == 0 and report.conflicts == 0
    row = server.rows(
        "SELECT payload, outcome FROM store_events WHERE store_id = 'SH001' AND kind = 'redemption'"
    )[0]
    payload = json.loads(row["payload"])
    assert row["outcome"] == "applied"
    assert payload["voucher_no"] == PV and payload["keyed_in_by"] == "M01"
    assert payload["code_kind"] == "paper_voucher"
    assert payload["written_at"] == done.voucher.written_at
    assert (
        server.one(
            "SELECT redemption_id FROM paper_vouchers WHERE store_id = 'SH001' AND voucher_no = ?",
            (PV,),
        )
        == done.receipt.redemption_id
    )
    assert server.one("SELECT balance FROM members WHERE member_id = ?", (MEMBER,)) == 4800
    app.close()

    # When the till goes back to the older backup, which never heard of the voucher, and
    # the manager keys the same paper in again there
    restored = lantern("restore", str(backup), "--no-recover", db=db)
    assert restored.returncode == 0, restored.stderr
    app = StoreServices(open_store(db))
    app.sync.client_factory = fast_client
    assert app.vouchers.listed(None) == []
    again = app.vouchers.key_in(staff(app, "M01"), str(uuid.uuid4()), paper(0.5))
    with pytest.raises(ChainMismatch):
        app.sync.sync_once()
    app.close()
    # And the store recovers, so its new event reaches head office
    recovered = lantern("recover", db=db)
    assert recovered.returncode == 0, recovered.stderr
    # Then head office applied the repeat with the conflict and flagged the member: the
    # second deduction is there, and it is said
    rows = server.rows(
        "SELECT payload, outcome, conflict FROM store_events WHERE store_id = 'SH001' "
        "AND kind = 'redemption' ORDER BY seq"
    )
    assert len(rows) == 2
    second = rows[1]
    assert json.loads(second["payload"])["redemption_id"] == again.receipt.redemption_id
    assert second["outcome"] == "applied_with_conflict"
    assert second["conflict"] == "voucher_repeated"
    flag = server.rows("SELECT flagged, flag_reason FROM members WHERE member_id = ?", (MEMBER,))
    assert flag[0]["flagged"] == 1
    assert f"paper voucher {PV} keyed in again" in flag[0]["flag_reason"]
    assert server.one("SELECT balance FROM members WHERE member_id = ?", (MEMBER,)) == 4600
    # And the store heard the conflict, and knows the number is taken
    app = StoreServices(open_store(db))
    try:
        assert (
            app.db.scalar(
                "SELECT conflict FROM sync_outcomes WHERE event_id = (SELECT event_id FROM outbox "
                "WHERE payload LIKE ? ORDER BY seq DESC LIMIT 1)",
                (f"%{again.receipt.redemption_id}%",),
            )
            == "voucher_repeated"
        )
        assert [v.voucher_no for v in app.vouchers.listed(None)] == [PV]
    finally:
        app.close()
