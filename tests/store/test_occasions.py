"""Occasions at the store: head office's switches (setting "occasions") applied from a sync
page, campaigns tied to an occasion (member day, 七夕) earning on their days, and the
blessing line kept with the redemption, printed on its card and on reprints, never sent."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from desktop.core.errors import Conflict, InvalidInput
from desktop.core.occasions import Occasion, OccasionConfig
from desktop.printing.backends import PdfArchive
from desktop.services import sync_apply
from desktop.services.app import StoreServices
from desktop.services.printing import PrintService, card_designs_folder
from desktop.services.till import LineRequest, Receipt
from desktop.store import catalogue as gifts_repo
from desktop.store.staff import Staff
from desktop.sync.protocol import Malformed, parse_changes

from ._helpers import SH, Clock, balance, counts, one, open_day, rows

pytestmark = pytest.mark.store

MEMBER = "M00000001"  # regular, 2069 points; birthday far from the days used here


def apply(app: StoreServices, **lists: Any) -> sync_apply.PageResult:
    with app.db.write() as conn:
        return sync_apply.apply_page(
            conn,
            parse_changes({"cursor": 1, "more": False, **lists}),
            at=app.ctx.now().isoformat(),
            designs_folder=card_designs_folder(app.db.path),
        )


def occasion_campaign(cid: str, occasion: str, permille: int, **extra: str) -> dict[str, Any]:
    return {
        "campaign_id": cid,
        "name": cid,
        "starts": "2026-01-01T00:00:00+08:00",
        "ends": "2100-01-01T00:00:00+08:00",
        "multiplier_permille": permille,
        "tiers": "",
        "occasion": occasion,
        **extra,
    }


# --- the setting -------------------------------------------------------------------------
def test_head_offices_switches_are_stored_and_a_bad_value_is_skipped(app: StoreServices) -> None:
    assert app.ctx.occasions() == OccasionConfig()  # before head office says anything
    result = apply(
        app, settings={"occasions": {"member_day": 10, "valentines": True, "qixi": True}}
    )
    assert result.problems == []
    assert app.ctx.occasions() == OccasionConfig(10, True, True)
    # a bad value is reported and changes nothing
    result = apply(app, settings={"occasions": {"member_day": 32, "qixi": False}})
    assert len(result.problems) == 1 and "occasions ignored" in result.problems[0]
    assert "1 to 31" in result.problems[0]
    assert app.ctx.occasions() == OccasionConfig(10, True, True)


# --- campaigns tied to occasions -----------------------------------------------------------
def test_an_occasion_campaign_round_trips_through_the_store(app: StoreServices) -> None:
    apply(app, campaigns=[occasion_campaign("MDAY", "member_day", 2000)])
    with app.db.read() as conn:
        stored = {c.campaign_id: c for c in gifts_repo.campaigns(conn)}
    assert stored["MDAY"].occasion is Occasion.MEMBER_DAY
    assert stored["MDAY"].multiplier_permille == 2000


def test_an_unknown_occasion_in_a_campaign_refuses_the_page(app: StoreServices) -> None:
    # like an unknown tier: the page is malformed, named where, and nothing is applied
    with pytest.raises(Malformed, match=r"campaigns\[0\]\.occasion: 'easter'"):
        apply(app, campaigns=[occasion_campaign("X", "easter", 2000)])


@pytest.mark.parametrize(
    ("when", "member_day", "points", "campaign"),
    [
        (datetime(2026, 7, 10, 9, 0, tzinfo=SH), 10, 200, "MDAY"),  # the member day
        (datetime(2026, 7, 11, 9, 0, tzinfo=SH), 10, 100, None),  # the day after
        (datetime(2026, 7, 10, 0, 30, tzinfo=SH), 10, 200, "MDAY"),  # 16:30 UTC on the 9th
        (datetime(2026, 9, 30, 9, 0, tzinfo=SH), 31, 200, "MDAY"),  # 31st in a 30-day month
        (datetime(2026, 10, 1, 9, 0, tzinfo=SH), 31, 100, None),
        (datetime(2026, 8, 19, 9, 0, tzinfo=SH), 10, 150, "QIXI"),  # 七夕 2026
        (datetime(2026, 8, 17, 9, 0, tzinfo=SH), 10, 150, "QIXI"),  # its season
        (datetime(2026, 8, 20, 9, 0, tzinfo=SH), 10, 100, None),
        (datetime(2027, 8, 8, 9, 0, tzinfo=SH), 10, 150, "QIXI"),  # 七夕 2027, not re-entered
    ],
)
def test_earning_on_occasion_days(
    app: StoreServices,
    clock: Clock,
    cashier: Staff,
    db_path: Path,
    when: datetime,
    member_day: int,
    points: int,
    campaign: str | None,
) -> None:
    apply(
        app,
        settings={"occasions": {"member_day": member_day}},
        campaigns=[
            occasion_campaign("MDAY", "member_day", 2000),
            occasion_campaign("QIXI", "qixi", 1500),
        ],
    )
    clock.set(when)
    open_day(app)
    before = balance(db_path, MEMBER)
    result = app.till.earn(cashier, "e", MEMBER, 10_000)
    assert (result.points, result.campaign) == (points, campaign)
    assert one(db_path, "SELECT campaign_id FROM earns") == campaign
    assert balance(db_path, MEMBER) == before + points


# --- the blessing -------------------------------------------------------------------------
def _pdf_text(path: Path) -> str:
    return PdfReader(io.BytesIO(path.read_bytes())).pages[0].extract_text()


def test_the_blessing_is_stored_printed_reprinted_and_never_sent(
    app: StoreServices, cashier: Staff, manager: Staff, tmp_path: Path
) -> None:
    result = app.till.redeem(
        cashier, "r1", MEMBER, (LineRequest("G101"),), blessing=" 祝妈妈身体健康  Love you "
    )
    assert isinstance(result, Receipt)
    assert result.blessing == "祝妈妈身体健康 Love you"
    no = result.receipt_no
    assert one(app.db.path, "SELECT blessing FROM redemptions") == "祝妈妈身体健康 Love you"
    payload = one(app.db.path, "SELECT payload FROM outbox WHERE kind = 'redemption'")
    assert "blessing" not in json.loads(payload) and "祝妈妈" not in payload
    # a retry with the same request id and blessing is the same redemption
    again = app.till.redeem(
        cashier, "r1", MEMBER, (LineRequest("G101"),), blessing="祝妈妈身体健康 Love you"
    )
    assert isinstance(again, Receipt) and again.replayed and again.receipt_no == no
    # a "retry" with another blessing is not the same request
    with pytest.raises(Conflict):
        app.till.redeem(cashier, "r1", MEMBER, (LineRequest("G101"),), blessing="别的")
    # the card and its reprint carry it
    printing = PrintService(app.ctx, [], PdfArchive(tmp_path / "printouts"))
    printing.print_redemption(no)
    printing.reprint(manager, no, "card")
    printing.process()
    archive = tmp_path / "printouts"
    for name in (f"card-{no}.pdf", f"card-{no}-reprint-1.pdf"):
        assert "祝妈妈身体健康 Love you" in _pdf_text(archive / name)
    assert app.setup.check() == []


def test_no_blessing_is_no_line(app: StoreServices, cashier: Staff, tmp_path: Path) -> None:
    result = app.till.redeem(cashier, "r1", MEMBER, (LineRequest("G101"),), blessing="   ")
    assert isinstance(result, Receipt) and result.blessing is None
    assert one(app.db.path, "SELECT blessing FROM redemptions") is None
    doc, _design = app.printing.card_doc(result.receipt_no)
    assert doc.blessing is None


@pytest.mark.parametrize(
    ("blessing", "says"),
    [
        ("福" * 25, "too long"),
        ("line\nbreak", "unprintable character (U+000A)"),
        ("❤ 😀", "cannot print ❤ (U+2764) 😀 (U+1F600)"),
    ],
)
def test_a_bad_blessing_changes_nothing(
    app: StoreServices, cashier: Staff, blessing: str, says: str
) -> None:
    before = counts(app.db.path)
    with pytest.raises(InvalidInput) as e:
        app.till.redeem(cashier, "r1", MEMBER, (LineRequest("G101"),), blessing=blessing)
    assert says in str(e.value)
    assert counts(app.db.path) == before
    assert rows(app.db.path, "SELECT * FROM requests") == []


def test_the_card_has_the_occasions_wording_on_the_member_day(
    app: StoreServices, clock: Clock, cashier: Staff, tmp_path: Path
) -> None:
    apply(app, settings={"occasions": {"member_day": 10}})
    clock.set(datetime(2026, 7, 10, 11, 0, tzinfo=SH))
    open_day(app)
    result = app.till.redeem(cashier, "r1", MEMBER, (LineRequest("G101"),), blessing="会员日快乐")
    assert isinstance(result, Receipt)
    doc, design = app.printing.card_doc(result.receipt_no)
    assert (doc.occasion, design.occasion) == ("member_day", Occasion.MEMBER_DAY)
    printing = PrintService(app.ctx, [], PdfArchive(tmp_path / "printouts"))
    printing.print_redemption(result.receipt_no)
    text = _pdf_text(tmp_path / "printouts" / f"card-{result.receipt_no}.pdf")
    assert "会员日快乐" in text and "HAPPY MEMBER DAY" in text
    assert "“会员日快乐”" in text
