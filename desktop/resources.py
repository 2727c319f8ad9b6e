"""Where the shipped resources are (fonts, demo data, card designs). Paths only, no I/O."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "resources"
CJK_FONT = ROOT / "fonts" / "wqy-microhei.ttc"
DEMO = ROOT / "demo"
