"""Coupons, experiences, tier-exclusive gifts and hot marks on a real store database:
codes written with their redemption, printed on its receipt, voided with it; places as
stock; sessions that have started refused."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from desktop.core import coupons
from desktop.core.catalogue import (
    CatalogueRules,
    CouponTerms,
    Gift,
    GiftId,
    GiftKind,
    Price,
    Session,
)
from desktop.core.coupons import CouponStatus
from desktop.core.redemption import Refusal, RefusalReason
from desktop.printing.backends import PdfArchive
from desktop.services.app import StoreServices
from desktop.services.till import LineRequest, Receipt
from desktop.store import catalogue as gifts_repo
from desktop.store import settings
from desktop.store.staff import Staff

from ._helpers import T0, Clock, counts, one, rows

pytestmark = pytest.mark.store

RICH = "M00000044"  # platinum, 16740 points
COUPON = Gift(
    GiftId("C300"), "满300减80券", "¥80 off ¥300", "coupon", (Price(800),),
    kind=GiftKind.COUPON, coupon=CouponTerms(30000, 8000, 7),
)  # fmt: skip
CLASS = Gift(
    GiftId("E01"), "周末烘焙课", "Weekend baking class", "experience", (Price(1500),),
    kind=GiftKind.EXPERIENCE, session=Session(T0 + timedelta(days=5), "三楼烘焙教室"),
)  # fmt: skip


def add_gift(app: StoreServices, manager: Staff, gift: Gift, places: int) -> None:
    with app.db.write() as conn:
        gifts_repo.upsert_gift(conn, gift)
    app.stock.receive(manager, f"recv-{gift.gift_id}", gift.gift_id, places)


@pytest.fixture
def stocked(app: StoreServices, manager: Staff) -> StoreServices:
    add_gift(app, manager, COUPON, 10)
    add_gift(app, manager, CLASS, 2)
    return app


def test_kinds_round_trip_through_the_store(stocked: StoreServices) -> None:
    by_id = {g.gift_id: g for g, _ in stocked.stock.catalogue()}
    assert by_id["C300"] == COUPON and by_id["E01"] == CLASS
    assert by_id["G101"].kind is GiftKind.GOODS and by_id["G101"].coupon is None


def test_a_coupon_redemption_issues_one_code_per_unit_in_its_transaction(
    stocked: StoreServices, cashier: Staff, db_path: Path
) -> None:
    receipt = stocked.till.redeem(cashier, "r1", RICH, (LineRequest("C300", 2),))
    assert isinstance(receipt, Receipt)
    assert len(receipt.coupons) == 2
    assert len({c.code for c in receipt.coupons}) == 2
    for c in receipt.coupons:
        assert coupons.normalise(c.code) == c.code
        assert c.valid_until == date(2026, 6, 21)  # redeemed 2026-06-15, valid 7 days
        assert c.redemption_id == receipt.redemption_id
    stored = rows(db_path, "SELECT code, redemption_id, gift_id, valid_until FROM coupons")
    assert sorted(tuple(r) for r in stored) == sorted(
        (c.code, receipt.redemption_id, "C300", "2026-06-21") for c in receipt.coupons
    )
    payload = json.loads(
        one(db_path, "SELECT payload FROM outbox WHERE kind = 'redemption' ORDER BY seq DESC")
    )
    assert payload["coupons"] == [["C300", c.code, "2026-06-21"] for c in receipt.coupons]
    # a retry of the same request issues nothing more and shows the same codes
    again = stocked.till.redeem(cashier, "r1", RICH, (LineRequest("C300", 2),))
    assert isinstance(again, Receipt) and again.replayed and again.coupons == receipt.coupons
    assert one(db_path, "SELECT COUNT(*) FROM coupons") == 2


def test_goods_redemptions_carry_no_coupons_key(
    stocked: StoreServices, cashier: Staff, db_path: Path
) -> None:
    stocked.till.redeem(cashier, "r1", RICH, (LineRequest("G101", 1),))
    payload = json.loads(one(db_path, "SELECT payload FROM outbox ORDER BY seq DESC"))
    assert "coupons" not in payload


def test_a_refused_coupon_redemption_mints_nothing(
    stocked: StoreServices, cashier: Staff, db_path: Path
) -> None:
    before = counts(db_path)
    refused = stocked.till.redeem(cashier, "r1", RICH, (LineRequest("C300", 11),))
    assert isinstance(refused, Refusal) and refused.reason is RefusalReason.OUT_OF_STOCK
    assert counts(db_path) == before


def test_checking_codes_at_the_store(
    stocked: StoreServices, cashier: Staff, manager: Staff, clock: Clock
) -> None:
    receipt = stocked.till.redeem(cashier, "r1", RICH, (LineRequest("C300", 1),))
    assert isinstance(receipt, Receipt)
    code = receipt.coupons[0].code
    assert stocked.till.check_coupon(coupons.shown(code).lower())[0] is CouponStatus.VALID
    typo = code[:3] + ("1" if code[3] != "1" else "2") + code[4:]
    assert stocked.till.check_coupon(typo) == (CouponStatus.MISTYPED, None)
    other = coupons.mint(bytes(10))
    assert stocked.till.check_coupon(other) == (CouponStatus.UNKNOWN, None)
    clock.now = T0 + timedelta(days=7)  # 2026-06-22: past its last day
    assert stocked.till.check_coupon(code)[0] is CouponStatus.EXPIRED
    clock.now = T0
    stocked.till.void(cashier, manager, "v1", receipt.receipt_no, "customer changed mind")
    assert stocked.till.check_coupon(code)[0] is CouponStatus.VOIDED
    assert stocked.till.receipt(receipt.receipt_no).coupons[0].voided_at is not None


def test_a_code_cannot_exist_without_its_redemption(stocked: StoreServices) -> None:
    import sqlite3

    with pytest.raises(sqlite3.IntegrityError), stocked.db.write() as conn:
        conn.execute(
            "INSERT INTO coupons (code, redemption_id, gift_id, valid_until) "
            "VALUES ('X', 'no-such-redemption', 'C300', '2026-06-21')"
        )


def test_experience_places_are_stock_and_a_started_session_is_refused(
    stocked: StoreServices, cashier: Staff, clock: Clock
) -> None:
    two = stocked.till.redeem(cashier, "r1", RICH, (LineRequest("E01", 2),))
    assert isinstance(two, Receipt)
    full = stocked.till.quote(RICH, (LineRequest("E01", 1),))
    assert isinstance(full, Refusal) and full.reason is RefusalReason.OUT_OF_STOCK
    clock.now = T0 + timedelta(days=5)  # the session starts
    late = stocked.till.quote(RICH, (LineRequest("E01", 1),))
    assert isinstance(late, Refusal) and late.reason is RefusalReason.GIFT_NOT_ACTIVE


def test_hot_marks_from_recent_redemptions_leave_out_voids_and_old_ones(
    stocked: StoreServices, cashier: Staff, manager: Staff, clock: Clock
) -> None:
    assert stocked.catalogue.hot() == frozenset()
    stocked.till.redeem(cashier, "r1", RICH, (LineRequest("G101", 3),))
    stocked.till.redeem(cashier, "r2", RICH, (LineRequest("C300", 2),))
    r3 = stocked.till.redeem(cashier, "r3", RICH, (LineRequest("E01", 2),))
    stocked.till.redeem(cashier, "r4", RICH, (LineRequest("G501", 1),))
    assert stocked.catalogue.hot() == {"G101", "C300", "E01"}
    assert isinstance(r3, Receipt)
    stocked.till.void(cashier, manager, "v3", r3.receipt_no, "wrong session")
    assert stocked.catalogue.hot() == {"G101", "C300", "G501"}
    clock.now = T0 + timedelta(days=31)
    assert stocked.catalogue.hot() == frozenset()


def test_catalogue_rules_come_from_the_setting(stocked: StoreServices) -> None:
    assert stocked.catalogue.rules() == CatalogueRules()
    with stocked.db.write() as conn:
        settings.put(conn, "catalogue", {"band_mid": 100, "band_high": 900, "hot_top": 1})
    rules = stocked.catalogue.rules()
    assert (rules.bands.mid, rules.bands.high, rules.hot_top) == (100, 900, 1)


def test_the_receipt_prints_each_code_as_text_and_qr_with_its_last_day_and_the_session(
    stocked: StoreServices, cashier: Staff, tmp_path: Path
) -> None:
    import io
    import re
    import shutil
    import subprocess

    from pypdf import PdfReader

    from desktop.printing.backends import EscPosPrinter, JobKind, PdfArchive, PrintJob
    from desktop.printing.fake_escpos import FakeEscPos
    from desktop.printing.receipt import receipt_pdf
    from desktop.services.printing import PrintService

    receipt = stocked.till.redeem(
        cashier, "r1", RICH, (LineRequest("C300", 2), LineRequest("E01", 1))
    )
    assert isinstance(receipt, Receipt)
    printing = PrintService(stocked.ctx, [], PdfArchive(tmp_path / "out"), rand=lambda: 1.0)
    doc = printing.receipt_doc(receipt.receipt_no)
    shown = [coupons.shown(c.code) for c in receipt.coupons]
    assert [c.code for c in doc.coupons] == shown
    assert {c.title for c in doc.coupons} == {"满300减80 ¥80 off ¥300"}
    assert {c.valid_until for c in doc.coupons} == {date(2026, 6, 21)}
    assert doc.lines[1].detail == "场次 Session 2026-06-20 10:00 · 三楼烘焙教室"
    # the PDF, read back
    pdf = receipt_pdf(doc, 80)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    for expected in [*shown, "满300减80", "有效期至 Valid until 2026-06-21", "2026-06-20 10:00"]:
        assert expected in text, expected
    if shutil.which("pdftoppm") is not None:
        import cv2

        (tmp_path / "r.pdf").write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "200", "-png", "-singlefile", str(tmp_path / "r.pdf"),
             str(tmp_path / "r")], check=True,
        )  # fmt: skip
        import zxingcpp  # OpenCV's multi-code detector misses a code now and then

        image = cv2.imread(str(tmp_path / "r.png"), cv2.IMREAD_GRAYSCALE)
        decoded = [b.text for b in zxingcpp.read_barcodes(image)]
        assert set(shown) <= set(decoded), decoded
    # the ESC/POS bytes: each code as a native QR and as text
    fake = FakeEscPos()
    EscPosPrinter("dummy", 58, opener=lambda: fake).print_job(
        PrintJob("j1", JobKind.RECEIPT, doc.receipt_no, b"%PDF", doc)
    )
    out = bytes(fake.output)
    qrs = [m.group(1) for m in re.finditer(rb"\x1d\(k..1P0(.+?)\x1d\(k\x03\x001Q0", out, re.S)]
    assert qrs == [s.encode() for s in shown] + [doc.receipt_no.encode()]
    for s in shown:
        assert out.count(s.encode()) == 2  # the QR's data and the line below it
    assert "有效期至 Valid until 2026-06-21".encode("gb18030") in out


def _page(**parts: object) -> dict[str, object]:
    return {"cursor": 1, "more": False, **parts}


def apply(app: StoreServices, data: dict[str, object]) -> list[str]:
    from desktop.services import sync_apply
    from desktop.sync.protocol import parse_changes

    with app.db.write() as conn:
        result = sync_apply.apply_page(
            conn,
            parse_changes(data),
            at=app.ctx.now().isoformat(),
            designs_folder=Path("/nonexistent"),
        )
    return result.problems


def test_head_office_pages_carry_kinds_terms_and_catalogue_rules(app: StoreServices) -> None:
    coupon = {
        "gift_id": "C9", "name_zh": "满100减20", "name_en": "20 off 100", "category": "coupon",
        "prices": [[300, 0]], "kind": "coupon",
        "terms": {"threshold_fen": 10000, "off_fen": 2000, "valid_days": 3},
    }  # fmt: skip
    rules = {"band_mid": 200, "band_high": 900, "hot_days": 7, "hot_top": 5, "hot_min_units": 2}
    assert apply(app, _page(gifts=[coupon], settings={"catalogue": rules})) == []
    with app.db.read() as conn:
        gift, stock = gifts_repo.get_gift(conn, "C9")
    assert (gift.kind, gift.coupon, stock) == (GiftKind.COUPON, CouponTerms(10000, 2000, 3), 0)
    assert app.catalogue.rules().as_dict() == rules
    # a bad rules value is skipped and reported, the rules in force stay
    problems = apply(app, _page(settings={"catalogue": {"band_mid": 900, "band_high": 100}}))
    assert len(problems) == 1 and "catalogue ignored" in problems[0]
    assert app.catalogue.rules().as_dict() == rules
    # a gift whose terms do not fit its kind is malformed: the page is refused whole
    from desktop.sync.protocol import Malformed

    bad = {**coupon, "terms": {"threshold_fen": 100, "off_fen": 2000, "valid_days": 3}}
    with pytest.raises(Malformed, match="gifts"):
        apply(app, _page(gifts=[bad]))


def test_a_voided_receipt_marks_its_coupons_voided_and_prints_no_coupon_qr(
    stocked: StoreServices, cashier: Staff, manager: Staff, tmp_path: Path
) -> None:
    import io

    from pypdf import PdfReader

    from desktop.printing.escpos_out import Qr, receipt_blocks
    from desktop.printing.receipt import receipt_pdf
    from desktop.services.printing import PrintService

    receipt = stocked.till.redeem(cashier, "r1", RICH, (LineRequest("C300", 1),))
    assert isinstance(receipt, Receipt)
    stocked.till.void(cashier, manager, "v1", receipt.receipt_no, "customer changed mind")
    printing = PrintService(stocked.ctx, [], PdfArchive(tmp_path / "out"), rand=lambda: 1.0)
    doc = printing.receipt_doc(receipt.receipt_no, reprint=True)
    assert doc.voided and len(doc.coupons) == 1
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(receipt_pdf(doc))).pages)
    # the header and the coupon both say voided
    assert text.count("已作废 VOIDED") == 2 and doc.coupons[0].code in text
    qrs = [b.value for b in receipt_blocks(doc) if isinstance(b, Qr)]
    assert qrs == [receipt.receipt_no]  # the receipt's own QR only
