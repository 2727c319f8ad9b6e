"""The receipt PDF, read back: text, page width per roll, embedded fonts, and the QR of
the receipt number decoded from a rendering of the page."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from desktop.printing.fonts import cjk_font
from desktop.printing.receipt import receipt_pdf
from desktop.printing.samples import RECEIPT
from desktop.printing.text import wrap
from desktop.scanning.decode import decode_file

pytestmark = pytest.mark.printing

DOC = RECEIPT


def text_of(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("roll", [58, 80])
def test_receipt_says_what_happened(roll: int) -> None:
    pdf = receipt_pdf(DOC, roll)
    text = text_of(pdf)
    for expected in (
        "上海南京东路店",
        "SH001-20261126-00042",
        "2026-11-26 15:32:07",
        "王小丽 (C01)",
        "张*明",
        "M****1234",
        "不锈钢保温杯",
        "红包袋 20 个",
        "¥15.00",
        "540",
        "3,120",
        "2,580",
        "2026-12-31",
        "800",
        "待总部确认",
        "awaiting head-office confirmation",
    ):
        assert expected in text, f"{expected!r} missing from the {roll} mm receipt"
    assert "M00001234" not in text  # the member id is masked
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    width_mm = float(page.mediabox.width) / mm
    assert width_mm <= roll + 0.01, f"a {roll} mm roll cannot take a {width_mm:.1f} mm page"


def test_online_receipt_has_no_offline_note_and_marks() -> None:
    from dataclasses import replace

    text = text_of(receipt_pdf(replace(DOC, offline=False)))
    assert "待总部确认" not in text
    assert "REPRINT" not in text and "VOIDED" not in text
    assert "REPRINT" in text_of(receipt_pdf(replace(DOC, reprint=True)))
    assert "VOIDED" in text_of(receipt_pdf(replace(DOC, voided=True)))


def test_only_embedded_fonts() -> None:
    reader = PdfReader(io.BytesIO(receipt_pdf(DOC)))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts, "no fonts"
    for ref in fonts.values():
        font = ref.get_object()
        assert "/FontFile2" in font["/FontDescriptor"].get_object(), font["/BaseFont"]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_receipt_qr_decodes_to_the_receipt_number(tmp_path: Path) -> None:
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(receipt_pdf(DOC, 58))
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", str(pdf), str(tmp_path / "r")], check=True
    )
    assert decode_file(tmp_path / "r.png") == DOC.receipt_no


def test_wrap_breaks_chinese_anywhere_and_latin_at_spaces() -> None:
    font = cjk_font()
    lines = list(wrap("超级无敌长的礼品名称需要换行显示 Super long gift name", font, 8, 60))
    assert len(lines) > 2
    assert all(len(line) > 0 for line in lines)
    assert "".join(lines).replace(" ", "") == "超级无敌长的礼品名称需要换行显示Superlonggiftname"
    assert not any(line.endswith("Sup") for line in lines)  # words are not split
