"""Regenerate docs/member-code-vectors.json: member codes and the verdicts a till must give.

Keys come from fixed seeds, and Ed25519 signatures are deterministic, so the file is the
same on every run: `python scripts/make_code_vectors.py` must leave git clean."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from desktop.core import codes

OUT = Path(__file__).resolve().parents[1] / "docs" / "member-code-vectors.json"
NOW = datetime(2026, 11, 26, 10, 0, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY = NOW.date()


def key(seed: int) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes((seed + i) % 256 for i in range(32)))


K1, K2, K9 = key(1), key(101), key(201)  # K9 is not trusted by the till
DEV, DEV2 = key(51), key(151)


def flip(text: str, at: int) -> str:
    c = "B" if text[at] == "A" else "A"
    return text[:at] + c + text[at + 1 :]


def phone(member: int, now: datetime, cert_expires: date, device: Ed25519PrivateKey = DEV) -> str:
    cert = codes.certify_device(K1, 1, member, codes.public_bytes(device), cert_expires)
    return codes.phone_code(cert, device, now)


def main() -> None:
    valid = codes.issue_static(K1, 1, 1, 1, date(2026, 3, 1))
    good_phone = phone(2, NOW, TODAY + timedelta(days=90))
    cert = codes.certify_device(K1, 1, 2, codes.public_bytes(DEV), TODAY + timedelta(days=90))
    wrong_device = codes.phone_code(cert, DEV2, NOW)  # signed by a device the cert does not name
    vectors = [
        ("static card, current serial", valid, "accepted", "M00000001"),
        (
            "static card signed by the second (rotated) key",
            codes.issue_static(K2, 2, 4, 1, date(2026, 10, 1)),
            "accepted",
            "M00000004",
        ),
        ("static card, one character of the signature changed", flip(valid, 100), "forged", None),
        ("static card, member number changed after signing", flip(valid, 10), "forged", None),
        (
            "static card signed by an unknown key id",
            codes.issue_static(K9, 9, 1, 1, date(2026, 3, 1)),
            "unknown_key",
            None,
        ),
        (
            "static card signed by a stranger claiming key id 1",
            codes.issue_static(K9, 1, 1, 1, date(2026, 3, 1)),
            "forged",
            None,
        ),
        (
            "static card whose serial was revoked",
            codes.issue_static(K1, 1, 7, 1, date(2025, 5, 1)),
            "revoked",
            None,
        ),
        (
            "static card replaced by a newer card (serial 2 < 3)",
            codes.issue_static(K1, 1, 8, 2, date(2025, 5, 1)),
            "revoked",
            None,
        ),
        (
            "static card older than ten years",
            codes.issue_static(K1, 1, 5, 1, date(2016, 11, 25)),
            "card_expired",
            None,
        ),
        ("static card truncated", valid[:-10], "malformed", None),
        (
            "static card with a character outside base32",
            valid[:50] + "1" + valid[51:],
            "malformed",
            None,
        ),
        ("phone code made now", good_phone, "accepted", "M00000002"),
        (
            "phone code made 40 seconds ago",
            phone(2, NOW - timedelta(seconds=40), TODAY + timedelta(days=90)),
            "accepted",
            "M00000002",
        ),
        (
            "phone code made 100 seconds ago (a screenshot)",
            phone(2, NOW - timedelta(seconds=100), TODAY + timedelta(days=90)),
            "phone_expired",
            None,
        ),
        (
            "phone code from a phone 2 minutes fast",
            phone(2, NOW + timedelta(minutes=2), TODAY + timedelta(days=90)),
            "phone_clock_ahead",
            None,
        ),
        (
            "phone code with an expired device certificate",
            phone(2, NOW, TODAY - timedelta(days=1)),
            "cert_expired",
            None,
        ),
        ("phone code signed by another device", wrong_device, "forged", None),
        ("a web address", "https://example.com/member/1", "not_lantern", None),
        ("full-width characters", "ＬＳ１ＡＢＣ", "not_lantern", None),
        ("empty", "", "not_lantern", None),
    ]
    doc = {
        "format": "Lantern member codes v1 (see docs/member-codes.md)",
        "now": NOW.isoformat(),
        "trusted_keys": [
            {"key_id": 1, "public": codes.public_bytes(K1).hex()},
            {"key_id": 2, "public": codes.public_bytes(K2).hex()},
        ],
        "current_serials": {"1": 1, "4": 1, "5": 1, "7": 1, "8": 3},
        "revoked": [[7, 1]],
        "card_valid_years": 10,
        "vectors": [{"name": n, "text": t, "verdict": v, "member_id": m} for n, t, v, m in vectors],
    }
    OUT.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(vectors)} vectors to {OUT}")


if __name__ == "__main__":
    main()
