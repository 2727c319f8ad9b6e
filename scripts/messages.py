"""The messages a person reads from Lantern's own code, found with `ast`, against the catalogue
resources/translations/messages_zh_CN.json (desktop/i18n.py).

A message is the text given to an exception whose base chain reaches LanternError, the text a
command prints through `say()`/`warn()`/`fail()` (desktop/cli/base.py), a line appended to a
list of `problems` (`lantern store check`, a sync round), what an `explain()` method returns
and the values of an `EXPLAIN` table. f-strings become templates with `{}` for each interpolated part;
`a + b` concatenations too.

    python scripts/messages.py            # the missing entries, as JSON lines ready to paste
    python scripts/messages.py --stale    # entries whose English no longer appears in the code

tests/unit/test_message_catalogue.py runs the same checks."""

from __future__ import annotations

import ast
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("desktop", "headoffice")
CATALOGUE = ROOT / "resources" / "translations" / "messages_zh_CN.json"
ROOT_ERROR = "LanternError"
SAY = {"say", "warn", "fail"}  # the command line's printing helpers (desktop/cli/base.py)
P = "{}"


def python_files(root: Path = ROOT) -> Iterator[Path]:
    for source in SOURCES:
        yield from sorted((root / source).rglob("*.py"))


def parse(root: Path = ROOT) -> dict[Path, ast.Module]:
    return {
        path: ast.parse(path.read_text(encoding="utf-8"), str(path)) for path in python_files(root)
    }


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def error_classes(trees: Iterable[ast.Module]) -> set[str]:
    """Names of the classes whose base chain reaches LanternError (by simple name)."""
    bases: dict[str, set[str]] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                names = {n for n in map(_name, node.bases) if n}
                bases.setdefault(node.name, set()).update(names)
    found = {ROOT_ERROR}
    grew = True
    while grew:
        grew = False
        for cls, parents in bases.items():
            if cls not in found and parents & found:
                found.add(cls)
                grew = True
    return found


def templates(node: ast.expr, top: bool = True) -> list[str]:
    """The template(s) of a text expression: literal parts kept, `{}` for each computed part;
    [] when it holds no literal text at all."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        text = ""
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                text += value.value
            else:
                text += P
        return [text]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = templates(node.left, top=False) or [P]
        right = templates(node.right, top=False) or [P]
        joined = [a + b for a in left for b in right]
        return [] if all(t.replace(P, "") == "" for t in joined) else joined
    if isinstance(node, ast.IfExp) and top:
        return templates(node.body) + templates(node.orelse)
    return []


def needs_translation(template: str) -> bool:
    """Worth an entry: some words, not only parts and punctuation."""
    return any(c.isalpha() for c in template.replace(P, ""))


def _problem(call: ast.Call) -> bool:
    """`problems.append(...)`: a line `lantern store check` or a sync round reports."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "append"):
        return False
    owner = _name(func.value)
    return owner is not None and owner.endswith("problems")


def _explain_table(node: ast.Assign) -> bool:
    """`EXPLAIN = {...}`: a table of English explanations (desktop/core/codes.py)."""
    named = any(isinstance(t, ast.Name) and t.id.startswith("EXPLAIN") for t in node.targets)
    return named and isinstance(node.value, ast.Dict)


def messages(trees: dict[Path, ast.Module]) -> dict[str, str]:
    """Every message template -> where it first appears (path:line)."""
    errors = error_classes(trees.values())
    found: dict[str, str] = {}

    def add(node: ast.expr, path: Path) -> None:
        for t in templates(node):
            if needs_translation(t):
                found.setdefault(t, f"{path.relative_to(ROOT)}:{node.lineno}")

    for path, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = _name(node.func)
                if (name in errors or name in SAY or _problem(node)) and node.args:
                    add(node.args[0], path)
            elif isinstance(node, ast.FunctionDef) and node.name == "explain":
                for ret in ast.walk(node):
                    if isinstance(ret, ast.Return) and ret.value is not None:
                        add(ret.value, path)
            elif isinstance(node, ast.Assign) and _explain_table(node):
                assert isinstance(node.value, ast.Dict)
                for value in node.value.values:
                    if value is not None:
                        add(value, path)
    return found


def literals(trees: dict[Path, ast.Module]) -> set[str]:
    """Every text template anywhere in the code (what a catalogue entry may translate)."""
    found: set[str] = set()
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant | ast.JoinedStr | ast.BinOp):
                found.update(templates(node))  # type: ignore[arg-type]
    return found


def load_catalogue(path: Path = CATALOGUE) -> dict[str, str]:
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return data


def missing(found: dict[str, str], catalogue: dict[str, str]) -> dict[str, str]:
    return {t: where for t, where in sorted(found.items()) if t not in catalogue}


def stale(catalogue: dict[str, str], code: set[str]) -> list[str]:
    return [t for t in catalogue if t not in code]


def json_line(english: str, translated: str = "") -> str:
    return f"  {json.dumps(english, ensure_ascii=False)}: {json.dumps(translated, ensure_ascii=False)},"


def main(argv: list[str]) -> int:
    trees = parse()
    catalogue = load_catalogue() if CATALOGUE.exists() else {}
    if "--stale" in argv:
        gone = stale(catalogue, literals(trees))
        for t in gone:
            print(json_line(t, catalogue[t]))
        return 1 if gone else 0
    todo = missing(messages(trees), catalogue)
    for t, where in todo.items():
        print(f"{json_line(t)}  # {where}" if "-v" in argv else json_line(t))
    return 1 if todo else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
