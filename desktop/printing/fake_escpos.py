"""A thermal printer without the hardware: python-escpos's Dummy (which records every byte
sent) that also answers real-time status queries (DLE EOT n) the way an Epson-compatible
printer does. Tests and demos set it out of paper, open its cover or unplug it, and the
backend finds out exactly as it would from a real printer."""

from __future__ import annotations

from enum import Enum
from typing import Any

from escpos.exceptions import DeviceNotFoundError
from escpos.printer import Dummy

# Every status byte has bits 1 and 4 set.
_FIXED = 0x12
_OFFLINE, _COVER_OPEN, _PAPER_END_STOP = 0x08, 0x04, 0x20
_NEAR_END, _PAPER_END = 0x0C, 0x60  # DLE EOT 4: both bits of each pair


class Paper(Enum):
    OK = "ok"
    LOW = "low"
    OUT = "out"


class FakeEscPos(Dummy):  # type: ignore[misc]  # python-escpos is untyped
    """`output` holds every byte sent, status queries included; `receipts` counts the
    receipts that reached paper (cut while the printer was ready), `connections` the times
    a backend connected."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.paper = Paper.OK
        self.cover_open = False
        self.connected = True  # False: unplugged / switched off / unreachable
        self.receipts = 0
        self.connections = 0  # attempts to open the connection
        self._answer = b""

    @property
    def ready(self) -> bool:
        return self.connected and not self.cover_open and self.paper is not Paper.OUT

    # --- the transport ---------------------------------------------------------------------
    def open(self, raise_not_found: bool = True) -> None:
        self.connections += 1
        if not self.connected:
            raise DeviceNotFoundError("no answer from the printer (fake: disconnected)")

    def _raw(self, msg: bytes) -> None:
        if not self.connected:
            raise OSError("printer connection lost (fake: disconnected)")
        super()._raw(msg)
        if msg.startswith(b"\x10\x04") and len(msg) == 3:
            self._answer = bytes([self._status(msg[2])])
        elif msg.startswith(b"\x1dV") and self.ready:
            self.receipts += 1

    def _read(self) -> bytes:
        answer, self._answer = self._answer, b""
        return answer

    def _status(self, n: int) -> int:
        stopped = self.cover_open or self.paper is Paper.OUT
        if n == 1:  # printer status
            return _FIXED | (_OFFLINE if stopped else 0)
        if n == 2:  # cause of going offline
            return (
                _FIXED
                | (_COVER_OPEN if self.cover_open else 0)
                | (_PAPER_END_STOP if self.paper is Paper.OUT else 0)
            )
        if n == 4:  # roll paper sensor
            return _FIXED | {Paper.OK: 0, Paper.LOW: _NEAR_END, Paper.OUT: _PAPER_END}[self.paper]
        return _FIXED  # 3: no errors

    def close(self) -> None:  # Dummy's: nothing to close; the recorded bytes stay
        pass
