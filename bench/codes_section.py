"""The member-code part of bench_qr.py: how big our own codes' QR symbols are at each
error-correction level, how well they read under the qr-dev set's camera conditions, and
what verifying one costs.

Conditions: for each of the 200 rows of params.jsonl (span in pixels, blur, motion blur,
noise, contrast, gain, glare, JPEG quality) our code is rendered at the *same span* — the same
printed size at the same distance — degraded the same way, and decoded by the shipped chain.
A smaller QR version means bigger modules at that span."""

from __future__ import annotations

import json
import statistics
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q

from desktop.core import codes
from desktop.scanning.decode import decode_image
from headoffice.cards import qr_modules

LEVELS = (
    ("L", ERROR_CORRECT_L),
    ("M", ERROR_CORRECT_M),
    ("Q", ERROR_CORRECT_Q),
    ("H", ERROR_CORRECT_H),
)


def _frame(modules: np.ndarray, p: dict[str, Any], rng: np.random.Generator) -> np.ndarray:
    """Our symbol photographed under the conditions of one qr-dev image."""
    w, h = int(p["w"]), int(p["h"])
    n = modules.shape[0] - 8  # modules without the quiet zone
    span = float(p["span_px"])
    px = span / n
    size = max(1, round(px * modules.shape[0]))
    sym = np.where(modules, 0, 255).astype(np.uint8)
    sym = cv2.resize(sym, (size, size), interpolation=cv2.INTER_AREA)
    frame = np.full((h, w), 200, dtype=np.float32)
    y, x = max(0, (h - size) // 2), max(0, (w - size) // 2)
    crop = sym[: h - y, : w - x].astype(np.float32)
    frame[y : y + crop.shape[0], x : x + crop.shape[1]] = crop
    contrast, gain = float(p["contrast"]), float(p["gain"])
    frame = (frame - 128) * contrast + 128
    frame = frame * (0.5 + 0.5 * gain)
    if p.get("glare"):
        yy, xx = np.mgrid[0:h, 0:w]
        cy, cx = y + size * 0.35, x + size * 0.6
        frame += 90 * np.exp(-(((yy - cy) / (size * 0.18)) ** 2 + ((xx - cx) / (size * 0.25)) ** 2))
    if p["gblur"] > 0:
        frame = cv2.GaussianBlur(frame, (0, 0), float(p["gblur"]))
    k = int(p["mblur"])
    if k > 1:
        kernel = np.zeros((k, k), np.float32)
        kernel[k // 2, :] = 1.0 / k
        frame = cv2.filter2D(frame, -1, kernel)
    frame += rng.normal(0, float(p["noise"]), frame.shape)
    img = np.clip(frame, 0, 255).astype(np.uint8)
    ok, jpg = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(p["jpeg_q"])])
    assert ok
    return cv2.imdecode(jpg, cv2.IMREAD_COLOR)


def _codes() -> tuple[str, str, dict[int, codes.IssuerKey], Ed25519PrivateKey]:
    # fixed keys and times, so every run measures the very same symbols
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    device = Ed25519PrivateKey.from_private_bytes(bytes(range(32, 64)))
    static = codes.issue_static(key, 1, 12_345_678, 1, date(2026, 11, 26))
    cert = codes.certify_device(key, 1, 12_345_678, codes.public_bytes(device), date(2027, 1, 1))
    phone = codes.phone_code(cert, device, datetime(2026, 11, 26, 2, 0, tzinfo=UTC))
    return static, phone, {1: codes.IssuerKey(1, codes.public_bytes(key))}, device


def _us(fn: Any, n: int) -> tuple[float, float]:
    times = []
    for _ in range(n):
        t = time.perf_counter_ns()
        fn()
        times.append((time.perf_counter_ns() - t) / 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def run(data: Path) -> None:
    params = [json.loads(line) for line in (data / "params.jsonl").read_text().splitlines() if line]
    static, phone, keys, _ = _codes()
    print("\n== Our member codes (docs/member-codes.md) ==")
    print(
        f"  static card code {len(static)} chars, phone code {len(phone)} chars (alphanumeric mode)"
    )
    print(
        "\n  read rate of OUR codes at the same printed size and distance as each qr-dev image"
        "\n  (same span, blur, noise, contrast, glare, JPEG), shipped chain"
    )
    header = f"  {'code':<8}{'ECC':>4}{'version':>9}{'modules':>9}{'overall':>18}"
    print(header + "".join(f"{d:>16}" for d in ("easy", "medium", "hard")) + "  misreads")
    for name, text in (("static", static), ("phone", phone)):
        for level, ecc in LEVELS:
            modules = np.array(qr_modules(text, ecc), dtype=bool)
            version = (modules.shape[0] - 8 - 17) // 4
            rng = np.random.default_rng(7)
            reads: dict[str, list[int]] = {"easy": [0, 0], "medium": [0, 0], "hard": [0, 0]}
            misreads = 0
            for p in params:
                got = decode_image(_frame(modules, p, rng))
                bucket = reads[p["difficulty"]]
                bucket[1] += 1
                if got == text:
                    bucket[0] += 1
                elif got is not None:
                    misreads += 1
            ok = sum(v[0] for v in reads.values())
            line = f"  {name:<8}{level:>4}{version:>9}{modules.shape[0] - 8:>9}"
            line += f"{100 * ok / len(params):>10.1f}% {ok:>3}/{len(params)}"
            for d in ("easy", "medium", "hard"):
                r, t = reads[d]
                line += f"{100 * r / max(t, 1):>10.1f}% {r:>2}/{t}"
            print(line + f"{misreads:>10}")

    now = datetime(2026, 11, 26, 2, 0, 10, tzinfo=UTC)
    serial = lambda _n: 1  # noqa: E731
    unrevoked = lambda _n, _s: False  # noqa: E731
    print("\n  verification cost per code (µs), 2,000 calls each")
    print(f"  {'':<44}{'p50':>8}{'p99':>8}")
    for label, fn in (
        ("parse static (no signature check)", lambda: codes.parse(static)),
        (
            "check static card (1 Ed25519 verify)",
            lambda: codes.check(static, now, keys, serial, unrevoked),
        ),
        (
            "check phone code (2 Ed25519 verifies)",
            lambda: codes.check(phone, now, keys, serial, unrevoked),
        ),
        (
            "refuse a forged static card",
            lambda: codes.check(static[:-5] + "AAAAA", now, keys, serial, unrevoked),
        ),
    ):
        p50, p99 = _us(fn, 2000)
        print(f"  {label:<44}{p50:>8.1f}{p99:>8.1f}")
