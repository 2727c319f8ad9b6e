"""A pole display without the hardware: it records every byte it is sent and runs them
through the same 2 × 20 screen a DM-D style VFD has, so tests read both the bytes and what a
customer would see. Unplug it (`connected = False`) and writes fail as a dead serial port or
network display would."""

from __future__ import annotations

from desktop.printing.pole import COLUMNS, LINES

_ESC, _US, _FS = 0x1B, 0x1F, 0x1C


class FakePole:
    def __init__(self) -> None:
        self.output = bytearray()
        self.connected = True
        self.opened = 0  # connections made
        self.unknown: list[bytes] = []  # commands a real display would not understand
        self._cells: list[list[str]] = []
        self._x = self._y = 0
        self._chinese = False
        self._clear()

    # --- the transport ---------------------------------------------------------------------
    def open(self) -> None:
        if not self.connected:
            raise OSError("no display on this port (fake: unplugged)")
        self.opened += 1

    def write(self, data: bytes) -> None:
        if not self.connected:
            raise OSError("write to the display failed (fake: unplugged)")
        self.output += data
        self._run(bytes(data))

    def close(self) -> None:
        pass

    # --- what the customer sees ----------------------------------------------------------------
    @property
    def screen(self) -> tuple[str, str]:
        """The two lines as shown (a full-width character fills two cells; shown once)."""
        return tuple("".join(c for c in row if c) for row in self._cells)  # type: ignore[return-value]

    def _clear(self) -> None:
        self._cells = [[" "] * COLUMNS for _ in range(LINES)]
        self._x = self._y = 0

    def _put(self, ch: str, cells: int) -> None:
        if self._x + cells > COLUMNS:  # wraps to the next line; past the last, home
            self._x, self._y = 0, (self._y + 1) % LINES
        row = self._cells[self._y]
        row[self._x] = ch
        if cells == 2:
            row[self._x + 1] = ""
        self._x += cells
        if self._x >= COLUMNS:
            self._x, self._y = 0, (self._y + 1) % LINES

    def _run(self, data: bytes) -> None:
        i = 0
        while i < len(data):
            b = data[i]
            if b == _ESC and data[i + 1 : i + 2] == b"@":
                self._clear()
                self._chinese = False
                i += 2
            elif b == 0x0C:
                self._clear()
                i += 1
            elif b == 0x0B:
                self._x = self._y = 0
                i += 1
            elif b == _US and data[i + 1 : i + 2] == b"\x01":
                i += 2  # overwrite mode: the only mode this fake has
            elif b == _US and data[i + 1 : i + 2] == b"$":
                x, y = data[i + 2], data[i + 3]
                if not (1 <= x <= COLUMNS and 1 <= y <= LINES):
                    self.unknown.append(data[i : i + 4])
                else:
                    self._x, self._y = x - 1, y - 1
                i += 4
            elif b == _FS and data[i + 1 : i + 2] in (b"&", b"."):
                self._chinese = data[i + 1 : i + 2] == b"&"
                i += 2
            elif b < 0x20 or b == 0x7F:
                self.unknown.append(data[i : i + 1])
                i += 1
            elif b < 0x80 or not self._chinese:
                self._put(chr(b) if b < 0x80 else "?", 1)
                i += 1
            else:  # GB18030: two bytes, or four when the second is a digit
                n = 4 if 0x30 <= data[i + 1] <= 0x39 else 2
                self._put(data[i : i + n].decode("gb18030", errors="replace"), 2)
                i += n
