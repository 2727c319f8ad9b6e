"""The pole customer display read back as bytes: the DM-D commands and GB18030 (or ASCII)
text, the 2 × 20 screen they produce on a fake display that runs them like the hardware,
and the transports over a real TCP socket and a real pseudo-terminal."""

from __future__ import annotations

import logging
import os
import socket
import threading

import pytest

from desktop.core.errors import InvalidInput
from desktop.printing.escpos_out import width
from desktop.printing.fake_pole import FakePole
from desktop.printing.pole import (
    PoleDisplay,
    PoleSpec,
    PoleState,
    frame,
    init_bytes,
    open_pole,
    pole_lines,
)

pytestmark = pytest.mark.printing

WELCOME = PoleState()
SCANNED = PoleState("张*明", 12_345)
BASKET = PoleState("张*明", 12_345, items=2, points=1_200, cash_fen=1_500, points_after=11_145)
THANKS = PoleState("张*明", 12_345, 2, 1_200, 1_500, 11_145, thanked=True)


def test_init_and_frame_bytes_exactly() -> None:
    # ESC @, US MD1 (overwrite), FF (clear), FS & (Chinese): once per connection
    assert init_bytes(chinese=True).hex(" ") == "1b 40 1f 01 0c 1c 26"
    assert init_bytes(chinese=False).hex(" ") == "1b 40 1f 01 0c"
    # each line from column 1 (US $ 1 y), padded to the full 20 columns
    assert frame(pole_lines(WELCOME, chinese=False), chinese=False) == (
        b"\x1f\x24\x01\x01"
        + b"      WELCOME       "
        + b"\x1f\x24\x01\x02"
        + b"  Show member code  "
    )
    basket = frame(pole_lines(BASKET))
    line1 = "合计 1,200分+￥15.00".encode("gb18030")
    line2 = "兑换后余额    11,145".encode("gb18030")
    assert basket == b"\x1f\x24\x01\x01" + line1 + b"\x1f\x24\x01\x02" + line2
    assert len(line1) == len(line2) == 20  # GB18030: a Han character is 2 bytes, 2 columns


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (WELCOME, ("  欢迎光临 Welcome", "    请出示会员码")),
        (SCANNED, ("会员           张*明", "积分余额      12,345")),
        (BASKET, ("合计 1,200分+￥15.00", "兑换后余额    11,145")),
        (THANKS, ("谢谢光临 Thank you!", "积分余额      11,145")),
        (  # long figures drop the label before they drop a digit
            PoleState("张*明", 98_765_432, 3, 123_456, 1_234_567, 98_641_976),
            ("  123,456+￥12345.67", "余额      98,641,976"),
        ),
    ],
)
def test_what_the_customer_sees_in_chinese(state: PoleState, expected: tuple[str, str]) -> None:
    # Given a Chinese-capable display, When the state is sent
    fake = FakePole()
    fake.write(init_bytes() + frame(pole_lines(state)))
    # Then the screen shows both lines, within 20 columns (a Han character is two)
    assert tuple(line.rstrip() for line in fake.screen) == expected
    assert all(width(line) == 20 for line in fake.screen)
    assert fake.unknown == []


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (WELCOME, ("WELCOME", "Show member code")),
        (SCANNED, ("Hello, member", "Points        12,345")),  # no Chinese name in ASCII
        (PoleState("A**** C***", 880), ("Member    A**** C***", "Points           880")),
        (BASKET, ("Total    1,200+15.00", "Points after  11,145")),
        (THANKS, ("Thank you!", "Points left   11,145")),
    ],
)
def test_ascii_fallback(state: PoleState, expected: tuple[str, str]) -> None:
    fake = FakePole()
    data = init_bytes(chinese=False) + frame(pole_lines(state, chinese=False), chinese=False)
    fake.write(data)
    assert all(b < 0x80 for b in data)  # nothing a plain display would show as garbage
    assert tuple(line.strip() for line in fake.screen) == expected


def test_the_display_shows_the_latest_state_and_initialises_once() -> None:
    fake = FakePole()
    display = PoleDisplay(fake)
    try:
        for state in (WELCOME, SCANNED, BASKET, THANKS):
            display.show(state)
        assert display.flush()
        assert fake.screen[0].strip() == "谢谢光临 Thank you!"
        assert fake.opened == 1 and bytes(fake.output).count(b"\x1b@") == 1
        display.show(BASKET)
        assert display.flush()
        assert fake.screen[1].strip() == "兑换后余额    11,145"
        assert bytes(fake.output).count(b"\x1b@") == 1
    finally:
        display.close()


class Blocked(FakePole):
    """A display whose write hangs (a serial port whose cable is half out)."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.entered = threading.Event()

    def write(self, data: bytes) -> None:
        self.entered.set()
        self.release.wait(10)
        super().write(data)


def test_show_returns_while_the_display_hangs() -> None:
    # Given a display whose writes hang
    fake = Blocked()
    display = PoleDisplay(fake)
    try:
        display.show(SCANNED)
        assert fake.entered.wait(5)
        # When the till sends more while the first write still hangs, Then show() returns
        display.show(BASKET)
        display.show(THANKS)
        assert not fake.release.is_set() and fake.output == b""
        # and once the display answers, it ends up showing the latest state
        fake.release.set()
        assert display.flush()
        assert fake.screen[0].strip() == "谢谢光临 Thank you!"
    finally:
        fake.release.set()
        display.close()


def test_an_unplugged_display_is_logged_once_and_shows_the_latest_when_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [100.0]
    fake = FakePole()
    fake.connected = False
    display = PoleDisplay(fake, retry_after=30, clock=lambda: now[0])
    try:
        with caplog.at_level(logging.WARNING, logger="desktop.printing.pole"):
            display.show(SCANNED)
            assert not display.flush(timeout=2)
            assert "unplugged" in (display.last_error or "")
            display.show(BASKET)  # within the pause: not tried, not logged again
            assert not display.flush(timeout=0.3)
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1 and "not answering" in warnings[0].getMessage()
        # When it is plugged back in and the pause is over
        fake.connected = True
        now[0] += 31
        display.show(THANKS)
        # Then it is initialised again and shows the current state
        assert display.flush()
        assert display.last_error is None
        assert fake.screen[0].strip() == "谢谢光临 Thank you!"
        assert fake.opened == 1
    finally:
        display.close()


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("serial:/dev/ttyUSB0", PoleSpec("serial", "/dev/ttyUSB0", 9600)),
        ("serial:COM4:19200", PoleSpec("serial", "COM4", 19200)),
        ("network:10.0.0.21", PoleSpec("network", "10.0.0.21", 9100)),
        ("network:pole.local:4001,charset=ascii", PoleSpec("network", "pole.local", 4001, False)),
        ("dummy,charset=gb18030", PoleSpec("dummy")),
    ],
)
def test_specs(text: str, spec: PoleSpec) -> None:
    assert PoleSpec.parse(text) == spec
    assert PoleSpec.parse(str(spec)) == spec


@pytest.mark.parametrize("text", ["", "usb:0416:5011", "network:", "serial:", "dummy,charset=big5"])
def test_bad_specs_say_what_to_type(text: str) -> None:
    with pytest.raises(InvalidInput, match=r"serial:DEVICE|charset="):
        PoleSpec.parse(text)


def test_network_display_over_a_real_socket() -> None:
    # Given a display listening on a TCP port (as an Ethernet display or a serial server)
    server = socket.create_server(("127.0.0.1", 0))
    received = bytearray()

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            conn.settimeout(5)
            while chunk := conn.recv(4096):
                received.extend(chunk)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    display = open_pole(f"network:127.0.0.1:{server.getsockname()[1]}")
    # When the till shows a basket and closes
    display.show(BASKET)
    assert display.flush()
    display.close()
    thread.join(timeout=5)
    server.close()
    # Then the display received the init and the frame, byte for byte
    assert bytes(received) == init_bytes() + frame(pole_lines(BASKET))
    fake = FakePole()
    fake.write(bytes(received))
    assert fake.screen[0].strip() == "合计 1,200分+￥15.00"


def test_serial_display_on_a_pseudo_terminal() -> None:
    pytest.importorskip("serial", reason="pyserial (the printers extra) drives serial displays")
    # Given a serial port (a pseudo-terminal standing in for /dev/ttyUSB0)
    controller, device = os.openpty()
    display = open_pole(f"serial:{os.ttyname(device)}:9600,charset=ascii")
    try:
        display.show(SCANNED)
        assert display.flush(), display.last_error
        expected = init_bytes(False) + frame(pole_lines(SCANNED, False), False)
        got = b""
        while len(got) < len(expected):
            got += os.read(controller, 1024)
        assert got == expected
    finally:
        display.close()
        os.close(controller)
        os.close(device)
