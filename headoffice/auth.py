"""Store credentials: a generated secret shown once, kept only as an scrypt hash.

Every request carries `Authorization: Lantern-Store <store_id>:<secret>`."""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import os
import re
import secrets
import threading
from collections import OrderedDict

from desktop.core.errors import InvalidInput

SCHEME = "Lantern-Store"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
STORE_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
# verified against when the store is unknown, so an unknown store id costs the same time
_DUMMY_HASH = (
    f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}$"
    f"{base64.b64encode(bytes(16)).decode()}${base64.b64encode(bytes(32)).decode()}"
)


def validate_store_id(store_id: str) -> str:
    if not isinstance(store_id, str) or not STORE_ID_RE.match(store_id):
        raise InvalidInput(
            f"store id {store_id!r} must be 1 to 32 letters, digits, '-' or '_' (e.g. SH001)"
        )
    return store_id


def new_secret() -> str:
    """256 random bits, URL-safe text (never contains ':')."""
    return secrets.token_urlsafe(32)


def hash_secret(secret: str, *, n: int = SCRYPT_N) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=n, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def secret_matches(secret: str, stored: str | None) -> bool:
    """Constant-time check; a missing or damaged hash never matches (but costs the same)."""
    try:
        scheme, n, r, p, salt, digest = (stored or _DUMMY_HASH).split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(
            secret.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except (ValueError, TypeError):
        return False
    return stored is not None and hmac.compare_digest(got, base64.b64decode(digest))


class Verdict(enum.Enum):
    """What checking a store's credentials found."""

    VERIFIED = "verified"  # the right secret, checked with scrypt now
    REMEMBERED = "remembered"  # the right secret, verified before by this process
    REFUSED = "refused"  # unknown or revoked store, or a wrong secret
    NOT_CHECKED = "not checked"  # it would need an scrypt run, which was not allowed

    @property
    def ok(self) -> bool:
        return self in (Verdict.VERIFIED, Verdict.REMEMBERED)


class VerifiedCredentials:
    """The credentials this process has verified with scrypt, so a store's next request
    costs one HMAC instead of one scrypt run (about 50 ms of CPU).

    An entry is keyed on an HMAC (with a key that never leaves this process) of the store
    id, the stored hash *as read from the database for this request* and the presented
    secret. A new secret has a new hash (a new salt), so after a rotation the old secret
    misses and is checked (and refused) again at once; a revoked store is refused before the
    cache is asked. Nothing is shared between processes: each worker verifies once. The
    presented secret itself is never kept.

    `presented_before` answers from memory alone (no database read) whether a store id
    and secret were ever verified here: only a hint, so that a client that is backing off
    can be answered 429 at once unless it presents credentials that may still be good."""

    def __init__(self, size: int = 4096) -> None:
        self._key = os.urandom(32)
        self._seen: OrderedDict[bytes, None] = OrderedDict()
        self._presented: OrderedDict[bytes, None] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def _digest(self, *parts: str) -> bytes:
        text = "\0".join(parts).encode("utf-8", "surrogatepass")
        return hmac.new(self._key, text, hashlib.sha256).digest()

    def presented_before(self, store_id: str, secret: str) -> bool:
        with self._lock:
            return self._digest(store_id, secret) in self._presented

    def known(self, store_id: str, stored: str, secret: str) -> bool:
        digest = self._digest(store_id, stored, secret)
        with self._lock:
            if digest not in self._seen:
                return False
            self._seen.move_to_end(digest)
            return True

    def remember(self, store_id: str, stored: str, secret: str) -> None:
        digests = (
            (self._seen, self._digest(store_id, stored, secret)),
            (self._presented, self._digest(store_id, secret)),
        )
        with self._lock:
            for memory, digest in digests:
                memory[digest] = None
                memory.move_to_end(digest)
                while len(memory) > self._size:
                    memory.popitem(last=False)

    def __len__(self) -> int:
        return len(self._seen)


def dummy_check(secret: str) -> None:
    """Spend the time of a real check (for unknown stores)."""
    secret_matches(secret, None)


def parse_authorization(header: str | None) -> tuple[str, str] | None:
    """(store_id, secret) from an Authorization header, or None when it is not one of ours."""
    if not header:
        return None
    scheme, _, credentials = header.strip().partition(" ")
    if scheme != SCHEME:
        return None
    store_id, sep, secret = credentials.strip().partition(":")
    if not sep or not secret or not STORE_ID_RE.match(store_id):
        return None
    return store_id, secret


def authorization(store_id: str, secret: str) -> str:
    """The header value a store sends."""
    return f"{SCHEME} {store_id}:{secret}"
