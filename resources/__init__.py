"""Lantern's shipped files: fonts, translations, greeting-card designs, demo data, icons.

Installed as the package `desktop.assets` (pyproject.toml, [tool.setuptools.package-dir]);
code reads them through `desktop/resources.py`, never by a path relative to the source tree."""
