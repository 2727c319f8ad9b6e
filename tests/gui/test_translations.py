"""The shipped translation: the compiled .qm says what the .ts says, and the application
loads it without any Qt build tool."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from desktop.resources import TRANSLATIONS
from desktop.ui.qt import QCoreApplication, QTranslator

pytestmark = pytest.mark.gui


def _messages(ts: Path) -> list[tuple[str, str, str | None]]:
    """(context, source, translation or None when unfinished) for every message."""
    out = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            unfinished = translation.get("type") in ("unfinished", "vanished", "obsolete")
            out.append(
                (name, message.findtext("source") or "", None if unfinished else translation.text)
            )
    return out


@pytest.mark.parametrize("ts", sorted(TRANSLATIONS.glob("lantern_*.ts")), ids=lambda p: p.stem)
def test_the_compiled_translation_matches_its_source(qapp: QCoreApplication, ts: Path) -> None:
    # Given the translation source and the compiled file shipped beside it
    qm = ts.with_suffix(".qm")
    assert qm.is_file(), f"{qm.name} is missing: run `python scripts/update_translations.py`"
    translator = QTranslator()
    assert translator.load(str(qm))
    # Then every finished message translates as the .ts says, and no unfinished one does
    stale = []
    for context, source, translation in _messages(ts):
        got = translator.translate(context, source)
        if got != (translation or ""):
            stale.append(f"{context}: {source!r} -> {got!r}, the .ts says {translation!r}")
    assert not stale, (
        f"{qm.name} is out of date with {ts.name} ({len(stale)} message(s), e.g. {stale[0]}): "
        "run `python scripts/update_translations.py --compile-only` and commit the .qm"
    )


def test_the_chinese_catalogue_loads_from_the_installed_package(qapp: QCoreApplication) -> None:
    # Given no Qt tool on the PATH (a bundle has none)
    from desktop.ui.i18n import compiled

    # When the till asks for its Chinese catalogue
    qm = compiled("zh_CN")
    # Then it is the shipped file, and it translates
    assert qm is not None and qm.parent == TRANSLATIONS
    translator = QTranslator()
    assert translator.load(str(qm))
    assert translator.translate("BasketView", "Basket") == "兑换清单"
