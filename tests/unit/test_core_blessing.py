"""The blessing line on the greeting card: trimmed, printable, short."""

from __future__ import annotations

import re

import pytest

from desktop.core.blessing import MAX_COLUMNS, clean_blessing, columns
from desktop.core.errors import InvalidInput

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, None),
        ("", None),
        ("   \u3000 ", None),
        ("  祝妈妈身体健康  ", "祝妈妈身体健康"),
        ("Love  you,   Mum", "Love you, Mum"),
        ("祝你\u3000快乐", "祝你 快乐"),
        ("e\u0301te\u0301", "été"),  # NFC
    ],
)
def test_cleaned(text: str | None, expected: str | None) -> None:
    assert clean_blessing(text) == expected


def test_width_counts_chinese_twice() -> None:
    assert columns("祝你快乐") == 8
    assert columns("Hi 你好") == 7
    assert columns("ＡＢ") == 4  # full-width letters are wide


def test_the_longest_allowed() -> None:
    assert clean_blessing("福" * 24) == "福" * 24
    assert clean_blessing("a" * MAX_COLUMNS) == "a" * MAX_COLUMNS
    assert clean_blessing("福" * 20 + "abcd" + "  ") == "福" * 20 + "abcd"


@pytest.mark.parametrize("text", ["福" * 25, "a" * 49, "福" * 23 + "abc"])
def test_too_long_is_refused_saying_how_long(text: str) -> None:
    with pytest.raises(InvalidInput, match=r"too long \(\d+ columns, at most 48"):
        clean_blessing(text)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("祝你\n快乐", "U+000A"),
        ("tab\there", "U+0009"),
        ("bell\x07", "U+0007"),
        ("zero\u200bwidth", "U+200B"),
        ("line\u2028sep", "U+2028"),
        ("private\ue000", "U+E000"),
        ("unassigned\U000e0080", "U+E0080"),
    ],
)
def test_unprintable_characters_are_refused_naming_them(text: str, code: str) -> None:
    with pytest.raises(InvalidInput, match=re.escape(f"unprintable character ({code})")):
        clean_blessing(text)


def test_not_text_is_refused() -> None:
    with pytest.raises(InvalidInput, match="a blessing is text"):
        clean_blessing(42)  # type: ignore[arg-type]
