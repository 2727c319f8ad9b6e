"""Member journeys across stores, end to end: two stores, both offline, give the same
member the same birthday journey; a real head office applies it once (the second use is
applied with the conflict journey_repeated and credits no second bonus), records the gift
that left the second store, and both stores end with head office's balance and know the
journey was used. The member's last activity at any store reaches the other store."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from desktop.core.members import Member, MemberId, Tier
from desktop.services.app import StoreServices
from desktop.sync.client import HeadOfficeUnreachable
from headoffice.admin import Opening
from headoffice.engine import HeadOffice

from .conftest import HeadOfficeProcess, new_store, staff

pytestmark = pytest.mark.headoffice

MEMBER = "M00000001"


def balance(app: StoreServices) -> int:
    return int(app.db.scalar("SELECT balance FROM members WHERE member_id = ?", (MEMBER,)))


def test_two_offline_stores_give_the_same_birthday_journey_and_head_office_credits_it_once(
    office: HeadOffice, server: HeadOfficeProcess, tmp_path: Path
) -> None:
    # Given a member whose birthday is today, and the birthday journey: 200 points and a gift
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    office.admin.upsert_member(
        Member(
            MemberId(MEMBER),
            "王芳",
            Tier.GOLD,
            birthday=today.replace(year=2000),  # a leap year: 29 February too
        ),
        (Opening(1000),),
    )
    office.admin.set_setting(
        "journeys", {"birthday": {"days": 3, "bonus_points": 200, "gift_id": "G101"}}
    )
    secrets = {s: office.admin.create_store(s, f"Store {s}") for s in ("SH001", "BJ002")}
    for s in secrets:
        office.admin.deliver(s, "G101", 5)
    a = new_store(tmp_path / "sh.db", "SH001", server.url, secrets["SH001"])
    b = new_store(tmp_path / "bj.db", "BJ002", server.url, secrets["BJ002"])
    try:
        for app in (a, b):
            app.sync.sync_once()
            assert balance(app) == 1000
        # When head office goes down and both stores give the member the birthday journey
        server.kill()
        for app in (a, b):
            with pytest.raises(HeadOfficeUnreachable):
                app.sync.sync_once()
            offers = app.till.member_view(MEMBER).journeys.offers
            birthday = [o for o in offers if o.journey.value == "birthday"]
            assert [(o.period, o.bonus_points, o.gift_id) for o in birthday] == [
                (str(today.year), 200, "G101")
            ]
            app.journeys.apply(
                staff(app, "C01"), str(uuid.uuid4()), MEMBER, "birthday", str(today.year)
            )
            assert balance(app) == 1200
            assert app.db.scalar("SELECT stock FROM gifts WHERE gift_id = 'G101'") == 4
        # And head office comes back and both stores sync (the first again, to hear of it)
        server.start()
        reports = [a.sync.sync_once(), b.sync.sync_once(), a.sync.sync_once()]
        # Then head office credited the bonus once; the second use is a conflict, recorded
        assert [r.conflicts for r in reports] == [0, 1, 0]
        assert server.one("SELECT balance FROM members WHERE member_id = ?", (MEMBER,)) == 1200
        uses = server.rows(
            "SELECT store_id, journey, period, bonus_points, gift_id, repeated_of "
            "FROM journey_uses ORDER BY store_id DESC"
        )
        assert [tuple(u)[:5] for u in uses] == [
            ("SH001", "birthday", str(today.year), 200, "G101"),
            ("BJ002", "birthday", str(today.year), 0, "G101"),
        ]
        assert uses[0]["repeated_of"] is None and uses[1]["repeated_of"] is not None
        assert (
            server.one("SELECT COUNT(*) FROM store_events WHERE conflict LIKE '%journey_repeated%'")
            == 1
        )
        # And both stores show head office's balance, no second bonus, and no offer again
        for app in (a, b):
            assert balance(app) == 1200
            assert app.setup.check() == []
            offers = app.till.member_view(MEMBER).journeys.offers
            assert [o for o in offers if o.journey.value == "birthday"] == []
        # And an earn at one store is the member's last activity at the other
        a.till.earn(staff(a, "C01"), str(uuid.uuid4()), MEMBER, 10_000)
        a.sync.sync_once()
        b.sync.sync_once()
        assert (
            b.db.scalar("SELECT last_active_on FROM members WHERE member_id = ?", (MEMBER,))
            == today.isoformat()
        )
    finally:
        a.close()
        b.close()


def test_a_store_restored_from_a_backup_takes_its_journey_back_from_head_office(
    office: HeadOffice, server: HeadOfficeProcess, tmp_path: Path
) -> None:
    from desktop.store.database import open_store

    from .conftest import add_member, fast_client
    from .test_sync_e2e import lantern

    # Given a store whose member had the starter journey (50 points and a gift) after its
    # last backup, synced to head office
    add_member(office, MEMBER, 1000)
    office.admin.set_setting("journeys", {"starter": {"bonus_points": 50, "gift_id": "G101"}})
    secret = office.admin.create_store("SH001", "Shanghai")
    office.admin.deliver("SH001", "G101", 5)
    db = tmp_path / "sh.db"
    app = new_store(db, "SH001", server.url, secret)
    app.sync.sync_once()
    backup = app.recovery.backup_now("manual")
    app.journeys.apply(staff(app, "C01"), str(uuid.uuid4()), MEMBER, "starter", "first")
    app.sync.sync_once()
    assert app.sync.status().waiting == 0
    app.close()
    # When the database goes back to the backup and the store recovers from head office
    assert lantern("restore", str(backup), "--no-recover", db=db).returncode == 0
    recovered = lantern("recover", db=db)
    assert recovered.returncode == 0, recovered.stderr
    # Then the journey is back: recorded, the gift out of stock, the bonus in the balance,
    # and not offered again
    app = StoreServices(open_store(db))
    app.sync.client_factory = fast_client
    try:
        uses = app.db.query("SELECT journey, period, gift_id FROM journey_uses")
        assert [tuple(u) for u in uses] == [("starter", "first", "G101")]
        assert app.db.scalar("SELECT stock FROM gifts WHERE gift_id = 'G101'") == 4
        assert balance(app) == 1050 == server.one("SELECT balance FROM members")
        assert app.till.member_view(MEMBER).journeys.offers == ()
        assert app.setup.check() == []
    finally:
        app.close()
