"""Member codes through the `lantern` command: head-office keys and cards (PNG and PDF),
decoding card images, the demo's cards, and the till refusing what it must."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import cv2
import numpy as np
import pytest

from desktop.core import codes

pytestmark = pytest.mark.cli

HEX_KEY = re.compile(r"[0-9a-f]{64}")


def lantern(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    return subprocess.run(
        [sys.executable, "-m", "desktop", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=60,
    )


def ok(*args: str | Path, cwd: Path) -> str:
    r = lantern(*args, cwd=cwd)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    return r.stdout


def failed(*args: str | Path, cwd: Path) -> str:
    """The command fails cleanly (status 1, a `lantern: error:` line, no traceback)."""
    r = lantern(*args, cwd=cwd)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    assert r.stderr.startswith("lantern: error: ")
    return r.stderr


def table(path: Path, sql: str) -> list[tuple[object, ...]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    out = ok("headoffice", "key", "new", "--keys", "keys.json", cwd=tmp_path)
    assert re.fullmatch(r"1\t[0-9a-f]{64}\n", out)
    return tmp_path / "keys.json"


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    ok("demo", "--db", "demo.db", "--no-window", cwd=tmp_path)
    return tmp_path / "demo.db"


def show(db: Path, code: str) -> subprocess.CompletedProcess[str]:
    return lantern("member", "show", "--db", db, code, cwd=db.parent)


# --- head-office keys ------------------------------------------------------------------------
def test_key_new_prints_the_key_id_and_public_key(tmp_path: Path, keys: Path) -> None:
    second = ok("headoffice", "key", "new", "--keys", keys, cwd=tmp_path)
    listed = ok("headoffice", "key", "list", "--keys", keys, cwd=tmp_path)

    first = listed.splitlines()[0].split("\t")
    assert re.fullmatch(r"2\t[0-9a-f]{64}\n", second)
    assert [line.split("\t")[0] for line in listed.splitlines()] == ["1", "2"]
    assert HEX_KEY.fullmatch(first[1]) and first[2] == ""
    assert second.split("\t")[1].strip() == listed.splitlines()[1].split("\t")[1]
    if os.name == "posix":
        assert keys.stat().st_mode & 0o777 == 0o600  # private keys: owner only
    err = failed("headoffice", "key", "new", "--keys", keys, "--key-id", "256", cwd=tmp_path)
    assert "0..255" in err


# --- printable cards -------------------------------------------------------------------------
def test_a_png_card_decodes_to_the_printed_code(tmp_path: Path, keys: Path) -> None:
    out = ok(
        "headoffice",
        "card",
        "--keys",
        keys,
        "--member",
        "M00000001",
        "--card-number",
        "8800000000013",
        "--out",
        "card.png",
        cwd=tmp_path,
    )
    code = out.strip()
    assert out == code + "\n"
    assert len(code) == 120 and code.startswith("LS1")
    parsed = codes.parse(code)
    assert isinstance(parsed, codes.Decoded) and parsed.static is not None
    assert parsed.static == codes.StaticCard(1, 1, 1, date.today())
    assert cv2.imwrite(str(tmp_path / "blank.png"), np.full((300, 300), 255, np.uint8))

    r = lantern("decode-qr", "card.png", "blank.png", "missing.png", cwd=tmp_path)

    assert r.stdout.splitlines() == [f"card.png\t{code}", "blank.png\t", "missing.png\t"]
    assert r.returncode == 1
    assert "missing.png" in r.stderr and r.stderr.startswith("lantern: error: ")
    assert "Traceback" not in r.stderr


def test_the_card_code_is_qr_version_5_at_level_m(tmp_path: Path, keys: Path) -> None:
    from headoffice.cards import qr_version

    card = ok("headoffice", "card", "--keys", keys, "--member", "M00000001", cwd=tmp_path)
    assert qr_version(card.strip()) == 5


def pdf_fonts(path: Path) -> list[tuple[str, str]]:
    """(name, embedded) for each font pdffonts lists."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    found = []
    for line in out.stdout.splitlines()[2:]:
        m = re.match(r"(\S+)\s.*\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", line)
        assert m, line
        found.append((m.group(1), m.group(2)))
    return found


def test_a_pdf_card_has_the_name_the_number_and_only_embedded_fonts(
    tmp_path: Path, keys: Path
) -> None:
    from desktop.scanning.decode import decode_file

    out = ok(
        "headoffice",
        "card",
        "--keys",
        keys,
        "--member",
        "M00000001",
        "--card-number",
        "8800000000013",
        "--name",
        "张伟",
        "--out",
        "card.pdf",
        cwd=tmp_path,
    )
    pdf = tmp_path / "card.pdf"

    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "张伟" in text
    assert "8800 0000 0001 3" in text
    assert "灯笼会员 Lantern Rewards" in text
    fonts = pdf_fonts(pdf)
    assert fonts, "no fonts at all"
    assert all(embedded == "yes" for _, embedded in fonts), fonts
    # the vector QR on the printed card reads back as the code
    subprocess.run(
        ["pdftoppm", "-r", "300", "-png", "-singlefile", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    assert decode_file(tmp_path / "page.png") == out.strip()


# --- the demo store's cards ------------------------------------------------------------------
def test_demo_cards_are_accepted_and_the_lost_card_is_refused(demo: Path) -> None:
    folder = demo.parent / "demo-cards"
    names = sorted(p.name for p in folder.glob("*.png"))
    assert "M00000003-old-card-1.png" in names
    assert len(names) == 7

    decoded = lantern("decode-qr", *sorted(folder.glob("*.png")), cwd=demo.parent)
    assert decoded.returncode == 0, decoded.stderr
    found = dict(line.split("\t") for line in decoded.stdout.splitlines())
    assert len(found) == 7

    for name, code in found.items():
        member = Path(name).stem
        if member.endswith("-old-card-1"):
            r = show(demo, code)
            assert r.returncode == 1
            assert "card revoked" in r.stderr
            continue
        r = show(demo, code)
        assert r.returncode == 0, (name, r.stderr)
        shown = json.loads(r.stdout)
        assert shown["member_id"] == member
        assert shown["identified_by"] == "static"


def test_the_demo_keeps_head_office_private_keys_out_of_the_store(demo: Path) -> None:
    keyfile = json.loads((demo.parent / "demo-headoffice-keys.json").read_text("utf-8"))
    private = keyfile["keys"][0]["private"]
    public = table(demo, "SELECT key_id, public FROM issuer_keys")
    assert len(public) == 1 and public[0][0] == 1
    for f in demo.parent.glob("demo.db*"):
        assert private.encode() not in f.read_bytes(), f


def test_store_card_revoke_and_reissue(demo: Path) -> None:
    cards = demo.parent / "demo-cards"
    decoded = ok("decode-qr", cards / "M00000001.png", cards / "M00000002.png", cwd=demo.parent)
    alice, bob = (line.split("\t")[1] for line in decoded.splitlines())

    ok(
        "store",
        "card-revoke",
        "--db",
        demo,
        "--member",
        "M00000001",
        "--serial",
        "1",
        cwd=demo.parent,
    )
    ok(
        "store",
        "card-reissue",
        "--db",
        demo,
        "--member",
        "M00000002",
        "--serial",
        "2",
        cwd=demo.parent,
    )

    assert "card revoked" in show(demo, alice).stderr
    assert "card revoked" in show(demo, bob).stderr
    new = ok(
        "headoffice",
        "card",
        "--keys",
        "demo-headoffice-keys.json",
        "--member",
        "M00000002",
        "--serial",
        "2",
        cwd=demo.parent,
    )
    assert json.loads(show(demo, new.strip()).stdout)["member_id"] == "M00000002"
    err = failed(
        "store",
        "card-reissue",
        "--db",
        demo,
        "--member",
        "M99999999",
        "--serial",
        "2",
        cwd=demo.parent,
    )
    assert "unknown member" in err


# --- trusting keys at the store --------------------------------------------------------------
def test_store_key_refuses_bad_input_with_a_clear_message(tmp_path: Path, keys: Path) -> None:
    db = tmp_path / "store.db"
    ok("store", "init", "--db", db, "--store-id", "SH009", "--name-zh", "测试店", cwd=tmp_path)
    public = HEX_KEY.search(ok("headoffice", "key", "list", "--keys", keys, cwd=tmp_path))
    assert public is not None

    for bad in ("zz", "12" * 31, "12" * 33, "ab" * 31 + "g1"):
        err = failed("store", "key", "--db", db, "--key-id", "1", "--public", bad, cwd=tmp_path)
        assert "--public must be the key's 32 bytes as 64 hex digits" in err
    err = failed("store", "key", "--db", db, "--key-id", "300", "--public", public[0], cwd=tmp_path)
    assert "0..255" in err
    err = failed(
        "store",
        "key",
        "--db",
        db,
        "--key-id",
        "1",
        "--public",
        public[0],
        "--not-after",
        "soon",
        cwd=tmp_path,
    )
    assert "--not-after" in err
    assert table(db, "SELECT * FROM issuer_keys") == []

    out = ok("store", "key", "--db", db, "--key-id", "1", "--public", public[0], cwd=tmp_path)
    assert out == "head-office key 1 trusted\n"
    assert table(db, "SELECT key_id, public, not_after FROM issuer_keys") == [(1, public[0], None)]


def test_headoffice_card_with_a_bad_member_id_fails_cleanly(tmp_path: Path, keys: Path) -> None:
    err = failed("headoffice", "card", "--keys", keys, "--member", "1", cwd=tmp_path)
    assert "M + 8 digits" in err
    err = failed(
        "headoffice", "card", "--keys", keys, "--member", "M00000001", "--serial", "0", cwd=tmp_path
    )
    assert "serial" in err


# --- phone codes -----------------------------------------------------------------------------
def test_a_phone_code_is_accepted_once(demo: Path) -> None:
    code = ok(
        "headoffice",
        "phone-code",
        "--keys",
        "demo-headoffice-keys.json",
        "--member",
        "M00000002",
        cwd=demo.parent,
    ).strip()
    assert code.startswith("LR1") and len(code) == 277

    first = show(demo, code)
    second = show(demo, code)

    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["identified_by"] == "rotating"
    assert second.returncode == 1
    assert "already used" in second.stderr
    assert table(demo, "SELECT member_id FROM code_uses") == [("M00000002",)]
