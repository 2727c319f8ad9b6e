"""Lantern's own messages in Chinese (desktop/i18n.py): matching English text against the
catalogue's templates, and how the command line chooses its language."""

from __future__ import annotations

import pytest

from desktop.i18n import Catalogue, current_language, locale_language, localise, supported

pytestmark = pytest.mark.unit

SMALL = Catalogue.from_mapping(
    {
        "unknown gift {}: check the gift code": "没有礼品 {}：请核对礼品编号",
        "gift {}": "礼品 {}",
        "{} is out of stock: {} left, {} wanted": "{} 库存不足：剩 {}，需要 {}",
        "card {} of {} revoked": "{1} 的 {0} 号卡已作废",
        "tried {} time{}": "已尝试 {0} 次",
        "lantern: error: {}": "lantern: 错误：{}",
        "{}: {}": "{}：{}",  # nothing but parts: never matched
        "platinum": "白金卡",
        "bad {}": "坏 {} {}",  # other parts than the English: left out
    }
)


def test_shipped_catalogue_translates_real_errors() -> None:
    text = "unknown gift G999: check the gift code in the catalogue"
    assert localise(text, "zh_CN") == "没有礼品 G999：请在礼品目录中核对礼品编号"
    assert localise(text, "en") == text


def test_parts_are_put_back_in_order_or_by_number() -> None:
    assert SMALL.translate("unknown gift G1: check the gift code") == "没有礼品 G1：请核对礼品编号"
    assert SMALL.translate("card 2 of M00000003 revoked") == "M00000003 的 2 号卡已作废"
    assert SMALL.translate("tried 3 times") == "已尝试 3 次"  # the plural "s" dropped


def test_a_part_that_is_itself_a_message_is_translated_too() -> None:
    assert (
        SMALL.translate("lantern: error: gift G501 is out of stock: 0 left, 2 wanted")
        == "lantern: 错误：礼品 G501 库存不足：剩 0，需要 2"
    )


def test_a_description_before_a_value_may_have_spaces() -> None:
    c = Catalogue.from_mapping(
        {"{} {} is more than {}": "{} {} 超过 {}", "points for this purchase": "本次消费的积分"}
    )
    assert (
        c.translate("points for this purchase 600,000 is more than 500,000")
        == "本次消费的积分 600,000 超过 500,000"
    )


def test_unknown_text_and_placeholder_only_templates_are_left_alone() -> None:
    assert SMALL.translate("something new: 12") is None
    assert localise("something nobody translated", "zh_CN") == "something nobody translated"
    assert SMALL.translate("bad x") is None


def test_the_most_specific_template_wins() -> None:
    c = Catalogue.from_mapping(
        {"{} failed": "{} 失败", "printer {} failed": "打印机 {} 故障", "P1 failed": "P1 坏了"}
    )
    assert c.translate("P1 failed") == "P1 坏了"  # an exact entry first
    assert c.translate("printer P2 failed") == "打印机 P2 故障"
    assert c.translate("sync failed") == "sync 失败"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
        ({"LANG": "zh_TW.UTF-8"}, "zh_CN"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({}, "en"),
        ({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "C"}, "zh_CN"),
        ({"LC_ALL": "", "LANG": "zh_CN.UTF-8"}, "zh_CN"),
    ],
)
def test_locale(env: dict[str, str], expected: str) -> None:
    assert locale_language(env) == expected


def test_the_command_lines_choice_in_order() -> None:
    zh_locale = {"LANG": "zh_CN.UTF-8"}
    assert current_language(None, None, zh_locale) == "zh_CN"
    assert current_language(None, "en", zh_locale) == "en"  # the store's setting over the locale
    env = {**zh_locale, "LANTERN_LANG": "en"}
    assert current_language(None, "zh_CN", env) == "en"  # $LANTERN_LANG over the setting
    assert current_language("zh_CN", "en", env) == "zh_CN"  # --lang over everything
    assert current_language(None, "klingon", {"LANG": "C"}) == "en"  # an odd setting: ignored


@pytest.mark.parametrize(
    ("value", "expected"),
    [("zh_CN", "zh_CN"), ("zh-cn", "zh_CN"), ("zh", "zh_CN"), ("en_GB", "en"), ("C", "en"),
     ("", None), (None, None), ("fr_FR", None), (3, None)],
)  # fmt: skip
def test_supported(value: object, expected: str | None) -> None:
    assert supported(value) == expected
