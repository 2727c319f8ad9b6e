"""Secrets kept outside the store database: a minimal stand-in (a 0600 JSON file beside the
database, `<db path>.vault`). The `secrets` branch brings the real one (OS keyring, else
such a file) with exactly this API; nothing here may be relied on beyond it."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path


class Vault:
    """Secrets kept outside the store database (OS keyring, else a 0600 file)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return {str(k): str(v) for k, v in data.items()}

    def get(self, name: str) -> str | None:
        return self._load().get(name)

    def put(self, name: str, value: str) -> None:
        data = self._load()
        data[name] = value
        self._save(data)

    def delete(self, name: str) -> None:
        data = self._load()
        if data.pop(name, None) is None:
            return
        if data:
            self._save(data)
        else:
            self.path.unlink(missing_ok=True)

    def _save(self, data: dict[str, str]) -> None:
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)


def vault_for(db_path: Path) -> Vault:
    """One vault per store database file."""
    db_path = Path(db_path)
    return Vault(db_path.with_name(db_path.name + ".vault"))
