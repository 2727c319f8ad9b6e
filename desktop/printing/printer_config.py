"""One entry of the store setting "printers", read into a thermal printer's configuration.

An entry is a connection spec with options after commas (what `lantern print printers
--set` and the settings screen take):

    network:10.0.0.9:9100,paper=58,qr=image,drawer=pin2,pulse=100/500

or the same as a JSON object:

    {"printer": "network:10.0.0.9:9100", "paper_mm": 58, "qr": "image",
     "drawer": {"pin": 2, "on_ms": 100, "off_ms": 500}}

`paper` is 58 or 80 (mm, default: the store's receipt_paper_mm), `qr` native or image (for
printers without a QR command), `drawer` the cash drawer on the printer's kick connector
(desktop/printing/drawer.py). "system[:NAME]" entries are the window's (Qt print support).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop.core.errors import InvalidInput
from desktop.printing.backends import EscPosSpec
from desktop.printing.drawer import DrawerKick

STRING_OPTIONS = ("paper", "qr", "drawer", "pulse")
OBJECT_OPTIONS = ("printer", "paper_mm", "qr", "drawer", "kinds")


@dataclass(frozen=True)
class ThermalConfig:
    spec: EscPosSpec
    paper_mm: int | None = None  # None: the store's receipt paper
    qr_native: bool = True
    drawer: DrawerKick | None = None


def is_system(entry: Any) -> bool:
    """Whether the entry names a system printer (which the window adds, not this layer)."""
    spec = entry.get("printer") if isinstance(entry, dict) else entry
    return isinstance(spec, str) and spec.split(":", 1)[0].strip().lower() == "system"


def parse_entry(entry: Any) -> ThermalConfig:
    """A thermal printer's entry, checked; InvalidInput says what is wrong with it."""
    if isinstance(entry, str):
        return _from_text(entry)
    if isinstance(entry, dict) and isinstance(entry.get("printer"), str):
        return _from_object(entry)
    raise InvalidInput(f"printer setting {entry!r} is neither a spec nor an object")


def _paper(value: Any, entry: Any) -> int:
    if str(value).strip() not in ("58", "80") or isinstance(value, bool):
        raise InvalidInput(f"printer {entry!r}: receipt paper is 58 or 80 mm wide, not {value}")
    return int(value)


def _qr(value: Any, entry: Any) -> bool:
    if value not in ("native", "image"):
        raise InvalidInput(f"printer {entry!r}: qr is native or image, not {value!r}")
    return bool(value == "native")


def _from_text(text: str) -> ThermalConfig:
    connection, *parts = text.split(",")
    options: dict[str, str] = {}
    for part in parts:
        key, sep, value = part.partition("=")
        key = key.strip().lower()
        if not sep or key not in STRING_OPTIONS or key in options:
            raise InvalidInput(
                f"printer {text!r}: {part.strip()!r} is not an option; after the connection "
                "come paper=58|80, qr=native|image, drawer=pin2|pin5, pulse=ON/OFF (ms)"
            )
        options[key] = value.strip()
    if "pulse" in options and "drawer" not in options:
        raise InvalidInput(f"printer {text!r}: pulse= needs drawer=pin2 or drawer=pin5")
    return ThermalConfig(
        EscPosSpec.parse(connection),
        _paper(options["paper"], text) if "paper" in options else None,
        _qr(options.get("qr", "native"), text),
        DrawerKick.parse(options["drawer"], options.get("pulse")) if "drawer" in options else None,
    )


def _from_object(entry: dict[str, Any]) -> ThermalConfig:
    unknown = sorted(set(entry) - set(OBJECT_OPTIONS))
    if unknown:
        raise InvalidInput(
            f"printer {entry!r}: unknown option(s) {', '.join(unknown)}; "
            f"it takes {', '.join(OBJECT_OPTIONS)}"
        )
    return ThermalConfig(
        EscPosSpec.parse(entry["printer"]),
        _paper(entry["paper_mm"], entry) if "paper_mm" in entry else None,
        _qr(entry.get("qr", "native"), entry),
        DrawerKick.from_setting(entry.get("drawer")),
    )
