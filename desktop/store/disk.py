"""When the disk, not the file, is the trouble: read-only, full, or not ours to write.

SQLite reports these as "attempt to write a readonly database", "database or disk is
full", "disk I/O error" or "unable to open database file" (the last two when it cannot
create the -wal or -shm beside the database). None of them means the file is damaged, and
restoring a backup would replace a healthy store with an older one. `storage_error` looks
at the disk itself (its mount flags, its free space, whether this user may write the file
and its folder) and says which it is and what to do; nothing is changed by looking.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from desktop.core.errors import StorageProblem, StorageUnavailable

#: after an error, less free space than this is a full disk (a redemption writes a few
#: pages to the WAL; SQLite also needs room for the -shm index)
LOW_SPACE = 1024 * 1024
_DISK_CODES = {
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_PERM,
}
_ERRNO = {
    errno.ENOSPC: StorageProblem.DISK_FULL,
    errno.EDQUOT: StorageProblem.DISK_FULL,
    errno.EROFS: StorageProblem.READ_ONLY,
    errno.EACCES: StorageProblem.PERMISSION_DENIED,
    errno.EPERM: StorageProblem.PERMISSION_DENIED,
}


def _primary(e: BaseException) -> int | None:
    code = getattr(e, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def _probe(path: Path) -> tuple[StorageProblem, str] | None:
    """Ask the disk, without changing anything it keeps."""
    folder = path.parent
    try:
        if hasattr(os, "statvfs") and os.statvfs(folder).f_flag & os.ST_RDONLY:
            return StorageProblem.READ_ONLY, "the disk is mounted read-only"
        free = shutil.disk_usage(folder).free
    except OSError:
        free = None
    if free is not None and free < LOW_SPACE:
        return StorageProblem.DISK_FULL, f"{free // 1024} KiB free"
    targets = [p for p in (path, *_companions(path)) if p.exists()]
    for target in targets:
        try:
            os.close(os.open(target, os.O_RDWR))
        except OSError as e:
            if e.errno in _ERRNO:
                return _ERRNO[e.errno], f"{target.name}: {e.strerror}"
    try:  # can SQLite create its -wal and -shm here? (a file made and removed at once)
        fd, probe = tempfile.mkstemp(prefix=".lantern-probe-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        if e.errno in _ERRNO:
            return _ERRNO[e.errno], f"folder {folder}: {e.strerror}"
    return None


def _companions(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def is_disk_error(e: BaseException) -> bool:
    return _primary(e) in _DISK_CODES or getattr(e, "errno", None) in _ERRNO


def storage_error(path: Path, e: BaseException) -> StorageUnavailable | None:
    """The disk problem behind `e` (an sqlite3 or OS error on the store at `path`), worded
    with what to do; None when it is not the disk's doing."""
    if not is_disk_error(e):
        return None
    found = _probe(Path(path))
    if found is None:
        primary, err_no = _primary(e), getattr(e, "errno", None)
        if primary == sqlite3.SQLITE_FULL or err_no in (errno.ENOSPC, errno.EDQUOT):
            found = StorageProblem.DISK_FULL, str(e)
        elif primary == sqlite3.SQLITE_READONLY or err_no == errno.EROFS:
            found = StorageProblem.READ_ONLY, str(e)
        elif err_no in (errno.EACCES, errno.EPERM) or primary == sqlite3.SQLITE_PERM:
            found = StorageProblem.PERMISSION_DENIED, str(e)
        else:
            return None
    problem, detail = found
    return StorageUnavailable(message(problem, Path(path), detail), problem, str(path))


def message(problem: StorageProblem, path: Path, detail: str) -> str:
    keep = (
        "The store database is not damaged: do not restore it from a backup, which would "
        "lose what was recorded since."
    )
    match problem:
        case StorageProblem.READ_ONLY:
            what = (
                f"the store database {path} is on a read-only disk ({detail}), so nothing can "
                "be recorded and nothing was changed. Make the disk writable again (remount it "
                "read-write, unlock the USB stick or SD card, clear the file's read-only or "
                "immutable flag), then try again."
            )
        case StorageProblem.DISK_FULL:
            what = (
                f"the disk holding the store database {path} is full ({detail}), so nothing "
                "can be recorded and nothing was changed. Free some space on that disk (old "
                "printouts and reports beside the store, other files), then try again."
            )
        case StorageProblem.PERMISSION_DENIED:
            what = (
                f"permission denied: this user may not write the store database {path} or its "
                f"folder ({detail}), so nothing can be recorded and nothing was changed. Run "
                "Lantern as the user who set the store up, or give this user write access to "
                "the file, its -wal and -shm files and its folder, then try again."
            )
    return f"{what} {keep}"
