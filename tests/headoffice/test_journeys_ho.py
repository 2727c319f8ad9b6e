"""Member journeys at head office, on SQLite and PostgreSQL: a (member, journey, period) is
credited once (a second use from another store is applied with journey_repeated), the
member snapshot carries the last activity (a journey's bonus is no activity), whether the
member redeemed and the journeys used, and the `journeys` setting is checked when set."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from ho_helpers import StoreLog, add_member, ledger_problems, member_row, q, store, well_formed

from desktop.core.errors import InvalidInput
from headoffice.db import Database
from headoffice.engine import HeadOffice
from headoffice.snapshots import member as member_snapshot
from headoffice.snapshots import settings as settings_snapshot

pytestmark = pytest.mark.headoffice


def journey(log: StoreLog, member_id: str, kind: str, period: str, bonus: int) -> dict[str, Any]:
    return log.add(
        "journey",
        well_formed(
            "journey",
            {
                "use_id": str(uuid.uuid4()),
                "journey": kind,
                "period": period,
                "member_id": member_id,
                "cashier_id": "C01",
                "bonus_points": bonus,
                "gift_id": "G101",
                "redemption_id": None,
                "dormant_days": None,
                "at": (log.at + timedelta(seconds=1)).isoformat(),
            },
        ),
    )


def results(answer: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(r["outcome"], r.get("conflict")) for r in answer["results"]]


def test_a_journey_is_credited_once_across_stores(ho: HeadOffice, db: Database) -> None:
    m = add_member(ho, 1, 500)
    a, b = store(ho, "SH001"), store(ho, "BJ001")
    first = journey(a, m, "birthday", "2026", 200)
    journey(b, m, "birthday", "2026", 200)
    assert results(ho.push("SH001", a.body())) == [("applied", None)]
    assert results(ho.push("BJ001", b.body())) == [("applied_with_conflict", "journey_repeated")]
    assert member_row(db, m)["balance"] == 700
    (lot,) = q(db, "SELECT * FROM lots WHERE lot_id = ?", (first["payload"]["use_id"],))
    assert lot["remaining"] == 200
    uses = q(
        db, "SELECT store_id, bonus_points, repeated_of FROM journey_uses ORDER BY seq, store_id"
    )
    assert sorted((u["store_id"], u["bonus_points"]) for u in uses) == [
        ("BJ001", 0),
        ("SH001", 200),
    ]
    # another period is another journey
    journey(b, m, "birthday", "2027", 200)
    assert results(ho.push("BJ001", b.body()))[-1] == ("applied", None)
    assert member_row(db, m)["balance"] == 900
    assert ledger_problems(db) == []


def test_an_unknown_journey_is_parked(ho: HeadOffice, db: Database) -> None:
    m = add_member(ho, 1, 500)
    a = store(ho, "SH001")
    journey(a, m, "anniversary", "2026", 200)
    assert results(ho.push("SH001", a.body()))[0][0] == "rejected"
    assert member_row(db, m)["balance"] == 500


def test_the_member_snapshot_tells_the_last_activity_and_the_journeys_used(
    ho: HeadOffice, db: Database
) -> None:
    m = add_member(ho, 1, 500)
    a = store(ho, "SH001")
    with db.transaction(write=False) as tx:
        snap = member_snapshot(tx, m, a.at.date())
    assert snap is not None
    assert (snap["last_active_on"], snap["redeemed"], snap["journeys"]) == (None, False, [])
    a.earn(m, 100)
    a.next_day()
    a.redemption(m, 50)
    a.next_day()
    journey(a, m, "welcome_back", "2026-01-01", 300)  # a bonus is no activity
    ho.push("SH001", a.body())
    with db.transaction(write=False) as tx:
        snap = member_snapshot(tx, m, a.at.date())
    assert snap is not None
    assert snap["last_active_on"] == (a.at - timedelta(days=1)).date().isoformat()
    assert snap["redeemed"] is True
    assert snap["journeys"] == [["welcome_back", "2026-01-01"]]


def test_the_journeys_setting_is_checked_and_sent_whole(ho: HeadOffice, db: Database) -> None:
    with db.transaction(write=False) as tx:
        default = settings_snapshot(tx)["journeys"]
    assert [t["min_days"] for t in default["welcome_back"]["tiers"]] == [30, 90, 180]
    # until head office turns them on, no journey gives points: only suggestions
    assert (default["welcome_back"]["enabled"], default["birthday"]["enabled"]) == (False, False)
    assert (default["starter"]["bonus_points"], default["starter"]["gift_id"]) == (0, None)
    assert default["starter"]["enabled"] and default["expiring"]["enabled"]
    with pytest.raises(InvalidInput, match=r"journeys\.birthday"):
        ho.admin.set_setting("journeys", {"birthday": {"bonus_points": -5}})
    ho.admin.set_setting("journeys", {"birthday": {"enabled": False}})
    with db.transaction(write=False) as tx:
        now = settings_snapshot(tx)["journeys"]
    assert now["birthday"]["enabled"] is False
    # the rule set is sent whole: a section not named is the rules' own default, on
    assert now["welcome_back"] == {**default["welcome_back"], "enabled": True}


def test_lantern_headoffice_journeys_shows_and_sets_the_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.cli import main

    monkeypatch.setenv("LANTERN_HEADOFFICE_DB", str(tmp_path / "ho.db"))
    assert main(["headoffice", "journeys"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["birthday"] == {
        "enabled": False,
        "days": 3,
        "bonus_points": 200,
        "gift_id": None,
        "multiplier_permille": 1000,
    }
    rules = {"welcome_back": {"tiers": [{"min_days": 60, "bonus_points": 80}]}}
    assert main(["headoffice", "journeys", "--json", json.dumps(rules)]) == 0
    now = json.loads(capsys.readouterr().out)
    assert now["welcome_back"]["tiers"] == [{"min_days": 60, "bonus_points": 80, "gift_id": None}]
    assert main(["headoffice", "journeys", "--json", '{"birthday": {"days": -1}}']) != 0
    assert "journeys.birthday.days" in capsys.readouterr().err
