"""The till's camera: frame sources and the worker that reads member codes from them.

No Qt here (threading, OpenCV and numpy only), so the command line and the tests drive the same
worker the window does; `desktop.ui.camera_view` bridges its callbacks to Qt signals.

A `FrameSource` behaves like a camera: `read()` blocks until the next frame and returns None once
the source has ended (an unplugged camera, a finished stream, the last image of a non-looping
`ImageFolderCamera`); it raises when the device fails. `CameraScanner` owns its source: it reads
on one thread, decodes on another, and closes the source when it stops.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, cast

import cv2
import numpy as np
import numpy.typing as npt

from desktop.core.errors import LanternError
from desktop.scanning.decode import decode_image

log = logging.getLogger(__name__)

Frame = npt.NDArray[np.uint8]
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"})


class CameraError(LanternError):
    """A camera that cannot be opened or a frame source that cannot be built."""


class FrameSource(Protocol):
    def read(self) -> Frame | None:
        """The next frame (BGR or gray), blocking until it is there; None once the source ended."""
        ...

    def close(self) -> None: ...


class OpenCVCamera:
    """A camera (device index) or a stream (URL or video file) through cv2.VideoCapture.

    A camera or a live stream paces `read()`; a video file does not (it reads as fast as it
    decodes), so the scanner decodes only some of its frames."""

    def __init__(self, index_or_url: int | str) -> None:
        self.name = repr(index_or_url)
        self._capture = cv2.VideoCapture(index_or_url)
        if not self._capture.isOpened():
            self._capture.release()
            raise CameraError(
                f"cannot open camera {index_or_url!r}: check that it is plugged in and not in "
                "use by another program (or that the URL is reachable)"
            )

    def read(self) -> Frame | None:
        ok, frame = self._capture.read()
        if not ok or frame is None:
            # OpenCV reports an unplugged camera or the end of a stream the same way.
            return None
        return cast(Frame, frame)

    def close(self) -> None:
        self._capture.release()

    def __repr__(self) -> str:
        return f"OpenCVCamera({self.name})"


class ImageFolderCamera:
    """Plays image files as camera frames, for support and tests.

    Frame i is due `i / fps` seconds after the first read; `read()` blocks until then, as a
    camera does. A reader that falls behind gets the overdue frames at once, in order (like the
    driver's buffer). After the last image it returns None (like an unplugged camera) unless
    `loop`; `close()` wakes a blocked `read()`, which then returns None.
    """

    def __init__(
        self, paths: str | Path | Sequence[str | Path], fps: float = 15, loop: bool = False
    ) -> None:
        if fps <= 0:
            raise CameraError(f"the frame rate must be positive, got {fps}")
        files = self._files(paths)
        if not files:
            raise CameraError(f"no image files in {paths!r}")
        self._frames: list[Frame] = []
        for path in files:
            # imdecode(fromfile) rather than imread: imread cannot open non-ASCII paths on Windows.
            data = np.fromfile(str(path), dtype=np.uint8) if path.is_file() else None
            frame = cv2.imdecode(data, cv2.IMREAD_COLOR) if data is not None else None
            if frame is None:
                raise CameraError(f"cannot read {path} as an image")
            self._frames.append(cast(Frame, frame))
        self.name = str(paths if isinstance(paths, str | Path) else f"{len(files)} images")
        self.fps = fps
        self.loop = loop
        self._next = 0
        self._start: float | None = None
        self._closed = threading.Event()

    @staticmethod
    def _files(paths: str | Path | Sequence[str | Path]) -> list[Path]:
        if isinstance(paths, str | Path):
            folder = Path(paths)
            if not folder.is_dir():
                return [folder]
            return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        return [Path(p) for p in paths]

    def read(self) -> Frame | None:
        if self._closed.is_set():
            return None
        if not self.loop and self._next >= len(self._frames):
            return None
        now = time.monotonic()
        if self._start is None:
            self._start = now
        delay = self._start + self._next / self.fps - now
        if delay > 0 and self._closed.wait(delay):
            return None
        frame = self._frames[self._next % len(self._frames)]
        self._next += 1
        return frame.copy()  # a fresh buffer per frame, as a capture gives

    def close(self) -> None:
        self._closed.set()

    def __repr__(self) -> str:
        return f"ImageFolderCamera({self.name}, fps={self.fps:g})"


class CameraScanner:
    """Reads frames from a source on one thread and decodes them on another.

    The reader drains the source at its own frame rate and hands each frame to the decoder
    through a one-frame mailbox: while a decode runs, newer frames replace the waiting one, so a
    slow decode skips frames instead of queueing them. Every callback runs on a worker thread.

    - `on_code(text)`: once per code. A text seen again within `dedup_seconds` of the last time
      it was *seen* is ignored, so a card held in front of the camera reads once; it reads again
      after it has been out of sight for the window. A different code is reported at once.
    - `on_frame(frame)`: for the preview, at most `preview_fps` times a second.
    - `on_error(exc)`: the source raised; the scanner stops.
    - `on_end()`: the source ended (read() gave None), after the last frame was decoded.
    """

    def __init__(
        self,
        source: FrameSource,
        on_code: Callable[[str], None],
        *,
        on_frame: Callable[[Frame], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_end: Callable[[], None] | None = None,
        dedup_seconds: float = 3.0,
        preview_fps: float = 15.0,
        decode: Callable[[Frame], str | None] = decode_image,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.on_code = on_code
        self.on_frame = on_frame
        self.on_error = on_error
        self.on_end = on_end
        self.dedup_seconds = dedup_seconds
        self.preview_interval = 1.0 / preview_fps if preview_fps > 0 else float("inf")
        self.decode = decode
        self.clock = clock
        self.frames_read = 0
        self.frames_decoded = 0
        self.codes_reported = 0
        self._seen: dict[str, float] = {}  # code -> when it was last seen
        self._stop = threading.Event()
        self._mailbox = threading.Condition()
        self._pending: Frame | None = None
        self._source_done = False
        self._last_decode_error = -float("inf")
        self._reader = threading.Thread(target=self._read_loop, name="camera-read", daemon=True)
        self._decoder = threading.Thread(
            target=self._decode_loop, name="camera-decode", daemon=True
        )

    @property
    def frames_skipped(self) -> int:
        """Frames replaced in the mailbox before the decoder got to them."""
        with self._mailbox:
            waiting = 1 if self._pending is not None else 0
            return self.frames_read - self.frames_decoded - waiting

    def start(self) -> None:
        self._decoder.start()
        self._reader.start()

    def stop(self, timeout: float = 5.0) -> bool:
        """Stop reading and decoding and close the source; True when both threads ended.

        The reader finishes the read it is in (at most a frame period for a camera), then closes
        the source on its own thread, so a capture is never released under a read in progress.
        Called from a callback (a worker thread), it only asks the threads to end."""
        self._stop.set()
        with self._mailbox:
            self._mailbox.notify_all()
        if self._reader.ident is None:  # never started: nothing reads, close here
            self._close_source()
            return True
        if threading.current_thread() in (self._reader, self._decoder):
            return False
        for thread in (self._reader, self._decoder):
            thread.join(timeout)
            if thread.is_alive():
                log.warning(
                    "%s: the %s thread did not end within %.1f s", self, thread.name, timeout
                )
                return False
        return True

    @property
    def running(self) -> bool:
        return self._reader.is_alive() or self._decoder.is_alive()

    def __repr__(self) -> str:
        return f"CameraScanner({self.source!r})"

    # --- reader thread ---------------------------------------------------------------------
    def _read_loop(self) -> None:
        failure: BaseException | None = None
        ended = False
        last_preview = -float("inf")
        try:
            while not self._stop.is_set():
                frame = self.source.read()
                if frame is None:
                    ended = not self._stop.is_set()
                    break
                self.frames_read += 1
                with self._mailbox:
                    self._pending = frame
                    self._mailbox.notify()
                now = self.clock()
                if self.on_frame is not None and now - last_preview >= self.preview_interval:
                    last_preview = now
                    self._call(self.on_frame, frame)
        except Exception as e:
            failure = e
            log.error("%s failed after %d frames: %s", self, self.frames_read, e, exc_info=True)
        finally:
            with self._mailbox:
                self._source_done = True
                self._mailbox.notify_all()
            self._decoder.join()
            self._close_source()
        if failure is not None and self.on_error is not None:
            self._call(self.on_error, failure)
        elif ended:
            log.info("%s ended after %d frames", self, self.frames_read)
            if self.on_end is not None:
                self._call(self.on_end)

    def _close_source(self) -> None:
        try:
            self.source.close()
        except Exception as e:
            log.warning("%s: closing the source failed: %s", self, e, exc_info=True)

    # --- decoder thread --------------------------------------------------------------------
    def _decode_loop(self) -> None:
        while True:
            with self._mailbox:
                while self._pending is None and not self._source_done and not self._stop.is_set():
                    self._mailbox.wait()
                if self._stop.is_set() or self._pending is None:
                    return  # stopped, or the source ended and the last frame is done
                frame, self._pending = self._pending, None
            self._decode(frame)

    def _decode(self, frame: Frame) -> None:
        try:
            text = self.decode(frame)
        except Exception as e:
            # One bad frame must not stop the camera; say so at most every 10 s.
            now = self.clock()
            if now - self._last_decode_error >= 10.0:
                self._last_decode_error = now
                log.warning(
                    "%s: decoding frame %d (shape %s, %s) failed: %s",
                    self,
                    self.frames_read,
                    getattr(frame, "shape", "?"),
                    getattr(frame, "dtype", "?"),
                    e,
                    exc_info=True,
                )
            return
        finally:
            self.frames_decoded += 1
        if text is not None and self._is_new(text):
            self.codes_reported += 1
            self._call(self.on_code, text)

    def _is_new(self, text: str) -> bool:
        now = self.clock()
        last = self._seen.get(text)
        self._seen = {t: s for t, s in self._seen.items() if now - s < self.dedup_seconds}
        self._seen[text] = now
        return last is None or now - last >= self.dedup_seconds

    def _call(self, callback: Callable[..., Any], *args: Any) -> None:
        try:
            callback(*args)
        except Exception as e:
            name = getattr(callback, "__qualname__", repr(callback))
            log.error("%s: the callback %s failed: %s", self, name, e, exc_info=True)
