"""Head-office issuing keys and the codes they sign.

The private keys never leave head office: a store only ever receives the public halves.
Until the head-office service holds them in its database, they live in a key file (JSON,
mode 0600) that only head office's admin commands read."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from desktop.core import codes
from desktop.core.errors import InvalidInput, LanternError


@dataclass(frozen=True)
class SigningKey:
    key_id: int
    private: Ed25519PrivateKey
    created: date
    retired: date | None = None  # after this day the key signs nothing new

    @property
    def public(self) -> bytes:
        return codes.public_bytes(self.private)

    def issuer_key(self) -> codes.IssuerKey:
        return codes.IssuerKey(self.key_id, self.public, self.retired)


class KeyFile:
    """Several keys at once, so a key can rotate: new cards use the newest active key
    while cards signed by older keys stay valid until their key is retired and expired."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.keys: dict[int, SigningKey] = {}
        if self.path.exists():
            self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            for k in data["keys"]:
                self.keys[int(k["key_id"])] = SigningKey(
                    int(k["key_id"]),
                    Ed25519PrivateKey.from_private_bytes(bytes.fromhex(k["private"])),
                    date.fromisoformat(k["created"]),
                    date.fromisoformat(k["retired"]) if k.get("retired") else None,
                )
        except (ValueError, KeyError, TypeError) as e:
            raise LanternError(f"{self.path} is not a Lantern head-office key file ({e})") from e

    def save(self) -> None:
        rows = [
            {
                "key_id": k.key_id,
                "private": k.private.private_bytes(
                    Encoding.Raw, PrivateFormat.Raw, NoEncryption()
                ).hex(),
                "created": k.created.isoformat(),
                "retired": k.retired.isoformat() if k.retired else None,
            }
            for k in sorted(self.keys.values(), key=lambda k: k.key_id)
        ]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"keys": rows}, f, indent=2)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)

    def new_key(self, today: date, key_id: int | None = None) -> SigningKey:
        if key_id is None:
            key_id = max(self.keys, default=0) + 1
        if not 0 <= key_id <= 255:
            raise InvalidInput(f"key id must be 0..255, got {key_id}")
        if key_id in self.keys:
            raise InvalidInput(f"key id {key_id} already exists")
        key = SigningKey(key_id, Ed25519PrivateKey.generate(), today)
        self.keys[key_id] = key
        return key

    def retire(self, key_id: int, day: date) -> None:
        key = self.keys.get(key_id)
        if key is None:
            raise InvalidInput(f"no key {key_id}")
        self.keys[key_id] = SigningKey(key.key_id, key.private, key.created, day)

    def active(self, today: date) -> SigningKey:
        live = [k for k in self.keys.values() if k.retired is None or k.retired >= today]
        if not live:
            raise LanternError(f"no active issuing key in {self.path}: create one first")
        return max(live, key=lambda k: (k.created, k.key_id))

    def public_keys(self) -> list[codes.IssuerKey]:
        return [k.issuer_key() for k in sorted(self.keys.values(), key=lambda k: k.key_id)]


def issue_card(keys: KeyFile, member_id: str, serial: int, today: date) -> str:
    """The static card code for a member's card number `serial` (1 for the first card;
    reissuing bumps it and the old card stops working once stores hear of the new serial)."""
    if not 0 < serial < 65536:
        raise InvalidInput(f"card serial must be 1..65535, got {serial}")
    key = keys.active(today)
    return codes.issue_static(key.private, key.key_id, codes.member_no(member_id), serial, today)


@dataclass(frozen=True)
class Phone:
    """A member's phone app: its device key and head office's certificate for it."""

    device_key: Ed25519PrivateKey
    cert: bytes

    def code(self, now: datetime) -> str:
        return codes.phone_code(self.cert, self.device_key, now)


def enrol_phone(keys: KeyFile, member_id: str, today: date, valid_days: int = 90) -> Phone:
    """Certify a new device key for a member's phone (done when the app signs in)."""
    from datetime import timedelta

    key = keys.active(today)
    device = Ed25519PrivateKey.generate()
    cert = codes.certify_device(
        key.private,
        key.key_id,
        codes.member_no(member_id),
        codes.public_bytes(device),
        today + timedelta(days=valid_days),
    )
    return Phone(device, cert)
