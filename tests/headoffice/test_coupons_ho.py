"""Coupon codes at head office, on SQLite and PostgreSQL: recorded only with the redemption
event that issued them, checked (valid / used / expired / voided / unknown / mistyped), used
once, voided with their redemption; malformed coupon lists park the event; gift kinds and
the catalogue setting go down to stores."""

from __future__ import annotations

import os
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from ho_helpers import StoreLog, add_member, outcomes, q, store, well_formed

from desktop.core import coupons
from desktop.core.catalogue import CouponTerms, Gift, GiftId, GiftKind, Price
from desktop.core.coupons import CouponStatus
from desktop.core.errors import InvalidInput
from headoffice import snapshots
from headoffice.db import Database
from headoffice.engine import HeadOffice

pytestmark = pytest.mark.headoffice


def code() -> str:
    return coupons.mint(os.urandom(coupons.RANDOM_BYTES))


def redeem_coupons(
    log: StoreLog, member_id: str, codes: list[Any], quantity: int = 2
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "redemption_id": str(uuid.uuid4()),
        "receipt_no": f"{log.store_id}-{len(log.events) + 1:05d}",
        "member_id": member_id,
        "cashier_id": "C01",
        "lines": [["C300", quantity, 400, 0]],
        "points": 400 * quantity,
        "cash_fen": 0,
        "lots": [],
        "offline": False,
        "override_by": None,
        "code_kind": "static",
        "at": (log.at + timedelta(seconds=1)).isoformat(),
        "coupons": codes,
    }
    return log.add("redemption", well_formed("redemption", payload))


def test_codes_are_recorded_checked_used_once_and_voided_with_their_redemption(
    ho: HeadOffice, db: Database
) -> None:
    m = add_member(ho, 1, 5000)
    a = store(ho, "SH001")
    first, second = code(), code()
    until = "2026-12-02"
    event = redeem_coupons(a, m, [["C300", first, until], ["C300", second, until]])
    assert outcomes(ho.push("SH001", a.body())) == ["applied"]
    rows = q(db, "SELECT code, redemption_id, store_id, gift_id FROM coupons ORDER BY code")
    rid = event["payload"]["redemption_id"]
    assert sorted(
        (r["code"], r["redemption_id"], r["store_id"], r["gift_id"]) for r in rows
    ) == sorted([(first, rid, "SH001", "C300"), (second, rid, "SH001", "C300")])
    today = date(2026, 11, 26)
    assert ho.admin.check_coupon(coupons.shown(first).lower(), today)[0] is CouponStatus.VALID
    assert ho.admin.check_coupon(first, date(2026, 12, 3))[0] is CouponStatus.EXPIRED
    assert ho.admin.check_coupon(first[:-1] + ("0" if first[-1] != "0" else "1"))[0] is (
        CouponStatus.MISTYPED
    )
    assert ho.admin.check_coupon(code(), today) == (CouponStatus.UNKNOWN, None)
    with pytest.raises(InvalidInput):
        ho.admin.use_coupon(first, " ", today)
    assert ho.admin.use_coupon(first, "SH002", today)[0] is CouponStatus.VALID
    assert ho.admin.use_coupon(first, "SH002", today)[0] is CouponStatus.USED
    assert ho.admin.check_coupon(first, today)[0] is CouponStatus.USED
    assert ho.admin.use_coupon(second, "SH002", date(2026, 12, 3))[0] is CouponStatus.EXPIRED
    a.void(event)
    assert outcomes(ho.push("SH001", a.body()))[-1] == "applied"
    assert ho.admin.check_coupon(second, today)[0] is CouponStatus.VOIDED
    assert ho.admin.use_coupon(second, "SH002", today)[0] is CouponStatus.VOIDED
    assert q(db, "SELECT used_at FROM coupons WHERE code = ?", (second,))[0]["used_at"] is None


@pytest.mark.parametrize(
    "bad",
    [
        "not a list",
        [["C300", "nonsense", "2026-12-02"]],
        [["C300", "CODE", "2026-12-02", "extra"]],
        [["G999", "CODE", "2026-12-02"]],  # not a gift of the redemption's lines
        [["C300", "CODE", "2026-12-02"]] * 3,  # more codes than units (and repeated)
        [["C300", "CODE", "next week"]],
    ],
)
def test_a_malformed_coupon_list_parks_the_redemption_and_records_no_code(
    ho: HeadOffice, db: Database, bad: Any
) -> None:
    m = add_member(ho, 1, 5000)
    a = store(ho, "SH001")
    one = code()
    if isinstance(bad, list):
        bad = [[one if v == "CODE" else v for v in item] for item in bad]
    redeem_coupons(a, m, bad)
    assert outcomes(ho.push("SH001", a.body())) == ["rejected"]
    assert q(db, "SELECT COUNT(*) AS n FROM coupons")[0]["n"] == 0
    assert q(db, "SELECT COUNT(*) AS n FROM redemptions")[0]["n"] == 0


def test_a_code_already_issued_parks_the_second_redemption(ho: HeadOffice, db: Database) -> None:
    m = add_member(ho, 1, 5000)
    a = store(ho, "SH001")
    same = code()
    redeem_coupons(a, m, [["C300", same, "2026-12-02"]], quantity=1)
    redeem_coupons(a, m, [["C300", same, "2026-12-02"]], quantity=1)
    assert outcomes(ho.push("SH001", a.body())) == ["applied", "rejected"]
    assert q(db, "SELECT COUNT(*) AS n FROM coupons")[0]["n"] == 1


def test_gift_kinds_and_catalogue_rules_go_down_to_stores(ho: HeadOffice, db: Database) -> None:
    gift = Gift(
        GiftId("C300"), "满300减80券", "80 off 300", "coupon", (Price(800),),
        kind=GiftKind.COUPON, coupon=CouponTerms(30000, 8000, 7),
    )  # fmt: skip
    ho.admin.upsert_gift(gift)
    ho.admin.upsert_gift(gift)  # an update keeps it
    with db.transaction(write=False) as tx:
        snap = snapshots.gift(tx, "C300")
        assert snapshots.settings(tx)["catalogue"]["band_mid"] == 500
    assert snap is not None
    assert (snap["kind"], snap["terms"]) == ("coupon", gift.coupon.as_dict())  # type: ignore[union-attr]
    with pytest.raises(InvalidInput):
        ho.admin.set_setting("catalogue", {"band_mid": 3000, "band_high": 2000})
    ho.admin.set_setting("catalogue", {"band_mid": 300})
    with db.transaction(write=False) as tx:
        assert snapshots.settings(tx)["catalogue"]["band_mid"] == 300


def test_gift_add_takes_a_kind_with_its_terms_and_refuses_mismatches(
    tmp_path: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from desktop.cli import main
    from headoffice.db import open_db

    for k in list(os.environ):
        if k.startswith("LANTERN_"):
            monkeypatch.delenv(k)
    monkeypatch.setenv("LANTERN_HEADOFFICE_DB", str(tmp_path / "ho.db"))
    base = ["headoffice", "gift", "add", "--name-zh", "券", "--price", "800"]

    def run(*args: str) -> int:
        status = main([*base, *args]) if args[0] == "--id" else main(list(args))
        capsys.readouterr()
        return status

    assert run("--id", "C1", "--kind", "coupon", "--spend", "300", "--off", "80",
               "--valid-days", "7") == 0  # fmt: skip
    assert run("--id", "E1", "--kind", "experience", "--session",
               "2026-12-20T14:00:00+08:00", "--place", "三楼教室") == 0  # fmt: skip
    assert run("--id", "X1", "--kind", "coupon", "--spend", "300") != 0  # no --off/--valid-days
    assert run("--id", "X2", "--spend", "300", "--off", "80", "--valid-days", "7") != 0  # goods
    assert run("--id", "X3", "--kind", "coupon", "--spend", "50", "--off", "80",
               "--valid-days", "7") != 0  # fmt: skip
    assert run("--id", "X4", "--kind", "experience", "--session", "2026-12-20T14:00") != 0
    assert run("headoffice", "gift", "rules", "--json", '{"band_high": 3000}') == 0
    assert run("headoffice", "gift", "rules", "--json", '{"band_high": 100}') != 0
    db = open_db(str(tmp_path / "ho.db"))
    try:
        with db.transaction(write=False) as tx:
            kinds = {r["gift_id"]: (r["kind"], r["terms"]) for r in tx.all("SELECT * FROM gifts")}
            rules = snapshots.settings(tx)["catalogue"]
    finally:
        db.close()
    assert set(kinds) == {"C1", "E1"}
    assert json.loads(kinds["C1"][1]) == {"threshold_fen": 30000, "off_fen": 8000, "valid_days": 7}
    assert json.loads(kinds["E1"][1]) == {
        "starts": "2026-12-20T14:00:00+08:00",
        "place": "三楼教室",
    }
    assert (rules["band_mid"], rules["band_high"]) == (500, 3000)
