"""Where the store database is: --db, then $LANTERN_DB, then `db` in lantern.toml (the
settings folder), then store.db in the data folder — the folders each OS expects."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.cli

ROOT = Path(__file__).resolve().parents[2]


def lantern(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LANTERN_", "XDG_"))}
    base |= {"HOME": str(home), "XDG_STATE_HOME": str(home / "state")}
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        capture_output=True, text=True, env=base | env, cwd=ROOT, timeout=120,
    )  # fmt: skip


def init(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return lantern(home, "store", "init", "--store-id", "SH001", "--name-zh", "店", *args, **env)


def test_the_store_lives_in_the_user_data_folder_by_default(tmp_path: Path) -> None:
    r = init(tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / ".local" / "share" / "lantern" / "store.db").is_file()
    # and the log in the user log folder (XDG state)
    assert (tmp_path / "state" / "lantern" / "log" / "lantern.log").is_file()


def test_db_option_then_environment_then_settings_file(tmp_path: Path) -> None:
    settings = tmp_path / ".config" / "lantern" / "lantern.toml"
    settings.parent.mkdir(parents=True)
    settings.write_text(f'db = "{tmp_path / "from-settings.db"}"\n', encoding="utf-8")
    # the settings file, when nothing else names a store
    assert init(tmp_path).returncode == 0
    assert (tmp_path / "from-settings.db").is_file()
    # $LANTERN_DB over the settings file
    assert init(tmp_path, LANTERN_DB=str(tmp_path / "from-env.db")).returncode == 0
    assert (tmp_path / "from-env.db").is_file()
    # --db over both
    r = init(tmp_path, "--db", str(tmp_path / "from-option.db"), LANTERN_DB=str(tmp_path / "x.db"))
    assert r.returncode == 0
    assert (tmp_path / "from-option.db").is_file() and not (tmp_path / "x.db").exists()
    assert not (tmp_path / ".local" / "share" / "lantern" / "store.db").exists()


def test_a_broken_settings_file_is_named(tmp_path: Path) -> None:
    settings = tmp_path / ".config" / "lantern" / "lantern.toml"
    settings.parent.mkdir(parents=True)
    settings.write_text("db = [unclosed\n", encoding="utf-8")
    r = lantern(tmp_path, "gift", "list")
    assert r.returncode == 1
    assert f"the settings file {settings} is not valid TOML" in r.stderr
    assert "Traceback" not in r.stderr
