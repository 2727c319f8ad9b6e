"""Logging: the console as always (warnings and errors on stderr; `-v` adds what happens),
and rotating log files in the OS log folder (desktop/paths.py `log_dir()`), so a store's IT
can read what the till did after the fact.

- `till.log` for the window (`lantern app`, `lantern demo`), `lantern.log` for the other
  commands: two files, so the till and a command run beside it do not rotate one file
  under each other. 5 files of 2 MB each, UTF-8.
- Each line carries time, level, process and thread, the logger (the part of Lantern) and
  the message; each command logs its start (version, command, store file) and end (status).
- Never member names, PINs or secrets: the code logs ids, not names, and PINs and secrets
  are never put into messages. As a second line of defence, every secret the command line
  reads (store secrets, head-office credentials) is registered with `redact()` and
  replaced by `***` in every line written, console and file alike.
- A log folder that cannot be written costs a warning on the console, never the command.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import sys
from pathlib import Path

from desktop.paths import log_dir
from desktop.private import FILE_MODE, private_dir, tighten

FILE_FORMAT = "%(asctime)s %(levelname)s [%(process)d %(threadName)s] %(name)s: %(message)s"
CONSOLE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_BYTES = 2 * 1024 * 1024
BACKUPS = 4
_MIN_REDACTED = 8  # shorter strings (PINs) are never logged; replacing them would garble digits
_secrets: set[str] = set()


def redact(secret: str) -> None:
    """Never write `secret` to any log from now on (this process)."""
    if len(secret) >= _MIN_REDACTED:
        _secrets.add(secret)


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Log files only this user may read (0600), the rotated ones too."""

    def _open(self):  # type: ignore[no-untyped-def]
        path = Path(self.baseFilename)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE))
        tighten(path)
        return super()._open()

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        """A full or read-only disk: say so once on stderr and stop writing the file, rather
        than print logging's traceback under every message."""
        if getattr(self, "_failed", False):
            return
        self._failed = True
        error = sys.exc_info()[1]
        with contextlib.suppress(Exception):
            sys.stderr.write(
                f"lantern: warning: cannot write the log file {self.baseFilename} ({error}); "
                "no more log lines go there in this run\n"
            )


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in _secrets:
            text = text.replace(secret, "***")
        return text


class _ConsoleFilter(logging.Filter):
    """The console's threshold, except for a logger someone set to a lower level
    (`headoffice serve` shows its INFO request lines), as before file logging."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= self.level:
            return True
        logger: logging.Logger | None = logging.getLogger(record.name)
        while logger is not None and logger is not logging.root:
            if logger.level != logging.NOTSET:
                return record.levelno >= logger.level
            logger = logger.parent
        return False


def setup(*, verbose: bool = False, program: str = "lantern", to_file: bool = True) -> Path | None:
    """Console and file logging for this process; returns the log file (None if none)."""
    root = logging.getLogger()
    for handler in list(root.handlers):  # a second call (tests) replaces, never stacks
        if getattr(handler, "_lantern", False):
            root.removeHandler(handler)
            handler.close()
    console = logging.StreamHandler(sys.stderr)
    console.addFilter(_ConsoleFilter(logging.INFO if verbose else logging.WARNING))
    console.setFormatter(RedactingFormatter(CONSOLE_FORMAT))
    console._lantern = True  # type: ignore[attr-defined]
    root.addHandler(console)
    root.setLevel(logging.INFO)
    if not to_file:
        return None
    path = log_dir() / f"{program}.log"
    try:
        private_dir(path.parent)
        handler = _PrivateRotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError as e:
        logging.getLogger("lantern").warning(
            "no log file: cannot write to %s (%s); set LANTERN_LOG_DIR to a writable folder",
            path.parent,
            e,
        )
        return None
    handler.setLevel(logging.INFO)
    handler.setFormatter(RedactingFormatter(FILE_FORMAT))
    handler._lantern = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    return path
