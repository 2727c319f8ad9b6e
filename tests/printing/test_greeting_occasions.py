"""The cards for Valentine's Day, 七夕 and the member day, and the blessing line, read back
from the rendered PDF; the blessing's glyph check against the card's font."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader

from desktop.core.errors import InvalidInput
from desktop.core.occasions import Occasion
from desktop.printing.designs import CardDesign, load_designs
from desktop.printing.documents import CardDoc
from desktop.printing.fonts import missing_glyphs, printable_blessing
from desktop.printing.greeting import card_pdf

pytestmark = pytest.mark.unit


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def text_of(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


@pytest.fixture(scope="module")
def designs() -> dict[Occasion, CardDesign]:
    return load_designs()


def doc(occasion: Occasion, day: date, blessing: str | None = None) -> CardDoc:
    return CardDoc(
        "王小明", occasion.value, "保温杯", "Vacuum flask", "上海南京东路店",
        "Shanghai Nanjing Road East", day, "SH001-20260819-00007", blessing,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("occasion", "day", "wording", "lunar"),
    [
        (Occasion.VALENTINES, date(2028, 2, 14), ("情人节快乐", "HAPPY VALENTINE'S DAY"), None),
        (Occasion.QIXI, date(2026, 8, 19), ("七夕快乐", "HAPPY QIXI FESTIVAL"), "农历七月初七"),
        (Occasion.MEMBER_DAY, date(2027, 3, 10), ("会员日快乐", "HAPPY MEMBER DAY"), None),
    ],
)
def test_the_new_occasions_cards_carry_their_wording_and_the_blessing(
    designs: dict[Occasion, CardDesign],
    occasion: Occasion,
    day: date,
    wording: tuple[str, str],
    lunar: str | None,
) -> None:
    design = designs[occasion]
    assert design.occasion is occasion and design.ornament is not None
    text = text_of(card_pdf(doc(occasion, day, "祝你天天开心 Love you"), design))
    for needle in (
        *wording,
        "亲爱的 王小明",
        "“祝你天天开心 Love you”",
        "上海南京东路店",
        "保温杯",
    ):
        assert squash(needle) in squash(text), f"{needle!r} not on the {occasion} card"
    message_zh, _ = design.messages(doc(occasion, day))
    assert squash(message_zh)[:12] in squash(text)
    if lunar:
        assert lunar in text


def test_no_blessing_no_quotation_marks(designs: dict[Occasion, CardDesign]) -> None:
    text = text_of(card_pdf(doc(Occasion.QIXI, date(2026, 8, 19)), designs[Occasion.QIXI]))
    assert "“" not in text and "”" not in text


@pytest.mark.parametrize("blessing", ["福" * 24, "W" * 48, "祝" * 12 + "Happy day to you!!!!!!!"])
def test_the_longest_blessings_print_whole(
    designs: dict[Occasion, CardDesign], blessing: str
) -> None:
    assert printable_blessing(blessing) == blessing
    design = designs[Occasion.VALENTINES]
    text = text_of(card_pdf(doc(Occasion.VALENTINES, date(2028, 2, 14), blessing), design))
    assert squash(f"“{blessing}”") in squash(text)  # not cut short with "…"


def test_a_long_message_still_leaves_the_blessing_its_line(
    designs: dict[Occasion, CardDesign],
) -> None:
    design = replace(designs[Occasion.MEMBER_DAY], message_zh="感谢您的支持。" * 20)
    text = text_of(card_pdf(doc(Occasion.MEMBER_DAY, date(2027, 3, 10), "祝您生日快乐"), design))
    assert "“祝您生日快乐”" in text


def test_glyph_coverage_of_the_cards_font() -> None:
    assert missing_glyphs("祝妈妈身体健康 Love you ♥ € é") == []
    assert missing_glyphs("生日快乐😀❤😀") == ["😀", "❤"]
    assert missing_glyphs("𠀀") == ["𠀀"]  # a CJK Extension B character


def test_printable_blessing_names_what_cannot_print() -> None:
    with pytest.raises(InvalidInput, match=re.escape("cannot print 😀 (U+1F600)")):
        printable_blessing("生日快乐😀")
    with pytest.raises(InvalidInput, match="too long"):  # the core's checks come first
        printable_blessing("😀" * 30)
    assert printable_blessing("   ") is None
