"""QR decoding: one image (a BGR or grayscale frame) in, the QR text or None out.

The shipped chain (`decode_image`) is zxing-cpp on grayscale, first as is and then, only when that
finds nothing, on sharpened and upscaled copies of the frame. It was chosen by measurement on the
photographed-like development set (`bench/bench_qr.py` prints the table). On its 200 images:
zxing-cpp alone reads 79, with one bicubic 2x retry 91, OpenCV's detectors 32 and 47, pyzbar 51;
this chain reads 100 (every easy one), misreads none, median 2.8 ms per frame.

* zxing-cpp reads far more than OpenCV's `QRCodeDetector`, `QRCodeDetectorAruco` or pyzbar, and
  every image that any of those read (also with a 2x upscale or CLAHE first) this chain reads
  too, so an OpenCV or pyzbar fallback would add time and no reads.
* Most failures are *detection* failures (zxing finds no finder patterns at all) on small, blurred
  modules. Upscaling gives the detector and the module sampler more pixels per module, and an
  unsharp mask before the upscale undoes some of the optical and motion blur. Sharpening the small
  frame and then upscaling with bilinear interpolation reads as much as a bicubic upscale followed
  by sharpening, at half the cost. Stage 2 alone takes the chain from 79 to 97 reads.
* Stages 3 and 4 are the same idea with a stronger mask and another scale: they sample the modules
  on a different grid, which pushes a few codes that sit on the edge of decodability over it
  (+2 and +1 reads; about 2 ms more on a 640x480 frame where nothing is found, 8 ms at 720p). Further variants tried
  (CLAHE, gamma, flat-field, median/bilateral/NL-means denoising, adaptive thresholds, directional
  deblurring, 3x upscales, zxing's global-histogram binarizer) added at most one read each.
* Nothing below 3 pixels per module reads; 5 or more always did. Bigger modules (a lower QR
  version for the same printed size) matter more than any retry.

Cost control: the plain pass decides every easy frame; the retries run only when it finds nothing.
The upscaled copies are capped at `MAX_RETRY_PIXELS`, and stages after the first retry run only if
the time spent so far plus their predicted cost (from the measured cost per pixel of the previous
retry) fits in `budget_ms`, so a slow machine or a big frame skips the optional retries instead of
stalling the camera.

Zero misreads: only results that zxing-cpp reports as valid (Reed-Solomon error correction
succeeded, format information checked) are returned; nothing is guessed or repaired here.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
import zxingcpp

from desktop.core.errors import InvalidInput

Gray = npt.NDArray[np.uint8]

# The QR family (Model 1/2, Micro QR, rMQR); zxing-cpp >= 3 groups them under QRCode.
# the plain enum, not a BarcodeFormats object: a module-level nanobind object outlives
# the interpreter and makes nanobind print leak warnings at exit
_QR_FORMATS = zxingcpp.BarcodeFormat.QRCode

#: An upscaled retry never holds more pixels than this (2x of a 1280x720 frame fits).
MAX_RETRY_PIXELS = 4_000_000

#: Stages after the first retry start only if they are predicted to end within this budget.
#: A 640x480 frame that holds no readable code runs the whole chain in about 3 ms on the benchmark
#: machine, a 1280x720 one in about 13 ms; 15 ms keeps a worker thread ahead of a 30 fps camera.
DEFAULT_BUDGET_MS = 15.0

#: The first stages always run, whatever the budget: the plain pass and the first retry (which is
#: what makes every easy frame of the development set read).
ALWAYS_RUN = 2


@dataclass(frozen=True)
class Stage:
    """One zxing-cpp pass over a prepared copy of the grayscale frame."""

    name: str
    scale: float = 1.0  # upscale factor (bilinear), applied after sharpening
    sharpen_sigma: float = 0.0  # unsharp mask radius in source pixels; 0 = no sharpening
    sharpen_amount: float = 0.0  # unsharp mask strength
    try_downscale: bool = False  # let zxing-cpp also scan a downscaled pyramid (plain pass only)


#: The shipped chain, in order. Each retry runs only if everything before it found nothing.
CHAIN: tuple[Stage, ...] = (
    Stage("plain", try_downscale=True),
    Stage("sharpen+2x", scale=2.0, sharpen_sigma=1.0, sharpen_amount=1.5),
    Stage("strong sharpen+2x", scale=2.0, sharpen_sigma=1.0, sharpen_amount=3.0),
    Stage("sharpen+1.5x", scale=1.5, sharpen_sigma=0.7, sharpen_amount=3.0),
)


def to_gray(img: npt.NDArray[Any]) -> Gray:
    """An 8-bit grayscale, C-contiguous view or copy of a BGR, BGRA or grayscale frame."""
    if not isinstance(img, np.ndarray):
        raise TypeError(f"expected a numpy array, got {type(img).__name__}")
    if img.dtype != np.uint8:
        raise ValueError(f"expected an 8-bit image, got dtype {img.dtype}")
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[:, :, 0]
    if img.ndim == 2:
        return np.ascontiguousarray(img)
    if img.ndim == 3 and img.shape[2] == 3:
        return np.asarray(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), dtype=np.uint8)
    if img.ndim == 3 and img.shape[2] == 4:
        return np.asarray(cv2.cvtColor(img, cv2.COLOR_BGRA2GRAY), dtype=np.uint8)
    raise ValueError(f"expected a grayscale, BGR or BGRA image, got shape {img.shape}")


def _zxing(
    gray: Gray,
    *,
    try_downscale: bool = False,
    try_rotate: bool = False,
) -> str | None:
    """The first valid QR decode zxing-cpp finds in `gray` (normal and inverted), or None."""
    barcodes = zxingcpp.read_barcodes(
        gray,
        formats=_QR_FORMATS,  # type: ignore[arg-type]  # the binding accepts a single format
        try_rotate=try_rotate,
        try_downscale=try_downscale,
        try_invert=True,
        text_mode=zxingcpp.TextMode.Plain,
    )
    for barcode in barcodes:
        if barcode.valid and barcode.text:
            return str(barcode.text)
    return None


def _effective_scale(gray: Gray, scale: float) -> float:
    """`scale`, reduced so that the upscaled copy stays within MAX_RETRY_PIXELS (never below 1)."""
    if scale <= 1.0:
        return 1.0
    area = int(gray.shape[0]) * int(gray.shape[1])
    return max(1.0, min(scale, math.sqrt(MAX_RETRY_PIXELS / max(area, 1))))


def _prepare(gray: Gray, stage: Stage) -> Gray:
    img = gray
    if stage.sharpen_sigma > 0 and stage.sharpen_amount > 0:
        blurred = cv2.GaussianBlur(img, (0, 0), stage.sharpen_sigma)
        img = np.asarray(
            cv2.addWeighted(img, 1.0 + stage.sharpen_amount, blurred, -stage.sharpen_amount, 0),
            dtype=np.uint8,
        )
    scale = _effective_scale(gray, stage.scale)
    if scale > 1.0:
        img = np.asarray(
            cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR),
            dtype=np.uint8,
        )
    return img


def _stage_pixels(gray: Gray, stage: Stage) -> int:
    scale = _effective_scale(gray, stage.scale)
    height, width = int(gray.shape[0]), int(gray.shape[1])
    return max(1, round(height * scale) * round(width * scale))


def run_chain(
    gray: Gray,
    stages: tuple[Stage, ...] = CHAIN,
    budget_ms: float | None = DEFAULT_BUDGET_MS,
) -> str | None:
    """Run `stages` over a grayscale frame until one decodes; None if none does.

    The first ALWAYS_RUN stages always run. A later stage is skipped when the time already spent
    plus its predicted cost exceeds `budget_ms` (None: no budget, every stage runs).
    """
    start = time.perf_counter()
    seconds_per_pixel: float | None = None
    for index, stage in enumerate(stages):
        pixels = _stage_pixels(gray, stage)
        if index >= ALWAYS_RUN and budget_ms is not None and seconds_per_pixel is not None:
            elapsed_ms = (time.perf_counter() - start) * 1000.0
            if elapsed_ms + seconds_per_pixel * pixels * 1000.0 > budget_ms:
                continue  # a later, cheaper stage may still fit
        stage_start = time.perf_counter()
        text = _zxing(_prepare(gray, stage), try_downscale=stage.try_downscale)
        if text is not None:
            return text
        if index > 0:  # the plain pass scans a pyramid too: a different cost per pixel
            seconds_per_pixel = (time.perf_counter() - stage_start) / pixels
    return None


def decode_image(img: npt.NDArray[Any], budget_ms: float | None = DEFAULT_BUDGET_MS) -> str | None:
    """The shipped chain: the text of a QR code in a BGR(A) or grayscale frame, or None."""
    return run_chain(to_gray(img), CHAIN, budget_ms)


def decode_file(path: str | Path) -> str | None:
    """Decode the QR code in an image file (PNG, JPEG, BMP, ...); None if there is none.

    Raises InvalidInput when the file is missing or is not an image OpenCV can read. Paths with
    non-ASCII characters work on every platform (the bytes are read by Python, not by OpenCV).
    """
    path = Path(path)
    try:
        data = np.fromfile(path, dtype=np.uint8)
    except OSError as e:
        raise InvalidInput(f"cannot read {path}: {e.strerror or e}") from e
    img = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE) if data.size else None
    if img is None:
        raise InvalidInput(f"{path} is not an image that can be read (PNG, JPEG, BMP, ...)")
    return decode_image(np.asarray(img, dtype=np.uint8))


# -- the single decoders the chain was measured against (see bench/bench_qr.py) ----------------


def decode_zxing(img: npt.NDArray[Any]) -> str | None:
    """zxing-cpp alone, with its default search options (rotations, downscaled pyramid, inverted)."""
    return _zxing(to_gray(img), try_downscale=True, try_rotate=True)


def decode_zxing_2x(img: npt.NDArray[Any]) -> str | None:
    """zxing-cpp, then once more on a bicubic 2x upscale if the first pass found nothing."""
    gray = to_gray(img)
    text = _zxing(gray, try_downscale=True, try_rotate=True)
    if text is not None:
        return text
    scale = _effective_scale(gray, 2.0)
    big = np.asarray(
        cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC), dtype=np.uint8
    )
    return _zxing(big, try_downscale=True, try_rotate=True)


_local = threading.local()  # OpenCV detectors hold state: one per thread


def _opencv_detector(aruco: bool) -> Any:
    name = "aruco" if aruco else "classic"
    detector = getattr(_local, name, None)
    if detector is None:
        detector = cv2.QRCodeDetectorAruco() if aruco else cv2.QRCodeDetector()
        setattr(_local, name, detector)
    return detector


def _opencv(img: npt.NDArray[Any], aruco: bool) -> str | None:
    gray = to_gray(img)
    try:
        text, _points, _straight = _opencv_detector(aruco).detectAndDecode(gray)
    except cv2.error:
        return None
    return str(text) if text else None


def decode_opencv(img: npt.NDArray[Any]) -> str | None:
    """OpenCV's classic `QRCodeDetector` (for comparison; not part of the chain)."""
    return _opencv(img, aruco=False)


def decode_opencv_aruco(img: npt.NDArray[Any]) -> str | None:
    """OpenCV's `QRCodeDetectorAruco` (for comparison; not part of the chain)."""
    return _opencv(img, aruco=True)
