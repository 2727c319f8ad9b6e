"""`lantern vault export` / `import`: a till that lost its disk comes back from a backup and
the escrow of its vault, as real subprocesses on a demo store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.store.vault import vault_for
from tests.cli.test_cli import lantern

pytestmark = pytest.mark.cli

PHRASE = "lantern store 7 escrow"


def _redeem(db: Path) -> str:
    r = lantern(
        "redeem", "--member", "M00000002", "--gift", "G101", "--cashier", "C01", "--no-print",
        "--override-manager", "M01", pin="1111", manager_pin="9999", db=db,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    return r.stdout.split()[0]


def test_a_new_disk_comes_back_from_a_backup_and_the_vault_escrow(
    demo_path: Path, tmp_path: Path
) -> None:
    # Given a backup of the demo store and an escrow of its vault
    r = lantern("backup", "--folder", str(tmp_path / "bk"), db=demo_path)
    assert r.returncode == 0, r.stderr
    backup = Path(r.stdout.splitlines()[-1])
    escrow = tmp_path / "vault.escrow"
    e = lantern("vault", "export", str(escrow), "--manager", "M01", manager_pin="9999",
                stdin=PHRASE + "\n", db=demo_path)  # fmt: skip
    assert e.returncode == 0, e.stderr
    assert escrow.stat().st_mode & 0o777 == 0o600
    text = escrow.read_text()
    secrets = {n: vault_for(demo_path).get(n) for n in ("pin_pepper", "chain_key")}
    assert all(v and v not in text for v in secrets.values())  # names readable, values not
    assert json.loads(text)["names"] == sorted(
        n for n in ("chain_key", "headoffice_secret", "pin_pepper") if vault_for(demo_path).get(n)
    )
    # And a second export does not overwrite the first
    again = lantern("vault", "export", str(escrow), "--manager", "M01", manager_pin="9999",
                    stdin=PHRASE + "\n", db=demo_path)  # fmt: skip
    assert again.returncode == 1 and "already exists" in again.stderr
    assert escrow.read_text() == text

    # When the disk is lost: a new database path with an empty vault
    new = tmp_path / "newdisk" / "store.db"
    new.parent.mkdir()
    wrong = lantern("vault", "import", str(escrow), stdin="not the phrase\n", db=new)
    # Then a wrong passphrase is refused and puts nothing
    assert wrong.returncode == 1 and "passphrase" in wrong.stderr
    assert vault_for(new).get("pin_pepper") is None
    ok = lantern("vault", "import", str(escrow), stdin=PHRASE + "\n", db=new)
    assert ok.returncode == 0, ok.stderr
    assert {n: vault_for(new).get(n) for n in secrets} == secrets
    restored = lantern("restore", str(backup), "--no-recover", db=new)
    assert restored.returncode == 0, restored.stderr
    # Then the restored store checks clean (its seals verify) and its staff can log in
    check = lantern("store", "check", db=new)
    assert check.returncode == 0, check.stdout + check.stderr
    assert _redeem(new)

    # And without the escrow (the negative control) the same backup comes back unverifiable
    # and nobody can log in: the PIN pepper went with the old disk
    bare = tmp_path / "bare" / "store.db"
    bare.parent.mkdir()
    assert lantern("restore", str(backup), "--no-recover", db=bare).returncode == 0
    assert lantern("store", "check", db=bare).returncode != 0
    login = lantern(
        "redeem", "--member", "M00000002", "--gift", "G101", "--cashier", "C01", "--no-print",
        "--override-manager", "M01", pin="1111", manager_pin="9999", db=bare,
    )  # fmt: skip
    assert login.returncode != 0


def test_an_escrow_never_overwrites_different_secrets_unless_told(
    demo_path: Path, tmp_path: Path
) -> None:
    escrow = tmp_path / "vault.escrow"
    e = lantern("vault", "export", str(escrow), "--manager", "M01", manager_pin="9999",
                stdin=PHRASE + "\n", db=demo_path)  # fmt: skip
    assert e.returncode == 0, e.stderr
    other = tmp_path / "other.db"
    vault_for(other).put("chain_key", "a-different-key")
    refused = lantern("vault", "import", str(escrow), stdin=PHRASE + "\n", db=other)
    assert refused.returncode == 1 and "chain_key" in refused.stderr
    assert vault_for(other).get("chain_key") == "a-different-key"
    assert vault_for(other).get("pin_pepper") is None  # nothing put, not even the others
    forced = lantern("vault", "import", str(escrow), "--replace", stdin=PHRASE + "\n", db=other)
    assert forced.returncode == 0, forced.stderr
    assert vault_for(other).get("chain_key") == vault_for(demo_path).get("chain_key")


def test_a_short_passphrase_a_damaged_file_and_no_manager_are_refused(
    demo_path: Path, tmp_path: Path
) -> None:
    short = lantern("vault", "export", str(tmp_path / "a"), "--manager", "M01",
                    manager_pin="9999", stdin="short\n", db=demo_path)  # fmt: skip
    assert short.returncode == 1 and "too short" in short.stderr
    assert not (tmp_path / "a").exists()
    cashier = lantern("vault", "export", str(tmp_path / "b"), "--manager", "C01",
                      manager_pin="1111", stdin=PHRASE + "\n", db=demo_path)  # fmt: skip
    assert cashier.returncode != 0 and not (tmp_path / "b").exists()
    good = tmp_path / "c"
    assert lantern("vault", "export", str(good), "--manager", "M01", manager_pin="9999",
                   stdin=PHRASE + "\n", db=demo_path).returncode == 0  # fmt: skip
    doc = json.loads(good.read_text())
    flipped = (
        doc["ciphertext"][:-6]
        + ("A" if doc["ciphertext"][-6] != "A" else "B")
        + doc["ciphertext"][-5:]
    )
    damaged = tmp_path / "d"
    damaged.write_text(json.dumps({**doc, "ciphertext": flipped}))
    r = lantern("vault", "import", str(damaged), stdin=PHRASE + "\n", db=tmp_path / "x.db")
    assert r.returncode == 1 and "passphrase" in r.stderr
    junk = tmp_path / "e"
    junk.write_text("{not json")
    r = lantern("vault", "import", str(junk), stdin=PHRASE + "\n", db=tmp_path / "x.db")
    assert r.returncode == 1 and "damaged" in r.stderr
    assert vault_for(tmp_path / "x.db").get("pin_pepper") is None
