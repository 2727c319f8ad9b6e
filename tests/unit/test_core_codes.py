"""Member codes (desktop/core/codes.py, headoffice/issuing.py): what a till accepts and
what it refuses, at every boundary the format promises (docs/member-codes.md)."""

from __future__ import annotations

import base64
import os
import random
import stat
import string
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core import codes
from desktop.core.codes import CodeType, Verdict
from desktop.core.errors import InvalidInput
from headoffice.issuing import KeyFile, enrol_phone, issue_card
from tests.reliability import record

pytestmark = pytest.mark.unit

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 10, 0, 0, tzinfo=SH)
TODAY = NOW.date()
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def key(seed: int) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes((seed + i) % 256 for i in range(32)))


K1, K2, STRANGER = key(11), key(22), key(33)
DEVICE, OTHER_DEVICE = key(44), key(55)
KEYS = {
    1: codes.IssuerKey(1, codes.public_bytes(K1)),
    2: codes.IssuerKey(2, codes.public_bytes(K2)),
}


def check(
    text: str,
    now: datetime = NOW,
    keys: Mapping[int, codes.IssuerKey] = KEYS,
    serials: Mapping[int, int] | None = None,
    revoked: frozenset[tuple[int, int]] = frozenset(),
) -> codes.CheckResult:
    serial_of = dict(serials or {})
    return codes.check(text, now, keys, serial_of.get, lambda no, s: (no, s) in revoked)


def verdict(text: str, **kw: Any) -> Verdict:
    return check(text, **kw).verdict


def static(member: int = 1, serial: int = 1, issued: date = date(2026, 3, 1)) -> str:
    return codes.issue_static(K1, 1, member, serial, issued)


def cert(
    member: int = 2, expires: date = TODAY + timedelta(days=90), device: Ed25519PrivateKey = DEVICE
) -> bytes:
    return codes.certify_device(K1, 1, member, codes.public_bytes(device), expires)


def phone(now: datetime = NOW, **kw: Any) -> str:
    return codes.phone_code(cert(**kw), DEVICE, now)


VALID_STATIC = static()
VALID_PHONE = phone()


# --- round trips ---------------------------------------------------------------------------
def test_static_card_round_trip() -> None:
    text = codes.issue_static(K2, 2, 123_456, 7, date(2026, 3, 1))

    assert len(text) == 120
    assert text.startswith("LS1")
    assert set(text[3:]) <= set(B32)
    decoded = codes.parse(text)
    assert decoded == codes.Decoded(
        CodeType.STATIC,
        123_456,
        static=codes.StaticCard(key_id=2, member_no=123_456, serial=7, issued=date(2026, 3, 1)),
    )
    result = check(text)
    assert result.verdict is Verdict.ACCEPTED
    assert result.decoded == decoded
    assert codes.replay_key(decoded) is None  # static cards are meant to be shown again


def test_static_card_round_trip_at_the_field_limits() -> None:
    last_day = codes.EPOCH + timedelta(days=65535)  # the last day a u16 can carry
    text = codes.issue_static(K1, 255, 2**32 - 1, 65535, last_day)

    decoded = codes.parse(text)

    assert isinstance(decoded, codes.Decoded) and decoded.static is not None
    assert decoded.static == codes.StaticCard(255, 2**32 - 1, 65535, last_day)
    assert codes.member_id(decoded.member_no) == "M4294967295"


def test_phone_code_round_trip() -> None:
    expires = TODAY + timedelta(days=90)
    text = phone(member=77, expires=expires)

    assert len(text) == 277
    assert text.startswith("LR1")
    assert set(text[3:]) <= set(B32)
    decoded = codes.parse(text)
    assert isinstance(decoded, codes.Decoded)
    assert decoded.type is CodeType.PHONE
    assert decoded.member_no == 77
    assert decoded.phone == codes.PhoneCode(
        key_id=1,
        member_no=77,
        device_pub=codes.public_bytes(DEVICE),
        cert_expires=expires,
        step=codes.time_step(NOW),
    )
    assert check(text).verdict is Verdict.ACCEPTED
    key = codes.replay_key(decoded)
    assert key is not None and key.startswith("77:") and key.endswith(f":{codes.time_step(NOW)}")


def test_the_phone_code_changes_every_30_seconds_and_the_replay_key_with_it() -> None:
    a, b = phone(NOW), phone(NOW + timedelta(seconds=30))
    assert a != b
    da, db = codes.parse(a), codes.parse(b)
    assert isinstance(da, codes.Decoded) and isinstance(db, codes.Decoded)
    assert codes.replay_key(da) != codes.replay_key(db)
    # NOW starts a step: within it the phone shows the same text (Ed25519 is deterministic)
    assert NOW.timestamp() % codes.STEP_SECONDS == 0
    assert phone(NOW + timedelta(seconds=29)) == a


def test_surrounding_whitespace_from_a_scanner_is_ignored() -> None:
    assert verdict(f"  {VALID_STATIC}\r\n") is Verdict.ACCEPTED
    assert verdict(f"{VALID_PHONE}\n") is Verdict.ACCEPTED


def test_head_office_key_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "ho" / "keys.json"
    keys = KeyFile(path)
    k = keys.new_key(TODAY)
    keys.save()

    again = KeyFile(path)

    assert list(again.keys) == [k.key_id] == [1]
    assert again.keys[1].public == k.public
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    trusted = {ik.key_id: ik for ik in again.public_keys()}
    code = issue_card(again, "M00000005", 3, TODAY)
    result = check(code, keys=trusted)
    assert result.verdict is Verdict.ACCEPTED
    assert result.decoded is not None and result.decoded.static is not None
    assert result.decoded.static == codes.StaticCard(1, 5, 3, TODAY)
    ph = enrol_phone(again, "M00000006", TODAY)
    assert check(ph.code(NOW), keys=trusted).verdict is Verdict.ACCEPTED


def test_member_ids_and_numbers() -> None:
    assert codes.member_id(1) == "M00000001"
    assert codes.member_no("M00000001") == 1
    for bad in ("M1", "00000001", "m00000001", "M0000000１", "M000000001", ""):
        with pytest.raises(InvalidInput):
            codes.member_no(bad)


# --- key rotation --------------------------------------------------------------------------
def test_a_retired_key_keeps_its_cards_but_cannot_issue_new_ones() -> None:
    retired = date(2026, 6, 30)
    keys = {
        1: codes.IssuerKey(1, codes.public_bytes(K1), not_after=retired),
        2: codes.IssuerKey(2, codes.public_bytes(K2)),
    }

    before = codes.issue_static(K1, 1, 1, 1, date(2026, 1, 10))
    on_the_day = codes.issue_static(K1, 1, 1, 1, retired)
    after = codes.issue_static(K1, 1, 1, 1, retired + timedelta(days=1))
    new_key = codes.issue_static(K2, 2, 1, 1, retired + timedelta(days=1))

    assert verdict(before, keys=keys) is Verdict.ACCEPTED
    assert verdict(on_the_day, keys=keys) is Verdict.ACCEPTED
    assert verdict(after, keys=keys) is Verdict.FORGED
    assert verdict(new_key, keys=keys) is Verdict.ACCEPTED


def test_a_card_signed_by_one_key_but_naming_the_other_is_forged() -> None:
    assert verdict(codes.issue_static(K2, 1, 1, 1, date(2026, 3, 1))) is Verdict.FORGED
    assert verdict(codes.issue_static(STRANGER, 2, 1, 1, date(2026, 3, 1))) is Verdict.FORGED
    assert verdict(codes.issue_static(STRANGER, 9, 1, 1, date(2026, 3, 1))) is Verdict.UNKNOWN_KEY


def test_key_file_rotation_new_cards_use_the_newest_active_key(tmp_path: Path) -> None:
    keys = KeyFile(tmp_path / "keys.json")
    first = keys.new_key(date(2025, 1, 1))
    second = keys.new_key(date(2026, 6, 1))
    keys.retire(first.key_id, date(2026, 6, 30))
    keys.save()
    keys = KeyFile(tmp_path / "keys.json")
    trusted = {k.key_id: k for k in keys.public_keys()}
    assert trusted[1].not_after == date(2026, 6, 30)
    assert trusted[2].not_after is None

    old_card = issue_card(keys, "M00000001", 1, date(2026, 2, 1))
    new_card = issue_card(keys, "M00000001", 2, date(2026, 8, 1))
    forged = codes.issue_static(keys.keys[1].private, 1, 1, 3, date(2026, 8, 1))

    assert codes.parse(new_card).static.key_id == second.key_id  # type: ignore[union-attr]
    assert verdict(old_card, keys=trusted) is Verdict.ACCEPTED
    assert verdict(new_card, keys=trusted) is Verdict.ACCEPTED
    assert verdict(forged, keys=trusted) is Verdict.FORGED


# --- damaged and changed codes -------------------------------------------------------------
REFUSED_CHANGES = {Verdict.NOT_LANTERN, Verdict.MALFORMED, Verdict.UNKNOWN_KEY, Verdict.FORGED}


def single_changes(text: str) -> list[tuple[int, str]]:
    return [(i, c) for i in range(len(text)) for c in B32 if c != text[i]]


@pytest.mark.reliability
@pytest.mark.parametrize("text", [VALID_STATIC, VALID_PHONE], ids=["static card", "phone code"])
def test_no_single_character_change_is_ever_accepted(text: str) -> None:
    assert verdict(text) is Verdict.ACCEPTED
    got: dict[Verdict, int] = {}
    for i, c in single_changes(text):
        v = verdict(text[:i] + c + text[i + 1 :])
        assert v in REFUSED_CHANGES, (i, c, v)
        got[v] = got.get(v, 0) + 1
    # a changed signature or field is forged, a changed key id unknown (or forged)
    assert got[Verdict.FORGED] > got.get(Verdict.MALFORMED, 0)
    assert got[Verdict.UNKNOWN_KEY] > 0
    kind = "static card" if text.startswith("LS1") else "phone code"
    record(
        "Forged member codes",
        f"every single-character change of a valid {kind}",
        tried=sum(got.values()),
        accepted=0,
    )


@pytest.mark.reliability
def test_thousands_of_seeded_forgeries_are_never_accepted() -> None:
    # Given valid codes, and forgeries made from them as a forger would: random edits,
    # every field re-signed by a key head office never published, random signatures
    rng = random.Random(20261207)
    forged: list[str] = []
    for _ in range(4000):
        chars = list(rng.choice([VALID_STATIC, VALID_PHONE]))
        for _ in range(rng.randint(1, 6)):
            i = rng.randrange(len(chars))
            chars[i] = rng.choice(B32)
        forged.append("".join(chars))
    for member in range(1, 2001):
        forged.append(codes.issue_static(STRANGER, 1, member, 1, date(2026, 3, 1)))
        fake_cert = codes.certify_device(STRANGER, 1, member, codes.public_bytes(DEVICE), TODAY)
        forged.append(codes.phone_code(fake_cert, DEVICE, NOW))
    for _ in range(2000):
        body = rng.randbytes(73)
        forged.append("LS1" + base64.b32encode(body).decode().rstrip("="))
    forged = [f for f in forged if f not in (VALID_STATIC, VALID_PHONE)]
    # Then none is accepted
    accepted = [f for f in forged if verdict(f) is Verdict.ACCEPTED]
    assert accepted == []
    record(
        "Forged member codes",
        "seeded forgeries: random edits, a key never published, random bytes",
        tried=len(forged),
        accepted=len(accepted),
    )


@pytest.mark.parametrize("text", [VALID_STATIC, VALID_PHONE], ids=["static card", "phone code"])
def test_the_unused_bits_of_the_last_character_and_padding_are_refused(text: str) -> None:
    # 73 and 171 bytes leave 1 and 2 unused bits in the last base32 character: a code has
    # exactly one text, so a scanner misread there is not accepted as the same code
    last = B32.index(text[-1])
    unused = 1 if text.startswith("LS1") else 2
    for low in range(1, 2**unused):
        other = B32[last ^ low]
        assert verdict(text[:-1] + other) is Verdict.MALFORMED
    assert verdict(text + "=") is Verdict.MALFORMED
    assert verdict(text + "===") is Verdict.MALFORMED


@pytest.mark.parametrize("text", [VALID_STATIC, VALID_PHONE], ids=["static card", "phone code"])
def test_truncated_at_every_length_is_never_accepted(text: str) -> None:
    for n in range(len(text)):
        expected = Verdict.NOT_LANTERN if n < 3 else Verdict.MALFORMED
        assert verdict(text[:n]) is expected, n


def test_a_code_with_one_character_too_many_is_malformed() -> None:
    assert verdict(VALID_STATIC + "A") is Verdict.MALFORMED
    assert verdict(VALID_PHONE + "A") is Verdict.MALFORMED


def test_lowercase_or_digits_outside_base32_are_malformed() -> None:
    assert verdict("LS1" + VALID_STATIC[3:].lower()) is Verdict.MALFORMED
    assert verdict(VALID_STATIC[:50] + "0" + VALID_STATIC[51:]) is Verdict.MALFORMED
    assert verdict(VALID_STATIC[:50] + "8" + VALID_STATIC[51:]) is Verdict.MALFORMED


def test_oversized_text_is_not_lantern() -> None:
    assert verdict("LS1" + "A" * 397) is Verdict.MALFORMED  # 400 characters: still looked at
    assert verdict("LS1" + "A" * 398) is Verdict.NOT_LANTERN  # 401
    assert verdict(VALID_PHONE + " " * 124) is Verdict.NOT_LANTERN
    assert verdict("LR1" + "A" * 100_000) is Verdict.NOT_LANTERN


def test_non_ascii_text_is_not_lantern() -> None:
    full_width_a = "\uff21"
    for text in (
        "ＬＳ１" + VALID_STATIC[3:],
        VALID_STATIC[:60] + full_width_a + VALID_STATIC[61:],
        VALID_STATIC + "\u200b",  # zero-width space
        "\u00a0" + VALID_PHONE,  # no-break space
        "LS1张伟",
    ):
        assert verdict(text) is Verdict.NOT_LANTERN, text


def test_other_prefixes_are_not_lantern() -> None:
    for text in ("LS2" + VALID_STATIC[3:], "LX1" + VALID_STATIC[3:], "https://x/LS1", "8800"):
        assert verdict(text) is Verdict.NOT_LANTERN


# --- time ----------------------------------------------------------------------------------
def step_start(step: int, tz: ZoneInfo | None = SH) -> datetime:
    return datetime.fromtimestamp(step * codes.STEP_SECONDS, tz or UTC)


def test_clock_skew_boundaries_are_exact() -> None:
    s = codes.time_step(NOW)
    code = codes.phone_code(cert(), DEVICE, step_start(s))

    def at(when: datetime) -> Verdict:
        return verdict(code, now=when)

    # the till is ahead of the phone: the code is now-2 at most
    assert at(step_start(s)) is Verdict.ACCEPTED
    assert at(step_start(s + 2)) is Verdict.ACCEPTED
    assert at(step_start(s + 3) - timedelta(microseconds=1)) is Verdict.ACCEPTED
    assert at(step_start(s + 3)) is Verdict.PHONE_EXPIRED
    # the phone is ahead of the till: the code is now+1 at most
    assert at(step_start(s - 1)) is Verdict.ACCEPTED
    assert at(step_start(s - 1) - timedelta(microseconds=1)) is Verdict.PHONE_CLOCK_AHEAD
    assert at(step_start(s - 2)) is Verdict.PHONE_CLOCK_AHEAD
    # the time zone of the till's clock does not matter, only the instant
    assert at(step_start(s + 3, None)) is Verdict.PHONE_EXPIRED
    assert at(step_start(s - 1, None)) is Verdict.ACCEPTED


@pytest.mark.parametrize(
    ("code_step", "expected"),
    [
        (-3, Verdict.PHONE_EXPIRED),
        (-2, Verdict.ACCEPTED),
        (-1, Verdict.ACCEPTED),
        (0, Verdict.ACCEPTED),
        (1, Verdict.ACCEPTED),
        (2, Verdict.PHONE_CLOCK_AHEAD),
    ],
)
def test_phone_code_steps_relative_to_the_till(code_step: int, expected: Verdict) -> None:
    made = NOW + timedelta(seconds=code_step * codes.STEP_SECONDS)
    code = codes.phone_code(cert(), DEVICE, made)
    parsed = codes.parse(code)
    assert isinstance(parsed, codes.Decoded) and parsed.phone is not None
    assert parsed.phone.step - codes.time_step(NOW) == code_step
    assert verdict(code) is expected


def test_device_certificate_expiry_boundary() -> None:
    expires = date(2026, 12, 1)
    day = datetime(2026, 12, 1, 23, 59, 59, tzinfo=SH)
    on_the_day = codes.phone_code(cert(expires=expires), DEVICE, day)
    next_day = codes.phone_code(cert(expires=expires), DEVICE, day + timedelta(seconds=1))

    assert verdict(on_the_day, now=day) is Verdict.ACCEPTED
    assert verdict(next_day, now=day + timedelta(seconds=1)) is Verdict.CERT_EXPIRED


def test_a_phone_code_signed_by_another_device_is_forged() -> None:
    assert verdict(codes.phone_code(cert(), OTHER_DEVICE, NOW)) is Verdict.FORGED
    # a certificate from a stranger claiming key id 1
    fake = codes.certify_device(STRANGER, 1, 2, codes.public_bytes(DEVICE), TODAY)
    assert verdict(codes.phone_code(fake, DEVICE, NOW)) is Verdict.FORGED
    unknown = codes.certify_device(STRANGER, 9, 2, codes.public_bytes(DEVICE), TODAY)
    assert verdict(codes.phone_code(unknown, DEVICE, NOW)) is Verdict.UNKNOWN_KEY


@pytest.mark.parametrize(
    ("issued", "last_good_day"),
    [
        (date(2016, 11, 26), date(2026, 11, 26)),
        (date(2016, 2, 29), date(2026, 2, 28)),  # a leap day: valid to the 28th
    ],
)
def test_card_validity_boundary_is_exactly_ten_years(issued: date, last_good_day: date) -> None:
    card = codes.issue_static(K1, 1, 5, 1, issued)
    end_of_last_day = datetime.combine(last_good_day, datetime.max.time(), SH)

    assert verdict(card, now=end_of_last_day) is Verdict.ACCEPTED
    assert verdict(card, now=end_of_last_day + timedelta(microseconds=1)) is Verdict.CARD_EXPIRED


def test_revoked_and_replaced_serials() -> None:
    card = static(member=8, serial=2)
    assert verdict(card, serials={8: 2}) is Verdict.ACCEPTED
    assert verdict(card, serials={8: 1}) is Verdict.ACCEPTED  # the store has not heard yet
    assert verdict(card, serials={8: 3}) is Verdict.REVOKED
    assert verdict(card, serials={8: 2}, revoked=frozenset({(8, 2)})) is Verdict.REVOKED
    assert verdict(card, revoked=frozenset({(8, 1), (9, 2)})) is Verdict.ACCEPTED


# --- issuing out of range ------------------------------------------------------------------
def test_issuing_out_of_range_values_raises_invalid_input(tmp_path: Path) -> None:
    day = date(2026, 3, 1)
    for member in (2**32, -1):
        with pytest.raises(InvalidInput):
            codes.issue_static(K1, 1, member, 1, day)
        with pytest.raises(InvalidInput):
            codes.certify_device(K1, 1, member, codes.public_bytes(DEVICE), day)
    for key_id in (256, -1):
        with pytest.raises(InvalidInput):
            codes.issue_static(K1, key_id, 1, 1, day)
    for serial in (65536, -1):
        with pytest.raises(InvalidInput):
            codes.issue_static(K1, 1, 1, serial, day)
    for issued in (date(1999, 12, 31), codes.EPOCH + timedelta(days=65536)):
        with pytest.raises(InvalidInput):
            codes.issue_static(K1, 1, 1, 1, issued)
    with pytest.raises(InvalidInput):  # a time step beyond u32 (year ~6053)
        codes.phone_code(cert(), DEVICE, datetime(9000, 1, 1, tzinfo=UTC))

    keys = KeyFile(tmp_path / "keys.json")
    keys.new_key(day)
    for serial in (0, 65536):
        with pytest.raises(InvalidInput, match="serial"):
            issue_card(keys, "M00000001", serial, day)
    with pytest.raises(InvalidInput, match=r"0\.\.255"):
        keys.new_key(day, 256)
    with pytest.raises(InvalidInput, match="already exists"):
        keys.new_key(day, 1)
    with pytest.raises(InvalidInput):
        issue_card(keys, "1", 1, day)
    assert issue_card(keys, "M00000001", 65535, day).startswith("LS1")


# --- fuzzing -------------------------------------------------------------------------------
FUZZ = settings(max_examples=150, deadline=None)


def never_accepted(text: str) -> Verdict:
    result = check(text)  # never raises
    assert result.verdict is not Verdict.ACCEPTED, text
    assert (result.decoded is None) == (result.verdict in (Verdict.NOT_LANTERN, Verdict.MALFORMED))
    return result.verdict


@FUZZ
@given(st.text())
def test_fuzz_any_text(text: str) -> None:
    never_accepted(text)


@FUZZ
@given(st.text(alphabet=string.printable, max_size=450))
def test_fuzz_ascii(text: str) -> None:
    never_accepted(text)


@FUZZ
@given(
    st.sampled_from([codes.STATIC_PREFIX, codes.PHONE_PREFIX]),
    st.one_of(
        st.text(alphabet=B32, max_size=400),
        st.sampled_from([117, 274]).flatmap(
            lambda n: st.text(alphabet=B32, min_size=n, max_size=n)
        ),
    ),
)
def test_fuzz_base32_with_a_lantern_prefix(prefix: str, body: str) -> None:
    never_accepted(prefix + body)


def b32(data: bytes) -> str:
    return base64.b32encode(data).decode().rstrip("=")


@FUZZ
@given(
    st.sampled_from([0, 1, 2, 9, 255]),
    st.integers(0, 2**32 - 1),
    st.integers(0, 65535),
    st.integers(0, 65535),
    st.binary(min_size=64, max_size=64),
)
def test_fuzz_static_fields_with_a_random_signature(
    key_id: int, member: int, serial: int, day: int, sig: bytes
) -> None:
    head = key_id.to_bytes(1, "big") + member.to_bytes(4, "big")
    head += serial.to_bytes(2, "big") + day.to_bytes(2, "big")
    v = never_accepted("LS1" + b32(head + sig))
    assert v is (Verdict.FORGED if key_id in KEYS else Verdict.UNKNOWN_KEY)


@FUZZ
@given(
    st.sampled_from([1, 2, 7]),
    st.integers(0, 2**32 - 1),
    st.one_of(st.binary(min_size=32, max_size=32), st.just(codes.public_bytes(DEVICE))),
    st.binary(min_size=64, max_size=64),
    st.integers(-3, 3),
    st.binary(min_size=64, max_size=64),
)
def test_fuzz_phone_fields_with_random_signatures(
    key_id: int, member: int, device_pub: bytes, cert_sig: bytes, step: int, step_sig: bytes
) -> None:
    expires = codes.day_number(TODAY + timedelta(days=30))
    head = key_id.to_bytes(1, "big") + member.to_bytes(4, "big") + device_pub
    head += expires.to_bytes(2, "big")
    at = (codes.time_step(NOW) + step).to_bytes(4, "big")
    v = never_accepted("LR1" + b32(head + cert_sig + at + step_sig))
    assert v is (Verdict.FORGED if key_id in KEYS else Verdict.UNKNOWN_KEY)


@FUZZ
@given(st.integers(-3, 3), st.binary(min_size=64, max_size=64))
def test_fuzz_a_genuine_certificate_with_a_random_device_signature(
    step: int, step_sig: bytes
) -> None:
    at = (codes.time_step(NOW) + step).to_bytes(4, "big")
    assert never_accepted("LR1" + b32(cert() + at + step_sig)) is Verdict.FORGED


@FUZZ
@given(st.data())
def test_fuzz_random_edits_of_valid_codes(data: st.DataObject) -> None:
    text = data.draw(st.sampled_from([VALID_STATIC, VALID_PHONE]))
    edits = data.draw(st.integers(1, 6))
    chars = list(text)
    for _ in range(edits):
        i = data.draw(st.integers(0, len(chars) - 1))
        op = data.draw(st.sampled_from(["replace", "delete", "insert"]))
        c = data.draw(st.sampled_from(B32 + "01=-. "))
        if op == "replace":
            chars[i] = c
        elif op == "delete":
            del chars[i]
        else:
            chars.insert(i, c)
    edited = "".join(chars)
    if edited.strip() == text:
        return  # the edits undid themselves (or only added surrounding spaces)
    never_accepted(edited)


def test_a_retired_key_cannot_certify_new_phones() -> None:
    # Given key 1 retired on 2026-01-01 (say it leaked)
    issuer, device = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    now = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    keys = {1: codes.IssuerKey(1, codes.public_bytes(issuer), date(2026, 1, 1))}
    pub = codes.public_bytes(device)

    def verdict(expires: date) -> codes.Verdict:
        cert = codes.certify_device(issuer, 1, 2, pub, expires)
        text = codes.phone_code(cert, device, now)
        return codes.check(text, now, keys, lambda _n: None, lambda _n, _s: False).verdict

    # a certificate it made after retirement (any life under 90 days ends after 2026-03-31)
    assert verdict(date(2026, 12, 20)) is codes.Verdict.FORGED
    # a certificate claiming a life longer than 90 days is forged whatever the key
    assert verdict(date(2170, 1, 1)) is codes.Verdict.FORGED
    # one made before retirement has long expired by now
    assert verdict(date(2026, 2, 1)) is codes.Verdict.CERT_EXPIRED
