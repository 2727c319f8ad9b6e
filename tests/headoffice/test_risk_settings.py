"""Head office sets the risk rules (`lantern headoffice settings risk_rules --json …`):
validated before they are stored, and sent to stores with the other settings."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.core.errors import InvalidInput
from headoffice.db import open_db
from headoffice.engine import HeadOffice

pytestmark = pytest.mark.headoffice

RULES = {
    "velocity": [{"action": "refuse", "max": 30, "scope": "gift", "window_minutes": 60}],
    "self_redemption": "refuse",
    "second_verification": {"cash_fen_over": 50000, "points_over": 5000},
}


def test_settings_command_sets_and_shows_the_risk_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for k in list(os.environ):
        if k.startswith("LANTERN_"):
            monkeypatch.delenv(k)
    db = tmp_path / "ho.db"
    monkeypatch.setenv("LANTERN_HEADOFFICE_DB", str(db))
    assert main(["headoffice", "store", "add", "--id", "SH001", "--name", "x"]) == 0
    capsys.readouterr()
    # the default: only a cashier's own card, which needs a manager
    assert main(["headoffice", "settings", "risk_rules"]) == 0
    shown = json.loads(capsys.readouterr().out)["risk_rules"]
    assert shown == {"velocity": [], "self_redemption": "verify", "second_verification": {}}
    assert main(["headoffice", "settings", "risk_rules", "--json", json.dumps(RULES)]) == 0
    assert json.loads(capsys.readouterr().out) == {"risk_rules": RULES}
    # a bad value is refused and changes nothing
    bad = {**RULES, "velocity": [{"scope": "gift", "window_minutes": 0, "max": 1}]}
    assert main(["headoffice", "settings", "risk_rules", "--json", json.dumps(bad)]) == 1
    assert "window_minutes" in capsys.readouterr().err
    assert main(["headoffice", "settings", "nonsense", "--json", "1"]) == 1
    assert "unknown setting" in capsys.readouterr().err
    # stores pull what was set
    database = open_db(str(db))
    try:
        assert HeadOffice(database).changes("SH001", 0)["settings"]["risk_rules"] == RULES
    finally:
        database.close()


def test_admin_refuses_rules_a_store_would_skip(tmp_path: Path) -> None:
    database = open_db(str(tmp_path / "ho.db"))
    try:
        admin = HeadOffice(database).admin
        for bad in (
            {"self_redemption": "sometimes"},
            {"second_verification": {"points_over": -1}},
            {
                "velocity": [
                    {"scope": "member", "window_minutes": 60, "max": 1.5, "action": "verify"}
                ]
            },
            {"velocity": "fast"},
            [],
        ):
            with pytest.raises(InvalidInput, match="risk_rules"):
                admin.set_setting("risk_rules", bad)
    finally:
        database.close()
