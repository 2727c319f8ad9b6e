"""Simplified Chinese and English through Qt's translation system.

UI text is written in English with `tr()`; `resources/translations/lantern_zh_CN.ts` holds the
Chinese (update it with `python scripts/update_translations.py`, which runs pyside6-lupdate
over desktop/ui). The .ts is compiled to .qm with pyside6-lrelease on first use into the
user's cache folder (compiled files are build outputs, never committed). Installing a
translator makes Qt send every widget a LanguageChange event; widgets re-set their text in
`retranslate()`."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from desktop.ui.qt import QApplication, QLocale, QObject, QTranslator, Signal

log = logging.getLogger(__name__)

TRANSLATIONS = Path(__file__).resolve().parents[2] / "resources" / "translations"
LANGUAGES = {"zh_CN": "简体中文", "en": "English"}
_current = ["en"]  # the language last set by a Language (one till window per process)
# The one translator installed on the application: a new window's Language replaces it
# rather than stacking another on top (which would keep the old language showing).
_installed: list[QTranslator] = []


def current_language() -> str:
    """The UI's language now, for data that comes in both languages (gift names)."""
    return _current[0]


def system_language() -> str:
    """zh_CN on a Chinese system (any zh locale), English otherwise."""
    return "zh_CN" if QLocale.system().name().startswith("zh") else "en"


def _cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lantern" / "translations"


def _lrelease() -> str | None:
    here = Path(sys.executable).parent / "pyside6-lrelease"
    return str(here) if here.exists() else shutil.which("pyside6-lrelease")


def compiled(language: str) -> Path | None:
    """The .qm for a language, compiled from its .ts when missing or older."""
    source = TRANSLATIONS / f"lantern_{language}.ts"
    if not source.exists():
        return None
    target = _cache() / f"lantern_{language}.qm"
    if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
        return target
    tool = _lrelease()
    if tool is None:
        log.error("pyside6-lrelease not found: the UI stays in English")
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [tool, str(source), "-qm", str(target)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        log.error("could not compile %s: %s", source, done.stderr.strip())
        return None
    return target


class Language(QObject):
    """The till's current language; `set()` switches it at run time."""

    changed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.current = "en"

    def set(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}")
        qapp = QApplication.instance()
        while _installed:
            old = _installed.pop()
            if qapp is not None:
                qapp.removeTranslator(old)
        if language != "en":
            qm = compiled(language)
            translator = QTranslator(qapp)
            if qm is not None and translator.load(str(qm)) and qapp is not None:
                qapp.installTranslator(translator)
                _installed.append(translator)
            else:
                log.error("no %s translation could be loaded; showing English", language)
        self.current = language
        _current[0] = language
        self.changed.emit(language)
