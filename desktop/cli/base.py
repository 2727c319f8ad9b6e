"""What every command shares: the store it opens, PINs and secrets read safely, exit
statuses, progress lines, and what a person reads in their language (`say`, `warn`, `fail`:
Simplified Chinese or English, desktop/i18n.py). Output scripts read (receipt numbers,
tab-separated lists, JSON, decoded codes, paths) is printed as it is, in every language."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

from desktop import logs
from desktop.core.errors import InvalidInput, LanternError
from desktop.i18n import current_language, localise
from desktop.paths import default_db
from desktop.services.app import StoreServices
from desktop.store.staff import Staff

log = logging.getLogger("lantern")


@dataclass
class _Choice:
    """This run's `--lang` and, once the store is open, its `language` setting."""

    option: str | None = None
    setting: object = None


_choice = _Choice()


def language() -> str:
    """--lang, else $LANTERN_LANG, the store's setting, the locale (desktop/i18n.py)."""
    return current_language(_choice.option, _choice.setting)


def say(text: str, *, err: bool = False) -> None:
    """A line for a person, in this run's language (stderr with `err`)."""
    print(localise(text, language()), file=sys.stderr if err else sys.stdout)


def warn(text: str) -> None:
    say(f"lantern: warning: {text}", err=True)


def fail(text: object) -> None:
    """An error line on stderr (the command then exits non-zero)."""
    say(f"lantern: error: {text}", err=True)


EXIT_ERROR, EXIT_USAGE, EXIT_REFUSED, EXIT_UNREACHABLE = 1, 2, 3, 4

Add = Callable[..., argparse.ArgumentParser]  # add(name, func, help, parent) -> subparser


def read_pin(env: str, prompt: str) -> str:
    """PINs never go on the command line (visible to `ps`): environment, terminal or stdin."""
    if os.environ.get(env):
        return os.environ[env]
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    line = sys.stdin.readline().strip()
    if not line:
        raise InvalidInput(f"a PIN is needed: set {env} or type it on standard input")
    return line


def read_secret() -> str:
    """The store secret: $LANTERN_STORE_SECRET, the terminal, or the first line of stdin
    (never a command-line argument, which `ps` would show). Never logged (desktop/logs.py)."""
    if os.environ.get("LANTERN_STORE_SECRET"):
        secret = os.environ["LANTERN_STORE_SECRET"]
    elif sys.stdin.isatty():
        secret = getpass.getpass("store secret (from head office): ")
    else:
        secret = sys.stdin.readline().strip()
    if not secret:
        raise InvalidInput("a store secret is needed: set LANTERN_STORE_SECRET or type it on stdin")
    logs.redact(secret)
    return secret


# Which optional part of Lantern (pyproject.toml extras) brings a module a command needs.
PARTS = {
    "PySide6": "till",
    "shiboken6": "till",
    "cv2": "till",
    "zxingcpp": "till",
    "argon2": "till",
    "keyring": "till",
    "starlette": "headoffice",
    "uvicorn": "headoffice",
    "psycopg": "headoffice",
    "usb": "printers",
    "serial": "printers",
}


def missing_part(e: ModuleNotFoundError) -> str | None:
    """'till', 'headoffice' or 'printers' when `e` is a module of that part, else None."""
    return PARTS.get((e.name or "").split(".")[0])


class Cli:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._app: StoreServices | None = None
        _choice.option, _choice.setting = getattr(args, "lang", None), None

    @property
    def app(self) -> StoreServices:
        if self._app is None:
            path = self.args.db or default_db()
            log.info("store database %s", path)
            self._app = StoreServices.open(path)
            self.opened(self._app)
        return self._app

    def opened(self, app: StoreServices) -> None:
        """The store is open: its `language` setting now chooses (after --lang and
        $LANTERN_LANG)."""
        self._app = app
        try:
            _choice.setting = app.ctx.setting("language")
        except LanternError as e:  # pragma: no cover - an unreadable setting: the locale
            log.debug("language setting unreadable: %s", e)

    def staff(self, staff_id: str, *, manager: bool = False) -> Staff:
        env = "LANTERN_MANAGER_PIN" if manager else "LANTERN_PIN"
        pin = read_pin(env, f"PIN for {staff_id}: ")
        return self.app.login(staff_id, pin, manager=manager)

    def close(self) -> None:
        if self._app is not None:
            self._app.close()


def progress_line(what: str, done: int, total: int) -> None:
    say(f"  [{done}/{total}] {what}", err=True)
