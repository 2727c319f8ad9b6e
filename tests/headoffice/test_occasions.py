"""Head office's side of occasions, on SQLite and PostgreSQL: campaigns tied to an occasion
(migration 0004) and the "occasions" setting, set through the admin and the command line and
read back through the change log a store pulls."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.core.earning import Campaign
from desktop.core.errors import InvalidInput
from desktop.core.occasions import Occasion, OccasionConfig
from desktop.sync.protocol import parse_changes
from headoffice.catalogue import campaign_from_json
from headoffice.db import open_db
from headoffice.engine import HeadOffice
from headoffice.snapshots import SETTINGS_DEFAULTS

pytestmark = pytest.mark.headoffice


def test_an_occasion_campaign_reaches_the_store_as_it_was_set(ho: HeadOffice) -> None:
    ho.admin.create_store("SH001", "上海南京东路店")
    ho.admin.upsert_campaign(
        Campaign(
            "MDAY",
            "会员日双倍",
            datetime(2026, 1, 1, tzinfo=UTC),
            datetime(2100, 1, 1, tzinfo=UTC),
            2000,
            occasion=Occasion.MEMBER_DAY,
        )
    )
    ho.admin.upsert_campaign(
        campaign_from_json(
            {"campaign_id": "QIXI", "name": "七夕", "multiplier_permille": 1500, "occasion": "qixi"}
        )
    )
    page = ho.changes("SH001", 0, 1000)
    by_id = {c["campaign_id"]: c for c in page["campaigns"]}
    assert by_id["MDAY"]["occasion"] == "member_day"
    assert by_id["QIXI"]["occasion"] == "qixi"
    parsed = {c.campaign_id: c for c in parse_changes(page).campaigns}
    assert parsed["QIXI"].occasion is Occasion.QIXI
    assert (parsed["QIXI"].starts.year, parsed["QIXI"].ends.year) == (2000, 2100)
    # changed back to a plain campaign: the occasion goes
    ho.admin.upsert_campaign(
        Campaign(
            "MDAY",
            "会员日",
            datetime(2026, 1, 1, tzinfo=UTC),
            datetime(2027, 1, 1, tzinfo=UTC),
            1500,
        )
    )
    again = {c["campaign_id"]: c for c in ho.changes("SH001", 0, 1000)["campaigns"]}
    assert again["MDAY"]["occasion"] is None


def test_the_occasions_setting_defaults_merges_and_refuses_bad_values(ho: HeadOffice) -> None:
    ho.admin.create_store("SH001", "上海南京东路店")
    assert SETTINGS_DEFAULTS["occasions"] == OccasionConfig().as_dict()  # all off
    assert ho.admin.set_occasions({"member_day": 10}) == OccasionConfig(member_day=10)
    assert ho.admin.set_occasions({"qixi": True}) == OccasionConfig(10, False, True)
    pulled = ho.changes("SH001", 0, 1000)["settings"]["occasions"]
    assert pulled == {"member_day": 10, "valentines": False, "qixi": True}
    for bad in ({"member_day": 0}, {"valentines": "yes"}, {"easter": True}):
        with pytest.raises(InvalidInput):
            ho.admin.set_occasions(bad)
        with pytest.raises(InvalidInput):
            ho.admin.set_setting("occasions", bad)
    assert ho.changes("SH001", 0, 1000)["settings"]["occasions"] == pulled


@pytest.mark.parametrize("occasion", ["birthday", "easter", "general"])
def test_a_campaign_for_an_occasion_it_cannot_be_tied_to_is_refused(occasion: str) -> None:
    with pytest.raises(InvalidInput, match=f"(cannot be tied to |unknown occasion '){occasion}"):
        campaign_from_json(
            {"campaign_id": "X", "name": "X", "multiplier_permille": 2000, "occasion": occasion}
        )


def test_a_plain_campaign_still_needs_its_window() -> None:
    with pytest.raises(InvalidInput, match="needs starts and ends"):
        campaign_from_json({"campaign_id": "X", "name": "X", "multiplier_permille": 2000})


def test_the_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for k in list(os.environ):
        if k.startswith("LANTERN_"):
            monkeypatch.delenv(k)
    db = tmp_path / "ho.db"
    monkeypatch.setenv("LANTERN_HEADOFFICE_DB", str(db))

    def ok(*args: str) -> str:
        status = main(["headoffice", *args])
        out, err = capsys.readouterr()
        assert status == 0, err
        return out

    ok("store", "add", "--id", "SH001", "--name", "上海南京东路店")
    shown = json.loads(ok("occasions", "--member-day", "10", "--valentines", "on", "--qixi", "on"))
    assert shown == {"member_day": 10, "valentines": True, "qixi": True}
    shown = json.loads(ok("occasions", "--member-day", "none", "--valentines", "off"))
    assert shown == {"member_day": None, "valentines": False, "qixi": True}
    ok(
        "campaign", "add", "--id", "MDAY", "--name", "会员日双倍", "--multiplier-permille", "2000",
        "--occasion", "member_day",
    )  # fmt: skip
    assert main(["headoffice", "occasions", "--member-day", "32"]) != 0
    assert "1 to 31" in capsys.readouterr().err
    assert main(["headoffice", "campaign", "add", "--id", "X", "--name", "X",
                 "--multiplier-permille", "2000", "--occasion", "easter"]) != 0  # fmt: skip
    assert "unknown occasion 'easter'" in capsys.readouterr().err
    database = open_db(db)
    try:
        page = HeadOffice(database).changes("SH001", 0, 1000)
    finally:
        database.close()
    assert page["settings"]["occasions"] == {"member_day": None, "valentines": False, "qixi": True}
    assert [(c["campaign_id"], c["occasion"]) for c in page["campaigns"]] == [
        ("MDAY", "member_day")
    ]
