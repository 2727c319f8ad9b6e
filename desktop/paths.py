"""Where Lantern keeps its files on this machine, in the folders each OS expects
(platformdirs):

| what | Linux | Windows | macOS |
|---|---|---|---|
| data: the store database, its printouts, reports, backups, the demo store | `~/.local/share/lantern` | `%LOCALAPPDATA%\\Lantern` | `~/Library/Application Support/Lantern` |
| logs (rotating) | `~/.local/state/lantern/log` | `%LOCALAPPDATA%\\Lantern\\Logs` | `~/Library/Logs/Lantern` |
| settings: `lantern.toml` | `~/.config/lantern` | `%LOCALAPPDATA%\\Lantern` | `~/Library/Application Support/Lantern` |

The XDG variables move the Linux folders; `$LANTERN_LOG_DIR` moves the logs anywhere.
The store database is, first found: `--db`, `$LANTERN_DB`, `db = "…"` in lantern.toml, or
`store.db` in the data folder. Only the settings file is read here; nothing is written."""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path
from typing import Any

import platformdirs

from desktop.core.errors import InvalidInput

APP = "lantern" if sys.platform.startswith("linux") else "Lantern"
SETTINGS_FILE = "lantern.toml"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def log_dir() -> Path:
    return Path(
        os.environ.get("LANTERN_LOG_DIR") or platformdirs.user_log_dir(APP, appauthor=False)
    )


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP, appauthor=False, roaming=False))


def settings_path() -> Path:
    return config_dir() / SETTINGS_FILE


def machine_settings() -> dict[str, Any]:
    """lantern.toml, or {} when there is none. A broken file is an error that names it."""
    path = settings_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as e:
        raise InvalidInput(f"cannot read the settings file {path}: {e}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InvalidInput(
            f"the settings file {path} is not valid TOML: {e}; fix or remove it"
        ) from None


def configured_db() -> Path | None:
    """The store database this machine is set up for ($LANTERN_DB, then lantern.toml),
    or None when neither names one."""
    if os.environ.get("LANTERN_DB"):
        return Path(os.environ["LANTERN_DB"])
    db = machine_settings().get("db")
    if db is None:
        return None
    if not isinstance(db, str) or not db.strip():
        raise InvalidInput(
            f'`db` in {settings_path()} must be a file path, e.g. db = "D:/Lantern/store.db"'
        )
    return Path(db).expanduser()


def default_db() -> Path:
    return configured_db() or data_dir() / "store.db"


def default_demo_db() -> Path:
    return data_dir() / "demo.db"
