"""Cashiers and managers. PINs are stored only as scrypt hashes (per-staff random salt);
five wrong PINs in a row lock the account for five minutes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from desktop.core.errors import InvalidInput, NotAllowed, NotFound

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MAX_FAILED = 5
LOCKOUT = timedelta(minutes=5)
ROLES = ("cashier", "manager")


@dataclass(frozen=True)
class Staff:
    staff_id: str
    name: str
    role: str

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"


def hash_pin(pin: str, *, n: int = SCRYPT_N) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def pin_matches(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    got = hashlib.scrypt(
        pin.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32
    )
    return hmac.compare_digest(got, base64.b64decode(digest))


def validate_pin(pin: str) -> str:
    # isascii: str.isdigit() also accepts "١٢٣٤", "１２３４" and "²³⁴⁵", which no till keypad types
    if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 8):
        raise InvalidInput("a PIN must be 4 to 8 digits")
    return pin


def add_staff(conn: sqlite3.Connection, staff_id: str, name: str, role: str, pin: str) -> Staff:
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    if not staff_id.strip() or not name.strip():
        raise InvalidInput("staff id and name must not be empty")
    if conn.execute("SELECT 1 FROM staff WHERE staff_id = ?", (staff_id,)).fetchone():
        raise InvalidInput(f"staff id {staff_id!r} already exists")
    conn.execute(
        "INSERT INTO staff (staff_id, name, role, pin_hash) VALUES (?, ?, ?, ?)",
        (staff_id, name, role, hash_pin(validate_pin(pin))),
    )
    return Staff(staff_id, name, role)


def get_staff(conn: sqlite3.Connection, staff_id: str) -> Staff:
    row = conn.execute(
        "SELECT staff_id, name, role FROM staff WHERE staff_id = ? AND active = 1", (staff_id,)
    ).fetchone()
    if row is None:
        raise NotFound(f"unknown staff member {staff_id!r}")
    return Staff(row[0], row[1], row[2])


def check_pin(conn: sqlite3.Connection, staff_id: str, pin: str, now: datetime) -> Staff | None:
    """Verify a PIN inside a write transaction. A wrong PIN returns None after counting the
    failure, so the caller commits the count and then refuses; a locked account raises."""
    row = conn.execute(
        "SELECT * FROM staff WHERE staff_id = ? AND active = 1", (staff_id,)
    ).fetchone()
    if row is None:
        return None
    if row["locked_until"] and datetime.fromisoformat(row["locked_until"]) > now:
        raise NotAllowed(
            f"staff {staff_id} is locked after {MAX_FAILED} wrong PINs; try again after "
            f"{datetime.fromisoformat(row['locked_until']):%H:%M}"
        )
    if not pin_matches(pin, row["pin_hash"]):
        failed = row["failed_attempts"] + 1
        locked = (now + LOCKOUT).isoformat() if failed >= MAX_FAILED else None
        conn.execute(
            "UPDATE staff SET failed_attempts = ?, locked_until = ? WHERE staff_id = ?",
            (0 if locked else failed, locked, staff_id),
        )
        return None
    if row["failed_attempts"] or row["locked_until"]:
        conn.execute(
            "UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE staff_id = ?",
            (staff_id,),
        )
    return Staff(row["staff_id"], row["name"], row["role"])
