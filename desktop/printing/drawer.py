"""The cash drawer: it hangs off the receipt printer's drawer-kick connector (an RJ-11/12
socket), and opens when the printer sends it a pulse.

    ESC p m t1 t2      1B 70 m t1 t2

`m` picks the connector pin that drives the drawer's solenoid: 0 for pin 2 (most drawers),
1 for pin 5 (a second drawer, or drawers wired that way). The pulse is on for t1 × 2 ms and
off for t2 × 2 ms (1 ≤ t1, t2 ≤ 255; an off time shorter than the on time is the on time).
The default, 50 ms on and 500 ms off (`1B 70 00 19 FA`), is the one Epson documents and
most drawers take; a stiff solenoid may want 100–200 ms on.

In the store setting "printers" a drawer is an option of a thermal printer:
`network:10.0.0.9:9100,drawer=pin2,pulse=100/500` or
`{"printer": "network:10.0.0.9:9100", "drawer": {"pin": 2, "on_ms": 100, "off_ms": 500}}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop.core.errors import InvalidInput

ESC_P = b"\x1b\x70"
PULSE_MS = (2, 510)  # what t1, t2 (1–255, in 2 ms steps) can express
_PINS = {"0": 0, "2": 0, "pin2": 0, "1": 1, "5": 1, "pin5": 1}


@dataclass(frozen=True)
class DrawerKick:
    pin: int = 0  # m: 0 drives connector pin 2, 1 drives pin 5
    on_ms: int = 50
    off_ms: int = 500

    def __post_init__(self) -> None:
        if self.pin not in (0, 1):
            raise InvalidInput(f"drawer pin: 2 or 5 (ESC p 0 or 1), not {self.pin}")
        for label, ms in (("on", self.on_ms), ("off", self.off_ms)):
            low, high = PULSE_MS
            if not low <= ms <= high:
                raise InvalidInput(
                    f"drawer pulse {label} time: {low} to {high} ms, not {ms} (try pulse=50/500)"
                )

    @property
    def command(self) -> bytes:
        """ESC p m t1 t2, the times in the printer's 2 ms steps (odd milliseconds round up)."""
        return ESC_P + bytes([self.pin, -(-self.on_ms // 2), -(-self.off_ms // 2)])

    @property
    def connector_pin(self) -> int:
        return 5 if self.pin else 2

    def __str__(self) -> str:
        return f"drawer=pin{self.connector_pin},pulse={self.on_ms}/{self.off_ms}"

    @classmethod
    def parse(cls, pin: Any, pulse: Any = None) -> DrawerKick:
        """From the option text: pin `pin2`/`2`/`0` or `pin5`/`5`/`1`; pulse `ON/OFF` in ms."""
        key = str(pin).strip().lower().replace(" ", "")
        if key not in _PINS:
            raise InvalidInput(
                f"drawer={pin}: say which connector pin drives the drawer, pin2 or pin5"
            )
        if pulse is None:
            return cls(_PINS[key])
        on, sep, off = str(pulse).partition("/")
        if not (on.strip().isdigit() and (not sep or off.strip().isdigit())):
            raise InvalidInput(
                f"pulse={pulse}: the drawer pulse is ON/OFF in milliseconds, e.g. pulse=50/500"
            )
        return cls(_PINS[key], int(on), int(off) if sep else cls.off_ms)

    @classmethod
    def from_setting(cls, value: Any) -> DrawerKick | None:
        """The "drawer" option of a printer object: absent/false/null for none, true for the
        defaults, "pin5", or {"pin": 2, "on_ms": 100, "off_ms": 500}."""
        if value is None or value is False:
            return None
        if value is True:
            return cls()
        if isinstance(value, dict):
            unknown = set(value) - {"pin", "on_ms", "off_ms"}
            if unknown:
                raise InvalidInput(
                    f"drawer option {sorted(unknown)} unknown: it takes pin, on_ms, off_ms"
                )
            kick = cls.parse(value.get("pin", 2))
            on, off = value.get("on_ms", cls.on_ms), value.get("off_ms", cls.off_ms)
            if not all(isinstance(v, int) and not isinstance(v, bool) for v in (on, off)):
                raise InvalidInput(f"drawer pulse: whole milliseconds, not {on!r}/{off!r}")
            return cls(kick.pin, on, off)
        return cls.parse(value)
