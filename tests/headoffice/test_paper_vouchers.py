"""Paper vouchers at head office, on SQLite and PostgreSQL: a voucher number is unique per
store; the same number again from that store is applied with `voucher_repeated` and the
member flagged (never double-deducted silently); another store's same number is its own."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from ho_helpers import StoreLog, add_member, member_row, outcomes, q, store

from desktop.core import wire
from headoffice.db import Database
from headoffice.engine import HeadOffice

PV = "PV0000018"


def voucher(log: StoreLog, member_id: str, points: int, voucher_no: str = PV) -> dict[str, Any]:
    at = (log.at + timedelta(seconds=1)).isoformat()
    payload: wire.RedemptionPayload = {
        "redemption_id": str(uuid.uuid4()),
        "receipt_no": f"{log.store_id}-{log.at:%Y%m%d}-{len(log.events) + 1:05d}",
        "member_id": member_id,
        "cashier_id": "C01",
        "lines": [["G101", 1, points, 0]],
        "points": points,
        "cash_fen": 0,
        "lots": [],
        "offline": False,
        "override_by": None,
        "code_kind": "paper_voucher",
        "at": at,
        "voucher_no": voucher_no,
        "keyed_in_by": "M01",
        "written_at": (log.at - timedelta(hours=2)).isoformat(),
    }
    assert wire.shape_problems("redemption", dict(payload)) == []
    return log.add("redemption", dict(payload))


def test_a_repeated_voucher_number_is_applied_with_a_conflict_and_flagged(
    ho: HeadOffice, db: Database
) -> None:
    m = add_member(ho, 3, 1000)
    sh, bj = store(ho, "SH001"), store(ho, "BJ001")
    first = voucher(sh, m, 100)
    assert outcomes(ho.push("SH001", sh.body())) == ["applied"]
    (row,) = q(db, "SELECT * FROM paper_vouchers")
    assert (row["store_id"], row["voucher_no"], row["keyed_in_by"]) == ("SH001", PV, "M01")
    assert row["redemption_id"] == first["payload"]["redemption_id"]
    # another store's book has the same number: its own, no conflict
    voucher(bj, m, 100)
    assert outcomes(ho.push("BJ001", bj.body())) == ["applied"]
    assert member_row(db, m)["flagged"] == 0
    # the same number again from the first store: applied, said, flagged
    voucher(sh, m, 100)
    answer = ho.push("SH001", sh.body())
    assert outcomes(answer) == ["duplicate", "applied_with_conflict"]
    assert answer["results"][-1]["conflict"] == "voucher_repeated"
    row = member_row(db, m)
    assert row["balance"] == 700 and row["flagged"] == 1
    assert f"paper voucher {PV} keyed in again" in row["flag_reason"]
    assert first["payload"]["redemption_id"] in row["flag_reason"]
    # repeated and overdrawn at once: both are reported, the repeat first
    voucher(sh, m, 5000)
    result = ho.push("SH001", sh.body())["results"][-1]
    assert result["conflicts"] == ["voucher_repeated", "overdraft"]
    assert len(q(db, "SELECT * FROM paper_vouchers")) == 2  # one per store
