"""A full or read-only disk, or a missing PIN key, worded for the cashier in English and
Chinese: what is wrong and what to do, never "restore the backup"."""

from __future__ import annotations

import pytest

from desktop.core.errors import PinKeyMissing, StorageProblem, StorageUnavailable
from desktop.ui.i18n import compiled
from desktop.ui.qt import QCoreApplication, QTranslator
from desktop.ui.wording import problem_text

pytestmark = pytest.mark.gui

ERRORS = [StorageUnavailable("x", p, "/s/store.db") for p in StorageProblem]


def test_disk_problems_are_worded_in_english(qapp: QCoreApplication) -> None:
    texts = [problem_text(e) for e in ERRORS]
    assert texts[0] is not None and "read-only" in texts[0]
    assert "disk is full" in str(texts[1])
    assert "permission denied" in str(texts[2])
    for text in texts:
        assert text is not None and text.startswith("Nothing was recorded")
        assert "do not restore a backup" in text.lower()
    assert ".vault" in str(problem_text(PinKeyMissing("x")))
    assert problem_text(ValueError("x")) is None


def test_disk_problems_are_worded_in_chinese(qapp: QCoreApplication) -> None:
    translator = QTranslator()
    qm = compiled("zh_CN")
    assert qm is not None and translator.load(str(qm))
    QCoreApplication.installTranslator(translator)
    try:
        texts = [str(problem_text(e)) for e in ERRORS]
        key = str(problem_text(PinKeyMissing("x")))
    finally:
        QCoreApplication.removeTranslator(translator)
    assert "只读" in texts[0] and "磁盘已满" in texts[1] and "权限" in texts[2]
    for text in texts:
        assert text.startswith("未能记录") and "请勿用备份恢复" in text
    assert "PIN 密钥" in key
