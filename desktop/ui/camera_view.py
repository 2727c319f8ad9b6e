"""The camera preview: live frames, a green flash and a beep when a member code is read.

The `CameraScanner` calls back on its worker threads; those callbacks only emit signals of a
bridge object that lives on the GUI thread, so Qt queues them over and every widget is touched
on the GUI thread alone.
"""

from __future__ import annotations

import logging
import time
from typing import cast

import cv2
import numpy as np

from desktop.scanning.camera import CameraScanner, Frame, FrameSource
from desktop.ui.qt import (
    QApplication,
    QColor,
    QImage,
    QObject,
    QPainter,
    QPen,
    QRect,
    Qt,
    QTimer,
    QWidget,
    Signal,
)

log = logging.getLogger(__name__)

FLASH = QColor(40, 200, 80)


def frame_to_image(frame: Frame) -> tuple[QImage, Frame]:
    """A QImage over the frame's pixels, and the buffer it shares (keep it alive with it)."""
    if frame.ndim == 3 and frame.shape[2] == 4:
        frame = cast(Frame, cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR))
    elif frame.ndim == 3 and frame.shape[2] == 1:
        frame = frame[:, :, 0]
    pixels = np.ascontiguousarray(frame)
    height, width = pixels.shape[:2]
    fmt = QImage.Format.Format_Grayscale8 if pixels.ndim == 2 else QImage.Format.Format_BGR888
    return QImage(pixels.data, width, height, pixels.strides[0], fmt), pixels


class _Bridge(QObject):
    """Lives on the GUI thread; the scanner's threads only emit these."""

    frame = Signal(object)
    code = Signal(str)
    failed = Signal(object)
    ended = Signal()


class CameraView(QWidget):
    """Shows what the camera sees and emits `code_read(text)` once per code read."""

    code_read = Signal(str)
    failed = Signal(str)  # the camera failed or went away; the text says so for the cashier

    def __init__(
        self,
        source: FrameSource,
        parent: QWidget | None = None,
        *,
        dedup_seconds: float = 3.0,
        preview_fps: float = 15.0,
        flash_ms: int = 400,
        beep: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("camera")
        self.setMinimumSize(240, 180)
        self.flash_ms = flash_ms
        self.beep = beep
        self.status = "摄像头启动中… Starting the camera…"
        self._image: QImage | None = None
        self._pixels: Frame | None = None  # the buffer _image points into
        self._flash_until = 0.0
        self._started = False
        self._bridge = _Bridge(self)
        self._bridge.frame.connect(self._show_frame)
        self._bridge.code.connect(self._on_code)
        self._bridge.failed.connect(self._on_failed)
        self._bridge.ended.connect(self._on_ended)
        self.scanner = CameraScanner(
            source,
            self._bridge.code.emit,
            on_frame=self._bridge.frame.emit,
            on_error=self._bridge.failed.emit,
            on_end=self._bridge.ended.emit,
            dedup_seconds=dedup_seconds,
            preview_fps=preview_fps,
        )

    def start(self) -> None:
        if not self._started:
            self._started = True
            self.scanner.start()

    def stop(self) -> None:
        """Stop the camera threads and release the camera (safe to call twice)."""
        self.scanner.stop()

    @property
    def flashing(self) -> bool:
        return time.monotonic() < self._flash_until

    # --- from the scanner, on the GUI thread -------------------------------------------------
    def _show_frame(self, frame: Frame) -> None:
        self._image, self._pixels = frame_to_image(frame)
        self.status = ""
        self.update()

    def _on_code(self, text: str) -> None:
        self._flash_until = time.monotonic() + self.flash_ms / 1000
        QTimer.singleShot(self.flash_ms + 20, self.update)
        self.update()
        if self.beep:
            QApplication.beep()
        self.code_read.emit(text)

    def _on_failed(self, error: BaseException) -> None:
        self._set_status(f"⚠ 摄像头故障 Camera failed: {error}")

    def _on_ended(self) -> None:
        self._set_status("⚠ 摄像头已断开 The camera stopped sending pictures: check its cable")

    def _set_status(self, text: str) -> None:
        self.status = text
        self._image = self._pixels = None
        self.update()
        self.failed.emit(text)

    # --- Qt ----------------------------------------------------------------------------------
    def paintEvent(self, event: object) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), Qt.GlobalColor.black)
            if self._image is not None:
                size = self._image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
                target = QRect(0, 0, size.width(), size.height())
                target.moveCenter(self.rect().center())
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
                painter.drawImage(target, self._image)
            if self.status:
                painter.setPen(Qt.GlobalColor.white)
                painter.drawText(
                    self.rect().adjusted(8, 8, -8, -8),
                    Qt.AlignmentFlag.AlignCenter.value | Qt.TextFlag.TextWordWrap.value,
                    self.status,
                )
            if self.flashing:
                overlay = QColor(FLASH)
                overlay.setAlpha(70)
                painter.fillRect(self.rect(), overlay)
                painter.setPen(QPen(FLASH, 8))
                painter.drawRect(self.rect().adjusted(4, 4, -4, -4))
        finally:
            painter.end()

    def closeEvent(self, event: object) -> None:  # noqa: N802 - Qt API
        self.stop()
        super().closeEvent(event)  # type: ignore[arg-type]
