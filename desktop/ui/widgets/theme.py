"""The till's look: calm light panels, one green for "go", amber for warnings, red for refusals,
and large touch targets (nothing smaller than 48 px that a finger has to hit)."""

from __future__ import annotations

from desktop.core.members import Tier

TOUCH = 48  # px: the smallest thing a finger has to hit
TILE_WIDTH = 220  # px: a gift tile in the catalogue grid
TILE_HEIGHT = 144

INK = "#1f2933"
MUTED = "#616e7c"
LINE = "#d9dee5"
PANEL = "#ffffff"
GROUND = "#eef1f4"
GO = "#137a43"
GO_DARK = "#0e5e33"

# message kinds: (text colour, background)
KINDS = {
    "info": ("#243b53", "#e3edf7"),
    "ok": ("#14532d", "#dcf2e3"),
    "warn": ("#7a4a00", "#fff1cc"),
    "error": ("#8f1d1d", "#fde4e4"),
}

# tier badges: (text colour, background)
TIER_COLOURS = {
    Tier.REGULAR: ("#3e4c59", "#e4e7eb"),
    Tier.SILVER: ("#27313d", "#c9d1db"),
    Tier.GOLD: ("#4d3800", "#f2cf66"),
    Tier.PLATINUM: ("#f5f7fa", "#3d4a5c"),
}


def message_style(kind: str) -> str:
    fg, bg = KINDS[kind]
    return f"color: {fg}; background: {bg}; border-radius: 6px; padding: 8px 10px;"


def badge_style(tier: Tier) -> str:
    fg, bg = TIER_COLOURS[tier]
    return (
        f"color: {fg}; background: {bg}; border-radius: 12px; padding: 3px 12px; font-weight: 600;"
    )


TILL_STYLE = f"""
QWidget#till {{ background: {GROUND}; color: {INK}; }}
QFrame#panel {{ background: {PANEL}; border: 1px solid {LINE}; border-radius: 10px; }}
QFrame#panel QLabel {{ border: none; background: transparent; }}
QLabel#caption {{ color: {MUTED}; }}
QLabel#help {{ color: {MUTED}; }}
QLineEdit {{
    background: {PANEL}; border: 1px solid {LINE}; border-radius: 8px; padding: 0 12px;
    min-height: {TOUCH - 2}px; font-size: 15px;
}}
QLineEdit:focus {{ border: 2px solid #2f6fb3; }}
QPushButton {{
    background: {PANEL}; border: 1px solid {LINE}; border-radius: 8px; padding: 0 14px;
    min-height: {TOUCH - 2}px; min-width: {TOUCH - 30}px;
}}
QPushButton#minus, QPushButton#plus, QPushButton#remove {{
    padding: 0; min-width: {TOUCH - 2}px; max-width: {TOUCH - 2}px; font-size: 20px;
}}
QLabel#quantity {{ font-size: 17px; font-weight: 600; }}
QPushButton:checked {{ background: #243b53; color: white; border-color: #243b53; }}
QPushButton:focus {{ border: 2px solid #2f6fb3; }}
QPushButton:disabled {{ color: #9aa5b1; background: #f3f4f6; }}
QPushButton#tile {{
    text-align: left; padding: 0; min-height: {TILE_HEIGHT}px; max-height: {TILE_HEIGHT}px;
    min-width: {TILE_WIDTH}px;
}}
QPushButton#tile:disabled {{ background: #f1f3f5; border-style: dashed; }}
QPushButton#tile QLabel {{ background: transparent; border: none; }}
QPushButton#tile QLabel#price {{ color: {GO_DARK}; font-weight: 600; }}
QPushButton#tile QLabel#low {{ color: #9a5b00; font-weight: 600; }}
QPushButton#tile QLabel#hot {{ color: #ffffff; background: #c8102e; border-radius: 4px;
    padding: 0 4px; font-weight: 600; }}
QPushButton#tile QLabel#marks {{ color: #5a4a2a; }}
QPushButton#tile QLabel#reason {{ color: #a12a2a; font-weight: 600; }}
QPushButton#tile QLabel:disabled {{ color: #8a95a3; }}
QPushButton#tile QLabel#reason:disabled {{ color: #a12a2a; }}
QPushButton#confirm {{
    background: {GO}; color: white; border: none; font-size: 17px; font-weight: 600;
    min-height: 60px;
}}
QPushButton#confirm:focus {{ border: 3px solid #0b3d22; }}
QPushButton#confirm:disabled {{ background: #a7c7b4; color: #f4f7f5; }}
QPushButton#override {{ background: #fff1cc; border: 1px solid #d9a400; color: #5c3b00; }}
QFrame#line {{ background: #f8f9fb; border: 1px solid {LINE}; border-radius: 8px; }}
QFrame#line[current="true"] {{ border: 2px solid #2f6fb3; }}
QScrollArea {{ background: transparent; border: none; }}
QScrollArea > QWidget > QWidget {{ background: transparent; }}
"""
