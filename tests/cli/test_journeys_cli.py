"""`lantern member journeys` and `lantern member journey` on a demo store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli import balance, lantern

pytestmark = pytest.mark.cli


def test_offers_then_apply_once(demo_path: Path) -> None:
    from desktop.store import settings
    from desktop.store.database import open_store

    # a member who never redeemed, with the starter journey giving 50 points
    db = open_store(demo_path)
    with db.write() as conn:
        rules = {"starter": {"bonus_points": 50}, "birthday": {"enabled": False}}
        settings.put(conn, "journeys", rules)
    db.close()
    r = lantern("member", "journeys", "M00000005", db=demo_path)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    starter = [o for o in out["offers"] if o["journey"] == "starter"]
    assert starter == [
        {
            "journey": "starter",
            "period": "first",
            "bonus_points": 50,
            "gift_id": None,
            "dormant_days": None,
        }
    ]
    before = balance(demo_path, "M00000005")
    args = ("member", "journey", "M00000005", "starter", "first", "--cashier", "C01")
    done = lantern(*args, "--request-id", "j1", pin="1111", db=demo_path)
    assert done.returncode == 0, done.stderr
    assert "50 bonus points" in done.stdout
    assert balance(demo_path, "M00000005") == before + 50
    again = lantern(*args, "--request-id", "j1", pin="1111", db=demo_path)
    assert again.returncode == 0 and balance(demo_path, "M00000005") == before + 50
    refused = lantern(*args, pin="1111", db=demo_path)
    assert refused.returncode != 0
    assert "once" in refused.stderr
    assert lantern("store", "check", db=demo_path).returncode == 0
