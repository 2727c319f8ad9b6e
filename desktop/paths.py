"""Where Lantern keeps its files on this machine: the store database, the demo store.
Paths only, no I/O."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    if os.name == "nt":
        return Path(os.environ.get("LOCALAPPDATA", Path.home())) / "Lantern"
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "lantern"


def default_db() -> Path:
    return Path(os.environ.get("LANTERN_DB") or data_dir() / "store.db")


def default_demo_db() -> Path:
    return data_dir() / "demo.db"
