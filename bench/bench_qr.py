"""Benchmark: QR decoders on the photographed-like development set, and the chain Lantern ships.

    .venv/bin/python bench/bench_qr.py [--data DIR]

DIR (default: ../shared/data/qr-dev next to the repository) holds the images, manifest.csv
(filename, expected_payload, difficulty) and params.jsonl (qr_version, span_px, ...). Every image
is loaded as a BGR frame, as a camera delivers it, before any clock starts; the time per image is
one call of the decoder on that frame (grayscale conversion included). A read is a returned text
equal to the expected payload; a misread is any other returned text.

Printed, from one run: one table of read rate (overall and per difficulty), misreads and median /
p95 ms per image for every decoder tried and for the shipped chain (with its stage-by-stage
ablation), then the shipped chain's read rate per QR version and per pixels-per-module bucket
(span_px / (17 + 4 * version) modules)."""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from desktop.scanning import decode as qr

try:  # run as a script (bench/ on sys.path) or as bench.bench_qr
    import codes_section  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover
    from bench import codes_section

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "qr-dev"
DIFFICULTIES = ("easy", "medium", "hard")
PPM_BUCKETS: tuple[tuple[float, float], ...] = (
    (0.0, 2.0),
    (2.0, 3.0),
    (3.0, 4.0),
    (4.0, 5.0),
    (5.0, 6.0),
    (6.0, math.inf),
)
TARGET_MEDIAN_MS = 5.0

Decoder = Callable[[np.ndarray], str | None]


# --- the set -------------------------------------------------------------------------------
@dataclass
class Sample:
    filename: str
    expected: str
    difficulty: str
    version: int
    span_px: float
    frame: np.ndarray

    @property
    def pixels_per_module(self) -> float:
        return self.span_px / (17 + 4 * self.version)


def load_set(data: Path) -> list[Sample]:
    params: dict[str, dict[str, Any]] = {}
    with (data / "params.jsonl").open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                params[row["filename"]] = row
    samples = []
    with (data / "manifest.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            name = row["filename"]
            frame = cv2.imread(str(data / name), cv2.IMREAD_COLOR)
            if frame is None:
                raise SystemExit(f"cannot read {data / name}")
            p = params[name]
            samples.append(
                Sample(
                    filename=name,
                    expected=row["expected_payload"],
                    difficulty=row["difficulty"],
                    version=int(p["qr_version"]),
                    span_px=float(p["span_px"]),
                    frame=frame,
                )
            )
    return samples


# --- the decoders ----------------------------------------------------------------------------
def pyzbar_decoder() -> tuple[Decoder | None, str]:
    """pyzbar (ZBar) if it and libzbar0 are installed; otherwise None and the reason."""
    try:
        from pyzbar import pyzbar
    except (ImportError, OSError) as e:
        return None, f"not installed ({e.__class__.__name__}: {e})"

    def decode(img: np.ndarray) -> str | None:
        gray = qr.to_gray(img)
        for symbol in pyzbar.decode(gray, symbols=[pyzbar.ZBarSymbol.QRCODE]):
            return bytes(symbol.data).decode("utf-8", errors="replace")
        return None

    return decode, ""


def chain_prefix(n: int) -> Decoder:
    stages = qr.CHAIN[:n]

    def decode(img: np.ndarray) -> str | None:
        return qr.run_chain(qr.to_gray(img), stages, budget_ms=None)

    return decode


# --- measuring -------------------------------------------------------------------------------
@dataclass
class Result:
    name: str
    read: list[bool] = field(default_factory=list)
    misreads: int = 0
    ms: list[float] = field(default_factory=list)
    skipped: str = ""

    def rate(self, samples: Sequence[Sample], keep: Callable[[Sample], bool]) -> str:
        hits = [ok for ok, s in zip(self.read, samples, strict=True) if keep(s)]
        if not hits:
            return "—"
        return f"{100 * sum(hits) / len(hits):5.1f}% {sum(hits):>3}/{len(hits):<3}"

    @property
    def reads(self) -> int:
        return sum(self.read)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.ms)

    @property
    def p95_ms(self) -> float:
        return float(np.percentile(self.ms, 95))


def measure(name: str, decoder: Decoder, samples: Sequence[Sample]) -> Result:
    decoder(samples[0].frame)  # warm-up: lazy initialisation, first-call allocations
    result = Result(name)
    for s in samples:
        t0 = time.perf_counter()
        text = decoder(s.frame)
        result.ms.append((time.perf_counter() - t0) * 1000.0)
        result.read.append(text == s.expected)
        if text is not None and text != s.expected:
            result.misreads += 1
    return result


# --- printing --------------------------------------------------------------------------------
def version_of(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def print_header(data: Path, samples: Sequence[Sample]) -> None:
    counts = ", ".join(f"{d} {sum(s.difficulty == d for s in samples)}" for d in DIFFICULTIES)
    sizes = sorted({f"{s.frame.shape[1]}x{s.frame.shape[0]}" for s in samples})
    print()
    print("Lantern QR decoding benchmark")
    print(f"  data          {data} ({len(samples)} images: {counts}; frames {', '.join(sizes)})")
    print(
        f"  machine       {cpu_model()}, {os.cpu_count()} CPUs, "
        f"OpenCV threads {cv2.getNumThreads()}"
    )
    print(
        f"  software      Python {platform.python_version()}, opencv {cv2.__version__}, "
        f"zxing-cpp {version_of('zxing-cpp')}, pyzbar {version_of('pyzbar')}, "
        f"numpy {np.__version__}"
    )
    stages = " → ".join(s.name for s in qr.CHAIN)
    print(f"  shipped chain {stages} (budget {qr.DEFAULT_BUDGET_MS:g} ms after stage 2)")
    print()


def print_table(results: Sequence[Result], samples: Sequence[Sample]) -> None:
    w = max(len(r.name) for r in results) + 2
    cols = ["overall", *DIFFICULTIES]
    head = f"{'decoder':<{w}}" + "".join(f"{c:>16}" for c in cols)
    head += f"{'misreads':>10}{'median ms':>11}{'p95 ms':>9}"
    print("== Read rate, misreads and time per image (BGR frame in, text out) ==")
    print(head)
    print("-" * len(head))
    for r in results:
        if r.skipped:
            print(f"{r.name:<{w}}{r.skipped}")
            continue
        line = f"{r.name:<{w}}{r.rate(samples, lambda s: True):>16}"
        for d in DIFFICULTIES:
            line += f"{r.rate(samples, lambda s, d=d: s.difficulty == d):>16}"
        line += f"{r.misreads:>10}{r.median_ms:>11.2f}{r.p95_ms:>9.2f}"
        print(line)
    print()


def print_breakdown(chain: Result, single: Result, samples: Sequence[Sample]) -> None:
    w = 18
    print(f"== Read rate of the shipped chain (and of {single.name}) by QR version ==")
    print(f"{'QR version':<{w}}{'modules':>8}{'chain':>16}{single.name:>16}")
    for v in sorted({s.version for s in samples}):

        def keep(s: Sample, v: int = v) -> bool:
            return s.version == v

        print(
            f"{v:<{w}}{17 + 4 * v:>8}{chain.rate(samples, keep):>16}{single.rate(samples, keep):>16}"
        )
    print()
    print("== … and by pixels per module (span_px / modules) ==")
    print(f"{'pixels per module':<{w}}{'':>8}{'chain':>16}{single.name:>16}")
    for lo, hi in PPM_BUCKETS:
        label = f"≥ {lo:g}" if math.isinf(hi) else f"{lo:g}–{hi:g}"

        def keep_ppm(s: Sample, lo: float = lo, hi: float = hi) -> bool:
            return lo <= s.pixels_per_module < hi

        print(
            f"{label:<{w}}{'':>8}{chain.rate(samples, keep_ppm):>16}"
            f"{single.rate(samples, keep_ppm):>16}"
        )
    print()


def print_verdict(chain: Result, singles: Sequence[Result], samples: Sequence[Sample]) -> None:
    best = max(singles, key=lambda r: r.reads)
    easy = [ok for ok, s in zip(chain.read, samples, strict=True) if s.difficulty == "easy"]
    checks = [
        (
            f"reads more than any single decoder (best: {best.name}, {best.reads})",
            chain.reads > best.reads,
        ),
        ("reads 100% of the easy tier", all(easy)),
        ("zero misreads", chain.misreads == 0),
        (f"median ≤ {TARGET_MEDIAN_MS:g} ms per frame", chain.median_ms <= TARGET_MEDIAN_MS),
    ]
    print("== Targets for the shipped chain ==")
    for text, ok in checks:
        print(f"  {'met ' if ok else 'MISS'}  {text}")
    print()


# --- main ------------------------------------------------------------------------------------
def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help=f"folder with the images, manifest.csv and params.jsonl (default: {DEFAULT_DATA})",
    )
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    data: Path = args.data
    if not (data / "manifest.csv").is_file():
        print(f"no manifest.csv in {data}; pass --data DIR", file=sys.stderr)
        return 2
    samples = load_set(data)
    print_header(data, samples)

    singles: list[tuple[str, Decoder | None, str]] = [
        ("OpenCV QRCodeDetector", qr.decode_opencv, ""),
        ("OpenCV QRCodeDetectorAruco", qr.decode_opencv_aruco, ""),
        ("pyzbar", *pyzbar_decoder()),
        ("zxing-cpp", qr.decode_zxing, ""),
    ]
    others: list[tuple[str, Decoder | None, str]] = [
        ("zxing-cpp + 2x upscale retry", qr.decode_zxing_2x, ""),
    ]
    for n in range(1, len(qr.CHAIN)):  # the ablation: what each retry adds
        label = "chain 1: plain" if n == 1 else f"chain 1–{n}: + {qr.CHAIN[n - 1].name}"
        others.append((label, chain_prefix(n), ""))
    n = len(qr.CHAIN)
    others.append((f"SHIPPED chain 1–{n}: + {qr.CHAIN[-1].name}", qr.decode_image, ""))

    results: list[Result] = []
    single_results: list[Result] = []
    for name, decoder, why in [*singles, *others]:
        print(f"  measuring {name} …", file=sys.stderr, flush=True)
        if decoder is None:
            results.append(Result(name, skipped=why))
            continue
        result = measure(name, decoder, samples)
        results.append(result)
        if any(name == s[0] for s in singles):
            single_results.append(result)

    print_table(results, samples)
    chain = results[-1]
    zxing_alone = next(r for r in results if r.name == "zxing-cpp")
    print_breakdown(chain, zxing_alone, samples)
    upscale_retry = next(r for r in results if r.name == "zxing-cpp + 2x upscale retry")
    print_verdict(chain, [*single_results, upscale_retry], samples)
    codes_section.run(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
