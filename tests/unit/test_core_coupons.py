"""Gift kinds (coupons, experiences), value bands, hot marks and coupon codes."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone

import pytest

from desktop.core import coupons
from desktop.core.catalogue import (
    Band,
    BandThresholds,
    CatalogueRules,
    CouponTerms,
    Gift,
    GiftId,
    GiftKind,
    Price,
    Session,
    hot_gifts,
    kind_terms,
)
from desktop.core.coupons import CouponRecord, CouponStatus
from desktop.core.errors import InvalidInput

pytestmark = pytest.mark.unit

SH = timezone(timedelta(hours=8))


@pytest.mark.parametrize(
    ("threshold", "off", "days"),
    [(30000, 0, 7), (30000, -1, 7), (5000, 8000, 7), (30000, 8000, 0), (30000, 8000, -3),
     (30000, 8000, 10_000), ("300", 80, 7), (30000, True, 7)],
)  # fmt: skip
def test_a_coupon_needs_threshold_at_least_off_above_zero_and_valid_days(
    threshold: object, off: object, days: object
) -> None:
    with pytest.raises(InvalidInput):
        CouponTerms(threshold, off, days)  # type: ignore[arg-type]


def test_coupon_titles() -> None:
    assert CouponTerms(30000, 8000, 7).title_zh == "满300减80"
    assert CouponTerms(30000, 8000, 7).title_en == "¥80 off ¥300"
    assert CouponTerms(9950, 1050, 1).title_zh == "满99.50减10.50"
    assert CouponTerms(8000, 8000, 1).off_fen == 8000  # threshold equal to off is allowed


def test_a_gift_kind_needs_its_own_terms_and_no_other() -> None:
    terms = CouponTerms(30000, 8000, 7)
    session = Session(datetime(2026, 12, 20, 14, 0, tzinfo=SH), "三楼烘焙教室")
    assert Gift(
        GiftId("E1"), "课", "class", "experience", (Price(1),),
        kind=GiftKind.EXPERIENCE, session=session,
    ).terms_dict() == session.as_dict()  # fmt: skip
    base = (GiftId("C1"), "满300减80", "80 off 300", "coupon", (Price(800),))
    assert Gift(*base, kind=GiftKind.COUPON, coupon=terms).terms_dict() == terms.as_dict()
    with pytest.raises(InvalidInput, match="a coupon needs its terms"):
        Gift(*base, kind=GiftKind.COUPON)
    with pytest.raises(InvalidInput, match="a coupon needs its terms"):
        Gift(*base, coupon=terms)
    with pytest.raises(InvalidInput, match="an experience needs its session"):
        Gift(*base, kind=GiftKind.EXPERIENCE)
    with pytest.raises(InvalidInput, match="needs an offset"):
        Session(datetime(2026, 12, 20, 14, 0), "教室")
    with pytest.raises(InvalidInput, match="needs a place"):
        Session(datetime(2026, 12, 20, 14, 0, tzinfo=SH), " ")


def test_terms_round_trip_and_bad_terms_are_refused() -> None:
    session = Session(datetime(2026, 12, 20, 14, 0, tzinfo=SH), "教室")
    assert kind_terms(GiftKind.EXPERIENCE, session.as_dict()) == (None, session)
    assert kind_terms(GiftKind.COUPON, {"threshold_fen": 300, "off_fen": 80, "valid_days": 7})[
        0
    ] == CouponTerms(300, 80, 7)
    assert kind_terms(GiftKind.GOODS, None) == (None, None)
    for kind, terms in [
        (GiftKind.COUPON, None),
        (GiftKind.COUPON, {"threshold_fen": 300, "off_fen": 80}),
        (GiftKind.EXPERIENCE, {"starts": "soon", "place": "x"}),
        (GiftKind.EXPERIENCE, {"starts": 5, "place": "x"}),
    ]:
        with pytest.raises(InvalidInput):
            kind_terms(kind, terms)


def test_an_experience_is_not_redeemable_once_its_session_started() -> None:
    starts = datetime(2026, 12, 20, 14, 0, tzinfo=SH)
    g = Gift(
        GiftId("E1"), "烘焙课", "Baking class", "experience", (Price(1500),),
        kind=GiftKind.EXPERIENCE, session=Session(starts, "教室"),
    )  # fmt: skip
    assert g.active_at(starts - timedelta(minutes=1))
    assert not g.active_at(starts)
    assert not g.active_at(starts + timedelta(days=1))


@pytest.mark.parametrize(
    ("points", "band"),
    [(1, Band.LOW), (499, Band.LOW), (500, Band.MID), (1999, Band.MID), (2000, Band.HIGH)],
)
def test_value_bands_by_default_thresholds(points: int, band: Band) -> None:
    assert BandThresholds().band(points) is band
    g = Gift(GiftId("G"), "x", "x", "home", (Price(points), Price(1, 100)))
    assert g.band(BandThresholds()) is band


def test_band_thresholds_are_configurable_and_checked() -> None:
    rules = CatalogueRules.from_mapping({"band_mid": 100, "band_high": 300})
    assert rules.bands.band(150) is Band.MID and rules.hot_days == 30
    for bad in [{"band_mid": 300, "band_high": 300}, {"band_mid": 0}, {"hot_days": 0},
                {"hot_top": "3"}, {"nonsense": 1}, [1], {"hot_min_units": 0}]:  # fmt: skip
        with pytest.raises(InvalidInput):
            CatalogueRules.from_mapping(bad)
    assert CatalogueRules.from_mapping(CatalogueRules().as_dict()) == CatalogueRules()


def test_hot_gifts_are_the_top_by_units_with_ties_and_a_floor() -> None:
    units = {"A": 9, "B": 7, "C": 5, "D": 5, "E": 1}
    assert hot_gifts(units, CatalogueRules()) == {"A", "B", "C", "D"}
    assert hot_gifts(units, CatalogueRules(hot_top=1)) == {"A"}
    assert hot_gifts(units, CatalogueRules(hot_min_units=8)) == {"A"}
    assert hot_gifts(units, CatalogueRules(hot_top=0)) == frozenset()
    assert hot_gifts({}, CatalogueRules()) == frozenset()


def test_codes_have_80_random_bits_and_a_check_character() -> None:
    code = coupons.mint(bytes(range(10)))
    assert len(code) == 17 and coupons.normalise(code) == code
    assert coupons.shown(code).count("-") == 4
    assert coupons.normalise(coupons.shown(code).lower()) == code
    many = {coupons.mint(os.urandom(10)) for _ in range(2000)}
    assert len(many) == 2000
    with pytest.raises(InvalidInput):
        coupons.mint(b"short")


def test_every_single_typo_and_nearly_every_neighbour_swap_is_caught() -> None:
    code = coupons.mint(os.urandom(10))
    for i in range(len(code)):
        for c in coupons.ALPHABET:
            if c != code[i]:
                assert coupons.normalise(code[:i] + c + code[i + 1 :]) is None
    for i in range(len(code) - 1):
        if code[i] != code[i + 1] and {code[i], code[i + 1]} != {"0", "Z"}:  # Luhn's blind spot
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            assert coupons.normalise(swapped) is None
    assert coupons.normalise(code[:-1]) is None
    assert coupons.normalise(code + "0") is None
    assert coupons.normalise("U" * 17) is None


def test_crockford_aliases_read_as_digits() -> None:
    code = coupons.mint(bytes(10))  # all zeros
    assert code.startswith("0000")
    assert coupons.normalise("OOOO" + code[4:]) == code


def test_valid_until_counts_the_day_of_redemption() -> None:
    assert coupons.valid_until(date(2026, 6, 15), 7) == date(2026, 6, 21)
    assert coupons.valid_until(date(2026, 6, 15), 1) == date(2026, 6, 15)


def test_status_of_a_code() -> None:
    rec = CouponRecord("X", "C1", "r1", date(2026, 6, 21))
    assert coupons.status(None, date(2026, 6, 15)) is CouponStatus.UNKNOWN
    assert coupons.status(rec, date(2026, 6, 21)) is CouponStatus.VALID
    assert coupons.status(rec, date(2026, 6, 22)) is CouponStatus.EXPIRED
    used = CouponRecord("X", "C1", "r1", date(2026, 6, 21), used_at="t")
    assert coupons.status(used, date(2026, 6, 30)) is CouponStatus.USED
    both = CouponRecord("X", "C1", "r1", date(2026, 6, 21), used_at="t", voided_at="t")
    assert coupons.status(both, date(2026, 6, 15)) is CouponStatus.VOIDED
