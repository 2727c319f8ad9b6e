"""A pole customer display: the two-line, 20-column VFD on a pole beside the till, an option
beside (or instead of) the second screen. It shows the member's masked name and balance on
a scan, the basket's total and the points after, and a thank-you.

Cheap displays sold with ESC/POS printers speak Epson's DM-D command set:

    ESC @        1B 40        initialise (clear, cursor home, modes reset)
    US MD1       1F 01        overwrite mode (no scrolling when a line is full)
    FF           0C           clear the screen, cursor home
    US $ x y     1F 24 x y    cursor to column x (1–20), line y (1–2)
    FS &         1C 26        Chinese (double-byte) characters on (Chinese-capable models)

Every update rewrites both lines whole (each padded to 20 columns, so nothing of the last
update is left and nothing flickers). Chinese-capable displays get GB18030 text, a Han
character taking two columns as on the receipt printer; other displays get ASCII text in
English (charset=ascii).

`PoleDisplay.show` never blocks: a thread of its own writes to the display, and only the
latest state matters (a display that was unplugged shows the current basket when it is
back). A display that does not answer is logged once and tried again after a pause; the
till goes on regardless.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from desktop.core.errors import InvalidInput
from desktop.core.money import yuan_text
from desktop.printing.escpos_out import clean, encode, width

log = logging.getLogger(__name__)

COLUMNS, LINES = 20, 2
ESC_INIT = b"\x1b\x40"
OVERWRITE = b"\x1f\x01"
CLEAR = b"\x0c"
CHINESE_ON = b"\x1c\x26"
RETRY_AFTER = 30.0  # seconds a display that failed is left alone


def cursor(x: int, y: int) -> bytes:
    """US $ x y: the cursor to column x, line y (both from 1)."""
    return b"\x1f\x24" + bytes([x, y])


@dataclass(frozen=True)
class PoleState:
    """What the customer should see now (the till's customer view, in plain values)."""

    masked_name: str = ""  # "" when nobody is being served
    balance: int = 0
    items: int = 0  # gift lines in the basket
    points: int = 0
    cash_fen: int = 0
    points_after: int = 0
    thanked: bool = False  # redeemed: thank the member


def _pair(left: str, right: str) -> str | None:
    """Label flush left, figure flush right on one line, or None if they do not fit."""
    gap = COLUMNS - width(left) - width(right)
    if gap < (1 if left else 0):
        return None
    return left + " " * gap + right


def _center(text: str) -> str:
    text = _cut(text)
    return " " * ((COLUMNS - width(text)) // 2) + text


def _cut(text: str) -> str:
    while width(text) > COLUMNS:
        text = text[:-1]
    return text


def _first_fit(*candidates: tuple[str, str]) -> str:
    for left, right in candidates:
        line = _pair(left, right)
        if line is not None:
            return line
    return _cut(candidates[-1][1])


def pole_lines(state: PoleState, chinese: bool = True) -> tuple[str, str]:
    """The two lines for a state, each at most 20 columns (a Han character is two)."""
    masked = clean(state.masked_name)
    if not chinese and not masked.isascii():
        masked = ""  # a Chinese name cannot be shown in ASCII
    cash = f"+¥{yuan_text(state.cash_fen)}" if state.cash_fen else ""
    if chinese:
        if not state.masked_name:
            return _center("欢迎光临 Welcome"), _center("请出示会员码")
        if state.thanked:
            return _center("谢谢光临 Thank you!"), _first_fit(
                ("积分余额", f"{state.points_after:,}"), ("", f"{state.points_after:,}")
            )
        if not state.items:
            return _first_fit(("会员", masked), ("", masked)), _first_fit(
                ("积分余额", f"{state.balance:,}"), ("", f"{state.balance:,}")
            )
        return _first_fit(
            ("合计", f"{state.points:,}分{cash}"),
            ("合计", f"{state.points:,}{cash}"),
            ("", f"{state.points:,}{cash}"),
        ), _first_fit(
            ("兑换后余额", f"{state.points_after:,}"), ("余额", f"{state.points_after:,}")
        )
    cash = cash.replace("¥", "")  # no yuan sign in ASCII: "1,200+15.00"
    if not state.masked_name:
        return _center("WELCOME"), _center("Show member code")
    if state.thanked:
        return _center("Thank you!"), _first_fit(
            ("Points left", f"{state.points_after:,}"), ("", f"{state.points_after:,}")
        )
    if not state.items:
        return _first_fit(("Member", masked), ("", masked)) if masked else _center(
            "Hello, member"
        ), _first_fit(("Points", f"{state.balance:,}"), ("", f"{state.balance:,}"))
    return _first_fit(
        ("Total", f"{state.points:,} pts{cash}"),
        ("Total", f"{state.points:,}{cash}"),
        ("", f"{state.points:,}{cash}"),
    ), _first_fit(("Points after", f"{state.points_after:,}"), ("After", f"{state.points_after:,}"))


def _encode(text: str, chinese: bool) -> bytes:
    text = text + " " * (COLUMNS - width(text))
    return encode(text) if chinese else text.encode("ascii", errors="replace")


def init_bytes(chinese: bool = True) -> bytes:
    """Sent once after connecting: initialise, overwrite mode, clear, Chinese mode."""
    return ESC_INIT + OVERWRITE + CLEAR + (CHINESE_ON if chinese else b"")


def frame(lines: tuple[str, str], chinese: bool = True) -> bytes:
    """One update: each line from its first column, padded to the full 20 columns."""
    return b"".join(cursor(1, y) + _encode(_cut(text), chinese) for y, text in enumerate(lines, 1))


# --- transports ----------------------------------------------------------------------------
class PoleTransport(Protocol):
    def open(self) -> None: ...

    def write(self, data: bytes) -> None:
        """Send bytes, or raise OSError."""
        ...

    def close(self) -> None: ...


class NetworkTransport:
    """A display on the network (an Ethernet display, or a serial device server), raw TCP."""

    def __init__(self, host: str, port: int = 9100, timeout: float = 3.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self._sock: socket.socket | None = None

    def open(self) -> None:
        self._sock = socket.create_connection((self.host, self.port), timeout=self.timeout)

    def write(self, data: bytes) -> None:
        if self._sock is None:
            raise OSError("not connected")
        self._sock.sendall(data)

    def close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            sock.close()


class SerialTransport:
    """A display on a serial port (RS-232 or a USB serial adapter), through pyserial."""

    def __init__(self, device: str, baud: int = 9600) -> None:
        self.device, self.baud = device, baud
        self._port: Any = None

    def open(self) -> None:
        try:
            import serial  # pyserial: the "printers" extra
        except ImportError as e:
            raise OSError(
                "pyserial is not installed: pip install 'lantern[printers]' for serial displays"
            ) from e
        try:
            self._port = serial.Serial(self.device, self.baud, timeout=1, write_timeout=2)
        except serial.SerialException as e:
            raise OSError(str(e)) from e

    def write(self, data: bytes) -> None:
        if self._port is None:
            raise OSError("not connected")
        import serial

        try:
            self._port.write(data)
            self._port.flush()
        except serial.SerialException as e:
            raise OSError(str(e)) from e

    def close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            port.close()


@dataclass(frozen=True)
class PoleSpec:
    transport: str  # network | serial | dummy
    target: str = ""
    option: int = 0  # port or baud rate
    chinese: bool = True

    @classmethod
    def parse(cls, text: str) -> PoleSpec:
        """network:HOST[:PORT], serial:DEVICE[:BAUD] or dummy, then ,charset=gb18030|ascii."""
        connection, *options = (part.strip() for part in text.split(","))
        chinese = True
        for option in options:
            key, _, value = option.partition("=")
            if key.lower() != "charset" or value.lower() not in ("gb18030", "ascii"):
                raise InvalidInput(
                    f"pole display {text!r}: {option!r} is not an option; say charset=gb18030 "
                    "(Chinese-capable displays) or charset=ascii"
                )
            chinese = value.lower() == "gb18030"
        kind, _, rest = connection.partition(":")
        kind = kind.lower()
        if kind == "dummy" and not rest:
            return cls("dummy", chinese=chinese)
        if kind == "network" and rest:
            host, sep, port = rest.rpartition(":")
            if sep and port.isdigit() and host:
                return cls("network", host, int(port), chinese)
            if ":" not in rest:
                return cls("network", rest, 9100, chinese)
        if kind == "serial" and rest:
            device, sep, baud = rest.rpartition(":")
            if sep and baud.isdigit() and device:
                return cls("serial", device, int(baud), chinese)
            return cls("serial", rest, 9600, chinese)
        raise InvalidInput(
            f"pole display {text!r} is not one of network:HOST[:PORT], serial:DEVICE[:BAUD] "
            "(e.g. serial:/dev/ttyUSB0:9600 or serial:COM4) or dummy"
        )

    def __str__(self) -> str:
        where = "dummy" if self.transport == "dummy" else f"{self.transport}:{self.target}"
        where += f":{self.option}" if self.option else ""
        return where + ("" if self.chinese else ",charset=ascii")

    def transport_for(self) -> PoleTransport:
        if self.transport == "network":
            return NetworkTransport(self.target, self.option)
        if self.transport == "serial":
            return SerialTransport(self.target, self.option)
        from desktop.printing.fake_pole import FakePole

        return FakePole()


# --- the display ---------------------------------------------------------------------------
class PoleDisplay:
    """The display as the till uses it: `show(state)` returns at once; a thread writes."""

    def __init__(
        self,
        transport: PoleTransport,
        *,
        chinese: bool = True,
        name: str = "pole display",
        retry_after: float = RETRY_AFTER,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.transport, self.chinese, self.name = transport, chinese, name
        self.retry_after, self._clock = retry_after, clock
        self.last_error: str | None = None
        self._wake = threading.Condition()
        self._pending: PoleState | None = None
        self._connected = False
        self._down_until = 0.0
        self._stopping = False
        self._attempts = 0
        self._thread = threading.Thread(target=self._run, name="pole-display", daemon=True)
        self._thread.start()

    def show(self, state: PoleState) -> None:
        with self._wake:
            self._pending = state
            self._wake.notify()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until the latest state is on the display (True), or the display failed or
        the time ran out (False; `last_error` says why)."""
        deadline = time.monotonic() + timeout
        with self._wake:
            start = self._attempts
            while self._pending is not None:
                if self._attempts > start and self.last_error is not None:
                    return False  # tried since, and failed
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._wake.wait(left)
            return self.last_error is None

    def close(self) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        self._thread.join(timeout=2)  # a write hung on a dead port is cut off by close()
        self.transport.close()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._stopping and (
                    self._pending is None or self._clock() < self._down_until
                ):
                    wait = self._down_until - self._clock() if self._pending else None
                    self._wake.wait(max(wait, 0.05) if wait is not None else None)
                if self._stopping:
                    return
                state = self._pending
            assert state is not None
            ok = self._send(state)
            with self._wake:
                self._attempts += 1
                if ok and self._pending is state:
                    self._pending = None
                self._wake.notify_all()

    def _send(self, state: PoleState) -> bool:
        try:
            if not self._connected:
                self.transport.open()
                self.transport.write(init_bytes(self.chinese))
                self._connected = True
            self.transport.write(frame(pole_lines(state, self.chinese), self.chinese))
        except OSError as e:
            if self.last_error is None:  # once per outage, not once per basket change
                log.warning(
                    "%s not answering (tried again in %.0f s): %s", self.name, self.retry_after, e
                )
            self.last_error = str(e) or type(e).__name__
            self._connected = False
            self.transport.close()
            self._down_until = self._clock() + self.retry_after
            return False
        if self.last_error is not None:
            log.info("%s is back", self.name)
            self.last_error = None
        return True


def open_pole(text: str, **kwargs: Any) -> PoleDisplay:
    """The display for a setting such as "serial:/dev/ttyUSB0:9600" (InvalidInput if bad)."""
    spec = PoleSpec.parse(text)
    return PoleDisplay(spec.transport_for(), chinese=spec.chinese, name=str(spec), **kwargs)
