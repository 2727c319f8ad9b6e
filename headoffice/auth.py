"""Store credentials: a generated secret shown once, kept only as an scrypt hash.

Every request carries `Authorization: Lantern-Store <store_id>:<secret>`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets

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
