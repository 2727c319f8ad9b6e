"""Secrets kept outside the store database: the head-office secret, the PIN pepper, the
outbox chain key. A copy of the database file alone gives none of them away.

One vault per store database file, found from its path alone:

- the OS keyring (`keyring`: Windows Credential Manager, macOS Keychain, the Secret Service
  on a Linux desktop), service `lantern`, user `<key>/<name>`, where `<key>` is the first
  32 hex digits of the SHA-256 of the resolved database path;
- else (a headless Linux, whose keyring has no usable backend) the file `<db>.vault`
  beside the database (`store.db` → `store.db.vault`): JSON, mode 0600, written whole
  and renamed into place. It is not the database file, a backup of it, nor any file
  Lantern copies; move or copy it together with the database.

`get` looks in both (a value put while the keyring was unavailable is still found);
`put` writes to the keyring when it works, else the file; `delete` removes it from both.

`$LANTERN_VAULT=file` uses the file alone (tests, a machine whose keyring should not be
used); `PYTHON_KEYRING_BACKEND` chooses keyring's backend as keyring documents it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
from contextlib import suppress
from pathlib import Path
from typing import Any

from desktop.core.errors import LanternError

log = logging.getLogger(__name__)

SERVICE = "lantern"
SUFFIX = ".vault"
FILE_MODE = 0o600


class VaultError(LanternError):
    """The vault cannot be read or written (a damaged file, a keyring that refuses)."""


def vault_key(db_path: Path) -> str:
    """The stable name of a database's vault: a hash of its resolved path."""
    return hashlib.sha256(str(Path(db_path).resolve()).encode()).hexdigest()[:32]


def vault_file(db_path: Path) -> Path:
    """The fallback file of a database: `<db>.vault` beside it."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + SUFFIX)


def _keyring() -> Any | None:
    """keyring's backend when one can hold secrets here, else None (headless Linux:
    keyring.backends.fail, or a chainer with no viable backend)."""
    if os.environ.get("LANTERN_VAULT", "").strip().lower() == "file":
        return None
    try:
        import keyring
        from keyring.backends import chainer, fail
    except ImportError:  # pragma: no cover - keyring is in the till extra
        return None
    try:
        backend = keyring.get_keyring()
    except Exception as e:  # a broken keyring configuration is no keyring
        log.warning("the OS keyring cannot be used (%s); secrets go to the .vault file", e)
        return None
    if isinstance(backend, fail.Keyring):
        return None
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return None
    return backend


def keyring_usable() -> bool:
    return _keyring() is not None


class Vault:
    """Secrets kept outside the store database (OS keyring, else a 0600 file)."""

    def __init__(self, db_path: Path, *, use_keyring: bool | None = None) -> None:
        self.db_path = Path(db_path)
        self.key = vault_key(self.db_path)
        self.file = vault_file(self.db_path)
        self._backend = _keyring() if use_keyring in (None, True) else None

    @property
    def where(self) -> str:
        """Where `put` keeps a secret, for messages: the keyring or the file."""
        if self._backend is not None:
            return f"the OS keyring (service {SERVICE!r}, {self.key}/…)"
        return str(self.file)

    # --- the API ---------------------------------------------------------------------
    def get(self, name: str) -> str | None:
        if self._backend is not None:
            try:
                value = self._backend.get_password(SERVICE, self._user(name))
            except Exception as e:
                log.warning("the OS keyring did not answer (%s); looking in %s", e, self.file)
            else:
                if value is not None:
                    return str(value)
        got = self._read().get(name)
        return None if got is None else str(got)

    def put(self, name: str, value: str) -> None:
        if self._backend is not None:
            try:
                self._backend.set_password(SERVICE, self._user(name), value)
            except Exception as e:
                log.warning("the OS keyring refused a secret (%s); keeping it in %s", e, self.file)
            else:
                self._forget_in_file(name)  # one place holds it
                return
        data = self._read()
        data[name] = value
        self._write(data)

    def delete(self, name: str) -> None:
        if self._backend is not None:
            # keyring raises PasswordDeleteError when there is none
            with suppress(Exception):
                self._backend.delete_password(SERVICE, self._user(name))
        self._forget_in_file(name)

    # --- more ------------------------------------------------------------------------
    def copy_to(self, other: Vault, names: tuple[str, ...]) -> None:
        """Put this vault's `names` into `other` (a copied database keeps its secrets)."""
        for name in names:
            value = self.get(name)
            if value is not None:
                other.put(name, value)

    # --- the file --------------------------------------------------------------------
    def _user(self, name: str) -> str:
        return f"{self.key}/{name}"

    def _forget_in_file(self, name: str) -> None:
        data = self._read()
        if name in data:
            del data[name]
            if data:
                self._write(data)
            else:
                self.file.unlink(missing_ok=True)

    def _read(self) -> dict[str, str]:
        try:
            text = self.file.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as e:
            raise VaultError(f"cannot read the vault file {self.file}: {e}") from e
        try:
            data = json.loads(text)
        except ValueError as e:
            raise VaultError(
                f"the vault file {self.file} is damaged ({e}); restore it from where it was "
                "kept, or remove it and set the store's secrets again"
            ) from e
        if not isinstance(data, dict):
            raise VaultError(f"the vault file {self.file} is damaged (not a JSON object)")
        return {str(k): str(v) for k, v in data.items()}

    def _write(self, data: dict[str, str]) -> None:
        tmp = self.file.with_name(f"{self.file.name}.{os.getpid()}.tmp")
        try:
            self.file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            tmp.unlink(missing_ok=True)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f, indent=1, sort_keys=True)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, FILE_MODE)  # whatever the umask did
            os.replace(tmp, self.file)
        except OSError as e:
            tmp.unlink(missing_ok=True)
            raise VaultError(
                f"cannot write the vault file {self.file} ({e.strerror or e}); nothing was "
                "changed: let Lantern write to that folder or make room on the disk"
            ) from e


def vault_for(db_path: Path) -> Vault:
    """The vault of the store database at `db_path` (one per database file)."""
    return Vault(db_path)


def vault_of(conn: sqlite3.Connection) -> Vault:
    """The vault of the database a connection has open (its main file)."""
    for row in conn.execute("PRAGMA database_list").fetchall():
        if row[1] == "main" and row[2]:
            return vault_for(Path(row[2]))
    raise VaultError("a database in memory has no vault: its secrets cannot be kept")


def copy_vault(src_db: Path, dst_db: Path, names: tuple[str, ...] | None = None) -> None:
    """Give the database copied to `dst_db` the secrets of `src_db` (all known names by
    default). Copying the database file alone leaves them behind on purpose."""
    vault_for(src_db).copy_to(vault_for(dst_db), names or KNOWN_NAMES)


def move_vault(src_db: Path, dst_db: Path, names: tuple[str, ...] | None = None) -> None:
    """The database at `src_db` is renamed to `dst_db`: its secrets go along."""
    copy_vault(src_db, dst_db, names)
    clear_vault(src_db, names)


def clear_vault(db_path: Path, names: tuple[str, ...] | None = None) -> None:
    """Forget the secrets of a database that is removed."""
    vault = vault_for(db_path)
    for name in names or KNOWN_NAMES:
        vault.delete(name)


KNOWN_NAMES = ("headoffice_secret", "pin_pepper", "chain_key")
