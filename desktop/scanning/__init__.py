"""Reading member QR codes from pixels: a camera frame, a photo or an image file.

Pure image-to-text decoding (numpy, OpenCV and zxing-cpp); no Qt and no services, so the camera
worker, the command line and the tests all share the same chain. See `decode.py` for the chain and
`bench/bench_qr.py` for the measurements it was chosen by.
"""

from __future__ import annotations

from desktop.scanning.decode import (
    CHAIN,
    DEFAULT_BUDGET_MS,
    Stage,
    decode_file,
    decode_image,
    decode_opencv,
    decode_opencv_aruco,
    decode_zxing,
    decode_zxing_2x,
    run_chain,
    to_gray,
)

__all__ = [
    "CHAIN",
    "DEFAULT_BUDGET_MS",
    "Stage",
    "decode_file",
    "decode_image",
    "decode_opencv",
    "decode_opencv_aruco",
    "decode_zxing",
    "decode_zxing_2x",
    "run_chain",
    "to_gray",
]
