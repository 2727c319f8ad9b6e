"""The camera path: image files played as frames at a frame rate, a real video file through
cv2.VideoCapture, and the scanner worker that reads member codes from them (real QR images
made with `qrcode`, written as PNG with OpenCV, decoded by the shipped chain)."""

from __future__ import annotations

import logging
import random
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
import qrcode

from desktop.scanning.camera import (
    CameraError,
    CameraScanner,
    Frame,
    ImageFolderCamera,
    OpenCVCamera,
)
from desktop.scanning.decode import decode_image

BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def member_code(prefix: str, length: int, seed: int) -> str:
    """Text shaped like a Lantern code: the prefix and base32, 120 or 277 characters."""
    rng = random.Random(seed)
    return prefix + "".join(rng.choice(BASE32) for _ in range(length - len(prefix)))


STATIC = member_code("LS1", 120, 1)
PHONE = member_code("LR1", 277, 2)


def scene(seed: int) -> Frame:
    """A 640x480 'counter' with some texture and no code on it."""
    rng = np.random.default_rng(seed)
    frame = np.full((480, 640, 3), (150, 140, 130), np.uint8)
    noise = rng.integers(-12, 13, frame.shape)
    return np.clip(frame.astype(np.int16) + noise, 0, 255).astype(np.uint8)


def code_frame(text: str, seed: int = 0, box: int = 4) -> Frame:
    """A QR code of `text` (level M, as issued) lying on the counter."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    modules = np.array(qr.get_matrix(), dtype=bool)
    symbol = np.where(np.kron(modules, np.ones((box, box), bool)), 20, 235).astype(np.uint8)
    frame = scene(seed)
    y, x = (480 - symbol.shape[0]) // 2, (640 - symbol.shape[1]) // 2
    frame[y : y + symbol.shape[0], x : x + symbol.shape[1]] = symbol[:, :, None]
    return frame


class Frames:
    """Writes a film strip as numbered PNG files: ('blank', n) or (code text, n) runs."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.cache: dict[str, Path] = {}

    def image(self, what: str) -> Path:
        if what not in self.cache:
            frame = scene(len(self.cache)) if what == "blank" else code_frame(what)
            path = self.folder / f"{len(self.cache):03d}.png"
            assert cv2.imwrite(str(path), frame)
            self.cache[what] = path
        return self.cache[what]

    def strip(self, *runs: tuple[str, int]) -> list[Path]:
        return [self.image(what) for what, count in runs for _ in range(count)]


@pytest.fixture
def frames(tmp_path: Path) -> Frames:
    return Frames(tmp_path)


class Recorder:
    """Collects what a CameraScanner reports, and when it ended."""

    def __init__(self) -> None:
        self.codes: list[tuple[float, str]] = []
        self.previews: list[float] = []
        self.errors: list[BaseException] = []
        self.done = threading.Event()

    def code(self, text: str) -> None:
        self.codes.append((time.monotonic(), text))

    def frame(self, frame: Frame) -> None:
        self.previews.append(time.monotonic())

    def error(self, exc: BaseException) -> None:
        self.errors.append(exc)
        self.done.set()

    @property
    def texts(self) -> list[str]:
        return [text for _, text in self.codes]


def run_scanner(source: object, rec: Recorder, **options: object) -> CameraScanner:
    scanner = CameraScanner(
        source,  # type: ignore[arg-type]
        rec.code,
        on_frame=rec.frame,
        on_error=rec.error,
        on_end=rec.done.set,
        **options,  # type: ignore[arg-type]
    )
    scanner.start()
    assert rec.done.wait(10), "the scanner did not finish"
    assert scanner.stop(timeout=2)
    return scanner


# --- the image-file camera ------------------------------------------------------------------
def test_images_play_as_frames_at_the_frame_rate(frames: Frames) -> None:
    # Given five different images played at 50 frames a second
    paths = frames.strip(("blank", 1), (STATIC, 1), (PHONE, 1), ("blank", 1))
    paths.append(frames.image("second blank"))
    camera = ImageFolderCamera(paths, fps=50)
    # When the frames are read as fast as they come
    start = time.monotonic()
    got, times = [], []
    while (frame := camera.read()) is not None:
        times.append(time.monotonic() - start)
        got.append(frame)
    # Then each read blocked until its frame was due (never early; late only by scheduling),
    # and the frames came in order, pixel for pixel
    assert times[0] < 0.01
    assert all(t >= i * 0.02 for i, t in enumerate(times))
    assert times[-1] < 0.08 + 0.05
    for frame, path in zip(got, paths, strict=True):
        assert np.array_equal(frame, cv2.imread(str(path)))
    # and after the last image the camera is gone, like an unplugged one
    assert camera.read() is None


def test_a_looping_camera_starts_over_and_hands_out_fresh_buffers(frames: Frames) -> None:
    camera = ImageFolderCamera(frames.strip(("blank", 1), (STATIC, 1)), fps=200, loop=True)
    first = camera.read()
    assert first is not None
    first[:] = 0  # a consumer scribbling on its frame does not change the film
    texts = [decode_image(f) if (f := camera.read()) is not None else "end" for _ in range(5)]
    assert texts == [STATIC, None, STATIC, None, STATIC]


def test_close_wakes_a_read_that_is_waiting_for_its_frame(frames: Frames) -> None:
    camera = ImageFolderCamera(frames.strip(("blank", 2)), fps=1)
    assert camera.read() is not None  # the first frame is due at once, the next in a second
    threading.Timer(0.05, camera.close).start()
    start = time.monotonic()
    assert camera.read() is None
    assert time.monotonic() - start < 0.5


def test_a_folder_plays_its_images_in_name_order(frames: Frames, tmp_path: Path) -> None:
    frames.strip(("blank", 1), (STATIC, 1))
    (tmp_path / "notes.txt").write_text("not a frame", encoding="utf-8")
    camera = ImageFolderCamera(tmp_path, fps=200)
    assert [decode_image(camera.read()) for _ in range(2)] == [None, STATIC]  # type: ignore[arg-type]
    assert camera.read() is None


def test_files_that_are_not_images_are_refused_up_front(tmp_path: Path) -> None:
    bad = tmp_path / "card.png"
    bad.write_text("not a picture", encoding="utf-8")
    with pytest.raises(CameraError, match=r"cannot read .*card\.png"):
        ImageFolderCamera([bad])
    with pytest.raises(CameraError, match=r"cannot read .*missing\.png"):
        ImageFolderCamera([tmp_path / "missing.png"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(CameraError, match="no image files"):
        ImageFolderCamera(tmp_path / "empty")
    with pytest.raises(CameraError, match="frame rate must be positive"):
        ImageFolderCamera(tmp_path, fps=0)


# --- OpenCV capture ---------------------------------------------------------------------------
def test_opencv_camera_that_cannot_open_says_so() -> None:
    with pytest.raises(CameraError, match="cannot open camera 97: check that it is plugged in"):
        OpenCVCamera(97)


def test_opencv_camera_reads_a_video_stream_to_its_end(tmp_path: Path) -> None:
    # Given a short video (what an IP camera or a recording gives cv2.VideoCapture)
    path = tmp_path / "counter.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 30, (640, 480))
    assert writer.isOpened()
    for frame in [scene(1)] * 3 + [code_frame(STATIC)] * 7:
        writer.write(frame)
    writer.release()
    # When the scanner reads it through the real OpenCV capture (a file is not paced like a
    # camera: the reader races through it and the decoder takes the newest frame each time)
    rec = Recorder()
    scanner = run_scanner(OpenCVCamera(str(path)), rec)
    # Then the code is read once and the end of the stream ends the scanner
    assert rec.texts == [STATIC]
    assert scanner.frames_read == 10
    assert rec.errors == []


# --- the scanner worker -----------------------------------------------------------------------
def test_a_code_in_view_is_reported_once_within_the_window(frames: Frames) -> None:
    # Given a card shown, taken away and shown again within three seconds, blanks between
    strip = frames.strip(("blank", 3), (STATIC, 6), ("blank", 4), (STATIC, 6), ("blank", 3))
    rec = Recorder()
    scanner = run_scanner(ImageFolderCamera(strip, fps=30), rec)
    # Then it was reported exactly once, and every frame was read
    assert rec.texts == [STATIC]
    assert scanner.frames_read == len(strip)
    assert scanner.codes_reported == 1


def test_a_code_held_in_view_reads_once_and_again_after_it_was_away(frames: Frames) -> None:
    # Given a 0.2 s window: a card held for 0.4 s, away for 0.4 s, then shown again
    strip = frames.strip((STATIC, 12), ("blank", 12), (STATIC, 4), ("blank", 1))
    rec = Recorder()
    run_scanner(ImageFolderCamera(strip, fps=30), rec, dedup_seconds=0.2)
    # Then holding it did not repeat it (a phone code read twice would be refused as a replay),
    # and after it was out of sight for longer than the window it was read again
    assert rec.texts == [STATIC, STATIC]
    (first, _), (second, _) = rec.codes
    assert second - first > 0.6


def test_a_different_code_is_reported_at_once(frames: Frames) -> None:
    # Given a card, then a phone, then the card again, all within the window
    strip = frames.strip((STATIC, 4), (PHONE, 4), (STATIC, 4), ("blank", 1))
    rec = Recorder()
    run_scanner(ImageFolderCamera(strip, fps=30), rec)
    # Then the phone code came at once after the card; the card's return is within its window
    assert rec.texts == [STATIC, PHONE]
    assert rec.codes[1][0] - rec.codes[0][0] < 0.5


def test_a_slow_decoder_skips_frames_instead_of_queueing_them(frames: Frames) -> None:
    # Given a camera at 100 fps and a decoder that needs 40 ms a frame
    strip = frames.strip(("blank", 30), (PHONE, 10))
    decoded: list[int] = []

    def slow_decode(frame: Frame) -> str | None:
        time.sleep(0.04)
        decoded.append(1)
        return decode_image(frame)

    rec = Recorder()
    scanner = run_scanner(
        ImageFolderCamera(strip, fps=100), rec, decode=slow_decode, preview_fps=1000
    )
    # Then reading kept the camera's pace, about a quarter of the frames were decoded, the
    # rest were skipped, and the code at the end was still read as soon as it was decoded
    assert scanner.frames_read == 40
    assert len(rec.previews) == 40
    assert rec.previews[-1] - rec.previews[0] < 0.39 + 0.1
    assert 5 <= len(decoded) <= 16
    assert scanner.frames_skipped == 40 - len(decoded)
    assert rec.texts == [PHONE]


def test_the_preview_gets_at_most_15_frames_a_second(frames: Frames) -> None:
    strip = frames.strip(("blank", 30))
    rec = Recorder()
    scanner = run_scanner(ImageFolderCamera(strip, fps=60), rec)  # half a second
    assert scanner.frames_read == 30
    assert 6 <= len(rec.previews) <= 9


class UnpluggedCamera:
    """A camera whose driver fails after a few frames, as a USB camera pulled out mid-read."""

    def __init__(self, frames: list[Path], fail_after: int) -> None:
        self.inner = ImageFolderCamera(frames, fps=100)
        self.left = fail_after
        self.closed = False

    def read(self) -> Frame | None:
        if self.left == 0:
            raise OSError(19, "No such device")
        self.left -= 1
        return self.inner.read()

    def close(self) -> None:
        self.closed = True
        self.inner.close()


def test_a_failing_source_is_reported_logged_and_closed(
    frames: Frames, caplog: pytest.LogCaptureFixture
) -> None:
    source = UnpluggedCamera(frames.strip(("blank", 10)), fail_after=3)
    rec = Recorder()
    with caplog.at_level(logging.ERROR, logger="desktop.scanning.camera"):
        scanner = run_scanner(source, rec)
    assert [str(e) for e in rec.errors] == ["[Errno 19] No such device"]
    assert source.closed
    assert not scanner.running
    assert "failed after 3 frames: [Errno 19] No such device" in caplog.text


def test_stop_ends_both_threads_and_releases_the_camera(frames: Frames) -> None:
    # Given an endless camera being scanned
    camera = ImageFolderCamera(frames.strip(("blank", 2), (STATIC, 2)), fps=30, loop=True)
    rec = Recorder()
    scanner = CameraScanner(camera, rec.code, on_end=rec.done.set, on_error=rec.error)
    scanner.start()
    deadline = time.monotonic() + 5
    while not rec.codes and time.monotonic() < deadline:
        time.sleep(0.01)
    # When it is stopped
    start = time.monotonic()
    assert scanner.stop(timeout=2)
    # Then within a frame or two both threads are gone, the camera is closed, and stopping is
    # neither an end of the source nor an error
    assert time.monotonic() - start < 0.2
    assert not scanner.running
    assert camera.read() is None
    assert not rec.done.is_set()
    assert rec.texts == [STATIC]
    assert scanner.stop()  # twice is fine


def test_a_frame_the_decoder_refuses_does_not_stop_the_camera(
    frames: Frames, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[int] = []

    def picky(frame: Frame) -> str | None:
        calls.append(1)
        if len(calls) == 1:
            raise ValueError("frames must be 8-bit")
        return decode_image(frame)

    rec = Recorder()
    with caplog.at_level(logging.WARNING, logger="desktop.scanning.camera"):
        run_scanner(
            ImageFolderCamera(frames.strip(("blank", 2), (STATIC, 3)), fps=30), rec, decode=picky
        )
    assert rec.texts == [STATIC]
    assert "decoding frame" in caplog.text and "frames must be 8-bit" in caplog.text
