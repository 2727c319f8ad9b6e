"""The till's gift list beyond goods (pytest-qt, offscreen, a real demo store): a coupon's
terms and an experience's session and places left on their tiles, the value band, the
tier-exclusive mark, the hot mark from this store's recent redemptions, the value-band filter,
and a sold-out experience refused like an out-of-stock gift."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from till_support import T0, Store, scan, shown
from waits import WAIT_MS

from desktop.core.catalogue import CouponTerms, Gift, GiftId, GiftKind, Price, Session
from desktop.services.till import LineRequest, Receipt
from desktop.store import catalogue as gifts_repo
from desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.gui

COUPON = Gift(
    GiftId("C300"), "满300减80券", "¥80 off ¥300", "coupon", (Price(800),),
    kind=GiftKind.COUPON, coupon=CouponTerms(30000, 8000, 7),
)  # fmt: skip
CLASS = Gift(
    GiftId("E01"), "周末烘焙课", "Weekend baking class", "experience", (Price(2500),),
    kind=GiftKind.EXPERIENCE, session=Session(T0 + timedelta(days=5), "三楼烘焙教室"),
)  # fmt: skip


@pytest.fixture
def gifts_window(qtbot, store: Store) -> Iterator[MainWindow]:
    manager = store.app.login("M01", "9999")
    with store.app.db.write() as conn:
        gifts_repo.upsert_gift(conn, COUPON)
        gifts_repo.upsert_gift(conn, CLASS)
    store.app.stock.receive(manager, "recv-c", "C300", 20)
    store.app.stock.receive(manager, "recv-e", "E01", 1)
    # the coupon is redeemed most at this store lately: hot
    cashier = store.app.login("C01", "1111")
    member = store.member(lambda v: v.available >= 3000)
    done = store.app.till.redeem(
        cashier, "hot-1", member.member.member_id, (LineRequest("C300", 3),)
    )
    assert isinstance(done, Receipt)
    w = MainWindow(store.app, language="en")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w, timeout=WAIT_MS)
    w.session.logged_in(cashier)
    qtbot.waitUntil(lambda: len(w.till.catalogue.tiles) == 33, timeout=WAIT_MS)
    yield w
    w.close()


def test_tiles_show_kind_terms_band_tier_hot_and_places(qtbot, gifts_window: MainWindow) -> None:
    tiles = gifts_window.till.catalogue.tiles
    coupon, session = tiles["C300"], tiles["E01"]
    assert coupon.name_en.text() == "满300减80, valid 7 days"
    assert coupon.marks.text() == "Coupon · Mid value"
    assert coupon.hot.isVisibleTo(coupon) and coupon.hot.text() == "Hot"
    assert session.name_en.text().startswith("Session 06-20 10:30 · ")  # elided to fit
    assert session.name_en.toolTip().startswith("Session 06-20 10:30 · 三楼烘焙教室")
    assert session.marks.text() == "Experience · High value"
    assert session.stock.text() == "Places left 1"
    assert not session.hot.isVisibleTo(session)
    platinum = tiles["G5004"]
    assert platinum.marks.text().endswith("Platinum only")
    assert not any(t.hot.isVisibleTo(t) for g, t in tiles.items() if g != "C300")


def test_the_value_band_filter_narrows_the_list(qtbot, gifts_window: MainWindow) -> None:
    catalogue = gifts_window.till.catalogue
    catalogue.value.setCurrentIndex(catalogue.value.findData("high"))
    high = catalogue.visible_offers()
    assert "E01" in {o.gift.gift_id for o in high} and "C300" not in {o.gift.gift_id for o in high}
    assert all(o.gift.prices[0].points >= 2000 for o in high)
    catalogue.value.setCurrentIndex(catalogue.value.findData("mid"))
    catalogue.category.setCurrentIndex(catalogue.category.findData("coupon"))
    assert [o.gift.gift_id for o in catalogue.visible_offers()] == ["C300", "C801"]
    assert catalogue.category.currentText() == "Coupons"
    catalogue.value.setCurrentIndex(0)
    catalogue.category.setCurrentIndex(0)
    assert len(catalogue.visible_offers()) == 33


def test_a_booked_out_experience_and_a_tier_gift_are_refused_on_their_tiles(
    qtbot, store: Store, gifts_window: MainWindow
) -> None:
    till = gifts_window.till
    gold = store.member(lambda v: v.member.tier.value == "gold" and v.available >= 3000)
    other = store.member(
        lambda v: v.available >= 3000 and v.member.member_id != gold.member.member_id
    )
    cashier = store.app.login("C02", "2222")
    booked = store.app.till.redeem(
        cashier, "book-1", other.member.member_id, (LineRequest("E01", 1),)
    )
    assert isinstance(booked, Receipt)
    scan(qtbot, gifts_window, store.card(gold.member.member_id))
    shown(qtbot, gifts_window, gold)
    tiles = till.catalogue.tiles
    qtbot.waitUntil(lambda: tiles["E01"].reason.text() == "Fully booked", timeout=WAIT_MS)
    assert not tiles["E01"].isEnabled()
    assert tiles["E01"].stock.text() == "Places left 0"
    assert tiles["G5004"].reason.text() == "Platinum members and above"
    assert tiles["G5004"].marks.text().endswith("Platinum only")
