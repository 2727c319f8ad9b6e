"""A coupon's round trip through a real head office process: head office sets up a coupon
gift, a till redeems it (one code per unit, printed on the receipt), the store syncs, and
both ends check the code — `lantern headoffice coupon check` says valid, `use` marks it
used, a void at the till voids it at head office too."""

from __future__ import annotations

import os
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.core import coupons
from desktop.core.catalogue import CouponTerms, Gift, GiftId, GiftKind, Price, Session
from desktop.services.till import LineRequest, Receipt
from headoffice.engine import HeadOffice

from .conftest import HeadOfficeProcess, add_member, new_store, staff

pytestmark = pytest.mark.headoffice

MEMBER = "M00000001"
COUPON = Gift(
    GiftId("C300"), "满300减80券", "¥80 off ¥300", "coupon", (Price(800),),
    kind=GiftKind.COUPON, coupon=CouponTerms(30000, 8000, 7),
)  # fmt: skip


def lantern(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(list(args))
    out, _ = capsys.readouterr()
    return status, out.strip()


def test_a_coupon_issued_at_a_till_is_checked_used_and_voided_at_head_office(
    office: HeadOffice,
    server: HeadOfficeProcess,
    ho_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for k in list(os.environ):
        if k.startswith("LANTERN_"):
            monkeypatch.delenv(k)
    # Given head office's coupon gift, delivered to a store, and an experience with places
    add_member(office, MEMBER, 5000)
    monkeypatch.setenv("LANTERN_HEADOFFICE_DB", str(ho_db))
    assert lantern(
        capsys, "headoffice", "gift", "add", "--id", "C300",
        "--name-zh", "满300减80券", "--name-en", "¥80 off ¥300", "--category", "coupon",
        "--price", "800", "--kind", "coupon", "--spend", "300", "--off", "80",
        "--valid-days", "7",
    )[0] == 0  # fmt: skip
    starts = (datetime.now(timezone(timedelta(hours=8))) + timedelta(days=9)).replace(microsecond=0)
    experience = Gift(
        GiftId("E01"), "烘焙课", "Baking class", "experience", (Price(1500),),
        kind=GiftKind.EXPERIENCE, session=Session(starts, "三楼教室"),
    )  # fmt: skip
    office.admin.upsert_gift(experience)
    secret = office.admin.create_store("SH001", "Store SH001")
    office.admin.deliver("SH001", "C300", 5)
    office.admin.deliver("SH001", "E01", 2)
    app = new_store(tmp_path / "sh.db", "SH001", server.url, secret)
    try:
        app.sync.sync_once()
        gifts = {g.gift_id: (g, n) for g, n in app.stock.catalogue()}
        assert gifts["C300"] == (COUPON, 5)
        assert gifts["E01"] == (experience, 2)
        cashier, manager = staff(app, "C01"), staff(app, "M01")
        # When a member redeems two coupons and the store syncs
        kept = app.till.redeem(cashier, str(uuid.uuid4()), MEMBER, (LineRequest("C300", 2),))
        assert isinstance(kept, Receipt) and len(kept.coupons) == 2
        report = app.sync.sync_once()
        assert report.parked == 0
        code, other = (c.code for c in kept.coupons)
        until = kept.coupons[0].valid_until
        db = ("headoffice",)
        # Then head office knows both codes as valid, to the store's last day
        status, out = lantern(capsys, *db, "coupon", "check", coupons.shown(code))
        assert (status, out.split("\t")[:3]) == (0, ["valid", "C300", f"valid until {until}"])
        # and a mistyped or never-issued code is told apart
        typo = code[:-1] + ("0" if code[-1] != "0" else "1")
        assert lantern(capsys, *db, "coupon", "check", typo) == (1, "mistyped")
        assert lantern(capsys, *db, "coupon", "check", coupons.mint(bytes(10))) == (1, "unknown")
        assert lantern(capsys, *db, "coupon", "check", code, "--day", str(until + timedelta(1)))[
            1
        ].startswith("expired")
        # When one is used, it is used: a second use is refused
        assert lantern(capsys, *db, "coupon", "use", code, "--by", "SH001")[0] == 0
        status, out = lantern(capsys, *db, "coupon", "check", code)
        assert (status, out.split("\t")[0]) == (1, "used")
        assert lantern(capsys, *db, "coupon", "use", code, "--by", "SH001")[1].startswith("used")
        # When the till voids the redemption and syncs, its codes are voided at both ends
        app.till.void(cashier, manager, str(uuid.uuid4()), kept.receipt_no, "wrong gift")
        assert lantern(capsys, "coupon", "check", other, "--db", str(tmp_path / "sh.db"))[
            1
        ].startswith("voided")
        assert app.sync.sync_once().parked == 0
        assert lantern(capsys, *db, "coupon", "check", other)[1].startswith("voided")
        assert lantern(capsys, *db, "coupon", "use", other, "--by", "SH001")[0] == 1
        # and every code at head office names the redemption that issued it
        rows = server.rows("SELECT code, redemption_id, store_id FROM coupons ORDER BY code")
        assert sorted((r["code"], r["redemption_id"], r["store_id"]) for r in rows) == sorted(
            (c, kept.redemption_id, "SH001") for c in (code, other)
        )
    finally:
        app.close()
