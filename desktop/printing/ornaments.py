"""The greeting cards' ornaments and backgrounds, drawn in vector shapes (no image files):
lanterns, moon and clouds, fireworks, a tree, snow, waves and a dragon boat, a cake, plum
blossom, hearts (Valentine's Day), the magpie bridge (七夕), a gift box (member day). Each takes the canvas and the design (for its colours) and draws in ART."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from desktop.printing.designs import CardDesign, rgb
from desktop.printing.fonts import cjk_font

CARD_W, CARD_H = 148 * mm, 105 * mm  # A6 landscape
INNER = 5.3 * mm  # the inner rule of the frame; ornaments are clipped to it
ART = (CARD_W - 49 * mm, 8 * mm, CARD_W - 8 * mm, CARD_H - 8 * mm)  # x0, y0, x1, y1
LANTERN_RED = "#D7263D"
GOLD = "#E9B949"


def background(c: Canvas, design: CardDesign) -> None:
    c.setFillColorRGB(*rgb(design.background))
    c.rect(0, 0, CARD_W, CARD_H, stroke=0, fill=1)
    c.setStrokeColorRGB(*rgb(design.accent))
    c.setLineWidth(0.9)
    c.rect(4 * mm, 4 * mm, CARD_W - 8 * mm, CARD_H - 8 * mm, stroke=1, fill=0)
    c.setLineWidth(0.3)
    c.rect(INNER, INNER, CARD_W - 2 * INNER, CARD_H - 2 * INNER, stroke=1, fill=0)
    # a bracket in each corner, inside the double rule
    c.setLineWidth(0.7)
    arm, inset = 4 * mm, 7 * mm
    for cx, sx in ((inset, 1), (CARD_W - inset, -1)):
        for cy, sy in ((inset, 1), (CARD_H - inset, -1)):
            p = c.beginPath()
            p.moveTo(cx + sx * arm, cy)
            p.lineTo(cx, cy)
            p.lineTo(cx, cy + sy * arm)
            c.drawPath(p, stroke=1, fill=0)


def nothing(c: Canvas, design: CardDesign) -> None:
    return None


def _lanterns(c: Canvas, design: CardDesign) -> None:
    x0, _, x1, _y1 = ART
    trim = rgb(design.accent)
    for cx, drop, size, mark in (
        ((x0 + x1) / 2 + 4 * mm, 10 * mm, 1.0, "福"),
        (x0 + 6 * mm, 22 * mm, 0.62, ""),
        (x1 - 5 * mm, 46 * mm, 0.5, ""),
    ):
        _lantern(c, cx, CARD_H - INNER, drop + 3 * mm, size, rgb(LANTERN_RED), trim, mark)


def _lantern(
    c: Canvas,
    cx: float,
    hang: float,
    drop: float,
    size: float,
    body: tuple[float, float, float],
    trim: tuple[float, float, float],
    mark: str,
) -> None:
    w, h = 28 * mm * size, 24 * mm * size
    top = hang - drop
    c.setStrokeColorRGB(*trim)
    c.setLineWidth(0.6)
    c.line(cx, hang, cx, top)
    cap_w, cap_h = w * 0.42, h * 0.1
    c.setFillColorRGB(*trim)
    c.rect(cx - cap_w / 2, top - cap_h, cap_w, cap_h, stroke=0, fill=1)
    body_top = top - cap_h * 0.6
    body_bottom = body_top - h
    c.setFillColorRGB(*body)
    c.ellipse(cx - w / 2, body_bottom, cx + w / 2, body_top, stroke=0, fill=1)
    c.setFillColorRGB(1, 1, 1)
    c.setFillAlpha(0.12)
    c.ellipse(cx - w / 2 + w * 0.1, body_bottom + h * 0.35, cx - w * 0.05, body_top - h * 0.1, 0, 1)
    c.setFillAlpha(1)
    c.setStrokeColorRGB(*trim)
    c.setLineWidth(0.35)
    c.setStrokeAlpha(0.7)
    for k in (0.25, 0.55, 0.8):
        c.ellipse(cx - w / 2 * k, body_bottom, cx + w / 2 * k, body_top, stroke=1, fill=0)
    c.setStrokeAlpha(1)
    c.setFillColorRGB(*trim)
    c.rect(cx - cap_w / 2, body_bottom - cap_h * 0.4, cap_w, cap_h, stroke=0, fill=1)
    c.setLineWidth(0.5)
    tassel_top = body_bottom - cap_h * 0.4
    for dx in range(-3, 4):
        c.line(cx + dx * w * 0.02, tassel_top, cx + dx * w * 0.028, tassel_top - h * 0.42)
    if mark:
        c.setFont(cjk_font(), h * 0.42)
        c.drawCentredString(cx, body_bottom + h * 0.33, mark)


def _moon(c: Canvas, design: CardDesign) -> None:
    x0, _y0, x1, y1 = ART
    cx, cy, r = (x0 + x1) / 2 + 2 * mm, y1 - 27 * mm, 15 * mm
    gold, text, night = rgb(design.accent), rgb(design.text), rgb(design.background)
    _sparkles(c, gold, 16, (0.0, 1.0), seed=11, radius=(0.25, 0.7))
    c.setFillColorRGB(*gold)
    for extra, alpha in ((7, 0.05), (4.5, 0.08), (2.2, 0.14)):
        c.setFillAlpha(alpha)
        c.circle(cx, cy, r + extra * mm, stroke=0, fill=1)
    c.setFillAlpha(1)
    c.circle(cx, cy, r, stroke=0, fill=1)
    c.setFillColorRGB(0.6, 0.42, 0.08)
    c.setFillAlpha(0.06)
    for dx, dy, rr in ((-4.5, 3.5, 5.5), (5, -4, 4.2), (4.5, 6.5, 2.4)):  # the maria
        c.circle(cx + dx * mm, cy + dy * mm, rr * mm, stroke=0, fill=1)
    c.setFillAlpha(1)
    mist = tuple(n + (t - n) * 0.28 for n, t in zip(night, text, strict=True))
    _cloud(c, cx - 19 * mm, cy - 17 * mm, 1.0, mist, gold)  # type: ignore[arg-type]
    _cloud(c, cx - 6 * mm, cy - 44 * mm, 0.75, mist, gold)  # type: ignore[arg-type]


def _cloud(
    c: Canvas,
    x: float,
    y: float,
    s: float,
    fill: tuple[float, float, float],
    line: tuple[float, float, float],
) -> None:
    """An auspicious cloud (祥云): a flat base under three puffs, each with a curl."""
    c.setFillColorRGB(*fill)
    c.roundRect(x, y, 26 * s * mm, 4.4 * s * mm, 2.2 * s * mm, stroke=0, fill=1)
    puffs = ((6.5, 4.2, 4.0), (13.5, 5.6, 5.4), (20.5, 4.0, 3.6))
    for dx, dy, r in puffs:
        c.circle(x + dx * s * mm, y + dy * s * mm, r * s * mm, stroke=0, fill=1)
    c.setStrokeColorRGB(*line)
    c.setStrokeAlpha(0.8)
    c.setLineWidth(0.6)
    c.setLineCap(1)
    for dx, dy, r in puffs:
        px, py, rr = x + dx * s * mm, y + dy * s * mm, r * s * mm * 0.55
        c.arc(px - rr, py - rr, px + rr, py + rr, 200, 270)
        c.arc(px - rr * 0.45, py - rr * 0.45, px + rr * 0.45, py + rr * 0.45, 200, 220)
    c.line(x + 2 * s * mm, y + 1.2 * s * mm, x + 24 * s * mm, y + 1.2 * s * mm)
    c.setStrokeAlpha(1)


def _burst(c: Canvas, cx: float, cy: float, r: float, colour: tuple[float, float, float]) -> None:
    c.setStrokeColorRGB(*colour)
    c.setFillColorRGB(*colour)
    c.setLineWidth(0.6)
    c.setLineCap(1)
    rays = 18
    for i in range(rays):
        a = 2 * math.pi * i / rays
        inner, outer = r * (0.3 if i % 2 else 0.4), r * (0.85 if i % 2 else 1.0)
        c.line(
            cx + inner * math.cos(a),
            cy + inner * math.sin(a),
            cx + outer * math.cos(a),
            cy + outer * math.sin(a),
        )
        c.circle(
            cx + (outer + 1.3 * mm) * math.cos(a),
            cy + (outer + 1.3 * mm) * math.sin(a),
            0.45 * mm,
            stroke=0,
            fill=1,
        )
    c.circle(cx, cy, r * 0.1, stroke=0, fill=1)


def _fireworks(c: Canvas, design: CardDesign) -> None:
    x0, y0, x1, y1 = ART
    _burst(c, x0 + 24 * mm, y1 - 22 * mm, 13 * mm, rgb(design.accent))
    _burst(c, x0 + 8 * mm, y1 - 48 * mm, 8 * mm, rgb(GOLD))
    _burst(c, x1 - 7 * mm, y0 + 26 * mm, 9 * mm, rgb(design.accent))
    _sparkles(c, rgb(GOLD), 14, (0.0, 1.0), seed=3)


def _tree(c: Canvas, design: CardDesign) -> None:
    x0, y0, x1, _y1 = ART
    cx, base = (x0 + x1) / 2 + 2 * mm, y0 + 16 * mm
    green = rgb(design.accent)
    c.setFillColorRGB(0.42, 0.27, 0.14)
    c.rect(cx - 2.5 * mm, base - 7 * mm, 5 * mm, 7.5 * mm, stroke=0, fill=1)
    c.setFillColorRGB(*green)
    tiers = ((0, 34, 26), (17, 27, 22), (32, 19, 18))  # (lift, half width, height) in mm
    for lift, half, height in tiers:
        p = c.beginPath()
        p.moveTo(cx - half / 2 * mm, base + lift * mm)
        p.lineTo(cx + half / 2 * mm, base + lift * mm)
        p.lineTo(cx, base + (lift + height) * mm)
        p.close()
        c.drawPath(p, stroke=0, fill=1)
    top = base + 50 * mm
    _star(c, cx, top + 1 * mm, 4.2 * mm, rgb(GOLD))
    for i, (dx, dy) in enumerate(
        ((-9, 5), (6, 9), (-3, 14), (9, 2), (-5, 22), (5, 26), (-1, 34), (3, 18), (-12, 1))
    ):
        c.setFillColorRGB(*(rgb(LANTERN_RED) if i % 2 else rgb(GOLD)))
        c.circle(cx + dx * mm, base + dy * mm, 1.2 * mm, stroke=0, fill=1)
    _snowfall(c, design, 0.35)


def _star(c: Canvas, cx: float, cy: float, r: float, colour: tuple[float, float, float]) -> None:
    c.setFillColorRGB(*colour)
    p = c.beginPath()
    for i in range(10):
        a = math.pi / 2 + i * math.pi / 5
        rr = r if i % 2 == 0 else r * 0.42
        (p.moveTo if i == 0 else p.lineTo)(cx + rr * math.cos(a), cy + rr * math.sin(a))
    p.close()
    c.drawPath(p, stroke=0, fill=1)


def _flake(c: Canvas, cx: float, cy: float, r: float) -> None:
    for i in range(6):
        a = math.pi / 6 + i * math.pi / 3
        ex, ey = cx + r * math.cos(a), cy + r * math.sin(a)
        c.line(cx, cy, ex, ey)
        for t in (0.5, 0.75):
            bx, by = cx + r * t * math.cos(a), cy + r * t * math.sin(a)
            for side in (-1, 1):
                b = a + side * math.pi / 4
                c.line(bx, by, bx + r * 0.25 * math.cos(b), by + r * 0.25 * math.sin(b))


def _sparkles(
    c: Canvas,
    colour: tuple[float, float, float],
    n: int,
    band: tuple[float, float],
    seed: int,
    alpha: float = 1.0,
    radius: tuple[float, float] = (0.4, 0.9),
) -> None:
    """n dots scattered over the ornament column, between band[0] and band[1] of its
    height; the same seed gives the same card every time."""
    x0, y0, x1, y1 = ART
    rand = random.Random(seed)
    c.setFillColorRGB(*colour)
    c.setFillAlpha(alpha)
    for _ in range(n):
        fy = band[0] + rand.random() * (band[1] - band[0])
        r = rand.uniform(*radius) * mm
        c.circle(x0 + rand.random() * (x1 - x0), y0 + fy * (y1 - y0), r, stroke=0, fill=1)
    c.setFillAlpha(1)


def _snowfall(c: Canvas, design: CardDesign, alpha: float) -> None:
    _sparkles(c, rgb(design.accent), 26, (0.0, 1.0), seed=7, alpha=alpha)


def _snow(c: Canvas, design: CardDesign) -> None:
    x0, y0, x1, y1 = ART
    c.setStrokeColorRGB(*rgb(design.accent))
    c.setLineCap(1)
    for fx, fy, r, width, alpha in (
        (0.55, 0.72, 13, 1.1, 0.9),
        (0.2, 0.4, 7, 0.8, 0.6),
        (0.75, 0.28, 9, 0.9, 0.7),
        (0.3, 0.93, 4.5, 0.6, 0.5),
        (0.8, 0.05, 4, 0.6, 0.45),
    ):
        c.setLineWidth(width)
        c.setStrokeAlpha(alpha)
        _flake(c, x0 + fx * (x1 - x0), y0 + fy * (y1 - y0), r * mm)
    c.setStrokeAlpha(1)
    _snowfall(c, design, 0.3)


def _waves(c: Canvas, design: CardDesign) -> None:
    """A round window (like a silk fan) onto the river: sun, waves and a dragon boat."""
    x0, y0, x1, y1 = ART
    jade, text = rgb(design.accent), rgb(design.text)
    cx, cy, r = (x0 + x1) / 2 + 1 * mm, (y0 + y1) / 2 + 6 * mm, 19 * mm
    c.saveState()
    window = c.beginPath()
    window.circle(cx, cy, r)
    c.clipPath(window, stroke=0, fill=0)
    c.setFillColorRGB(1, 1, 1)
    c.setFillAlpha(0.55)
    c.circle(cx, cy, r, stroke=0, fill=1)
    c.setFillColorRGB(*rgb(GOLD))
    c.setFillAlpha(0.9)
    c.circle(cx + 7 * mm, cy + 8 * mm, 5 * mm, stroke=0, fill=1)
    span = (cx - r - 10 * mm, cx + r + 10 * mm, cy - r - 2 * mm)
    _wave(c, span, cy - 1 * mm, 0.2, jade, 0)
    _boat(c, cx - 1 * mm, cy - 5 * mm, 0.72, text)
    for level, alpha, shift in ((-6.5, 0.45, 4), (-12, 0.65, 0), (-17, 0.85, 4)):
        _wave(c, span, cy + level * mm, alpha, jade, shift * mm)
    c.restoreState()
    c.setStrokeColorRGB(*jade)
    c.setLineWidth(1.2)
    c.circle(cx, cy, r, stroke=1, fill=0)
    c.setLineWidth(0.4)
    c.circle(cx, cy, r + 1.6 * mm, stroke=1, fill=0)
    # a knot and a tassel under the window
    red = rgb(LANTERN_RED)
    c.setStrokeColorRGB(*red)
    c.setFillColorRGB(*red)
    c.setLineWidth(0.6)
    top = cy - r - 1.6 * mm
    c.line(cx, top, cx, top - 4 * mm)
    c.circle(cx, top - 5 * mm, 1.2 * mm, stroke=0, fill=1)
    for dx in range(-3, 4):
        c.line(cx + dx * 0.3 * mm, top - 6 * mm, cx + dx * 0.55 * mm, top - 15 * mm)


def _wave(
    c: Canvas,
    span: tuple[float, float, float],
    y: float,
    alpha: float,
    colour: tuple[float, float, float],
    shift: float,
) -> None:
    """A band of water from the left to the right of span, its crests at y."""
    left, right, bottom = span
    c.setFillColorRGB(*colour)
    c.setFillAlpha(alpha)
    p = c.beginPath()
    x = left - shift
    p.moveTo(x, bottom)
    p.lineTo(x, y)
    step = 7 * mm
    while x < right:
        p.curveTo(x + step * 0.3, y + 2.6 * mm, x + step * 0.7, y + 2.6 * mm, x + step, y)
        x += step
    p.lineTo(x, bottom)
    p.close()
    c.drawPath(p, stroke=0, fill=1)
    c.setFillAlpha(1)


def _boat(c: Canvas, cx: float, y: float, scale: float, crew: tuple[float, float, float]) -> None:
    """A dragon boat heading right: the tail curls up at the stern, the neck rises at the bow."""

    def at(dx: float, dy: float) -> tuple[float, float]:
        return dx * mm, dy * mm

    c.saveState()
    c.translate(cx, y)
    c.scale(scale, scale)

    c.setStrokeColorRGB(*crew)
    c.setFillColorRGB(*crew)
    c.setLineWidth(0.7)
    c.setLineCap(1)
    for i in range(5):  # the crew: a head, and a paddle reaching back into the water
        hx, hy = at(-10 + i * 5, 4.6)
        c.circle(hx, hy, 1.1 * mm, stroke=0, fill=1)
        c.line(hx + 1 * mm, hy - 1.2 * mm, hx - 3 * mm, hy - 8.5 * mm)
    c.setFillColorRGB(*rgb(LANTERN_RED))
    p = c.beginPath()
    p.moveTo(*at(-17, 1))
    p.curveTo(*at(-8, -2.5), *at(8, -2.5), *at(15, 0.5))
    p.curveTo(*at(18, 2), *at(19, 5), *at(18, 8))  # the neck
    p.lineTo(*at(22, 8.6))  # the snout
    p.lineTo(*at(18.6, 10.8))  # the crown
    p.curveTo(*at(16, 9), *at(16, 5), *at(13.5, 2.8))
    p.lineTo(*at(-15, 2.8))  # the gunwale
    p.curveTo(*at(-18, 3), *at(-20, 5), *at(-19.5, 7.5))  # the tail
    p.curveTo(*at(-18.5, 4), *at(-17.5, 2), *at(-17, 1))
    p.close()
    c.drawPath(p, stroke=0, fill=1)
    c.setStrokeColorRGB(*rgb(GOLD))
    c.setLineWidth(0.6)
    c.line(*at(-15, 1.2), *at(14, 1.2))
    c.setFillColorRGB(*rgb(GOLD))
    c.circle(*at(18.8, 8.8), 0.5 * mm, stroke=0, fill=1)
    c.restoreState()


def _cake(c: Canvas, design: CardDesign) -> None:
    x0, y0, x1, _y1 = ART
    cx, base = (x0 + x1) / 2 + 1 * mm, y0 + 14 * mm
    accent = rgb(design.accent)
    c.setFillColorRGB(*accent)
    c.setFillAlpha(0.25)
    c.ellipse(cx - 18 * mm, base - 2 * mm, cx + 18 * mm, base + 2 * mm, stroke=0, fill=1)
    c.setFillAlpha(1)
    for bottom, half, height, alpha in ((0, 15, 14, 1.0), (14, 10.5, 11, 0.8)):
        c.setFillColorRGB(*accent)
        c.setFillAlpha(alpha)
        c.roundRect(cx - half * mm, base + bottom * mm, 2 * half * mm, height * mm, 1.5 * mm, 0, 1)
        c.setFillAlpha(1)
        c.setFillColorRGB(1, 0.98, 0.94)  # icing with drips
        top = base + (bottom + height) * mm
        c.rect(cx - half * mm, top - 2.2 * mm, 2 * half * mm, 2.2 * mm, stroke=0, fill=1)
        n = int(half // 2.5)
        for i in range(n):
            dx = -half + (i + 0.5) * 2 * half / n
            c.circle(cx + dx * mm, top - 2.2 * mm, 1.1 * mm, stroke=0, fill=1)
    top = base + 25 * mm
    for dx in (-6, 0, 6):
        c.setFillColorRGB(*rgb(GOLD))
        c.rect(cx + (dx - 0.7) * mm, top, 1.4 * mm, 7 * mm, stroke=0, fill=1)
        c.setFillColorRGB(*rgb("#F77F00"))
        c.ellipse(cx + (dx - 1.1) * mm, top + 7.6 * mm, cx + (dx + 1.1) * mm, top + 11 * mm, 0, 1)
    for seed, colour in enumerate((accent, rgb(GOLD), rgb("#2A9D8F"))):  # confetti
        _sparkles(c, colour, 8, (0.55, 1.0), seed=seed, radius=(0.6, 1.0))


def _blossom(c: Canvas, design: CardDesign) -> None:
    """A branch of plum blossom (梅花) reaching in from the top right."""
    x0, _y0, x1, y1 = ART
    c.setStrokeColorRGB(0.33, 0.24, 0.2)
    c.setLineCap(1)
    c.setLineWidth(2.2)
    p = c.beginPath()
    p.moveTo(x1 + 4 * mm, y1 - 6 * mm)
    p.curveTo(x1 - 12 * mm, y1 - 14 * mm, x0 + 16 * mm, y1 - 22 * mm, x0 + 4 * mm, y1 - 48 * mm)
    c.drawPath(p, stroke=1, fill=0)
    c.setLineWidth(1.2)
    c.line(x1 - 14 * mm, y1 - 15 * mm, x1 - 20 * mm, y1 - 34 * mm)
    c.line(x0 + 14 * mm, y1 - 28 * mm, x0 + 26 * mm, y1 - 40 * mm)
    for fx, fy, r in (
        (x1 - 7 * mm, y1 - 12 * mm, 3.4),
        (x1 - 20 * mm, y1 - 34 * mm, 3.0),
        (x0 + 17 * mm, y1 - 23 * mm, 3.6),
        (x0 + 26 * mm, y1 - 40 * mm, 2.6),
        (x0 + 6 * mm, y1 - 44 * mm, 2.8),
        (x1 - 28 * mm, y1 - 17 * mm, 2.2),
    ):
        _flower(c, fx, fy, r * mm, rgb(design.accent))


def _flower(c: Canvas, cx: float, cy: float, r: float, colour: tuple[float, float, float]) -> None:
    c.setFillColorRGB(*colour)
    for i in range(5):
        a = math.pi / 2 + i * 2 * math.pi / 5
        c.circle(cx + r * 0.55 * math.cos(a), cy + r * 0.55 * math.sin(a), r * 0.5, 0, 1)
    c.setFillColorRGB(*rgb(GOLD))
    c.circle(cx, cy, r * 0.22, stroke=0, fill=1)


def _heart_path(c: Canvas, cx: float, cy: float, r: float) -> object:
    """A heart about 2r wide, its point at (cx, cy - r) and its lobes around cy + r/2."""
    p = c.beginPath()
    p.moveTo(cx, cy - r)
    p.curveTo(
        cx - r * 0.35, cy - r * 0.55, cx - r * 1.05, cy - r * 0.05, cx - r * 1.0, cy + r * 0.45
    )
    p.curveTo(cx - r * 0.95, cy + r * 1.0, cx - r * 0.2, cy + r * 1.1, cx, cy + r * 0.6)
    p.curveTo(cx + r * 0.2, cy + r * 1.1, cx + r * 0.95, cy + r * 1.0, cx + r * 1.0, cy + r * 0.45)
    p.curveTo(cx + r * 1.05, cy - r * 0.05, cx + r * 0.35, cy - r * 0.55, cx, cy - r)
    p.close()
    return p


def _hearts(c: Canvas, design: CardDesign) -> None:
    """Two hearts, one filled and one drawn in a line, tied by a ribbon; small hearts
    float up around them (情人节)."""
    x0, y0, x1, y1 = ART
    accent, text = rgb(design.accent), rgb(design.text)
    cx, cy = (x0 + x1) / 2 + 1 * mm, y1 - 40 * mm
    c.setFillColorRGB(*accent)
    c.setFillAlpha(0.12)
    c.drawPath(_heart_path(c, cx, cy, 20 * mm), stroke=0, fill=1)
    c.setFillAlpha(1)
    c.drawPath(_heart_path(c, cx - 4 * mm, cy + 2 * mm, 11 * mm), stroke=0, fill=1)
    c.setStrokeColorRGB(*rgb(GOLD))
    c.setLineWidth(1.1)
    c.drawPath(_heart_path(c, cx + 6 * mm, cy - 3 * mm, 9 * mm), stroke=1, fill=0)
    # a ribbon falling from where they meet
    c.setStrokeColorRGB(*text)
    c.setStrokeAlpha(0.55)
    c.setLineWidth(0.6)
    c.setLineCap(1)
    p = c.beginPath()
    p.moveTo(cx + 1 * mm, cy - 9 * mm)
    p.curveTo(cx - 8 * mm, cy - 20 * mm, cx + 10 * mm, cy - 26 * mm, cx + 2 * mm, cy - 38 * mm)
    c.drawPath(p, stroke=1, fill=0)
    c.setStrokeAlpha(1)
    rand = random.Random(14)
    for _ in range(9):
        hx = x0 + rand.random() * (x1 - x0)
        hy = y0 + rand.uniform(0.05, 0.95) * (y1 - y0)
        if abs(hx - cx) < 16 * mm and abs(hy - cy) < 16 * mm:
            continue
        c.setFillColorRGB(*(accent if rand.random() < 0.6 else rgb(GOLD)))
        c.setFillAlpha(rand.uniform(0.35, 0.8))
        c.drawPath(_heart_path(c, hx, hy, rand.uniform(1.4, 2.6) * mm), stroke=0, fill=1)
    c.setFillAlpha(1)
    _sparkles(c, rgb(GOLD), 12, (0.0, 1.0), seed=21, alpha=0.7, radius=(0.25, 0.6))


def _magpie(c: Canvas, x: float, y: float, s: float, flap: float) -> None:
    """A magpie in flight seen from the side: a small body and two swept wings (an "M"),
    flap raising the wing tips."""
    c.saveState()
    c.translate(x, y)
    c.scale(s, s)
    p = c.beginPath()
    p.moveTo(-4.6 * mm, (1.8 + flap) * mm)
    p.curveTo(-3.2 * mm, 1.6 * mm, -1.6 * mm, 0.6 * mm, 0, -0.4 * mm)
    p.curveTo(1.6 * mm, 0.6 * mm, 3.2 * mm, 1.6 * mm, 4.6 * mm, (1.8 + flap) * mm)
    p.curveTo(3.0 * mm, 0.6 * mm, 1.4 * mm, -0.6 * mm, 0, -1.4 * mm)
    p.curveTo(-1.4 * mm, -0.6 * mm, -3.0 * mm, 0.6 * mm, -4.6 * mm, (1.8 + flap) * mm)
    p.close()
    c.drawPath(p, stroke=0, fill=1)
    c.ellipse(-0.8 * mm, -2.0 * mm, 0.8 * mm, -0.4 * mm, stroke=0, fill=1)
    c.restoreState()


def _magpie_bridge(c: Canvas, design: CardDesign) -> None:
    """七夕: the Milky Way across the night, the Weaver (织女, Vega) and the Cowherd (牛郎,
    Altair) on either bank, and the bridge of magpies (鹊桥) arching between them."""
    x0, y0, x1, y1 = ART
    gold, text = rgb(design.accent), rgb(design.text)
    # the river of stars: dust along the diagonal from top right to bottom left
    rand = random.Random(77)
    c.setFillColorRGB(*text)
    for _ in range(170):
        t, off = rand.random(), rand.gauss(0, 5.5) * mm
        px = x1 - t * (x1 - x0) + off * 0.6
        py = y1 - 4 * mm - t * (y1 - y0 - 8 * mm) + off * 0.8
        c.setFillAlpha(rand.uniform(0.15, 0.6))
        c.circle(px, py, rand.uniform(0.12, 0.42) * mm, stroke=0, fill=1)
    c.setFillAlpha(1)
    _sparkles(c, gold, 10, (0.0, 1.0), seed=7, alpha=0.9, radius=(0.3, 0.6))
    # the two lovers' stars, on either bank of the river
    weaver, cowherd = (x0 + 8 * mm, y1 - 28 * mm), (x1 - 9 * mm, y0 + 20 * mm)
    for sx, sy in (weaver, cowherd):
        c.setFillColorRGB(*gold)
        for extra, alpha in ((3.4, 0.08), (2.0, 0.16)):
            c.setFillAlpha(alpha)
            c.circle(sx, sy, extra * mm, stroke=0, fill=1)
        c.setFillAlpha(1)
        _star(c, sx, sy, 2.6 * mm, gold)
    # the bridge: magpies along an arch from one star to the other
    (ax, ay), (bx, by) = weaver, cowherd
    mx, my = (ax + bx) / 2 + 12 * mm, (ay + by) / 2 + 12 * mm  # bowed up and right
    c.setFillColorRGB(*text)
    n = 9
    for i in range(1, n):
        t = i / n
        px = (1 - t) ** 2 * ax + 2 * (1 - t) * t * mx + t**2 * bx
        py = (1 - t) ** 2 * ay + 2 * (1 - t) * t * my + t**2 * by
        c.setFillAlpha(0.9)
        _magpie(c, px, py, 0.85 + 0.2 * math.sin(math.pi * t), 0.9 * math.cos(i * 1.7))
    c.setFillAlpha(1)
    # a crescent moon high on the left
    night = rgb(design.background)
    c.setFillColorRGB(*gold)
    c.circle(x0 + 30 * mm, y1 - 10 * mm, 4.2 * mm, stroke=0, fill=1)
    c.setFillColorRGB(*night)
    c.circle(x0 + 31.8 * mm, y1 - 8.8 * mm, 3.8 * mm, stroke=0, fill=1)


def _gift(c: Canvas, design: CardDesign) -> None:
    """会员日: a gift box tied with a ribbon and a bow, a star on it, confetti around it."""
    x0, y0, x1, _y1 = ART
    accent = rgb(design.accent)
    cx, base = (x0 + x1) / 2 + 1 * mm, y0 + 22 * mm
    half, height, lid = 14 * mm, 22 * mm, 5.5 * mm
    c.setFillColorRGB(*accent)
    c.setFillAlpha(0.2)
    c.ellipse(cx - 19 * mm, base - 2.4 * mm, cx + 19 * mm, base + 2.4 * mm, stroke=0, fill=1)
    c.setFillAlpha(1)
    c.roundRect(cx - half, base, 2 * half, height, 1 * mm, stroke=0, fill=1)
    c.setFillColorRGB(1, 1, 1)
    c.setFillAlpha(0.15)
    c.rect(cx - half, base + height - 2 * mm, 2 * half, 2 * mm, stroke=0, fill=1)
    c.setFillAlpha(1)
    c.setFillColorRGB(*accent)
    c.roundRect(cx - half - 1.6 * mm, base + height, 2 * half + 3.2 * mm, lid, 1 * mm, 0, 1)
    gold = rgb(GOLD)
    c.setFillColorRGB(*gold)  # the ribbon, across and down
    c.rect(cx - 2 * mm, base, 4 * mm, height + lid, stroke=0, fill=1)
    c.rect(
        cx - half - 1.6 * mm, base + height + lid / 2 - 1.5 * mm, 2 * half + 3.2 * mm, 3 * mm, 0, 1
    )
    top = base + height + lid
    for side in (1, -1):  # the bow
        p = c.beginPath()
        p.moveTo(cx, top + 1 * mm)
        p.curveTo(
            cx + side * 3 * mm,
            top + 9 * mm,
            cx + side * 11 * mm,
            top + 8 * mm,
            cx + side * 8 * mm,
            top + 2 * mm,
        )
        p.curveTo(cx + side * 6 * mm, top, cx + side * 3 * mm, top, cx, top + 1 * mm)
        p.close()
        c.drawPath(p, stroke=0, fill=1)
        q = c.beginPath()
        q.moveTo(cx, top + 0.5 * mm)
        q.lineTo(cx + side * 4 * mm, top - 6 * mm)
        q.lineTo(cx + side * 6.5 * mm, top - 5 * mm)
        q.close()
        c.drawPath(q, stroke=0, fill=1)
    c.circle(cx, top + 1.2 * mm, 1.8 * mm, stroke=0, fill=1)
    # a star on the front: the member's mark
    _star(c, cx + half / 2 + 1 * mm, base + height / 2 - 2 * mm, 3 * mm, rgb("#FFFFFF"))
    for seed, colour in enumerate((accent, gold, rgb(design.text))):  # confetti
        _sparkles(c, colour, 7, (0.62, 1.0), seed=30 + seed, radius=(0.5, 0.9), alpha=0.8)


ORNAMENTS: dict[str, Callable[[Canvas, CardDesign], None]] = {
    "lanterns": _lanterns,
    "moon": _moon,
    "tree": _tree,
    "snow": _snow,
    "waves": _waves,
    "fireworks": _fireworks,
    "cake": _cake,
    "blossom": _blossom,
    "hearts": _hearts,
    "magpie_bridge": _magpie_bridge,
    "gift": _gift,
}
