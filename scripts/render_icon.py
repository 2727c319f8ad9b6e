"""Render resources/icons/lantern.svg into the PNG the window and the Linux desktop entry
use and the ICO the Windows executable and installer use (run after editing the SVG; the
outputs are committed, as the bundle build has no SVG renderer of its own)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    QSvgRenderer(str(ICONS / "lantern.svg")).render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def main() -> int:
    from PIL import Image

    (ICONS / "lantern.png").write_bytes(render(256))
    images = [Image.open(io.BytesIO(render(s))) for s in SIZES]
    images[-1].save(
        ICONS / "lantern.ico",
        format="ICO",
        sizes=[(s, s) for s in SIZES],
        append_images=images[:-1],
    )
    print(f"wrote {ICONS / 'lantern.png'} and {ICONS / 'lantern.ico'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
