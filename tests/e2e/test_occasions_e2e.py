"""Occasions end to end, through a real head-office process over HTTP: head office switches
on the member day and adds a member-day campaign; a till syncs and a purchase on the member
day earns double, the card is the member day's; the member's blessing prints on it and never
reaches head office."""

from __future__ import annotations

import uuid
from pathlib import Path

from desktop.core.earning import Campaign
from desktop.services.till import LineRequest, Receipt
from headoffice.catalogue import campaign_from_json
from headoffice.engine import HeadOffice

from .conftest import HeadOfficeProcess, add_member, new_store, staff

MEMBER = "M00000042"


def test_member_day_campaign_and_blessing_through_a_real_head_office(
    office: HeadOffice, server: HeadOfficeProcess, tmp_path: Path
) -> None:
    add_member(office, MEMBER, 1000)  # gold: 1.5x
    secret = office.admin.create_store("SH001", "上海南京东路店")
    office.admin.deliver("SH001", "G101", 5)
    app = new_store(tmp_path / "sh.db", "SH001", server.url, secret)
    try:
        today = app.ctx.today()
        office.admin.set_occasions({"member_day": today.day})
        campaign: Campaign = campaign_from_json(
            {"campaign_id": "MDAY", "name": "会员日双倍", "multiplier_permille": 2000,
             "occasion": "member_day"}
        )  # fmt: skip
        office.admin.upsert_campaign(campaign)
        app.sync.sync_once()
        assert app.ctx.occasions().member_day == today.day
        # a purchase of ¥100 on the member day: 100 x 1.5 (gold) x 2 (member day)
        earned = app.till.earn(staff(app, "C01"), str(uuid.uuid4()), MEMBER, 10_000)
        assert (earned.points, earned.campaign) == (300, "MDAY")
        # a redemption with a blessing: the card is the member day's and carries it
        r = app.till.redeem(
            staff(app, "C01"), str(uuid.uuid4()), MEMBER, (LineRequest("G101"),),
            blessing="谢谢会员日",
        )  # fmt: skip
        assert isinstance(r, Receipt), r
        doc, design = app.printing.card_doc(r.receipt_no)
        if doc.occasion == "member_day":  # (a birthday or holiday today would win)
            assert design.title_zh == "会员日快乐"
        assert doc.blessing == "谢谢会员日"
        app.sync.sync_once()
        assert app.sync.status().waiting == 0
        # head office applied the earn and the redemption, and holds no blessing anywhere
        assert server.one("SELECT COUNT(*) FROM redemptions") == 1
        assert server.one("SELECT balance FROM members") == 1000 + 300 - 100
        raw = b"".join(
            p.read_bytes() for p in server.db.parent.glob(server.db.name + "*") if p.is_file()
        )
        assert "谢谢会员日".encode() not in raw
    finally:
        app.close()
