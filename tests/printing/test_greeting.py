"""Greeting cards rendered for real and read back: the PDF's text (pypdf), its page size and
its fonts; card designs loaded from files, refused with a clear message when bad, and
replaced by head office's."""

from __future__ import annotations

import io
import json
import re
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from desktop.core.occasions import Occasion
from desktop.printing.designs import SHIPPED, CardDesign, DesignError, load_design, load_designs
from desktop.printing.documents import CardDoc
from desktop.printing.fonts import cjk_font
from desktop.printing.greeting import card_pdf, wrap

pytestmark = pytest.mark.printing


def card(occasion: Occasion = Occasion.MID_AUTUMN, **changes: Any) -> CardDoc:
    values: dict[str, Any] = {
        "member_name": "欧阳晓雯",
        "occasion": occasion.value,
        "gift_zh": "月饼礼盒",
        "gift_en": "Mooncake gift box",
        "store_name_zh": "上海南京东路店",
        "store_name_en": "Shanghai Nanjing Road East",
        "day": date(2026, 9, 25),
        "receipt_no": "SH001-20260925-0108",
    }
    return CardDoc(**{**values, **changes})


def squash(text: str) -> str:
    """Text extraction may add or drop spaces between drawn strings; compare without them."""
    return re.sub(r"\s+", "", text)


def read_back(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return reader, reader.pages[0].extract_text()


@pytest.fixture(scope="module")
def designs() -> dict[Occasion, CardDesign]:
    return load_designs()


@pytest.mark.parametrize("occasion", list(Occasion))
def test_card_shows_name_gift_store_and_title(
    occasion: Occasion, designs: dict[Occasion, CardDesign]
) -> None:
    # Given a redemption's card document and the shipped design for the occasion
    doc, design = card(occasion), designs[occasion]
    # When the card is rendered and its text read back
    reader, text = read_back(card_pdf(doc, design))
    # Then the member, the gift, the store, the titles, the date and the receipt are on it
    for needle in (
        f"亲爱的 {doc.member_name}",
        doc.gift_zh,
        doc.gift_en,
        doc.store_name_zh,
        doc.store_name_en,
        design.title_zh,
        design.title_en.upper(),
        "2026年9月25日",
        "农历八月十五",
        doc.receipt_no,
    ):
        assert squash(needle) in squash(text), f"{needle!r} not on the {occasion} card"
    # and the design's message, filled in with this store
    message_zh, _ = design.messages(doc)
    assert "{" not in message_zh
    assert squash(message_zh)[:10] in squash(text)
    # on an A6 landscape page
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(148 * mm, abs=0.1)
    assert float(box.height) == pytest.approx(105 * mm, abs=0.1)


def page_fonts(pdf: bytes) -> list[Any]:
    reader = PdfReader(io.BytesIO(pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    return [fonts[name].get_object() for name in fonts]


def test_every_font_is_the_embedded_cjk_font(designs: dict[Occasion, CardDesign]) -> None:
    # a name, gift and message with many distinct characters: reportlab then embeds more
    # than one subset of the font, and each must be embedded
    many = "".join(chr(0x4E00 + i * 7) for i in range(150))
    doc = card(member_name="司马" + many[:20], gift_zh=many[20:40])
    design = designs[Occasion.GENERAL]
    design = replace(design, message_zh=many[40:] + "{store_zh}")
    fonts = page_fonts(card_pdf(doc, design))
    assert len(fonts) >= 2
    for font in fonts:
        assert "WenQuanYiMicroHei" in font["/BaseFont"], font["/BaseFont"]
        assert "/FontFile2" in font["/FontDescriptor"], f"{font['/BaseFont']} not embedded"
        assert "/ToUnicode" in font  # so the text can be read back (and searched)


def test_a_long_name_gift_and_store_still_render(designs: dict[Occasion, CardDesign]) -> None:
    doc = card(
        member_name="Alexander Montgomery-Smithson 欧阳娜娜",
        gift_zh="白金会员专属按摩仪超豪华加长版本礼盒装一套再加一套",
        gift_en="Platinum members' exclusive deluxe massager, extra long edition gift box",
        store_name_zh="上海南京东路步行街旗舰店第二分店",
    )
    _, text = read_back(card_pdf(doc, designs[Occasion.BIRTHDAY]))
    assert squash("Alexander Montgomery-Smithson") in squash(text)
    assert squash(doc.store_name_zh) in squash(text)


# --- designs -----------------------------------------------------------------------------


def test_shipped_designs_cover_every_occasion_and_nothing_else() -> None:
    names = sorted(p.stem for p in SHIPPED.glob("*.json"))
    assert names == sorted(o.value for o in Occasion)
    designs = load_designs()
    assert list(designs) == list(Occasion)
    for occasion, design in designs.items():
        assert design.occasion is occasion
        assert design.source == SHIPPED / f"{occasion.value}.json"
        assert design.ornament is not None


def shipped(occasion: str = "mid_autumn") -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SHIPPED / f"{occasion}.json").read_text("utf-8"))
    return data


def write(folder: Path, name: str, data: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False))
    return path


def without(key: str) -> dict[str, Any]:
    data = shipped()
    del data[key]
    return data


def with_(**changes: Any) -> dict[str, Any]:
    return {**shipped(), **changes}


BAD = [
    (without("title_zh"), "missing title_zh"),
    (without("colours"), "missing colours"),
    (
        with_(colours={"background": "#1B2440", "accent": "gold", "text": "#FFFFFF"}),
        "colour accent",
    ),
    (with_(colours={"background": "#1B244", "accent": "#F4D35E", "text": "#FFF"}), "'#1B244'"),
    (with_(colours={"background": "#1B2440", "text": "#FFFFFF"}), "colours must have"),
    (with_(occasion="qingming"), "unknown occasion 'qingming'"),
    (with_(ornament="rocket"), "unknown ornament 'rocket'"),
    (with_(message_zh="祝{member}中秋快乐"), "unknown placeholder {member}"),
    (with_(message_en="Hi {name!r}"), "unknown placeholder {name}"),
    (with_(message_en="Happy {name"), "message_en"),
    (with_(title_en="  "), "title_en must be non-empty"),
    (with_(colour="#FFFFFF"), "unknown key(s) colour"),
    ([1, 2], "expected a JSON object"),
    ('{"occasion": "mid_autumn",', "not valid UTF-8 JSON"),
]


@pytest.mark.parametrize(("data", "message"), BAD, ids=[m for _, m in BAD])
def test_a_bad_design_file_gives_a_clear_error(tmp_path: Path, data: Any, message: str) -> None:
    path = write(tmp_path, "mid_autumn.json", data)
    with pytest.raises(DesignError) as caught:
        load_design(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)  # which file


def test_a_design_file_must_be_named_after_its_occasion(tmp_path: Path) -> None:
    path = write(tmp_path, "moon.json", shipped())
    with pytest.raises(DesignError, match=r"name it mid_autumn\.json"):
        load_design(path)


def test_a_bad_file_in_the_override_folder_stops_loading(tmp_path: Path) -> None:
    write(tmp_path / "override", "christmas.json", without("message_en"))
    with pytest.raises(DesignError, match=r"christmas\.json: missing message_en"):
        load_designs(override=tmp_path / "override")


def test_an_override_design_replaces_the_shipped_one(tmp_path: Path) -> None:
    # Given head office sent a new Mid-Autumn design
    override = tmp_path / "override"
    new = with_(title_zh="花好月圆", title_en="Full Moon, Happy Reunion", ornament="lanterns")
    write(override, "mid_autumn.json", new)
    # When the designs are loaded with the override folder
    designs = load_designs(override=override)
    # Then Mid-Autumn is head office's, and every other occasion is still the shipped one
    assert designs[Occasion.MID_AUTUMN].title_zh == "花好月圆"
    assert designs[Occasion.MID_AUTUMN].source == override / "mid_autumn.json"
    assert designs[Occasion.SPRING_FESTIVAL].source == SHIPPED / "spring_festival.json"
    # and the card printed for Mid-Autumn carries the new title
    _, text = read_back(card_pdf(card(), designs[Occasion.MID_AUTUMN]))
    assert "花好月圆" in text
    assert "中秋快乐" not in text


def test_a_missing_override_folder_means_the_shipped_designs(tmp_path: Path) -> None:
    assert load_designs(override=tmp_path / "not-yet") == load_designs()


def test_a_folder_without_every_occasion_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "cards"
    folder.mkdir()
    shutil.copy(SHIPPED / "general.json", folder)
    with pytest.raises(DesignError, match="none for spring_festival"):
        load_designs(folder)


# --- wrapping ----------------------------------------------------------------------------

WIDTH = 60 * mm
# pieces real text is made of, so that every line has somewhere to break
TEXT = st.lists(
    st.sampled_from(
        ["春", "节", "快", "乐，", "饼。", "圆！", "“月", "饼”", "Happy ", "Mid-Autumn ", " "]
    ),
    max_size=60,
).map("".join)


@given(TEXT, st.integers(min_value=2, max_value=20))
def test_wrap_keeps_every_character_and_breaks_at_the_width(text: str, chars: int) -> None:
    font = cjk_font()
    width = stringWidth("月" * chars, font, 10)
    lines = wrap(text, font, 10, width)
    assert squash("".join(lines)) == squash(text)
    for i, line in enumerate(lines):
        assert line == line.strip() and line
        if " " in line or not line.isascii():  # only a lone long English word may run over
            assert stringWidth(line, font, 10) <= width, lines
        if i > 0:
            assert line[0] not in "，。！”", lines
        if i + 1 < len(lines):
            assert line[-1] != "“", lines


def test_wrap_keeps_closing_punctuation_off_the_start_of_a_line() -> None:
    font = cjk_font()
    text = "月" * 40 + "。" + "饼" * 5
    for width in (stringWidth("月" * n, font, 10) for n in range(3, 20)):
        lines = wrap(text, font, 10, width)
        assert all(not line.startswith("。") for line in lines), lines
