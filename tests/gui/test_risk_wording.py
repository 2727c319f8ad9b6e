"""Risk rules worded for the cashier, in English and Chinese: what the rule watches, not its
internal name (which the logs, the CLI and the reconciliation keep)."""

from __future__ import annotations

import pytest

from desktop.ui.i18n import compiled
from desktop.ui.qt import QCoreApplication, QTranslator
from desktop.ui.wording import rules_text

pytestmark = pytest.mark.gui

RULES = (
    "velocity:member/60min",
    "velocity:cashier/10min",
    "velocity:gift/30min",
    "self_redemption",
    "points_over/5000",
    "cash_fen_over/50000",
)


def test_risk_rules_are_worded_in_english(qapp: QCoreApplication) -> None:
    assert rules_text(RULES).split("; ") == [
        "too many for one member in 60 min",
        "too many for one cashier in 10 min",
        "too many of one gift in 30 min",
        "a cashier redeeming on their own card",
        "over 5,000 points",
        "over ¥500.00 cash",
    ]
    # a rule a newer head office sends that this till does not know: shown as it is
    assert rules_text(["night_owl/3"]) == "night_owl/3"
    assert rules_text(["points_over/lots"]) == "points_over/lots"


def test_risk_rules_are_worded_in_chinese(qapp: QCoreApplication) -> None:
    translator = QTranslator()
    qm = compiled("zh_CN")
    assert qm is not None and translator.load(str(qm))
    QCoreApplication.installTranslator(translator)
    try:
        text = rules_text(RULES)
    finally:
        QCoreApplication.removeTranslator(translator)
    assert text.split("；") == [
        "同一会员 60 分钟内兑换过多",
        "同一收银员 10 分钟内兑换过多",
        "同一礼品 30 分钟内兑换过多",
        "收银员为自己的会员卡兑换",
        "超过 5,000 积分",
        "现金超过 ¥500.00",
    ]
