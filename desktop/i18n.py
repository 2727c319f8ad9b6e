"""Lantern's own messages in Simplified Chinese, for the command line and the till's notices.

The core, the store and the services raise errors (and the command line prints lines) in
English that says what was wrong and what to do. `localise(text, "zh_CN")` finds the text in
the catalogue `resources/translations/messages_zh_CN.json` (English template -> Chinese
template, `{}` for each interpolated part) and returns the Chinese with the parts put back;
text the catalogue does not know comes back unchanged. The raise sites keep their English
(logs stay English and greppable); only what a person reads is translated, at the edge.

`current_language()` is the command line's choice: `--lang`, then $LANTERN_LANG, then the
store's `language` setting, then the locale ($LC_ALL, $LC_MESSAGES, $LANG), then English.
No Qt, no SQL: the command line and the window both use it (the window passes its own
language, see desktop/ui/i18n.py). tests/unit/test_message_catalogue.py fails when a message
has no entry, and prints the missing ones as JSON lines ready to paste."""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from desktop.resources import TRANSLATIONS

log = logging.getLogger(__name__)

LANGUAGES = ("zh_CN", "en")
ENGLISH = "en"
PLACEHOLDER = "{}"
_MAX_DEPTH = 3  # a captured part may itself be a message (an error inside an error)


def catalogue_path(language: str) -> Path:
    return TRANSLATIONS / f"messages_{language}.json"


_SLOT = re.compile(r"\{(\d*)\}")  # {} or {0}: a part of the translation


@dataclass(frozen=True)
class _Template:
    english: str
    pieces: tuple[str, ...]  # the translation's literal text around its parts
    order: tuple[int, ...]  # which captured part goes in each slot
    pattern: re.Pattern[str]
    parts: int


def _slots(translated: str, parts: int) -> tuple[tuple[str, ...], tuple[int, ...]] | None:
    """The translation split at its slots: `{}` take the parts in order, `{1}` a given one
    (Chinese often puts them in another order, or drops an English plural's "s")."""
    pieces: list[str] = []
    order: list[int] = []
    last = sequential = 0
    for m in _SLOT.finditer(translated):
        pieces.append(translated[last : m.start()])
        if m.group(1):
            index = int(m.group(1))
        else:
            index, sequential = sequential, sequential + 1
        if index >= parts:
            return None
        order.append(index)
        last = m.end()
    pieces.append(translated[last:])
    if sequential and len(order) != parts:
        return None  # plain `{}` take every part in order; only numbered slots may skip one
    return tuple(pieces), tuple(order)


def _regex(literal: list[str]) -> str:
    """The English literal parts with a group between each two. A group is as short as can be
    (a name or id comes first, the details after it), except before a part separated by
    spaces only: "{what} {value} is more than…" is "points for this purchase" + "600,000"."""
    out = [re.escape(literal[0])]
    for i, piece in enumerate(literal[1:], start=1):
        greedy = i < len(literal) - 1 and piece.strip() == ""
        out += ["(.*)" if greedy else "(.*?)", re.escape(piece)]
    return "".join(out)


@dataclass(frozen=True)
class Catalogue:
    """English template -> translated template; exact texts first, then the templates with
    parts, most literal text first (the most specific wins)."""

    exact: Mapping[str, str]
    templates: tuple[_Template, ...]

    @classmethod
    def from_mapping(cls, entries: Mapping[str, str]) -> Catalogue:
        exact: dict[str, str] = {}
        templates = []
        for english, translated in entries.items():
            parts = english.count(PLACEHOLDER)
            if parts == 0:
                exact[english] = translated
                continue
            slots = _slots(translated, parts)
            literal = english.split(PLACEHOLDER)
            if slots is None:
                log.warning("message catalogue: the translation of %r has other parts", english)
                continue
            if not any(c.isalpha() for c in "".join(literal)):
                continue  # "{}: {}" would match anything
            pattern = re.compile(_regex(literal), re.S)
            templates.append(_Template(english, *slots, pattern, parts))
        templates.sort(key=lambda t: (-len(t.english.replace(PLACEHOLDER, "")), t.parts))
        return cls(exact, tuple(templates))

    def translate(self, text: str, depth: int = 0) -> str | None:
        """The translation of `text`, or None when no entry matches it."""
        if text in self.exact:
            return self.exact[text]
        for t in self.templates:
            m = t.pattern.fullmatch(text)
            if m is None:
                continue
            values = m.groups()
            out = [t.pieces[0]]
            for index, piece in zip(t.order, t.pieces[1:], strict=True):
                out += [self._part(values[index], depth), piece]
            return "".join(out)
        return None

    def _part(self, value: str, depth: int) -> str:
        if depth >= _MAX_DEPTH:
            return value
        return self.translate(value, depth + 1) or value


@cache
def catalogue(language: str) -> Catalogue:
    """The shipped catalogue of a language (read once); empty when missing (logged)."""
    path = catalogue_path(language)
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        log.error(
            "the %s message catalogue %s cannot be read (%s): English shown", language, path, e
        )
        entries = {}
    return Catalogue.from_mapping(entries)


def localise(text: str, language: str) -> str:
    """`text` in `language` when the catalogue knows it, else `text` unchanged."""
    if language == ENGLISH or not text:
        return text
    found = catalogue(language).translate(text)
    if found is None:
        log.debug("no %s message for %r", language, text)
        return text
    return found


def locale_language(environ: Mapping[str, str] | None = None) -> str:
    """zh_CN when the locale is Chinese (the first of LC_ALL, LC_MESSAGES, LANG that is set
    starts with zh), else English."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return "zh_CN" if value.lower().startswith("zh") else ENGLISH
    return ENGLISH


def supported(language: object) -> str | None:
    """`language` as one of LANGUAGES (zh, zh-CN, zh_CN.UTF-8 -> zh_CN; en_US -> en), or None."""
    if not isinstance(language, str) or not language.strip():
        return None
    value = language.strip().lower().replace("-", "_")
    if value.startswith("zh"):
        return "zh_CN"
    if value.startswith(("en", "c.", "posix")) or value == "c":
        return ENGLISH
    return None


def current_language(
    option: str | None = None,
    setting: object = None,
    environ: Mapping[str, str] | None = None,
) -> str:
    """The command line's language: the `--lang` option, $LANTERN_LANG, the store's
    `language` setting, the locale, English."""
    env = os.environ if environ is None else environ
    for choice in (option, env.get("LANTERN_LANG"), setting):
        language = supported(choice)
        if language is not None:
            return language
    return locale_language(env)
