"""`lantern headoffice …` administration on a SQLite head office, run through the command
line's own entry point (and, for the plumbing, as a real subprocess); what the commands did
is read back through the sync protocol a store would use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from ho_helpers import q

from desktop.cli import main
from desktop.resources import DEMO
from headoffice.db import open_db
from headoffice.engine import HeadOffice

pytestmark = pytest.mark.headoffice

ROOT = Path(__file__).resolve().parents[2]
Lantern = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Lantern:
    """`lantern headoffice ARGS` in this process: (exit status, stdout, stderr)."""
    for k in list(os.environ):
        if k.startswith("LANTERN_"):
            monkeypatch.delenv(k)

    def lantern(*args: str, db: Path | None = None) -> tuple[int, str, str]:
        if db is not None:
            monkeypatch.setenv("LANTERN_HEADOFFICE_DB", str(db))
        else:
            monkeypatch.delenv("LANTERN_HEADOFFICE_DB", raising=False)
        status = main(["headoffice", *args])
        out, err = capsys.readouterr()
        return status, out, err

    return lantern


def subprocess_lantern(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    env["LANTERN_HEADOFFICE_DB"] = str(db)
    return subprocess.run(
        [sys.executable, "-m", "desktop", "headoffice", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )


def test_administration_commands_reach_the_stores(run: Lantern, tmp_path: Path) -> None:
    db = tmp_path / "ho.db"
    keys = tmp_path / "keys.json"

    def ok(*args: str, db: Path) -> str:
        status, out, err = run(*args, db=db)
        assert status == 0, f"{args}: {err}"
        return out

    # the real command, once, as a subprocess: the secret alone on stdout
    r = subprocess_lantern("store", "add", "--id", "SH001", "--name", "上海南京东路店", db=db)
    assert r.returncode == 0, r.stderr
    assert "shows it" not in r.stdout and "cannot show it again" in r.stderr
    secret = r.stdout.strip()
    ok("store", "add", "--id", "BJ001", "--name", "北京王府井店", db=db)
    assert len(secret) >= 40
    imported = ok("gift", "import", str(DEMO / "catalogue.json"), db=db)
    assert imported.startswith("31 gift(s) and 3 campaign(s)")
    ok(
        "gift", "add", "--id", "G900", "--name-zh", "保温杯", "--price", "500",
        "--price", "300+15.00", "--min-tier", "gold", "--low", "3", db=db,
    )  # fmt: skip
    ok(
        "member", "add", "--id", "M00000042", "--name", "王芳", "--tier", "gold",
        "--card", "8800000000427", "--points", "1200", db=db,
    )  # fmt: skip
    delivery = ok("delivery", "--store", "BJ001", "--gift", "G900", "--qty", "12", db=db).strip()
    caps = json.loads(ok("caps", "--json", '{"per_redemption_points": 3000}', db=db))
    assert caps["per_redemption_points"] == 3000 and caps["max_hours_since_sync"] == 72
    design = tmp_path / "design.json"
    design.write_text('{"title": "中秋快乐"}', encoding="utf-8")
    ok("design", "--occasion", "mid_autumn", "--file", str(design), db=db)
    ok(
        "campaign", "add", "--id", "DEC", "--name", "十二月", "--starts",
        "2026-12-01T00:00:00+08:00", "--ends", "2027-01-01T00:00:00+08:00",
        "--multiplier-permille", "1500", db=db,
    )  # fmt: skip
    ok("key", "new", "--keys", str(keys), db=db)
    assert "1 public key(s) published" in ok("key", "publish", "--keys", str(keys), db=db)
    card = tmp_path / "card.png"
    code = ok(
        "card", "issue", "--keys", str(keys), "--member", "M00000042", "--out", str(card), db=db
    )
    assert code.startswith("LS1") and card.exists()
    ok("card", "revoke", "--member", "M00000042", "--serial", "1", db=db)
    assert "0 point(s) expired" in ok("expire", db=db)
    seeded = ok("seed-demo", "--members", "5", db=db)
    assert "5 members" in seeded
    listed = ok("store", "list", db=db)
    assert "SH001\t上海南京东路店\tok" in listed

    database = open_db(db)
    try:
        ho = HeadOffice(database)
        assert ho.authenticate("SH001", secret)
        sh = ho.changes("SH001", 0, 1000)
        bj = ho.changes("BJ001", 0, 1000)
        members = {m["member_id"]: m for m in sh["members"]}
        assert set(members) == {
            "M00000001",
            "M00000002",
            "M00000003",
            "M00000004",
            "M00000005",
            "M00000042",
        }
        wang = members["M00000042"]
        assert (wang["balance"], wang["card_serial"], wang["tier"]) == (1200, 1, "gold")
        assert members["M00000001"]["card_number"] == "8800000000013"
        assert len(sh["gifts"]) == 32 and len(sh["campaigns"]) == 4
        g900 = next(g for g in sh["gifts"] if g["gift_id"] == "G900")
        assert g900["prices"] == [[500, 0], [300, 1500]] and g900["min_tier"] == "gold"
        assert sh["revocations"] == [{"member_no": 42, "serial": 1}]
        assert len(sh["keys"]) == 1 and sh["designs"][0]["occasion"] == "mid_autumn"
        assert sh["settings"]["offline_limits"]["per_redemption_points"] == 3000
        assert sh["deliveries"] == []
        assert [d["delivery_id"] for d in bj["deliveries"]] == [delivery]
        assert q(database, "SELECT COUNT(*) AS n FROM stores")[0]["n"] == 2
    finally:
        database.close()

    ok("store", "revoke", "--id", "SH001", db=db)
    assert "SH001\t上海南京东路店\trevoked" in ok("store", "list", db=db)


def test_commands_fail_cleanly(run: Lantern, tmp_path: Path) -> None:
    r = subprocess_lantern("store", "list", db=tmp_path / "nowhere" / "ho.db")
    assert r.returncode == 1 and "does not exist" in r.stderr and "Traceback" not in r.stderr
    status, _, err = run("store", "list")
    assert status == 1 and "--db" in err
    db = tmp_path / "ho.db"
    for args, message in [
        (("member", "add", "--id", "42", "--name", "x"), "M + 8 digits"),
        (("delivery", "--store", "NOPE", "--gift", "G1", "--qty", "1"), "no store"),
        (("caps", "--json", '{"per_day": 1}'), "unknown offline cap"),
        (("caps", "--json", "[1"), "not JSON"),
        (("store", "add", "--id", "SH 1", "--name", "x"), "store id"),
        (("card", "issue", "--member", "M00000001"), "--keys"),
        (("gift", "import", str(tmp_path / "missing.json")), "cannot read the catalogue"),
    ]:
        status, out, err = run(*args, db=db)
        assert status == 1, args
        assert message in err, (args, err)
    status, out, _ = run("store", "list", db=db)
    assert status == 0 and out == ""  # nothing was changed by the failures


def test_a_store_secret_is_rotated_and_the_old_one_refused_at_once(
    run: Lantern, tmp_path: Path
) -> None:
    db = tmp_path / "ho.db"
    status, old, err = run("store", "add", "--id", "SH001", "--name", "上海", db=db)
    assert status == 0, err
    status, new, err = run("store", "rotate-secret", "--id", "SH001", db=db)
    assert status == 0, err
    assert "cannot show it again" in err and "old one is refused" in err
    old, new = old.strip(), new.strip()
    assert len(new) >= 40 and new != old and new not in err
    office = HeadOffice(open_db(db))
    try:
        assert office.authenticate("SH001", new)
        assert not office.authenticate("SH001", old)
    finally:
        office.db.close()
    status, _, err = run("store", "rotate-secret", "--id", "XX999", db=db)
    assert status != 0 and "XX999" in err
