"""Member journeys on a real store database: welcome back at the dormancy midnight, the
birthday on 29 February, the starter gift, points expiring at year end, once per member,
one transaction with its outbox event, retries (desktop/services/journeys.py)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from desktop.core.errors import Conflict, NotAllowed
from desktop.core.journeys import Journey
from desktop.core.members import Member, MemberId, Tier
from desktop.services.app import StoreServices
from desktop.services.setup import OpeningLot
from desktop.store import settings
from desktop.store.staff import Staff

from ._helpers import SH, Clock, balance, ledger_sum, one, open_day, rows, stock

pytestmark = pytest.mark.store

NEW = "M90000001"
RULES = {
    "welcome_back": {
        "tiers": [
            {"min_days": 30, "bonus_points": 50, "gift_id": None},
            {"min_days": 90, "bonus_points": 200, "gift_id": "G106"},
            {"min_days": 180, "bonus_points": 500, "gift_id": None},
        ]
    },
    "starter": {"max_points": 150, "bonus_points": 0, "gift_id": "G101"},
    "birthday": {"days": 3, "bonus_points": 200, "gift_id": None},
    "expiring": {"days": 30, "suggest": 3},
}


def set_rules(app: StoreServices, rules: dict) -> None:
    with app.db.write() as conn:
        settings.put(conn, "journeys", rules)


def add_member(
    app: StoreServices,
    birthday: date | None = None,
    lots: tuple[OpeningLot, ...] = (),
    member_id: str = NEW,
) -> str:
    app.setup.add_member(Member(MemberId(member_id), "王芳", Tier.SILVER, birthday=birthday), lots)
    return member_id


def at(clock: Clock, when: datetime, app: StoreServices, *, open_it: bool = True) -> None:
    clock.set(when)
    if open_it and not app.day.state().is_open:
        open_day(app)


def offered(app: StoreServices, member_id: str) -> list[tuple[str, str, int, str | None]]:
    view = app.till.member_view(member_id).journeys
    return [(o.journey.value, o.period, o.bonus_points, o.gift_id) for o in view.offers]


def test_dormant_exactly_at_the_local_midnight(
    app: StoreServices, clock: Clock, cashier: Staff, db_path: Path
) -> None:
    set_rules(app, RULES)
    member = add_member(app, lots=(OpeningLot(1000, date(2026, 6, 1), date(2027, 12, 31)),))
    # last active on 2026-06-15 (an earn at 23:30 local time), then nothing
    at(clock, datetime(2026, 6, 15, 23, 30, tzinfo=SH), app)
    earned = app.till.earn(cashier, "e1", member, 10_000).points
    assert [o for o in offered(app, member) if o[0] == "welcome_back"] == []  # active today
    # 2026-06-15 + 30 days = 2026-07-15: not dormant at 23:59:59 the day before, dormant at
    # the local midnight
    at(clock, datetime(2026, 7, 14, 23, 59, 59, tzinfo=SH), app)
    assert [o for o in offered(app, member) if o[0] == "welcome_back"] == []
    at(clock, datetime(2026, 7, 15, 0, 0, 0, tzinfo=SH), app)
    assert ("welcome_back", "2026-06-15", 50, None) in offered(app, member)
    # 2026-06-15 + 90 days = 2026-09-13: 23:59:59 the day before is still tier 30
    at(clock, datetime(2026, 9, 12, 23, 59, 59, tzinfo=SH), app)
    assert ("welcome_back", "2026-06-15", 50, None) in offered(app, member)
    at(clock, datetime(2026, 9, 13, 0, 0, 0, tzinfo=SH), app)
    assert ("welcome_back", "2026-06-15", 200, "G106") in offered(app, member)
    # the same instant in UTC (16:00 the day before) is the same local midnight
    clock.set(datetime.fromisoformat("2026-09-12T16:00:00+00:00"))
    assert ("welcome_back", "2026-06-15", 200, "G106") in offered(app, member)

    before, gift_before = balance(db_path, member), stock(db_path, "G106")
    head = one(db_path, "SELECT MAX(seq) FROM outbox")
    use = app.journeys.apply(cashier, "j1", member, "welcome_back", "2026-06-15")
    assert (use.bonus_points, use.gift_id, use.dormant_days, use.replayed) == (
        200,
        "G106",
        90,
        False,
    )
    assert balance(db_path, member) == before + 200 == ledger_sum(db_path, member)
    assert stock(db_path, "G106") == gift_before - 1
    ledger = rows(
        db_path, "SELECT lot_id, delta, kind FROM points_ledger WHERE ref = ?", (use.use_id,)
    )
    assert [tuple(r) for r in ledger] == [(use.use_id, 200, "earn")]
    moved = rows(db_path, "SELECT delta, kind FROM stock_ledger WHERE ref = ?", (use.use_id,))
    assert [tuple(r) for r in moved] == [(-1, "redeem")]
    events = rows(db_path, "SELECT kind, payload FROM outbox WHERE seq > ?", (head,))
    assert [e["kind"] for e in events] == ["journey"]
    payload = json.loads(events[0]["payload"])
    assert payload == {
        "use_id": use.use_id,
        "journey": "welcome_back",
        "period": "2026-06-15",
        "member_id": member,
        "cashier_id": cashier.staff_id,
        "bonus_points": 200,
        "gift_id": "G106",
        "redemption_id": None,
        "dormant_days": 90,
        "at": use.at,
    }
    assert use.at.startswith("2026-09-13T00:00:00+08:00")
    # once per spell: not offered again, a retry answers the same use, a new request refused
    assert [o for o in offered(app, member) if o[0] == "welcome_back"] == []
    again = app.journeys.apply(cashier, "j1", member, "welcome_back", "2026-06-15")
    assert (again.use_id, again.replayed) == (use.use_id, True)
    with pytest.raises(Conflict, match="once"):
        app.journeys.apply(cashier, "j2", member, "welcome_back", "2026-06-15")
    assert balance(db_path, member) == before + 200
    # pending sync counts the bonus like an earn
    assert app.till.member_view(member).pending_sync == earned + 200
    # active again (an earn) and dormant again: a new spell
    app.till.earn(cashier, "e2", member, 1_000)
    at(clock, datetime(2026, 10, 13, 9, 0, tzinfo=SH), app)
    assert ("welcome_back", "2026-09-13", 50, None) in offered(app, member)


def test_a_journey_that_does_not_apply_changes_nothing(
    app: StoreServices, clock: Clock, cashier: Staff, db_path: Path
) -> None:
    set_rules(app, RULES)
    member = add_member(app)
    before = one(db_path, "SELECT COUNT(*) FROM outbox")
    with pytest.raises(NotAllowed, match="does not apply"):
        app.journeys.apply(cashier, "x1", member, "welcome_back", "2026-01-01")
    with pytest.raises(NotAllowed, match="does not apply"):
        app.journeys.apply(cashier, "x2", member, "birthday", "2026")
    assert one(db_path, "SELECT COUNT(*) FROM outbox") == before
    assert one(db_path, "SELECT COUNT(*) FROM journey_uses") == 0


def test_switched_off_journeys_are_not_offered(app: StoreServices, clock: Clock) -> None:
    set_rules(
        app,
        {
            "welcome_back": {"enabled": False},
            "starter": {"enabled": False},
            "birthday": {"enabled": False},
            "expiring": {"enabled": False},
        },
    )
    member = add_member(app, birthday=date(1990, 6, 15))
    view = app.till.member_view(member).journeys
    assert (view.offers, view.starter_gifts, view.expiring) == ((), (), ())


@pytest.mark.parametrize(
    ("today", "period"),
    [
        (datetime(2028, 2, 29, 10, 0, tzinfo=SH), "2028"),  # leap year: the day itself
        (datetime(2027, 2, 28, 10, 0, tzinfo=SH), "2027"),  # common year: kept on 28 Feb
        (datetime(2027, 3, 3, 23, 59, tzinfo=SH), "2027"),  # 28 Feb + 3 days
        (datetime(2027, 3, 4, 0, 0, tzinfo=SH), None),
    ],
)
def test_birthday_on_29_february(
    app: StoreServices,
    clock: Clock,
    cashier: Staff,
    db_path: Path,
    today: datetime,
    period: str | None,
) -> None:
    set_rules(app, RULES)
    member = add_member(app, birthday=date(2000, 2, 29))
    at(clock, today, app)
    app.till.earn(cashier, "e1", member, 100)  # active: no welcome back in the way
    birthday = [o for o in offered(app, member) if o[0] == "birthday"]
    if period is None:
        assert birthday == []
        return
    assert birthday == [("birthday", period, 200, None)]
    before = balance(db_path, member)
    use = app.journeys.apply(cashier, "b1", member, "birthday", period)
    assert balance(db_path, member) == before + 200
    assert use.journey == Journey.BIRTHDAY.value
    assert [o for o in offered(app, member) if o[0] == "birthday"] == []
    # the greeting card's occasion is still the birthday
    from desktop.core.occasions import Occasion, occasion_for

    assert occasion_for(today.date(), date(2000, 2, 29)) is Occasion.BIRTHDAY


def test_starter_gift_once_and_gift_ideas_for_a_first_redemption(
    app: StoreServices, clock: Clock, cashier: Staff, db_path: Path
) -> None:
    set_rules(app, RULES)
    member = add_member(app, lots=(OpeningLot(400, date(2026, 6, 1), date(2027, 12, 31)),))
    view = app.till.member_view(member).journeys
    assert [(o.journey.value, o.period, o.gift_id) for o in view.offers] == [
        ("starter", "first", "G101")
    ]
    # at or below 150 points, in stock (G108 has none), dearest first
    assert [g.gift_id for g in view.starter_gifts] == ["G103", "G106", "G101"]
    g101 = stock(db_path, "G101")
    use = app.journeys.apply(cashier, "s1", member, "starter", "first")
    assert (use.bonus_points, use.gift_id) == (0, "G101")
    assert stock(db_path, "G101") == g101 - 1
    assert balance(db_path, member) == 400  # a gift at 0 points
    assert app.till.member_view(member).journeys.offers == ()
    # a member who redeemed is no starter
    other = add_member(
        app, member_id="M90000002", lots=(OpeningLot(400, date(2026, 6, 1), date(2027, 12, 31)),)
    )
    from desktop.services.till import LineRequest

    app.till.redeem(cashier, "r1", other, (LineRequest("G102"),))
    assert [o for o in offered(app, other) if o[0] == "starter"] == []


def test_starter_gift_out_of_stock_is_left_out(app: StoreServices, cashier: Staff) -> None:
    set_rules(app, {**RULES, "starter": {"max_points": 150, "gift_id": "G108"}})
    member = add_member(app)
    assert app.till.member_view(member).journeys.offers == ()
    with pytest.raises(NotAllowed):
        app.journeys.apply(cashier, "s1", member, "starter", "first")


@pytest.mark.parametrize("seen", ["2026-12-10T10:00:00", "2027-01-02T10:00:00"])
def test_points_expiring_at_year_end(
    app: StoreServices, clock: Clock, cashier: Staff, seen: str
) -> None:
    set_rules(app, RULES)
    member = add_member(
        app,
        lots=(
            OpeningLot(620, date(2025, 3, 1), date(2026, 12, 31)),
            OpeningLot(80, date(2026, 5, 1), date(2026, 12, 31)),
            OpeningLot(900, date(2026, 6, 1), date(2027, 12, 31)),
        ),
    )
    at(clock, datetime.fromisoformat(seen).replace(tzinfo=SH), app)
    app.till.earn(cashier, "e1", member, 100)
    view = app.till.member_view(member).journeys
    if seen.startswith("2026"):
        assert view.expiring == ((date(2026, 12, 31), 700),)
        assert view.expiring_points == 700
        # gifts using 700 best: exactly 700, then the least beyond it, in stock and affordable
        assert [g.gift_id for g in view.expiring_gifts] == ["G503", "C801", "G504"]
    else:  # after New Year the lots have lapsed: nothing is "expiring soon" any more
        assert view.expiring == ()
        assert view.expiring_gifts == ()


def test_the_receipt_says_which_points_expire_at_year_end(
    app: StoreServices, clock: Clock, cashier: Staff
) -> None:
    import io

    from pypdf import PdfReader

    from desktop.printing.escpos_out import receipt_text
    from desktop.printing.receipt import receipt_pdf
    from desktop.services.till import LineRequest, Receipt

    set_rules(app, RULES)
    member = add_member(
        app,
        lots=(
            OpeningLot(700, date(2025, 3, 1), date(2026, 12, 31)),
            OpeningLot(900, date(2026, 6, 1), date(2027, 12, 31)),
        ),
    )
    at(clock, datetime(2026, 12, 10, 15, 0, tzinfo=SH), app)
    receipt = app.till.redeem(cashier, "r1", member, (LineRequest("G101"),))
    assert isinstance(receipt, Receipt)
    doc = app.printing.receipt_doc(receipt.receipt_no)
    # 21 days to go: within the 30-day window (600 left after the redemption spent 100)
    assert doc.expiring == ((date(2026, 12, 31), 600),)
    pdf = receipt_pdf(doc)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "2026-12-31" in text and "600" in text
    lines = "\n".join(receipt_text(doc))
    assert "2026-12-31" in lines and "600" in lines
    # after New Year the lot has lapsed: a reprint says nothing is expiring
    at(clock, datetime(2027, 1, 2, 10, 0, tzinfo=SH), app, open_it=False)
    assert app.printing.receipt_doc(receipt.receipt_no, reprint=True).expiring == ()


def test_head_office_tells_the_journeys_used_at_other_stores_and_bad_rules_are_skipped(
    app: StoreServices, clock: Clock, cashier: Staff
) -> None:
    from desktop.services.sync_apply import _apply_settings
    from desktop.store import journeys as journeys_repo

    set_rules(app, RULES)
    member = add_member(app, birthday=date(1990, 6, 16))
    app.till.earn(cashier, "e1", member, 100)
    assert ("birthday", "2026", 200, None) in offered(app, member)
    with app.db.write() as conn:
        journeys_repo.from_headoffice(
            conn, member, date(2026, 6, 1), True, [("birthday", "2026"), ("later", "x")], "t"
        )
    assert [o for o in offered(app, member) if o[0] == "birthday"] == []
    # a bad rule set from head office is reported and the store keeps its rules
    problems: list[str] = []
    with app.db.write() as conn:
        _apply_settings(conn, {"journeys": {"birthday": {"days": "3"}}}, problems)
        kept = settings.get(conn, "journeys")
    assert kept == RULES
    assert len(problems) == 1 and "journeys.birthday.days" in problems[0]
    with app.db.write() as conn:
        _apply_settings(conn, {"journeys": {"birthday": {"days": 7}}}, problems)
        assert settings.get(conn, "journeys")["birthday"]["days"] == 7
    assert app.setup.check() == []


@pytest.mark.parametrize(
    "point",
    [
        ("desktop.store.members", "apply_account"),
        ("desktop.store.catalogue", "move_stock"),
        ("desktop.store.journeys", "insert"),
        ("desktop.store.requests", "record"),
        ("desktop.store.outbox", "append"),
    ],
    ids=lambda p: p[1],
)
def test_a_failure_anywhere_in_a_journey_leaves_no_trace_and_a_retry_applies_it(
    app: StoreServices,
    clock: Clock,
    cashier: Staff,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    point: tuple[str, str],
) -> None:
    import importlib

    from ._helpers import snapshot

    set_rules(app, {**RULES, "starter": {"bonus_points": 50, "gift_id": "G101"}})
    member = add_member(app)
    module = importlib.import_module(point[0])
    original = getattr(module, point[1])

    def fail(*args: object, **kwargs: object) -> object:
        original(*args, **kwargs)
        raise RuntimeError("disk on fire")

    before = snapshot(db_path)
    monkeypatch.setattr(module, point[1], fail)
    with pytest.raises(RuntimeError, match="disk on fire"):
        app.journeys.apply(cashier, "j1", member, "starter", "first")
    monkeypatch.undo()
    after = snapshot(db_path)
    assert {t: rows for t, rows in after.items() if t != "seals"} == {
        t: rows for t, rows in before.items() if t != "seals"
    }
    use = app.journeys.apply(cashier, "j1", member, "starter", "first")
    assert (use.bonus_points, use.gift_id, use.replayed) == (50, "G101", False)
    assert balance(db_path, member) == 50


@pytest.mark.parametrize(
    ("today", "points", "campaign"),
    [
        (datetime(2027, 2, 28, 10, tzinfo=SH), 24_000, "birthday"),  # 29 Feb kept on 28 Feb
        (datetime(2027, 3, 3, 23, 59, tzinfo=SH), 24_000, "birthday"),  # the window's last day
        (datetime(2027, 3, 4, 0, 0, tzinfo=SH), 12_000, None),  # midnight: the window is over
        (datetime(2028, 2, 29, 10, tzinfo=SH), 24_000, "birthday"),  # leap year: the day itself
    ],
)
def test_purchases_in_the_birthday_window_earn_the_birthday_multiplier(
    app: StoreServices,
    clock: Clock,
    cashier: Staff,
    db_path: Path,
    today: datetime,
    points: int,
    campaign: str | None,
) -> None:
    # Given double points in the birthday week (±3 days) and a silver member (1.2x) born
    # on 29 February
    set_rules(app, {**RULES, "birthday": {**RULES["birthday"], "multiplier_permille": 2000}})
    member = add_member(app, birthday=date(2000, 2, 29))
    at(clock, today, app)
    # When they spend ¥10,000
    done = app.till.earn(cashier, f"e-{today:%Y%m%d%H%M}", member, 1_000_000)
    # Then the birthday multiplier applies inside the window only, named on the earn
    assert done.points == points
    (earn,) = rows(db_path, "SELECT points, campaign_id FROM earns")
    assert tuple(earn) == (points, campaign)
    events = rows(db_path, "SELECT payload FROM outbox WHERE kind = 'earn'")
    assert json.loads(events[0]["payload"])["campaign_id"] == campaign


def test_a_better_campaign_beats_the_birthday_multiplier_and_they_do_not_stack(
    app: StoreServices, clock: Clock, cashier: Staff
) -> None:
    from desktop.core.earning import Campaign
    from desktop.store import catalogue

    set_rules(app, {**RULES, "birthday": {**RULES["birthday"], "multiplier_permille": 1500}})
    member = add_member(app, birthday=date(1990, 6, 1))
    at(clock, datetime(2027, 6, 1, 12, tzinfo=SH), app)
    with app.db.write() as conn:
        catalogue.put_campaign(
            conn,
            Campaign(
                "double", "Double points", datetime(2027, 5, 1, tzinfo=SH),
                datetime(2027, 7, 1, tzinfo=SH), 2000,
            ),
        )  # fmt: skip
    done = app.till.earn(cashier, "e1", member, 10_000)  # ¥100, silver 1.2x
    assert (done.points, done.campaign) == (240, "double")  # 2x, not 1.5x, not 3x


def test_expiring_soon_follows_head_office_s_window(app: StoreServices, clock: Clock) -> None:
    # Given lots expiring in 20 and in 45 days, and head office's window of 60 days
    member = add_member(
        app,
        lots=(
            OpeningLot(300, date(2026, 1, 1), date(2026, 12, 21)),
            OpeningLot(500, date(2026, 1, 1), date(2027, 1, 15)),
        ),
    )
    at(clock, datetime(2026, 12, 1, 10, tzinfo=SH), app)
    set_rules(app, {**RULES, "expiring": {"days": 60, "suggest": 3}})
    view = app.till.member_view(member)
    # Then the member panel's "expiring soon" and the hint both use 60 days
    assert view.expiring == [("2026-12-21", 300), ("2027-01-15", 500)]
    assert view.journeys.expiring_days == 60 and view.journeys.expiring_points == 800
    # And with the default 30 days only the first lot is "soon"
    set_rules(app, RULES)
    view = app.till.member_view(member)
    assert view.expiring == [("2026-12-21", 300)] and view.journeys.expiring_days == 30
