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

from desktop.core.errors import InvalidInput, LanternError

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


# --- escrow: the vault's secrets in a file only a passphrase opens ---------------------------
ESCROW_FORMAT = "lantern-vault-escrow-1"
ESCROW_SCRYPT = {"n": 2**15, "r": 8, "p": 1}  # 32 MiB, ~0.1 s: one guess costs as much
MIN_PASSPHRASE = 10


class EscrowError(VaultError):
    """An escrow file that cannot be opened (wrong passphrase, damaged, not an escrow)."""


def _escrow_key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        passphrase.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=2**27, dklen=32
    )


def export_escrow(db_path: Path, passphrase: str) -> bytes:
    """The secrets of the store at `db_path` (every known name it holds), encrypted with
    AES-256-GCM under a key scrypt derives from `passphrase`: what a till needs besides a
    backup to come back on a new disk (the PIN pepper, the head-office secret, the chain key
    its seals verify with). The names are readable, the values are not."""
    import base64

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if len(passphrase) < MIN_PASSPHRASE:
        raise InvalidInput(
            f"the escrow passphrase is too short ({len(passphrase)} characters): use at "
            f"least {MIN_PASSPHRASE}, and keep it apart from the escrow file"
        )
    vault = vault_for(db_path)
    secrets_ = {name: value for name in KNOWN_NAMES if (value := vault.get(name)) is not None}
    if not secrets_:
        raise InvalidInput(
            f"the store {db_path} has no secrets in its vault yet: nothing to escrow "
            "(open the store once, or check the --db path)"
        )
    salt, nonce = os.urandom(16), os.urandom(12)
    key = _escrow_key(passphrase, salt, **ESCROW_SCRYPT)
    sealed = AESGCM(key).encrypt(nonce, json.dumps(secrets_).encode(), ESCROW_FORMAT.encode())
    b64 = base64.b64encode
    doc = {
        "format": ESCROW_FORMAT,
        "names": sorted(secrets_),
        "kdf": {"name": "scrypt", **ESCROW_SCRYPT, "salt": b64(salt).decode()},
        "nonce": b64(nonce).decode(),
        "ciphertext": b64(sealed).decode(),
    }
    return (json.dumps(doc, indent=1) + "\n").encode()


def import_escrow(
    db_path: Path, blob: bytes, passphrase: str, *, replace: bool = False
) -> list[str]:
    """Put the secrets of an escrow file into the vault of the store at `db_path`; returns
    the names put. A name the vault already holds with a different value is refused (the
    store's present seals or PINs depend on it) unless `replace`; nothing is put then."""
    import base64
    import binascii

    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        doc = json.loads(blob.decode("utf-8"))
        if not isinstance(doc, dict) or doc.get("format") != ESCROW_FORMAT:
            raise EscrowError(
                f"this is not a Lantern vault escrow file (format {ESCROW_FORMAT} expected)"
            )
        kdf = doc["kdf"]
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
        if not (2**14 <= n <= 2**20 and 1 <= r <= 16 and 1 <= p <= 4):
            raise EscrowError(f"the escrow file names scrypt costs outside the bounds: {kdf}")
        salt = base64.b64decode(kdf["salt"], validate=True)
        nonce = base64.b64decode(doc["nonce"], validate=True)
        sealed = base64.b64decode(doc["ciphertext"], validate=True)
    except EscrowError:
        raise
    except (ValueError, KeyError, TypeError, binascii.Error) as e:
        raise EscrowError(f"the escrow file is damaged ({e}); use another copy of it") from e
    try:
        plain = AESGCM(_escrow_key(passphrase, salt, n, r, p)).decrypt(
            nonce, sealed, ESCROW_FORMAT.encode()
        )
    except (InvalidTag, ValueError) as e:
        raise EscrowError(
            "the escrow file does not open with this passphrase (wrong passphrase, or the "
            "file was changed): nothing was put in the vault"
        ) from e
    values = json.loads(plain)
    vault = vault_for(db_path)
    wanted = {name: str(values[name]) for name in KNOWN_NAMES if name in values}
    clash = sorted(name for name, value in wanted.items() if vault.get(name) not in (None, value))
    if clash and not replace:
        raise InvalidInput(
            f"the vault of {db_path} already holds a different {', '.join(clash)}: the "
            "store's present seals or PINs depend on it, so nothing was put. Import into a "
            "new database path (before restoring the backup there), or use --replace if "
            "this store's own secrets are the wrong ones"
        )
    for name, value in wanted.items():
        vault.put(name, value)
    log.warning("vault of %s: %s put from an escrow file", db_path, ", ".join(sorted(wanted)))
    return sorted(wanted)
