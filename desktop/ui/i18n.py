"""Simplified Chinese and English through Qt's translation system.

UI text is written in English with `tr()`; `resources/translations/lantern_zh_CN.ts` holds the
Chinese and `lantern_zh_CN.qm` beside it is its compiled form, shipped with the application
(package data, so the wheel and the bundle carry it): the till never needs a Qt tool at run
time. `python scripts/update_translations.py` runs pyside6-lupdate over desktop/ui and then
pyside6-lrelease; tests/gui/test_translations.py fails when the .qm no longer matches the .ts.
Installing a translator makes Qt send every widget a LanguageChange event; widgets re-set
their text in `retranslate()`.

Messages from below the UI (an error's English from the core, the store or the services, a
printer's problem, head office's reason) are not Qt strings: `message()` words them in the
till's language through the catalogue of desktop/i18n.py."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from desktop.i18n import localise
from desktop.resources import TRANSLATIONS
from desktop.ui.qt import QApplication, QLocale, QObject, QTranslator, Signal

log = logging.getLogger(__name__)

LANGUAGES = {"zh_CN": "简体中文", "en": "English"}
_current = ["en"]  # the language last set by a Language (one till window per process)
# The one translator installed on the application: a new window's Language replaces it
# rather than stacking another on top (which would keep the old language showing).
_installed: list[QTranslator] = []


def current_language() -> str:
    """The UI's language now, for data that comes in both languages (gift names)."""
    return _current[0]


def message(text: object) -> str:
    """An error or a message from below the UI (English) in the till's language now."""
    return localise(str(text), _current[0])


def messages(texts: Iterable[object]) -> str:
    """Several such messages on one line."""
    return "; ".join(message(t) for t in texts)


def system_language() -> str:
    """zh_CN on a Chinese system (any zh locale), English otherwise."""
    return "zh_CN" if QLocale.system().name().startswith("zh") else "en"


def compiled(language: str) -> Path | None:
    """The shipped .qm for a language, or None (logged) when it is missing."""
    target = TRANSLATIONS / f"lantern_{language}.qm"
    if not target.is_file():
        log.error("the %s translation %s is missing: the UI stays in English", language, target)
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
