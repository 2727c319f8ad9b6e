"""Member codes: signed static card codes and rotating phone codes (format v1).

Both are short ASCII text made only of QR alphanumeric characters (A–Z, 2–7 after a
3-character prefix), so a QR symbol uses alphanumeric mode and a keyboard-wedge scanner
types exactly what a camera reads. See docs/member-codes.md for the byte layout and test
vectors.

- Static card  "LS1" + base32(key_id u8 | member_no u32 | serial u16 | issued_day u16 | sig 64)
  signed by a head-office issuing key (Ed25519). 120 characters: QR version 5 at level M.
- Phone code   "LR1" + base32(cert 103 | step u32 | device_sig 64), where
  cert = key_id u8 | member_no u32 | device_pub 32 | cert_expiry_day u16 | cert_sig 64:
  head office certifies the phone's device key; the phone signs the current 30-second time
  step. 277 characters: QR version 10 at level M (shown on a sharp phone screen).

A till verifies with head-office public keys only; nothing at the store can mint a code.
This module is pure: the caller passes the time, the key ring, revocations and the replay
check, and gets a verdict value back.
"""

from __future__ import annotations

import base64
import binascii
import enum
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from desktop.core.errors import InvalidInput, LanternError

STATIC_PREFIX = "LS1"
PHONE_PREFIX = "LR1"
EPOCH = date(2000, 1, 1)  # day numbers (u16) count from here: good until 2179
STEP_SECONDS = 30
# A phone code is accepted from its own step until 60 s later, and from a phone whose clock
# runs up to 30 s ahead of the till: steps now-2 … now+1.
STEPS_BEHIND = 2
STEPS_AHEAD = 1
MAX_TEXT = 400  # anything longer is not ours; refused before decoding

_STATIC = struct.Struct(">BIHH")  # key_id, member_no, serial, issued_day
_CERT = struct.Struct(">BI32sH")  # key_id, member_no, device_pub, cert_expiry_day
_STEP = struct.Struct(">I")
SIG = 64
STATIC_BYTES = _STATIC.size + SIG  # 73
CERT_BYTES = _CERT.size + SIG  # 103
PHONE_BYTES = CERT_BYTES + _STEP.size + SIG  # 171

_DOMAIN_STATIC = b"lantern/static-card/v1\x00"
_DOMAIN_CERT = b"lantern/device-cert/v1\x00"
_DOMAIN_STEP = b"lantern/phone-step/v1\x00"


class Verdict(enum.Enum):
    ACCEPTED = "accepted"
    NOT_LANTERN = "not_lantern"  # not a Lantern code at all
    MALFORMED = "malformed"  # a Lantern prefix, but truncated or damaged
    FORGED = "forged"  # a signature does not verify
    UNKNOWN_KEY = "unknown_key"  # signed with a key id this till has not been told about
    REVOKED = "revoked"  # the card serial was revoked or replaced by a newer card
    CARD_EXPIRED = "card_expired"  # a static card past its validity
    PHONE_EXPIRED = "phone_expired"  # a phone code older than the window (a screenshot)
    PHONE_CLOCK_AHEAD = "phone_clock_ahead"  # a phone code from the future
    CERT_EXPIRED = "cert_expired"  # the phone's device certificate has run out
    REPLAYED = "replayed"  # a phone code already accepted once


class CodeType(enum.Enum):
    STATIC = "static"
    PHONE = "phone"


@dataclass(frozen=True, slots=True)
class IssuerKey:
    """A head-office public key as the till knows it. Several may be valid at once
    (rotation): codes say which key id signed them."""

    key_id: int
    public: bytes  # 32 raw bytes
    not_after: date | None = None  # codes issued after this day with this key are refused


@dataclass(frozen=True, slots=True)
class StaticCard:
    key_id: int
    member_no: int
    serial: int
    issued: date


@dataclass(frozen=True, slots=True)
class PhoneCode:
    key_id: int
    member_no: int
    device_pub: bytes
    cert_expires: date
    step: int


@dataclass(frozen=True, slots=True)
class Decoded:
    type: CodeType
    member_no: int
    static: StaticCard | None = None
    phone: PhoneCode | None = None


@dataclass(frozen=True, slots=True)
class CheckResult:
    verdict: Verdict
    decoded: Decoded | None = None

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.ACCEPTED

    def explain(self) -> str:
        """English for logs and the CLI; the UI words the verdict in Chinese or English."""
        return EXPLAIN[self.verdict]


class CodeRefused(LanternError):
    """A scanned code the till must not accept; `result.verdict` says why."""

    def __init__(self, result: CheckResult) -> None:
        super().__init__(result.explain())
        self.result = result


EXPLAIN = {
    Verdict.ACCEPTED: "accepted",
    Verdict.NOT_LANTERN: "not a Lantern code: ask for the member's Lantern card or app code",
    Verdict.MALFORMED: "damaged or incomplete code: scan again, or type the card number",
    Verdict.FORGED: "forged code: the signature does not match; do not redeem",
    Verdict.UNKNOWN_KEY: (
        "code signed with a key this till does not know: sync with head office; "
        "if it persists the code is forged"
    ),
    Verdict.REVOKED: "card revoked: ask for the new card",
    Verdict.CARD_EXPIRED: "card expired: ask the member to get a new card at the service desk",
    Verdict.PHONE_EXPIRED: "phone code expired: ask the member to refresh the code",
    Verdict.PHONE_CLOCK_AHEAD: "phone code from the future: ask the member to check the phone's clock",
    Verdict.CERT_EXPIRED: "the member's app needs to sign in again (device certificate expired)",
    Verdict.REPLAYED: "code already used: ask the member to refresh the code",
}


# --- encoding ------------------------------------------------------------------------------
def day_number(d: date) -> int:
    return (d - EPOCH).days


def day_from_number(n: int) -> date:
    return EPOCH + timedelta(days=n)


def time_step(now: datetime) -> int:
    if now.tzinfo is None:
        raise ValueError("time steps need an aware datetime")
    return int(now.timestamp()) // STEP_SECONDS


def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def _unb32(text: str) -> bytes:
    return base64.b32decode(text + "=" * (-len(text) % 8), casefold=False)


def member_id(member_no: int) -> str:
    """Codes carry the member number; the store knows members as M + 8 digits."""
    return f"M{member_no:08d}"


def member_no(member_id: str) -> int:
    if not (
        len(member_id) == 9
        and member_id[0] == "M"
        and member_id[1:].isascii()
        and member_id[1:].isdigit()
    ):
        raise InvalidInput(f"member id {member_id!r} is not M + 8 digits")
    return int(member_id[1:])


# --- issuing (head office only: needs the private key) -----------------------------------------
def _pack(fmt: struct.Struct, *values: object) -> bytes:
    try:
        return fmt.pack(*values)
    except struct.error as e:
        raise InvalidInput(f"a member code field is out of range: {e}") from None


def issue_static(
    key: Ed25519PrivateKey, key_id: int, member: int, serial: int, issued: date
) -> str:
    head = _pack(_STATIC, key_id, member, serial, day_number(issued))
    return STATIC_PREFIX + _b32(head + key.sign(_DOMAIN_STATIC + head))


def certify_device(
    key: Ed25519PrivateKey, key_id: int, member: int, device_pub: bytes, expires: date
) -> bytes:
    head = _pack(_CERT, key_id, member, device_pub, day_number(expires))
    return head + key.sign(_DOMAIN_CERT + head)


def phone_code(cert: bytes, device_key: Ed25519PrivateKey, now: datetime) -> str:
    """What the member's phone shows at `now` (done on the phone; here for tests and demo)."""
    step = _pack(_STEP, time_step(now))
    return PHONE_PREFIX + _b32(cert + step + device_key.sign(_DOMAIN_STEP + cert + step))


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


# --- verifying (the till) ------------------------------------------------------------------
def parse(text: str) -> Decoded | Verdict:
    """Structure only, no signature check: a Decoded, or NOT_LANTERN / MALFORMED."""
    if not isinstance(text, str) or len(text) > MAX_TEXT or not text.isascii():
        return Verdict.NOT_LANTERN
    text = text.strip()
    prefix, body = text[:3], text[3:]
    if prefix not in (STATIC_PREFIX, PHONE_PREFIX):
        return Verdict.NOT_LANTERN
    try:
        raw = _unb32(body)
    except (binascii.Error, ValueError):
        return Verdict.MALFORMED
    if _b32(raw) != body:
        # Only the canonical text of these bytes: the unused low bits of the last character
        # must be zero and no '=' may follow, so no changed character is ever accepted.
        return Verdict.MALFORMED
    if prefix == STATIC_PREFIX:
        if len(raw) != STATIC_BYTES:
            return Verdict.MALFORMED
        key_id, member, serial, issued = _STATIC.unpack_from(raw)
        card = StaticCard(key_id, member, serial, day_from_number(issued))
        return Decoded(CodeType.STATIC, member, static=card)
    if len(raw) != PHONE_BYTES:
        return Verdict.MALFORMED
    key_id, member, device_pub, expires = _CERT.unpack_from(raw)
    (step,) = _STEP.unpack_from(raw, CERT_BYTES)
    code = PhoneCode(key_id, member, device_pub, day_from_number(expires), step)
    return Decoded(CodeType.PHONE, member, phone=code)


def _verify(public: bytes, sig: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(sig, message)
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True, slots=True)
class Policy:
    card_valid_years: int = 10
    # a device certificate lives at most this long, so its expiry day bounds the day it was
    # issued: a cert claiming longer, or one issued after its key's retirement, is forged
    cert_max_days: int = 90


def check(
    text: str,
    now: datetime,
    keys: Mapping[int, IssuerKey],
    current_serial: Callable[[int], int | None],
    revoked: Callable[[int, int], bool],
    policy: Policy = Policy(),
) -> CheckResult:
    """The verdict on a scanned code. `current_serial(member_no)` is the serial of the
    member's newest card as head office last said (None if unknown); `revoked(member_no,
    serial)` says whether that serial was revoked. The replay check for phone codes is the
    caller's (it must be atomic with accepting the code): see `replay_key`."""
    decoded = parse(text)
    if isinstance(decoded, Verdict):
        return CheckResult(decoded)
    raw = _unb32(text.strip()[3:])
    today = now.date()
    if decoded.static is not None:
        card = decoded.static
        key = keys.get(card.key_id)
        if key is None:
            return CheckResult(Verdict.UNKNOWN_KEY, decoded)
        head, sig = raw[: _STATIC.size], raw[_STATIC.size :]
        if not _verify(key.public, sig, _DOMAIN_STATIC + head):
            return CheckResult(Verdict.FORGED, decoded)
        if key.not_after is not None and card.issued > key.not_after:
            return CheckResult(Verdict.FORGED, decoded)
        newest = current_serial(card.member_no)
        if revoked(card.member_no, card.serial) or (newest is not None and card.serial < newest):
            return CheckResult(Verdict.REVOKED, decoded)
        try:
            expires = card.issued.replace(year=card.issued.year + policy.card_valid_years)
        except ValueError:  # 29 February
            expires = card.issued.replace(year=card.issued.year + policy.card_valid_years, day=28)
        if today > expires:
            return CheckResult(Verdict.CARD_EXPIRED, decoded)
        return CheckResult(Verdict.ACCEPTED, decoded)
    phone = decoded.phone
    assert phone is not None
    key = keys.get(phone.key_id)
    cert, step_bytes = raw[:CERT_BYTES], raw[CERT_BYTES : CERT_BYTES + _STEP.size]
    device_sig = raw[CERT_BYTES + _STEP.size :]
    if key is None:
        return CheckResult(Verdict.UNKNOWN_KEY, decoded)
    if not _verify(key.public, cert[_CERT.size :], _DOMAIN_CERT + cert[: _CERT.size]):
        return CheckResult(Verdict.FORGED, decoded)
    if not _verify(phone.device_pub, device_sig, _DOMAIN_STEP + cert + step_bytes):
        return CheckResult(Verdict.FORGED, decoded)
    earliest_issue = phone.cert_expires - timedelta(days=policy.cert_max_days)
    if phone.cert_expires > today + timedelta(days=policy.cert_max_days) or (
        key.not_after is not None and earliest_issue > key.not_after
    ):
        return CheckResult(Verdict.FORGED, decoded)
    if today > phone.cert_expires:
        return CheckResult(Verdict.CERT_EXPIRED, decoded)
    now_step = time_step(now)
    if phone.step < now_step - STEPS_BEHIND:
        return CheckResult(Verdict.PHONE_EXPIRED, decoded)
    if phone.step > now_step + STEPS_AHEAD:
        return CheckResult(Verdict.PHONE_CLOCK_AHEAD, decoded)
    return CheckResult(Verdict.ACCEPTED, decoded)


def replay_key(decoded: Decoded) -> str | None:
    """The identity of a phone code for the replay cache (member, device, step); None for
    static cards, which are meant to be shown again."""
    if decoded.phone is None:
        return None
    p = decoded.phone
    return f"{p.member_no}:{p.device_pub.hex()[:32]}:{p.step}"
