"""Staff and PINs: peppered Argon2id hashes only, wrong PINs counted, lock-out after five."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from desktop.core.errors import InvalidInput, NotAllowed
from desktop.services.app import StoreServices
from desktop.services.setup import init_store
from desktop.store.staff import SCHEME, load_pepper, pin_matches
from desktop.store.vault import vault_for

from ._helpers import T0, Clock, Link, rows, snapshot

pytestmark = pytest.mark.store

PIN_A = "73915824"
PIN_B = "40628"


@pytest.fixture
def fresh(tmp_path: Path, clock: Clock) -> Iterator[tuple[StoreServices, Path]]:
    path = tmp_path / "fresh.db"
    app = StoreServices(init_store(path, "SH009", "测试店", "Test store"), clock, Link())
    app.setup.add_staff("S1", "赵收银", "cashier", PIN_A)
    app.setup.add_staff("S2", "钱经理", "manager", PIN_B)
    app.setup.add_staff("S3", "孙收银", "cashier", PIN_A)  # the same PIN as S1
    yield app, path
    app.close()


def staff_row(path: Path, staff_id: str) -> dict[str, object]:
    return dict(rows(path, "SELECT * FROM staff WHERE staff_id = ?", (staff_id,))[0])


def file_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))


def test_pins_are_stored_only_as_peppered_argon2id_hashes(
    fresh: tuple[StoreServices, Path],
) -> None:
    app, path = fresh
    assert app.login("S1", PIN_A).staff_id == "S1"
    with pytest.raises(NotAllowed):
        app.login("S1", "73915825")
    assert app.login("S2", PIN_B, manager=True).is_manager

    hashes = {sid: str(staff_row(path, sid)["pin_hash"]) for sid in ("S1", "S2", "S3")}
    pepper = load_pepper(vault_for(path))
    assert pepper is not None and len(pepper) == 32
    for sid, stored in hashes.items():
        scheme, pepper_id, encoded = stored.split("$", 2)
        assert scheme == SCHEME and len(pepper_id) == 12
        assert encoded.startswith("$argon2id$v=19$")
        assert PIN_A not in stored and PIN_B not in stored
        assert pin_matches(PIN_B if sid == "S2" else PIN_A, stored, pepper)
        assert not pin_matches("0000", stored, pepper)
    assert hashes["S1"] != hashes["S3"]  # per-staff salt

    open_bytes = file_bytes(path)  # the database and its WAL, while the store is open
    app.close()
    for data in (open_bytes, file_bytes(path)):
        assert len(data) > 4096
        for pin in (PIN_A, PIN_B, "73915825"):
            assert pin.encode() not in data
            assert pin.encode("utf-16-le") not in data


def test_a_wrong_pin_is_refused_and_counted(fresh: tuple[StoreServices, Path]) -> None:
    app, path = fresh
    for attempt in (1, 2, 3):
        with pytest.raises(NotAllowed, match="wrong PIN"):
            app.login("S1", "0000")
        assert staff_row(path, "S1")["failed_attempts"] == attempt
        assert staff_row(path, "S1")["locked_until"] is None
    assert staff_row(path, "S3")["failed_attempts"] == 0
    app.login("S1", PIN_A)
    assert staff_row(path, "S1")["failed_attempts"] == 0


def test_five_wrong_pins_lock_the_account_even_for_the_right_pin(
    fresh: tuple[StoreServices, Path], clock: Clock
) -> None:
    app, path = fresh
    for _ in range(5):
        with pytest.raises(NotAllowed):
            app.login("S1", "1234")
    row = staff_row(path, "S1")
    assert row["locked_until"] == (T0 + timedelta(minutes=5)).isoformat()
    with pytest.raises(NotAllowed, match="locked"):
        app.login("S1", PIN_A)
    clock.advance(minutes=4, seconds=59)
    with pytest.raises(NotAllowed, match="locked"):
        app.login("S1", PIN_A)
    assert staff_row(path, "S1")["locked_until"] == row["locked_until"]
    # other staff are not affected
    assert app.login("S3", PIN_A).staff_id == "S3"
    clock.advance(seconds=2)
    assert app.login("S1", PIN_A).staff_id == "S1"
    row = staff_row(path, "S1")
    assert (row["failed_attempts"], row["locked_until"]) == (0, None)


def test_a_manager_only_login_refuses_a_cashier(fresh: tuple[StoreServices, Path]) -> None:
    app, _ = fresh
    with pytest.raises(NotAllowed, match="not a manager"):
        app.login("S1", PIN_A, manager=True)


def test_an_unknown_staff_member_is_refused(fresh: tuple[StoreServices, Path]) -> None:
    app, path = fresh
    snap = snapshot(path)
    with pytest.raises(NotAllowed):
        app.login("NOBODY", PIN_A)
    assert snapshot(path) == snap


@pytest.mark.parametrize(
    "pin",
    [
        "",
        "123",
        "1234567890123",
        "12a4",
        "12 34",
        " 1234",
        "1234\n",
        "-1234",
        "12.4",
        "١٢٣٤",
        "１２３４",
        "²³⁴⁵",
    ],
    ids=repr,
)
def test_bad_pin_formats_are_refused(fresh: tuple[StoreServices, Path], pin: str) -> None:
    app, path = fresh
    snap = snapshot(path)
    with pytest.raises(InvalidInput, match="PIN"):
        app.setup.add_staff("S9", "新员工", "cashier", pin)
    assert snapshot(path) == snap


@pytest.mark.parametrize("pin", ["0000", "12345678", "0012", "123456789012"])
def test_good_pin_formats(fresh: tuple[StoreServices, Path], pin: str) -> None:
    app, _ = fresh
    app.setup.add_staff("S9", "新员工", "cashier", pin)
    assert app.login("S9", pin).staff_id == "S9"


@pytest.mark.parametrize(
    ("staff_id", "name", "role"),
    [
        ("S1", "重复", "cashier"),
        ("S9", "新员工", "boss"),
        ("", "无名", "cashier"),
        ("S9", " ", "cashier"),
    ],
)
def test_bad_staff_records_are_refused(
    fresh: tuple[StoreServices, Path], staff_id: str, name: str, role: str
) -> None:
    app, path = fresh
    snap = snapshot(path)
    with pytest.raises(InvalidInput):
        app.setup.add_staff(staff_id, name, role, "1357")
    assert snapshot(path) == snap


def test_demo_staff_pins_are_hashed(db_path: Path) -> None:
    for r in rows(db_path, "SELECT staff_id, pin_hash FROM staff"):
        assert r["pin_hash"].startswith(SCHEME + "$")
    pins = {"C01": "1111", "C02": "2222", "M01": "9999"}
    pepper = load_pepper(vault_for(db_path))
    for r in rows(db_path, "SELECT staff_id, pin_hash FROM staff"):
        assert pin_matches(pins[r["staff_id"]], r["pin_hash"], pepper)
        assert pins[r["staff_id"]] not in r["pin_hash"]
