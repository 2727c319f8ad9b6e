"""Where the shipped files are: fonts, translations, card designs, demo data, icons
(`desktop.assets`, from the top-level resources/ folder) and the migrations
(`desktop.store.migrations` and `headoffice.migrations`, from db/).

They are package data, found through importlib.resources, so a wheel, an editable install
and the PyInstaller bundle all find them the same way (pyproject.toml maps the top-level
folders into the packages; installer/lantern.spec does the same for the bundle). Paths
only, no I/O beyond locating the folders."""

from __future__ import annotations

import atexit
from contextlib import ExitStack
from importlib.resources import as_file, files
from pathlib import Path

from desktop.core.errors import LanternError


class ResourceError(LanternError):
    """A shipped file or folder is missing: the installation is incomplete."""


_extracted = ExitStack()  # only for an install that is not plain files (a zip)
atexit.register(_extracted.close)


def package_dir(package: str) -> Path:
    """The folder of a data package, as a real path (Qt and reportlab open files by path)."""
    try:
        root = files(package)
    except ModuleNotFoundError as e:
        raise ResourceError(
            f"Lantern's {package} files are not installed ({e}); reinstall Lantern"
        ) from None
    if isinstance(root, Path):
        return root
    return Path(_extracted.enter_context(as_file(root)))  # pragma: no cover - zipped install


ROOT = package_dir("desktop.assets")
CJK_FONT = ROOT / "fonts" / "wqy-microhei.ttc"
DEMO = ROOT / "demo"
CARDS = ROOT / "cards"
TRANSLATIONS = ROOT / "translations"
ICONS = ROOT / "icons"
