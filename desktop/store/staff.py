"""Cashiers and managers, and their PINs.

PINs are stored only as Argon2id hashes (per-staff random salt, RFC 9106's second
recommended parameters: 3 passes over 64 MiB, 4 lanes) of HMAC-SHA256(pepper, PIN), where
the pepper is a random 256-bit key kept outside the database, in its vault
(`desktop/store/vault.py`, name `pin_pepper`). A copied database file therefore gives a
PIN away to no amount of guessing: without the pepper every guess is as good as any other.
Hashes of older stores (scrypt, no pepper) are still verified, once, and replaced by an
Argon2id hash at that successful log-in.

A PIN is 4 to 12 digits; the store setting `pin_min_length` (4–12, default 4) raises the
minimum for PINs set from then on. Five wrong PINs in a row lock the account for five
minutes.

`$LANTERN_PIN_COST=test` makes new hashes cheap (tests only); hashes carry their own
parameters, so each is verified at the cost it was made with.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.profiles import RFC_9106_LOW_MEMORY

from desktop.core.errors import InvalidInput, NotAllowed, NotFound, PinKeyMissing
from desktop.store import settings
from desktop.store.vault import Vault, vault_of

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1  # stores before Argon2id; verified, then rehashed
ARGON2_TIME, ARGON2_MEMORY_KIB, ARGON2_LANES = (
    RFC_9106_LOW_MEMORY.time_cost,
    RFC_9106_LOW_MEMORY.memory_cost,
    RFC_9106_LOW_MEMORY.parallelism,
)
SCHEME = "argon2id+pepper"  # pin_hash = "argon2id+pepper$<pepper id>$<argon2 encoded hash>"
PEPPER = "pin_pepper"
PIN_MIN, PIN_MAX = 4, 12
MIN_LENGTH_SETTING = "pin_min_length"
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


def pin_hasher() -> PasswordHasher:
    """The Argon2id hasher for new hashes: the production parameters, unless
    `$LANTERN_PIN_COST=test` asks for the cheapest (tests only)."""
    if os.environ.get("LANTERN_PIN_COST", "").strip().lower() == "test":
        return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
    return PasswordHasher(
        time_cost=ARGON2_TIME,
        memory_cost=ARGON2_MEMORY_KIB,
        parallelism=ARGON2_LANES,
        hash_len=32,
        salt_len=16,
        type=Type.ID,
    )


# --- the pepper -----------------------------------------------------------------------
def _pepper_id(pepper: bytes) -> str:
    """Which pepper a hash was made with (says nothing about the pepper itself)."""
    return hashlib.sha256(b"lantern pin pepper id:" + pepper).hexdigest()[:12]


def _decode_pepper(text: str, vault: Vault) -> bytes:
    try:
        pepper = base64.b64decode(text, validate=True)
    except ValueError:
        pepper = b""
    if len(pepper) < 16:
        raise PinKeyMissing(
            f"the PIN key kept in {vault.where} for {vault.db_path} is damaged; PINs cannot "
            "be checked (nothing was changed)"
        )
    return pepper


def load_pepper(vault: Vault) -> bytes | None:
    text = vault.get(PEPPER)
    return None if text is None else _decode_pepper(text, vault)


def ensure_pepper(vault: Vault) -> bytes:
    """The pepper, made (256 random bits) and put into the vault the first time."""
    pepper = load_pepper(vault)
    if pepper is None:
        pepper = secrets.token_bytes(32)
        vault.put(PEPPER, base64.b64encode(pepper).decode())
    return pepper


def _peppered(pin: str, pepper: bytes) -> bytes:
    return hmac.new(pepper, pin.encode(), hashlib.sha256).digest()


# --- hashing --------------------------------------------------------------------------
def hash_pin(pin: str, pepper: bytes, *, hasher: PasswordHasher | None = None) -> str:
    encoded = (hasher or pin_hasher()).hash(_peppered(pin, pepper))
    return f"{SCHEME}${_pepper_id(pepper)}${encoded}"


def hash_pin_scrypt(pin: str, *, n: int = SCRYPT_N) -> str:
    """The old scheme, as stores before Argon2id wrote it (kept for upgrade tests)."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def _scrypt_matches(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(
            pin.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except ValueError:
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


def pin_matches(pin: str, stored: str, pepper: bytes | None) -> bool:
    """Whether `pin` is the PIN of the hash `stored`. An Argon2id hash needs the pepper it
    was made with: PinKeyMissing when there is none, or another one."""
    if stored.startswith("scrypt$"):
        return _scrypt_matches(pin, stored)
    try:
        scheme, pepper_id, encoded = stored.split("$", 2)
    except ValueError:
        return False
    if scheme != SCHEME:
        return False
    if pepper is None or _pepper_id(pepper) != pepper_id:
        raise PinKeyMissing(
            "this store database's PIN key is not on this machine "
            + ("(there is none)" if pepper is None else "(another key is)")
            + ", so no PIN can be checked. If the database was moved or copied here, bring "
            "its .vault file or keyring entry with it (nothing was changed)"
        )
    try:
        return bool(pin_hasher().verify(encoded, _peppered(pin, pepper)))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """A hash of an older scheme (scrypt, no pepper): replaced at the next right log-in.
    Argon2id hashes keep the parameters they were made with (a hash made with the tests'
    cheap ones is not upgraded by a command the tests run)."""
    return not stored.startswith(SCHEME + "$")


# --- policy -----------------------------------------------------------------------------
def min_length(conn: sqlite3.Connection) -> int:
    value = settings.get(conn, MIN_LENGTH_SETTING, PIN_MIN)
    return value if isinstance(value, int) and PIN_MIN <= value <= PIN_MAX else PIN_MIN


def set_min_length(conn: sqlite3.Connection, length: int) -> None:
    if isinstance(length, bool) or not isinstance(length, int) or not PIN_MIN <= length <= PIN_MAX:
        raise InvalidInput(
            f"the shortest PIN must be {PIN_MIN} to {PIN_MAX} digits, got {length!r} "
            "(nothing was saved)"
        )
    settings.put(conn, MIN_LENGTH_SETTING, length)


def validate_pin(pin: str, shortest: int = PIN_MIN) -> str:
    # isascii: str.isdigit() also accepts "١٢٣٤", "１２３４" and "²³⁴⁵", which no till keypad types
    if not (pin.isascii() and pin.isdigit() and shortest <= len(pin) <= PIN_MAX):
        raise InvalidInput(f"a PIN must be {shortest} to {PIN_MAX} digits")
    return pin


def set_pin_hash(conn: sqlite3.Connection, staff_id: str, pin: str) -> None:
    """Store a new hash of `pin` (checked against the store's policy) for `staff_id`."""
    validate_pin(pin, min_length(conn))
    pepper = ensure_pepper(vault_of(conn))
    conn.execute(
        "UPDATE staff SET pin_hash = ? WHERE staff_id = ?", (hash_pin(pin, pepper), staff_id)
    )


def add_staff(conn: sqlite3.Connection, staff_id: str, name: str, role: str, pin: str) -> Staff:
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    if not staff_id.strip() or not name.strip():
        raise InvalidInput("staff id and name must not be empty")
    if conn.execute("SELECT 1 FROM staff WHERE staff_id = ?", (staff_id,)).fetchone():
        raise InvalidInput(f"staff id {staff_id!r} already exists")
    validate_pin(pin, min_length(conn))
    pepper = ensure_pepper(vault_of(conn))
    conn.execute(
        "INSERT INTO staff (staff_id, name, role, pin_hash) VALUES (?, ?, ?, ?)",
        (staff_id, name, role, hash_pin(pin, pepper)),
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
    stored = str(row["pin_hash"])
    pepper = None if stored.startswith("scrypt$") else load_pepper(vault_of(conn))
    if not pin_matches(pin, stored, pepper):
        failed = row["failed_attempts"] + 1
        locked = (now + LOCKOUT).isoformat() if failed >= MAX_FAILED else None
        conn.execute(
            "UPDATE staff SET failed_attempts = ?, locked_until = ? WHERE staff_id = ?",
            (0 if locked else failed, locked, staff_id),
        )
        return None
    if needs_rehash(stored):
        # an old scrypt hash (or old parameters): the right PIN is at hand, once
        vault = vault_of(conn)
        fresh = hash_pin(pin, ensure_pepper(vault))
        conn.execute("UPDATE staff SET pin_hash = ? WHERE staff_id = ?", (fresh, staff_id))
    if row["failed_attempts"] or row["locked_until"]:
        conn.execute(
            "UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE staff_id = ?",
            (staff_id,),
        )
    return Staff(row["staff_id"], row["name"], row["role"])
