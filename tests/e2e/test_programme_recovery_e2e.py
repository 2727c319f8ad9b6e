"""A store restored from a backup taken before a coupon redemption gets the coupon's code and
the risk rule it triggered back at `lantern recover` (a real head office process): the
customer's printed coupon is still valid at the store, the reconciliation still lists the
exception, and a void after the recovery voids the coupon."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from desktop.core.catalogue import CouponTerms, Gift, GiftId, GiftKind, Price
from desktop.core.coupons import CouponStatus
from desktop.services.app import StoreServices
from desktop.services.till import LineRequest, Receipt
from desktop.store.database import open_store
from headoffice.engine import HeadOffice

from .conftest import HeadOfficeProcess, add_member, fast_client, new_store, staff
from .test_sync_e2e import lantern

pytestmark = pytest.mark.headoffice

MEMBER = "M00000001"


def test_recover_takes_back_coupon_codes_and_risk_exceptions(
    office: HeadOffice, server: HeadOfficeProcess, tmp_path: Path
) -> None:
    # Given a coupon gift, a rule that wants a second verification above 500 points, and a
    # store that backed itself up before redeeming the coupon (verified by a manager)
    add_member(office, MEMBER, 5000)
    office.admin.upsert_gift(
        Gift(
            GiftId("C300"), "满300减80券", "¥80 off ¥300", "coupon", (Price(800),),
            kind=GiftKind.COUPON, coupon=CouponTerms(30000, 8000, 7),
        )
    )  # fmt: skip
    office.admin.set_setting("risk_rules", {"second_verification": {"points_over": 500}})
    secret = office.admin.create_store("SH001", "Shanghai")
    office.admin.deliver("SH001", "C300", 3)
    db = tmp_path / "sh.db"
    app = new_store(db, "SH001", server.url, secret)
    app.sync.sync_once()
    backup = app.recovery.backup_now("manual")
    cashier, manager = staff(app, "C01"), staff(app, "M01")
    line = (LineRequest("C300", 1),)
    receipt = app.till.redeem(cashier, str(uuid.uuid4()), MEMBER, line, verified_by=manager)
    assert isinstance(receipt, Receipt) and len(receipt.coupons) == 1
    code = receipt.coupons[0].code
    assert app.sync.sync_once().parked == 0
    app.close()

    # When the till goes back to the older backup (which never heard of the coupon)
    restored = lantern("restore", str(backup), "--no-recover", db=db)
    assert restored.returncode == 0, restored.stderr
    app = StoreServices(open_store(db))
    try:
        assert app.till.check_coupon(code)[0] is CouponStatus.UNKNOWN
    finally:
        app.close()
    # and recovers from head office
    recovered = lantern("recover", db=db)
    assert recovered.returncode == 0, recovered.stderr
    assert "could not" not in recovered.stdout + recovered.stderr

    # Then the coupon the customer holds is valid here again, with its redemption
    app = StoreServices(open_store(db))
    app.sync.client_factory = fast_client
    try:
        status, record = app.till.check_coupon(code)
        assert status is CouponStatus.VALID and record is not None
        assert record.redemption_id == receipt.redemption_id
        assert record.valid_until == receipt.coupons[0].valid_until
        # and the risk rule it triggered, with the manager who verified, is back for the
        # reconciliation's exceptions
        report = app.reports.daily()
        assert [(e.receipt_no, e.rule) for e in report.risk_exceptions] == [
            (receipt.receipt_no, "points_over/500")
        ]
        assert report.risk_exceptions[0].verified_by.endswith("(M01)")
        # and a void after the recovery voids the coupon at both ends
        app.till.void(cashier, staff(app, "M01"), str(uuid.uuid4()), receipt.receipt_no, "退回")
        assert app.till.check_coupon(code)[0] is CouponStatus.VOIDED
        assert app.sync.sync_once().parked == 0
    finally:
        app.close()
    assert server.one("SELECT voided_at IS NOT NULL FROM coupons WHERE code = ?", (code,)) == 1
