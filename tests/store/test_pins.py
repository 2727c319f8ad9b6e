"""PINs a copied database does not give away: Argon2id over a pepper kept in the vault,
old scrypt hashes rehashed at the first right log-in, a minimum length per store."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest
from argon2 import Type
from argon2.profiles import RFC_9106_LOW_MEMORY

from desktop.core.errors import InvalidInput, NotAllowed
from desktop.services.app import StoreServices
from desktop.store import staff as pins
from desktop.store.staff import SCHEME, PinKeyMissing, hash_pin, hash_pin_scrypt, pin_matches
from desktop.store.vault import vault_file, vault_for
from tests.reliability import record

from ._helpers import rows

pytestmark = pytest.mark.store


def pin_row(path: Path, staff_id: str) -> sqlite3.Row:
    return rows(path, "SELECT * FROM staff WHERE staff_id = ?", (staff_id,))[0]


def set_hash(path: Path, staff_id: str, pin_hash: str) -> None:
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE staff SET pin_hash = ? WHERE staff_id = ?", (pin_hash, staff_id))


@pytest.mark.reliability
def test_production_parameters_are_the_default_and_a_log_in_stays_quick(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given no test setting (the tests' conftest asks for cheap hashes; a till does not)
    monkeypatch.delenv("LANTERN_PIN_COST", raising=False)
    hasher = pins.pin_hasher()
    # Then new hashes are Argon2id with RFC 9106's second recommendation (64 MiB, 3 passes)
    p = hasher._parameters
    assert (p.type, p.time_cost, p.memory_cost, p.parallelism) == (
        Type.ID,
        RFC_9106_LOW_MEMORY.time_cost,
        RFC_9106_LOW_MEMORY.memory_cost,
        RFC_9106_LOW_MEMORY.parallelism,
    )
    assert (p.time_cost, p.memory_cost, p.parallelism) == (3, 65536, 4)
    # and checking a PIN at those parameters is quick enough for a till's log-in
    pepper = b"p" * 32
    stored = hash_pin("4821", pepper)
    assert "$argon2id$v=19$m=65536,t=3,p=4$" in stored
    times = []
    for pin in ("4821", "0000", "4821"):
        start = time.perf_counter()
        assert pin_matches(pin, stored, pepper) == (pin == "4821")
        times.append(time.perf_counter() - start)
    best = min(times)
    assert best < 1.5, f"an Argon2id PIN check took {best:.3f} s"  # loaded CI: 2 cores, 6 jobs
    record(
        "PIN hashing",
        "Argon2id verify at production parameters (m=64 MiB, t=3, p=4)",
        verify_ms=round(best * 1000),
        checks=len(times),
    )


def test_the_test_setting_is_only_cheaper(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANTERN_PIN_COST", "test")
    p = pins.pin_hasher()._parameters
    assert p.type == Type.ID and p.memory_cost < RFC_9106_LOW_MEMORY.memory_cost


@pytest.mark.reliability
def test_an_old_scrypt_hash_is_checked_once_then_rehashed_with_argon2id(
    app: StoreServices, db_path: Path
) -> None:
    # Given a cashier whose PIN an older Lantern stored as scrypt
    set_hash(db_path, "C01", hash_pin_scrypt("1111"))
    # When a wrong PIN is tried, it is counted and the old hash stays
    with pytest.raises(NotAllowed):
        app.login("C01", "1112")
    assert pin_row(db_path, "C01")["failed_attempts"] == 1
    assert pin_row(db_path, "C01")["pin_hash"].startswith("scrypt$")
    # When the right PIN logs in
    assert app.login("C01", "1111").staff_id == "C01"
    # Then the hash is now peppered Argon2id, and the PIN still logs in
    stored = pin_row(db_path, "C01")["pin_hash"]
    assert stored.startswith(SCHEME + "$") and "$argon2id$" in stored
    assert pin_row(db_path, "C01")["failed_attempts"] == 0
    assert app.login("C01", "1111").staff_id == "C01"
    with pytest.raises(NotAllowed):
        app.login("C01", "1112")
    left = rows(db_path, "SELECT count(*) FROM staff WHERE pin_hash LIKE 'scrypt$%'")[0][0]
    record("PIN hashing", "scrypt hash rehashed at log-in", rehashed=1, scrypt_left=left)


def test_the_database_file_alone_cannot_check_a_pin(app: StoreServices, db_path: Path) -> None:
    # Given the database without its vault (a copied file, or the .vault file lost)
    stored = pin_row(db_path, "C01")["pin_hash"]
    vault_file(db_path).unlink()
    before = pin_row(db_path, "C01")["failed_attempts"]
    # Then no PIN can be checked: not even the right one, and a guess is not counted
    for pin in ("1111", "0000"):
        with pytest.raises(PinKeyMissing, match=r"PIN key is not on this machine.*\.vault"):
            app.login("C01", pin)
    assert pin_row(db_path, "C01")["failed_attempts"] == before
    # and with another pepper every guess is refused the same way
    with pytest.raises(PinKeyMissing, match="another key"):
        pin_matches("1111", stored, b"x" * 32)


def test_the_minimum_pin_length_is_enforced_when_a_pin_is_set(
    app: StoreServices, db_path: Path
) -> None:
    manager = app.login("M01", "9999", manager=True)
    assert app.staff.min_pin_length() == 4
    # When the manager raises the minimum to 6 digits
    app.staff.set_min_pin_length(manager, 6)
    # Then a 4- or 5-digit PIN is refused for a new cashier, 6 to 12 digits accepted
    for short in ("1234", "12345"):
        with pytest.raises(InvalidInput, match="6 to 12 digits"):
            app.setup.add_staff("C09", "新员工", "cashier", short)
    app.setup.add_staff("C09", "新员工", "cashier", "246813")
    app.setup.add_staff("C10", "新员工", "cashier", "135792468024")
    assert app.login("C10", "135792468024").staff_id == "C10"
    # and the PINs set before keep working until they are changed
    assert app.login("C01", "1111").staff_id == "C01"
    # A minimum outside 4..12, or set by a cashier, is refused and nothing changes
    for bad in (3, 13, True):
        with pytest.raises(InvalidInput, match="4 to 12"):
            app.staff.set_min_pin_length(manager, bad)  # type: ignore[arg-type]
    with pytest.raises(NotAllowed):
        app.staff.set_min_pin_length(app.login("C01", "1111"), 4)
    assert app.staff.min_pin_length() == 6


def test_the_pepper_is_made_once_and_kept_outside_the_database(
    app: StoreServices, db_path: Path
) -> None:
    pepper = vault_for(db_path).get("pin_pepper")
    assert pepper
    app.setup.add_staff("C09", "新员工", "cashier", "8642")
    assert vault_for(db_path).get("pin_pepper") == pepper
    data = b"".join(
        p.read_bytes() for p in db_path.parent.glob("store.db*") if p.suffix != ".vault"
    )
    assert pepper.encode() not in data
