"""Greeting-card designs: data files, one per occasion (`resources/cards/<occasion>.json`).

A design names its occasion, three colours, a Chinese and an English title and message,
and optionally an ornament drawn in vector shapes (see `ORNAMENTS`). Messages are
templates with the placeholders in `PLACEHOLDERS`. Head office sends new designs through
sync into an override folder; a design there replaces the shipped one of the same
occasion. A bad file raises DesignError naming the file and what is wrong with it.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from desktop.core.errors import InvalidInput
from desktop.core.occasions import Occasion
from desktop.printing.documents import CardDoc
from desktop.resources import ROOT

SHIPPED = ROOT / "cards"
PLACEHOLDERS = frozenset({"name", "gift_zh", "gift_en", "store_zh", "store_en"})
ORNAMENTS = frozenset(
    {
        "lanterns", "moon", "tree", "snow", "waves", "fireworks", "cake", "blossom",
        "hearts", "magpie_bridge", "gift",
    }
)  # fmt: skip
COLOURS = ("background", "accent", "text")
TEXTS = ("title_zh", "title_en", "message_zh", "message_en")
_KEYS = frozenset({"occasion", "colours", "ornament", *TEXTS})
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


class DesignError(InvalidInput):
    """A card design file that cannot be used; the message names the file."""


@dataclass(frozen=True)
class CardDesign:
    occasion: Occasion
    background: str  # "#RRGGBB"
    accent: str
    text: str
    title_zh: str
    title_en: str
    message_zh: str  # templates, see PLACEHOLDERS
    message_en: str
    ornament: str | None = None
    source: Path | None = None  # the file it came from

    def messages(self, doc: CardDoc) -> tuple[str, str]:
        """The Chinese and English messages filled in for a card."""
        values = {
            "name": doc.member_name,
            "gift_zh": doc.gift_zh,
            "gift_en": doc.gift_en,
            "store_zh": doc.store_name_zh,
            "store_en": doc.store_name_en,
        }
        return self.message_zh.format_map(values), self.message_en.format_map(values)


def rgb(colour: str) -> tuple[float, float, float]:
    """ "#RRGGBB" as reportlab's 0–1 floats."""
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def parse_design(data: Any, where: str = "design") -> CardDesign:
    """A design from decoded JSON; DesignError saying what is wrong (where = the file)."""

    def fail(what: str) -> DesignError:
        return DesignError(f"card design {where}: {what}")

    if not isinstance(data, Mapping):
        raise fail(f"expected a JSON object, got {type(data).__name__}")
    missing = sorted((_KEYS - {"ornament"}) - data.keys())
    if missing:
        raise fail(f"missing {', '.join(missing)}")
    unknown = sorted(set(data.keys()) - _KEYS)
    if unknown:
        raise fail(f"unknown key(s) {', '.join(map(str, unknown))}")
    try:
        occasion = Occasion(data["occasion"])
    except ValueError:
        known = ", ".join(o.value for o in Occasion)
        raise fail(f"unknown occasion {data['occasion']!r} (one of {known})") from None
    colours = data["colours"]
    if not isinstance(colours, Mapping):
        raise fail("colours must be an object with background, accent and text")
    missing = [c for c in COLOURS if c not in colours]
    if missing or set(colours) - set(COLOURS):
        raise fail(f"colours must have exactly {', '.join(COLOURS)}, got {sorted(colours)}")
    for name in COLOURS:
        value = colours[name]
        if not isinstance(value, str) or not _HEX.match(value):
            raise fail(f"colour {name} must be hex like '#A4161A', got {value!r}")
    for key in TEXTS:
        if not isinstance(data[key], str) or not data[key].strip():
            raise fail(f"{key} must be non-empty text")
    for key in ("message_zh", "message_en"):
        problem = _template_problem(data[key])
        if problem:
            raise fail(f"{key}: {problem}")
    ornament = data.get("ornament")
    if ornament is not None and ornament not in ORNAMENTS:
        raise fail(f"unknown ornament {ornament!r} (one of {', '.join(sorted(ORNAMENTS))})")
    return CardDesign(
        occasion=occasion,
        background=colours["background"].upper(),
        accent=colours["accent"].upper(),
        text=colours["text"].upper(),
        title_zh=data["title_zh"].strip(),
        title_en=data["title_en"].strip(),
        message_zh=data["message_zh"].strip(),
        message_en=data["message_en"].strip(),
        ornament=ornament,
    )


def _template_problem(template: str) -> str | None:
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError as e:  # a lone "{" or "}"
        return f"{e} (write {{{{ and }}}} for literal braces)"
    for _, field, spec, conversion in fields:
        if field is not None and (field not in PLACEHOLDERS or spec or conversion):
            known = ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS))
            return f"unknown placeholder {{{field}}} (use {known})"
    return None


def load_design(path: Path | str) -> CardDesign:
    """One design file; its name must be its occasion (`mid_autumn.json`)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise DesignError(f"card design {path}: cannot read it ({e.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise DesignError(f"card design {path}: not valid UTF-8 JSON ({e})") from None
    design = parse_design(data, str(path))
    if path.stem != design.occasion.value:
        raise DesignError(
            f"card design {path}: file is named {path.name} but its occasion is "
            f"{design.occasion.value} (name it {design.occasion.value}.json)"
        )
    return replace(design, source=path)


def load_designs(
    folder: Path | str = SHIPPED, override: Path | str | None = None
) -> dict[Occasion, CardDesign]:
    """Every occasion's design: those in folder (the shipped ones by default), each replaced
    by the one of the same occasion in override (head office's, if it sent any; a missing
    override folder is an empty one). DesignError for a bad file or an occasion left
    without a design."""
    designs = _load_folder(Path(folder))
    if override is not None and Path(override).is_dir():
        designs.update(_load_folder(Path(override)))
    missing = [o.value for o in Occasion if o not in designs]
    if missing:
        raise DesignError(f"card designs in {folder}: none for {', '.join(missing)}")
    return {o: designs[o] for o in Occasion}


def _load_folder(folder: Path) -> dict[Occasion, CardDesign]:
    if not folder.is_dir():
        raise DesignError(f"card designs: no folder {folder}")
    designs = [load_design(p) for p in sorted(folder.glob("*.json"))]
    return {d.occasion: d for d in designs}
