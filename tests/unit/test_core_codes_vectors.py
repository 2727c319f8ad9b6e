"""The published member-code vectors (docs/member-code-vectors.json): every till must give
exactly these verdicts, and the file is exactly what scripts/make_code_vectors.py writes."""

from __future__ import annotations

import importlib.util
import json
from datetime import date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from desktop.core import codes

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "docs" / "member-code-vectors.json"
SCRIPT = ROOT / "scripts" / "make_code_vectors.py"

DOC: dict[str, Any] = json.loads(VECTORS.read_text(encoding="utf-8"))


def _check(text: str) -> codes.CheckResult:
    keys = {
        int(k["key_id"]): codes.IssuerKey(
            int(k["key_id"]),
            bytes.fromhex(k["public"]),
            date.fromisoformat(k["not_after"]) if k.get("not_after") else None,
        )
        for k in DOC["trusted_keys"]
    }
    serials = {int(no): int(serial) for no, serial in DOC["current_serials"].items()}
    revoked = {(int(no), int(serial)) for no, serial in DOC["revoked"]}
    return codes.check(
        text,
        datetime.fromisoformat(DOC["now"]),
        keys,
        serials.get,
        lambda no, serial: (no, serial) in revoked,
        codes.Policy(card_valid_years=int(DOC["card_valid_years"])),
    )


@pytest.mark.parametrize("vector", DOC["vectors"], ids=[v["name"] for v in DOC["vectors"]])
def test_vector_gets_its_verdict_and_member(vector: dict[str, Any]) -> None:
    result = _check(vector["text"])

    assert result.verdict.value == vector["verdict"]
    if vector["member_id"] is None:
        assert result.verdict is not codes.Verdict.ACCEPTED
    else:
        assert result.ok
        assert result.decoded is not None
        assert codes.member_id(result.decoded.member_no) == vector["member_id"]


def test_the_vectors_cover_every_verdict_but_replayed() -> None:
    # replayed needs the store's replay cache: tests/store/test_member_codes.py covers it
    seen = {v["verdict"] for v in DOC["vectors"]}
    assert seen == {v.value for v in codes.Verdict} - {codes.Verdict.REPLAYED.value}


def test_the_vectors_have_the_documented_lengths() -> None:
    for v in DOC["vectors"]:
        if v["verdict"] == "accepted":
            expected = 120 if v["text"].startswith(codes.STATIC_PREFIX) else 277
            assert len(v["text"]) == expected, v["name"]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_code_vectors", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_script_reproduces_the_file_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = _script()
    out = tmp_path / "vectors.json"
    monkeypatch.setattr(script, "OUT", out)

    script.main()

    assert out.read_bytes() == VECTORS.read_bytes()
