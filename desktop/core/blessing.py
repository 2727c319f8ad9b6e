"""The blessing line: a short personal line the member (or the cashier for them) may add
to the greeting card, e.g. "祝妈妈身体健康" or "Love you, Mum".

Pure checks only: trimmed (runs of spaces become one), then
- **printable**: no control, format, private-use, unassigned or line/paragraph-separator
  characters (Unicode categories C* and Zl/Zp: no tabs, no line breaks, no zero-width
  joiners); whether the card's CJK font can draw every character is printing's check
  (desktop/printing/fonts.py `missing_glyphs`), not this module's;
- **short**: at most `MAX_COLUMNS` columns, where a wide character (East Asian Width W or F:
  Chinese, Japanese and Korean characters, full-width punctuation and letters) counts 2
  and every other character 1: 24 Chinese characters, or 48 Latin letters, or a mix
  (the card prints it on one line, shrunk to fit).

An empty or all-blank blessing is no blessing (None).
"""

from __future__ import annotations

import unicodedata

from desktop.core.errors import InvalidInput

MAX_COLUMNS = 48
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def columns(text: str) -> int:
    """The width of text: 2 per wide character, 1 per other."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def clean_blessing(text: str | None) -> str | None:
    """The blessing as it will be printed (NFC, trimmed, single spaces), None for none;
    InvalidInput saying what to fix."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise InvalidInput(f"a blessing is text, not {type(text).__name__}")
    for i, ch in enumerate(text, 1):
        if unicodedata.category(ch) in _REFUSED_CATEGORIES:
            raise InvalidInput(
                f"the blessing has an unprintable character (U+{ord(ch):04X}) at position {i}: "
                "remove it (no tabs, line breaks or control characters)"
            )
    cleaned = " ".join(unicodedata.normalize("NFC", text).split())
    if not cleaned:
        return None
    width = columns(cleaned)
    if width > MAX_COLUMNS:
        raise InvalidInput(
            f"the blessing is too long ({width} columns, at most {MAX_COLUMNS}: 24 Chinese "
            "characters or 48 Latin letters); shorten it"
        )
    return cleaned
