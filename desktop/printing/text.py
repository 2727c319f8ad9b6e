"""Laying out mixed Chinese and English text in reportlab: wrapping (Chinese breaks between
any two characters, English between words, with the Chinese line-start and line-end rules
for punctuation), shrinking to fit, and clipping with an ellipsis."""

from __future__ import annotations

import re

from reportlab.pdfbase.pdfmetrics import stringWidth

_TOKEN = re.compile(r"[\x21-\x7e\u00c0-\u024f]+ *| +|.")
_NO_LINE_START = set("，。、；：！？）》」』”’,.;:!?)%")
_NO_LINE_END = set("（《「『“‘(")


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines no wider than width (a single word wider than that has a line of its own):
    Chinese breaks between any two characters, English between words, and no line starts
    with a closing mark or ends with an opening one (the mark takes a neighbour along)."""
    lines: list[str] = []
    current: list[str] = []
    for token in _TOKEN.findall(text):
        joined = "".join([*current, token]).strip()
        if not token.strip() or not joined or stringWidth(joined, font, size) <= width:
            current.append(token)
            continue
        carry: list[str] = []
        _trim(current)
        if token[0] in _NO_LINE_START:  # take the character before it (and its marks) along
            while current and (not carry or carry[0][0] in _NO_LINE_START):
                carry.insert(0, current.pop())
                _trim(current)
        while current and current[-1].rstrip()[-1] in _NO_LINE_END:
            carry.insert(0, current.pop())
            _trim(current)
        if not current:  # nowhere to break: let this line run over
            current = [*carry, token]
            continue
        lines.append("".join(current).strip())
        current = [*carry, token]
    lines.append("".join(current).strip())
    return [line for line in lines if line]


def _trim(tokens: list[str]) -> None:
    """Drop the spaces at the end of a line."""
    while tokens and not tokens[-1].strip():
        tokens.pop()


def fit(text: str, font: str, size: float, width: float, smallest: float = 6) -> float:
    """The largest size up to size at which text fits width (but not below smallest)."""
    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.25
    return size


def clip(text: str, font: str, size: float, width: float) -> str:
    """text, cut short with an ellipsis if it is still wider than width."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"
