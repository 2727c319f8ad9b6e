"""Every message a person may read from Lantern's own code has a Chinese entry in
resources/translations/messages_zh_CN.json, and every entry still translates something in
the code (scripts/messages.py finds them with `ast`)."""

from __future__ import annotations

import ast
import json
import re
import textwrap
from pathlib import Path

import pytest

from desktop.i18n import PLACEHOLDER, Catalogue
from scripts.messages import (
    CATALOGUE,
    error_classes,
    json_line,
    literals,
    load_catalogue,
    messages,
    missing,
    parse,
    stale,
    templates,
)

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def trees() -> dict[Path, ast.Module]:
    return parse()


@pytest.fixture(scope="module")
def catalogue() -> dict[str, str]:
    return load_catalogue()


def test_every_message_has_a_chinese_entry(
    trees: dict[Path, ast.Module], catalogue: dict[str, str]
) -> None:
    todo = missing(messages(trees), catalogue)
    lines = "\n".join(json_line(t) for t in todo)
    where = "\n".join(f"  {w}: {t}" for t, w in todo.items())
    assert not todo, (
        f"{len(todo)} message(s) without a Chinese entry in {CATALOGUE.name}. Paste these "
        "lines into it, fill in the Chinese (`{}` for each part in order, or `{0}`, `{1}` "
        "to reorder them) and keep it sorted; `python scripts/messages.py` lists them "
        f"again.\n{lines}\nwhere they are:\n{where}"
    )


def test_every_entry_still_translates_something(
    trees: dict[Path, ast.Module], catalogue: dict[str, str]
) -> None:
    gone = stale(catalogue, literals(trees))
    lines = "\n".join(json_line(t, catalogue[t]) for t in gone)
    assert not gone, (
        f"{len(gone)} entr(y/ies) of {CATALOGUE.name} whose English is no longer in the code; "
        f"remove them, or reword them as the code now says:\n{lines}"
    )


def test_every_entry_is_usable(catalogue: dict[str, str]) -> None:
    """Chinese, the same parts as the English, and none dropped by the loader."""
    for english, chinese in catalogue.items():
        assert chinese.strip(), english
        assert re.search(r"[\u4e00-\u9fff]", chinese), (english, chinese)
    loaded = Catalogue.from_mapping(catalogue)
    usable = set(loaded.exact) | {t.english for t in loaded.templates}
    dropped = [e for e in catalogue if e not in usable and set(e) - set(PLACEHOLDER + ":; ")]
    assert not dropped, f"entries whose translation has other parts: {dropped}"


def test_the_catalogue_is_sorted_json_as_the_script_writes_it() -> None:
    text = CATALOGUE.read_text(encoding="utf-8")
    data = json.loads(text)
    assert list(data) == sorted(data), "keep the catalogue sorted (merges stay easy)"


def test_the_collector_finds_error_messages_of_every_shape(tmp_path: Path) -> None:
    # Given a module with a LanternError subclass of a subclass, and messages as a literal,
    # an f-string, implicit concatenation, `+` and a conditional
    source = textwrap.dedent(
        """
        class LanternError(Exception): ...
        class StockError(LanternError): ...
        class Jammed(StockError): ...
        class Other(Exception): ...

        def f(gift, n, e):
            raise Jammed(f"gift {gift}: {n:,} left" " (try again)")
            raise StockError("plain words")
            raise Jammed("printers: " + "; ".join(e) + " (nothing was saved)")
            raise StockError("open" if n else f"closed at {n}")
            raise Other("not ours")
            raise StockError(e)
        """
    )
    root = tmp_path / "desktop"
    root.mkdir()
    (root / "m.py").write_text(source, encoding="utf-8")
    tree = ast.parse(source)
    # When the collector walks it
    assert {"LanternError", "StockError", "Jammed"} <= error_classes([tree])
    import scripts.messages as m

    found = messages({m.ROOT / "desktop" / "m.py": tree})
    # Then every message of a LanternError subclass is a template, and nothing else
    assert set(found) == {
        "gift {}: {} left (try again)",
        "plain words",
        "printers: {} (nothing was saved)",
        "open",
        "closed at {}",
    }


def test_templates_of_expressions() -> None:
    expr = ast.parse('f"{a}{b!r} x {c:>4}"', mode="eval").body
    assert templates(expr) == ["{}{} x {}"]
    assert templates(ast.parse("name", mode="eval").body) == []
