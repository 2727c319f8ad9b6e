"""The vault: secrets outside the store database, in the OS keyring or a 0600 file."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest

from desktop.store import vault as vault_mod
from desktop.store.vault import Vault, copy_vault, vault_file, vault_for

pytestmark = pytest.mark.store


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_headless_keyring_falls_back_to_a_0600_file_beside_the_database(tmp_path: Path) -> None:
    # Given keyring with no usable backend (the tests' PYTHON_KEYRING_BACKEND: fail)
    db = tmp_path / "shop" / "store.db"
    v = vault_for(db)
    assert not vault_mod.keyring_usable()
    # When secrets are put, read, replaced and deleted
    assert v.get("pin_pepper") is None
    v.put("pin_pepper", "p1")
    v.put("chain_key", "c1")
    v.put("pin_pepper", "p2")
    # Then they are in <db>.vault, mode 0600, folder 0700, and read back by a new vault
    assert v.file == vault_file(db) == tmp_path / "shop" / "store.db.vault"
    assert mode(v.file) == 0o600
    assert mode(v.file.parent) == 0o700
    again = vault_for(tmp_path / "shop" / ".." / "shop" / "store.db")
    assert (again.get("pin_pepper"), again.get("chain_key")) == ("p2", "c1")
    v.delete("pin_pepper")
    v.delete("pin_pepper")  # deleting what is not there is no error
    assert again.get("pin_pepper") is None and again.get("chain_key") == "c1"
    v.delete("chain_key")
    assert not v.file.exists()


def test_one_vault_per_database_file_and_a_copy_takes_its_secrets(tmp_path: Path) -> None:
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    vault_for(a).put("headoffice_secret", "s-a")
    assert vault_for(b).get("headoffice_secret") is None
    copy_vault(a, b)
    assert vault_for(b).get("headoffice_secret") == "s-a"


class MemoryKeyring:
    """A keyring backend that works, as on a desktop (Credential Manager, Keychain)."""

    def __init__(self) -> None:
        self.data: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, user: str) -> str | None:
        return self.data.get((service, user))

    def set_password(self, service: str, user: str, value: str) -> None:
        self.data[(service, user)] = value

    def delete_password(self, service: str, user: str) -> None:
        del self.data[(service, user)]


def test_a_working_keyring_holds_the_secrets_and_no_file_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ring = MemoryKeyring()
    monkeypatch.setattr(vault_mod, "_keyring", lambda: ring)
    db = tmp_path / "store.db"
    v = Vault(db)
    v.put("headoffice_secret", "s3cret")
    assert not vault_file(db).exists()
    key = vault_mod.vault_key(db)
    assert ring.data == {("lantern", f"{key}/headoffice_secret"): "s3cret"}
    assert Vault(db).get("headoffice_secret") == "s3cret"
    v.delete("headoffice_secret")
    assert ring.data == {}


def test_a_keyring_that_fails_at_run_time_leaves_the_secret_in_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Locked(MemoryKeyring):
        def set_password(self, *a: Any) -> None:
            raise RuntimeError("the keyring is locked")

    monkeypatch.setattr(vault_mod, "_keyring", Locked)
    db = tmp_path / "store.db"
    Vault(db).put("pin_pepper", "p")
    assert mode(vault_file(db)) == 0o600
    assert Vault(db).get("pin_pepper") == "p"


def test_no_viable_backend_is_detected(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backends import chainer, fail

    monkeypatch.setattr(keyring, "get_keyring", fail.Keyring)
    assert vault_mod._keyring() is None
    empty = chainer.ChainerBackend()
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [], raising=False)
    monkeypatch.setattr(keyring, "get_keyring", lambda: empty)
    assert vault_mod._keyring() is None
    monkeypatch.setenv("LANTERN_VAULT", "file")
    monkeypatch.setattr(keyring, "get_keyring", MemoryKeyring)
    assert vault_mod._keyring() is None


def test_a_damaged_vault_file_is_named(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    vault_file(db).write_text("{not json", encoding="utf-8")
    with pytest.raises(vault_mod.VaultError, match=r"store\.db\.vault is damaged"):
        vault_for(db).get("pin_pepper")
