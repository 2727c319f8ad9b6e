"""Files and folders only this user may read: the store database (and its -wal and -shm),
its backups, the print archive, the logs and the vault are created 0600 in folders 0700.

On Windows the modes mean little (the user's own profile folders are private already);
the calls are harmless there."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Make `path` and any missing parents, each new one 0700. A folder that exists
    already keeps its mode: it may be the user's own (their home, /tmp)."""
    missing: list[Path] = []
    p = Path(path)
    while not p.exists() and p != p.parent:
        missing.append(p)
        p = p.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue
        os.chmod(folder, DIR_MODE)  # mkdir's mode is filtered by the umask
    return Path(path)


def private_file(path: Path) -> None:
    """Create `path` empty with mode 0600 if it does not exist yet."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return
    os.close(fd)


def tighten(*paths: Path) -> None:
    """Take group and other permissions off files that exist (older Lantern made them
    0644). Files that cannot be changed (read-only disk, not ours) are left as they are."""
    for path in paths:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077:
                os.chmod(path, mode & 0o700)
        except FileNotFoundError:
            continue
        except OSError as e:
            log.info("cannot take others' permissions off %s: %s", path, e)
