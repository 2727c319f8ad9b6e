"""A phone code used at two stores, as the real tills write it and a real head office
reads it: no single store's replay cache can see the second use, head office can.

The events head office judges here are the ones the till's own redemption wrote to its
outbox (the payload with the code's replay key), pushed over HTTP by the real client."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop.core.offline import CodeKind
from desktop.services.app import StoreServices
from desktop.services.till import LineRequest, Receipt
from headoffice.engine import HeadOffice
from headoffice.issuing import KeyFile, enrol_phone

from .conftest import HeadOfficeProcess, add_member, new_store, staff

pytestmark = pytest.mark.headoffice

MEMBER = "M00000001"
G101 = (LineRequest("G101"),)  # 100 points


def redemption_payloads(app: StoreServices) -> list[dict[str, object]]:
    return [
        json.loads(r[0])
        for r in app.db.query("SELECT payload FROM outbox WHERE kind = 'redemption' ORDER BY seq")
    ]


def redeem_with_phone(app: StoreServices, code: str) -> Receipt:
    member, kind = app.till.identify(code)
    assert (member.member_id, kind) == (MEMBER, CodeKind.ROTATING_PHONE)
    receipt = app.till.redeem(staff(app, "C01"), str(uuid.uuid4()), MEMBER, G101, kind)
    assert isinstance(receipt, Receipt), receipt
    return receipt


def test_one_phone_code_used_at_two_stores_is_flagged_by_head_office(
    office: HeadOffice, server: HeadOfficeProcess, tmp_path: Path
) -> None:
    # Given a member with 1,000 points, a phone enrolled with head office's issuing key,
    # and two stores that trust the key and know the member
    add_member(office, MEMBER, 1000)
    keys = KeyFile(tmp_path / "headoffice-keys.json")
    today = datetime.now(UTC).date()
    key = keys.new_key(today)
    secrets = {s: office.admin.create_store(s, f"Store {s}") for s in ("SH001", "BJ002")}
    for s in secrets:
        office.admin.deliver(s, "G101", 5)
    a = new_store(tmp_path / "sh.db", "SH001", server.url, secrets["SH001"])
    b = new_store(tmp_path / "bj.db", "BJ002", server.url, secrets["BJ002"])
    try:
        for app in (a, b):
            app.sync.sync_once()
            app.setup.add_issuer_key(key.issuer_key())
        code = enrol_phone(keys, MEMBER, today).code(datetime.now(UTC))
        # When the member pays with the code at the first store, twice in the same visit
        redeem_with_phone(a, code)
        a.till.redeem(staff(a, "C01"), str(uuid.uuid4()), MEMBER, G101, CodeKind.ROTATING_PHONE)
        # and a copy of the same code (a screenshot) is shown at the second store in time
        redeem_with_phone(b, code)
        # Then the first redemption of each store carries the code's replay key, the
        # second of the first store does not (it is the same visit, not a replay)
        pa, pb = redemption_payloads(a), redemption_payloads(b)
        assert [("replay_key" in p) for p in pa] == [True, False]
        assert "replay_key" in pb[0] and pb[0]["replay_key"] == pa[0]["replay_key"]
        # When both stores sync
        reports = [a.sync.sync_once(), b.sync.sync_once()]
        # Then head office applied every redemption, and flagged the second store's as a
        # replayed code against the member, naming the first use
        assert [r.conflicts for r in reports] == [0, 1]
        judged = server.rows(
            "SELECT store_id, outcome, conflict, payload FROM store_events "
            "WHERE kind = 'redemption' ORDER BY store_id, seq"
        )
        assert [(r["store_id"], r["outcome"], r["conflict"]) for r in judged] == [
            ("BJ002", "applied_with_conflict", "code_replayed"),
            ("SH001", "applied", None),
            ("SH001", "applied", None),
        ]
        # and what it judged is byte for byte what the tills wrote
        assert [json.loads(r["payload"]) for r in judged] == pb + pa
        flagged = server.rows("SELECT flagged, flag_reason FROM members")[0]
        assert flagged["flagged"] == 1
        assert "phone code used again" in flagged["flag_reason"]
        assert "SH001" in flagged["flag_reason"]
    finally:
        a.close()
        b.close()
