"""The shipped QR chain: every easy image of the development set, no misread anywhere in it,
generated PNGs, blank frames and the input shapes a camera or a file can give."""

from __future__ import annotations

import csv
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest
import qrcode

from desktop.core.errors import InvalidInput
from desktop.scanning import CHAIN, decode_file, decode_image, run_chain

REPO = Path(__file__).resolve().parents[2]
QR_DEV = REPO.parent / "shared" / "data" / "qr-dev"
PAYLOAD = "LP1.AQHaUpc8MNP0j1D-m3KbAJma7FZmC6rjqBR1EUh8eHVJTQVOgtN2O5_34rfTUngA8pJEEaB_sWKf"


@dataclass(frozen=True)
class Outcome:
    filename: str
    difficulty: str
    expected: str
    got: str | None


@pytest.fixture(scope="module")
def dev_set() -> list[tuple[str, str, str, np.ndarray]]:
    manifest = QR_DEV / "manifest.csv"
    if not manifest.is_file():
        pytest.skip(f"the QR development set is not at {QR_DEV}")
    rows = []
    with manifest.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            frame = cv2.imread(str(QR_DEV / row["filename"]), cv2.IMREAD_COLOR)
            assert frame is not None, row["filename"]
            rows.append((row["filename"], row["difficulty"], row["expected_payload"], frame))
    return rows


@pytest.fixture(scope="module")
def outcomes(dev_set: list[tuple[str, str, str, np.ndarray]]) -> list[Outcome]:
    return [Outcome(name, diff, exp, decode_image(frame)) for name, diff, exp, frame in dev_set]


def test_the_chain_reads_every_easy_image(outcomes: list[Outcome]) -> None:
    easy = [o for o in outcomes if o.difficulty == "easy"]
    assert easy
    missed = [o.filename for o in easy if o.got != o.expected]
    assert missed == []


def test_the_chain_never_returns_a_wrong_payload(outcomes: list[Outcome]) -> None:
    misreads = [o.filename for o in outcomes if o.got is not None and o.got != o.expected]
    assert misreads == []
    # and it reads more than zxing-cpp alone does on this set (79 of 200)
    assert sum(o.got == o.expected for o in outcomes) > 79


def test_the_easy_tier_does_not_depend_on_the_time_budget(
    dev_set: list[tuple[str, str, str, np.ndarray]],
) -> None:
    # the plain pass and the first retry always run, even with no time left
    missed = [
        name
        for name, diff, exp, frame in dev_set
        if diff == "easy" and decode_image(frame, budget_ms=0) != exp
    ]
    assert missed == []


def make_png(path: Path, text: str, *, box_size: int = 4) -> Path:
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4
    )
    code.add_data(text)
    code.make(fit=True)
    code.make_image().save(str(path))
    return path


def test_decode_file_reads_a_freshly_generated_png(tmp_path: Path) -> None:
    assert decode_file(make_png(tmp_path / "card.png", PAYLOAD)) == PAYLOAD


def test_decode_file_takes_a_non_ascii_path(tmp_path: Path) -> None:
    path = make_png(tmp_path / "会员卡 二维码.png", "LP1.short")
    assert decode_file(str(path)) == "LP1.short"


def test_decode_file_refuses_what_is_not_an_image(tmp_path: Path) -> None:
    text = tmp_path / "notes.png"
    text.write_text("not a picture", encoding="utf-8")
    with pytest.raises(InvalidInput, match="not an image"):
        decode_file(text)
    with pytest.raises(InvalidInput, match="cannot read"):
        decode_file(tmp_path / "missing.png")


@pytest.mark.parametrize(
    "frame",
    [
        np.full((480, 640, 3), 255, np.uint8),
        np.zeros((480, 640), np.uint8),
        np.random.default_rng(1).integers(0, 256, (480, 640), dtype=np.uint8),
    ],
    ids=["white-bgr", "black-gray", "noise"],
)
def test_a_frame_without_a_code_gives_none(frame: np.ndarray) -> None:
    assert decode_image(frame) is None


def test_gray_bgr_and_bgra_frames_of_one_code_read_the_same(tmp_path: Path) -> None:
    gray = cv2.imread(str(make_png(tmp_path / "c.png", PAYLOAD)), cv2.IMREAD_GRAYSCALE)
    bgr = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    bgra = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGRA)
    for frame in (gray, gray[:, :, None], bgr, bgra, bgr[::-1, ::-1]):  # mirrored, not contiguous
        assert decode_image(frame) == PAYLOAD


def test_a_light_on_dark_code_reads(tmp_path: Path) -> None:
    gray = cv2.imread(str(make_png(tmp_path / "c.png", PAYLOAD)), cv2.IMREAD_GRAYSCALE)
    assert decode_image(255 - gray) == PAYLOAD


def test_a_small_blurred_code_needs_and_gets_a_retry(tmp_path: Path) -> None:
    gray = cv2.imread(str(make_png(tmp_path / "c.png", PAYLOAD, box_size=8)), cv2.IMREAD_GRAYSCALE)
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)  # 2 px/module
    frame = cv2.GaussianBlur(small, (0, 0), 1.0)
    assert run_chain(frame, CHAIN[:1]) is None  # the plain pass alone cannot read it
    assert decode_image(frame) == PAYLOAD


def test_unsupported_frames_are_refused() -> None:
    with pytest.raises(ValueError, match="8-bit"):
        decode_image(np.zeros((10, 10), np.float32))
    with pytest.raises(ValueError, match="grayscale, BGR or BGRA"):
        decode_image(np.zeros((10, 10, 2), np.uint8))


def test_the_module_imports_neither_qt_nor_the_services() -> None:
    code = (
        "import sys, desktop.scanning\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'desktop.services',"
        " 'desktop.ui', 'desktop.store'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)
