"""The `lantern` command, run as a real subprocess against real store files."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.cli

ROOT = Path(__file__).resolve().parents[2]


def lantern(
    *args: str,
    pin: str | None = None,
    manager_pin: str | None = None,
    stdin: str = "",
    db: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    if pin is not None:
        env["LANTERN_PIN"] = pin
    if manager_pin is not None:
        env["LANTERN_MANAGER_PIN"] = manager_pin
    if db is not None:
        env["LANTERN_DB"] = str(db)
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )


def snapshot(path: Path) -> dict[str, object]:
    """Everything a failed command must leave untouched."""
    con = sqlite3.connect(path)
    try:
        out: dict[str, object] = {}
        for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            out[table] = con.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        return out
    finally:
        con.close()


def balance(path: Path, member: str) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT balance FROM members WHERE member_id = ?", (member,)).fetchone()[
            0
        ]
    finally:
        con.close()


def test_redeem_prints_receipt_number_and_deducts(demo_path: Path) -> None:
    # Given a demo member with points
    before = balance(demo_path, "M00000001")
    # When the cashier redeems a 100-point gift
    r = lantern(
        "redeem",
        "--member",
        "M00000001",
        "--gift",
        "G101",
        "--cashier",
        "C01",
        pin="1111",
        db=demo_path,
    )
    # Then the receipt number is printed and 100 points are gone
    assert r.returncode == 0, r.stderr
    assert re.fullmatch(r"SH001-\d{8}-00001\n", r.stdout)
    assert balance(demo_path, "M00000001") == before - 100


def test_same_request_id_twice_deducts_once(demo_path: Path) -> None:
    before = balance(demo_path, "M00000002")
    args = (
        "redeem",
        "--member",
        "M00000002",
        "--gift",
        "G101:1",
        "--cashier",
        "C01",
        "--request-id",
        "till1-0001",
    )
    first = lantern(*args, pin="1111", db=demo_path)
    second = lantern(*args, pin="1111", db=demo_path)
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout
    assert "already redeemed" in second.stderr
    assert balance(demo_path, "M00000002") == before - 100


def test_typed_card_number_identifies_member(demo_path: Path) -> None:
    r = lantern("member", "show", "8800000000013", db=demo_path)
    assert r.returncode == 0, r.stderr
    assert '"member_id": "M00000001"' in r.stdout
    wrong = lantern("member", "show", "8800000000014", db=demo_path)
    assert wrong.returncode == 1
    assert "check digit" in wrong.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--member", "M99999999", "--gift", "G101"), 1, "unknown member"),
        (("--member", "M00000001", "--gift", "G999"), 1, "unknown gift"),
        (("--member", "M00000001", "--gift", "G101:0"), 1, "greater than zero"),
        (("--member", "M00000001", "--gift", "G101:-2"), 1, "greater than zero"),
        (("--member", "M00000001", "--gift", "G101:1.5"), 1, "whole number"),
        (("--member", "M00000001", "--gift", "G108"), 3, "out of stock"),
        (("--member", "M00000001", "--gift", "G5004"), 3, "platinum"),
        (("--member", "M00000001", "--gift", "G5003:9"), 3, "out of stock"),
        (("--member", "M00000097", "--gift", "G101"), 3, "blocked"),
    ],
)
def test_bad_redemptions_are_refused_and_change_nothing(
    demo_path: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    before = snapshot(demo_path)
    r = lantern("redeem", *args, "--cashier", "C01", pin="1111", db=demo_path)
    assert r.returncode == code, (r.stdout, r.stderr)
    assert message in r.stderr
    assert r.stdout == ""
    assert snapshot(demo_path) == before


def test_insufficient_points_refused(demo_path: Path) -> None:
    before = snapshot(demo_path)
    r = lantern(
        "redeem",
        "--member",
        "M00000001",
        "--gift",
        "G5002",
        "--cashier",
        "C01",
        pin="1111",
        db=demo_path,
    )
    assert r.returncode == 3
    assert "insufficient points" in r.stderr
    assert snapshot(demo_path) == before


def test_wrong_pin_refused_without_redeeming(demo_path: Path) -> None:
    before = balance(demo_path, "M00000001")
    r = lantern(
        "redeem",
        "--member",
        "M00000001",
        "--gift",
        "G101",
        "--cashier",
        "C01",
        pin="0000",
        db=demo_path,
    )
    assert r.returncode == 1
    assert "wrong PIN" in r.stderr
    assert balance(demo_path, "M00000001") == before


def test_pin_from_stdin(demo_path: Path) -> None:
    r = lantern(
        "redeem",
        "--member",
        "M00000003",
        "--gift",
        "G101",
        "--cashier",
        "C01",
        stdin="1111\n",
        db=demo_path,
    )
    assert r.returncode == 0, r.stderr


def test_void_needs_manager_and_restores(demo_path: Path) -> None:
    before = balance(demo_path, "M00000004")
    r = lantern(
        "redeem",
        "--member",
        "M00000004",
        "--gift",
        "G101",
        "--cashier",
        "C01",
        pin="1111",
        db=demo_path,
    )
    receipt = r.stdout.strip()
    as_cashier = lantern(
        "void",
        receipt,
        "--cashier",
        "C01",
        "--manager",
        "C02",
        "--reason",
        "x",
        pin="1111",
        manager_pin="2222",
        db=demo_path,
    )
    assert as_cashier.returncode == 1
    assert "not a manager" in as_cashier.stderr
    ok = lantern(
        "void",
        receipt,
        "--cashier",
        "C01",
        "--manager",
        "M01",
        "--reason",
        "customer changed mind",
        pin="1111",
        manager_pin="9999",
        db=demo_path,
    )
    assert ok.returncode == 0, ok.stderr
    assert balance(demo_path, "M00000004") == before
    again = lantern(
        "void",
        receipt,
        "--cashier",
        "C01",
        "--manager",
        "M01",
        "--reason",
        "again",
        pin="1111",
        manager_pin="9999",
        db=demo_path,
    )
    assert again.returncode == 1
    assert "already voided" in again.stderr


def test_earn_with_yuan_amount(demo_path: Path) -> None:
    before = balance(demo_path, "M00000005")
    r = lantern(
        "earn",
        "--member",
        "M00000005",
        "--amount",
        "128.50",
        "--cashier",
        "C01",
        pin="1111",
        db=demo_path,
    )
    assert r.returncode == 0, r.stderr
    earned = int(r.stdout.split()[0])
    assert earned >= 128
    assert balance(demo_path, "M00000005") == before + earned
    bad = lantern(
        "earn",
        "--member",
        "M00000005",
        "--amount",
        "12.345",
        "--cashier",
        "C01",
        pin="1111",
        db=demo_path,
    )
    assert bad.returncode == 1
    assert "two decimals" in bad.stderr


def test_not_a_lantern_database(tmp_path: Path) -> None:
    text = tmp_path / "notes.db"
    text.write_bytes(b"hello, this is not a database" * 100)
    r = lantern("store", "check", db=text)
    assert r.returncode == 1
    assert "not a Lantern store database" in r.stderr
    assert text.read_bytes() == b"hello, this is not a database" * 100

    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE invoices (id INTEGER)")
    con.commit()
    con.close()
    raw = other.read_bytes()
    r = lantern("member", "show", "M00000001", db=other)
    assert r.returncode == 1
    assert "not a Lantern store database" in r.stderr
    assert other.read_bytes() == raw


def test_newer_schema_refused(demo_path: Path) -> None:
    con = sqlite3.connect(demo_path)
    con.execute("PRAGMA user_version = 99")
    con.commit()
    con.close()
    before = snapshot(demo_path)
    r = lantern(
        "redeem",
        "--member",
        "M00000001",
        "--gift",
        "G101",
        "--cashier",
        "C01",
        pin="1111",
        db=demo_path,
    )
    assert r.returncode == 1
    assert "schema version 99" in r.stderr
    assert snapshot(demo_path) == before


def test_missing_database_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nope.db"
    r = lantern("gift", "list", db=path)
    assert r.returncode == 1
    assert "lantern store init" in r.stderr
    assert not path.exists()


def test_store_init_staff_member_flow(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    assert (
        lantern("store", "init", "--store-id", "BJ002", "--name-zh", "北京西单店", db=db).returncode
        == 0
    )
    env_pin = {"LANTERN_NEW_PIN": "97531864"}
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop",
            "--db",
            str(db),
            "staff",
            "add",
            "--id",
            "M9",
            "--name",
            "赵店长",
            "--role",
            "manager",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **env_pin},
        cwd=ROOT,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert b"97531864" not in db.read_bytes()
    assert (
        lantern(
            "member",
            "add",
            "--id",
            "X1",
            "--name",
            "钱多多",
            "--tier",
            "gold",
            "--points",
            "800",
            db=db,
        ).returncode
        == 0
    )
    assert lantern("day", "open", "--manager", "M9", manager_pin="97531864", db=db).returncode == 0
    status = lantern("day", "status", db=db)
    assert "open" in status.stdout
    check = lantern("store", "check", db=db)
    assert check.returncode == 0, check.stderr


def test_stock_receive_and_adjust(demo_path: Path) -> None:
    r = lantern(
        "stock",
        "receive",
        "--gift",
        "G108",
        "--qty",
        "12",
        "--manager",
        "M01",
        manager_pin="9999",
        db=demo_path,
    )
    assert r.returncode == 0, r.stderr
    assert "stock now 12" in r.stdout
    r = lantern(
        "stock",
        "adjust",
        "--gift",
        "G108",
        "--counted",
        "10",
        "--reason",
        "2 damaged",
        "--manager",
        "M01",
        manager_pin="9999",
        db=demo_path,
    )
    assert "stock now 10" in r.stdout
    r = lantern(
        "stock",
        "adjust",
        "--gift",
        "G108",
        "--delta",
        "-11",
        "--reason",
        "lost",
        "--manager",
        "M01",
        manager_pin="9999",
        db=demo_path,
    )
    assert r.returncode == 1
    assert "below zero" in r.stderr
    assert lantern("store", "check", db=demo_path).returncode == 0


def test_demo_builds_without_window(tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    r = lantern("demo", "--db", str(db), "--no-window", "--members", "30")
    assert r.returncode == 0, r.stderr
    listing = lantern("gift", "list", db=db)
    assert listing.stdout.count("\n") == 31
    assert lantern("store", "check", db=db).returncode == 0


def test_every_command_is_documented_in_readme() -> None:
    from desktop.cli import build_parser

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in sub.choices:  # type: ignore[union-attr]
        assert f"lantern {name}" in readme, f"`lantern {name}` is not in the README"


@pytest.mark.parametrize("command", [["gift", "list"], ["sync", "status"]])
def test_output_into_a_closed_pipe_ends_quietly(demo_path: Path, command: list[str]) -> None:
    # Given a reader that has already gone away (`lantern gift list | head` after head exits)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    env["LANTERN_DB"] = str(demo_path)
    read_end, write_end = os.pipe()
    os.close(read_end)
    # When the command writes its output
    p = subprocess.run(
        [sys.executable, "-m", "desktop", *command],
        stdout=write_end,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    os.close(write_end)
    # Then it stops without a traceback
    assert "Traceback" not in p.stderr
    assert "BrokenPipeError" not in p.stderr
    assert p.returncode == 0


@pytest.mark.reliability
@pytest.mark.parametrize(
    "amount",
    ["92233720368547758.07", "922337203685477580.07", "100000.01", "1" + "0" * 4400],
)
def test_earn_refuses_an_amount_beyond_the_bounds(demo_path: Path, amount: str) -> None:
    # The reported case earned 92,233,720,368,547,758 points; one more digit was a traceback
    before = snapshot(demo_path)
    r = lantern(
        "earn",
        "--member",
        "M00000005",
        "--amount",
        amount,
        "--cashier",
        "C01",
        pin="1111",
        db=demo_path,
    )
    assert r.returncode == 1, r.stdout
    assert "Traceback" not in r.stderr
    assert "lantern: error:" in r.stderr and ("limit" in r.stderr or "too large" in r.stderr)
    assert snapshot(demo_path) == before
    from tests.reliability import record

    record("Bound-breaking values", "CLI: earn --amount", tried=1, accepted=0)
