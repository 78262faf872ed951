#!/usr/bin/env python3
"""Draw the demo product images named in Catalog/products/*.yaml into Media/.

Requirements: Python 3 with Pillow and PyYAML:
    pip install pillow pyyaml          (or Debian: apt-get install -y python3-pil python3-yaml)
Optional font (falls back to Pillow's default font):
    apt-get install -y fonts-dejavu-core

    python3 tools/make-media.py [--root REPO] [--only SLUG ...] [--check]

Every image is drawn here, deterministically (no randomness, no downloads): an 800x600 PNG with
a background colour by sector, a simple drawing of the kind of product, and the product's
Vietnamese name. Images are quantized to a small palette so each file stays well under 60 KB.
--check only verifies that every media file named by the catalog exists (exit 1 if not).
"""
import argparse
import glob
import hashlib
import math
import os
import sys

try:
    import yaml
    from PIL import Image, ImageDraw, ImageFont
except ImportError as e:  # pragma: no cover
    sys.exit(f"make-media: {e.name} is missing: pip install pillow pyyaml")

W, H = 800, 600
SS = 2                      # supersampling factor: draw at 1600x1200, then downsample
CW, CH = W * SS, H * SS
TEXT_TOP = 880              # y (canvas units) where the text band starts

SECTORS = {
    "I": ("Thực phẩm", (253, 236, 200), (214, 120, 40)),
    "II": ("Đồ uống", (214, 234, 248), (40, 110, 170)),
    "III": ("Dược liệu", (220, 240, 214), (60, 130, 70)),
    "IV": ("Thủ công mỹ nghệ", (240, 226, 208), (150, 95, 50)),
    "V": ("Sinh vật cảnh", (250, 222, 232), (180, 70, 110)),
    "VI": ("Du lịch", (210, 236, 240), (30, 130, 140)),
}

FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts"]


def font(bold, size):
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for d in FONT_DIRS:
        p = os.path.join(d, name)
        if os.path.exists(p):
            return ImageFont.truetype(p, size)
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1
        return ImageFont.load_default()


def shade(c, f):
    """Darken (f < 1) or lighten (f > 1) a colour."""
    if f <= 1:
        return tuple(int(v * f) for v in c)
    return tuple(int(v + (255 - v) * (f - 1)) for v in c)


def seed(slug, n):
    """A small deterministic number from the slug (for tiny variations)."""
    return int(hashlib.sha256(slug.encode()).hexdigest()[:8], 16) % n


# ---------------------------------------------------------------- primitives
def ell(d, cx, cy, rx, ry, fill, outline=None, width=0):
    d.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], fill=fill, outline=outline, width=width)


def rrect(d, x0, y0, x1, y1, r, fill, outline=None, width=0):
    d.rounded_rectangle([x0, y0, x1, y1], radius=r, fill=fill, outline=outline, width=width)


def leaf(d, x, y, length, angle, color, vein=True):
    """A lens-shaped leaf from (x, y) pointing at angle (degrees)."""
    a = math.radians(angle)
    ux, uy = math.cos(a), math.sin(a)
    px, py = -uy, ux
    pts_l, pts_r = [], []
    for i in range(0, 21):
        t = i / 20
        w = math.sin(math.pi * t) * length * 0.28
        bx, by = x + ux * length * t, y + uy * length * t
        pts_l.append((bx + px * w, by + py * w))
        pts_r.append((bx - px * w, by - py * w))
    d.polygon(pts_l + pts_r[::-1], fill=color)
    if vein:
        d.line([(x, y), (x + ux * length * 0.9, y + uy * length * 0.9)], fill=shade(color, 0.7), width=6)


def steam(d, x, y, color):
    for k in range(3):
        pts = [(x + k * 60 + 18 * math.sin(i / 3), y - i * 12) for i in range(14)]
        d.line(pts, fill=color, width=10, joint="curve")


def plate(d, cx, cy, rx, color=(250, 250, 246)):
    ell(d, cx, cy + 10, rx, rx * 0.28, shade(color, 0.8))
    ell(d, cx, cy, rx, rx * 0.28, color)
    ell(d, cx, cy, rx * 0.75, rx * 0.2, shade(color, 0.95))


def shadow(d, cx, cy, rx, bg):
    ell(d, cx, cy, rx, rx * 0.12, shade(bg, 0.82))


# ---------------------------------------------------------------- drawings
def draw_fruit(d, bg, color=(245, 140, 30), kind="orange"):
    cx, cy, r = 800, 480, 250
    shadow(d, cx, cy + r - 10, r * 1.1, bg)
    if kind == "dragon":
        ell(d, cx, cy, r * 0.85, r, color)
        for i in range(7):
            ang = -math.pi / 2 + i * math.pi / 3.5
            x, y = cx + math.cos(ang) * r * 0.8, cy + math.sin(ang) * r * 0.9
            leaf(d, x, y, 130, math.degrees(ang) - 30, (110, 170, 60), vein=False)
        ell(d, cx - 80, cy - 90, 50, 80, shade(color, 1.25))
        return
    if kind == "lychee":  # a cluster on a twig
        d.line([(cx - 40, cy - 330), (cx + 10, cy - 200), (cx + 120, cy - 140)], fill=(110, 75, 40), width=14)
        leaf(d, cx - 40, cy - 320, 200, -150, (70, 150, 60))
        leaf(d, cx - 30, cy - 300, 180, -30, (90, 165, 70))
        for (x, y) in [(cx - 150, cy - 20), (cx + 90, cy - 40), (cx - 30, cy + 140), (cx + 210, cy + 130), (cx - 250, cy + 170)]:
            shadow(d, x, y + 125, 120, bg)
            ell(d, x, y, 125, 125, color)
            for k in range(40):
                a = k * 2.4
                rr = 110 * math.sqrt((k + 0.5) / 40)
                ell(d, x + rr * math.cos(a), y + rr * math.sin(a), 9, 9, shade(color, 0.75))
            ell(d, x - 40, y - 45, 30, 20, shade(color, 1.3))
        return
    if kind == "durian":
        for i in range(36):
            ang = i * math.tau / 36
            x0, y0 = cx + math.cos(ang) * r * 0.92, cy + math.sin(ang) * r * 0.92
            x1, y1 = cx + math.cos(ang) * (r + 40), cy + math.sin(ang) * (r + 40)
            dx, dy = -math.sin(ang) * 22, math.cos(ang) * 22
            d.polygon([(x0 + dx, y0 + dy), (x0 - dx, y0 - dy), (x1, y1)], fill=shade(color, 0.8))
    ell(d, cx, cy, r, r, color)
    if kind == "custard":
        for row in range(-3, 4):
            for col in range(-3, 4):
                x, y = cx + col * 70 + (row % 2) * 35, cy + row * 62
                if (x - cx) ** 2 + (y - cy) ** 2 < (r - 40) ** 2:
                    ell(d, x, y, 32, 28, None, outline=shade(color, 0.7), width=6)
    elif kind in ("lychee", "orange", "durian"):
        dot = shade(color, 0.82)
        for row in range(-5, 6):
            for col in range(-5, 6):
                x, y = cx + col * 44 + (row % 2) * 22, cy + row * 40
                if (x - cx) ** 2 + (y - cy) ** 2 < (r - 20) ** 2:
                    ell(d, x, y, 7, 7, dot)
    ell(d, cx - 90, cy - 100, 55, 38, shade(color, 1.35))
    d.rectangle([cx - 10, cy - r - 50, cx + 10, cy - r + 10], fill=(110, 75, 40))
    leaf(d, cx + 5, cy - r - 30, 190, -25, (70, 150, 60))
    if kind == "orange":  # a second fruit behind
        ell(d, cx + 300, cy + 110, 130, 130, shade(color, 0.92))
        ell(d, cx + 270, cy + 70, 30, 22, shade(color, 1.3))


def draw_cup(d, bg, cup=(250, 250, 245), drink=(190, 160, 60), leaves=True, beans=False):
    cx, cy = 720, 520
    ell(d, cx, cy + 170, 330, 70, shade(cup, 0.85))
    ell(d, cx, cy + 160, 300, 60, cup)
    d.polygon([(cx - 230, cy - 120), (cx + 230, cy - 120), (cx + 170, cy + 150), (cx - 170, cy + 150)], fill=cup)
    ell(d, cx - 170 + 170, cy + 150, 170, 30, cup)
    ell(d, cx + 250, cy, 85, 75, None, outline=cup, width=34)
    ell(d, cx, cy - 120, 230, 45, shade(cup, 0.85))
    ell(d, cx, cy - 115, 210, 36, drink)
    d.line([(cx - 200, cy - 40), (cx + 200, cy - 40)], fill=shade(cup, 0.85), width=8)
    steam(d, cx - 70, cy - 200, shade(bg, 0.8))
    if leaves:
        for i, (ang, ln) in enumerate([(-60, 230), (-100, 200), (-20, 180)]):
            leaf(d, 1180, 700, ln, ang, (60 + i * 20, 140 + i * 10, 60))
    if beans:
        for i, (x, y) in enumerate([(1130, 700), (1230, 640), (1260, 760), (1340, 700), (1180, 800)]):
            ell(d, x, y, 48, 34, (95, 55, 30))
            d.arc([x - 40, y - 28, x + 40, y + 28], 200, 340, fill=(60, 35, 20), width=7)


def draw_jar(d, bg, body=(235, 170, 40), lid=(140, 90, 40), label=(255, 248, 225), dots=None, bee=True):
    cx, cy = 800, 500
    shadow(d, cx, cy + 300, 300, bg)
    rrect(d, cx - 230, cy - 200, cx + 230, cy + 300, 80, body)
    rrect(d, cx - 170, cy - 270, cx + 170, cy - 190, 20, lid)
    rrect(d, cx - 200, cy - 40, cx + 200, cy + 160, 20, label)
    ell(d, cx - 150, cy - 120, 30, 60, shade(body, 1.3))
    if dots:
        for row in range(6):
            for col in range(8):
                x, y = cx - 190 + col * 54 + (row % 2) * 27, cy - 170 + row * 22
                if row < 5:
                    ell(d, x, y, 12, 12, dots)
        for k in range(3):
            ell(d, cx - 100 + k * 100, cy + 60, 34, 34, dots)
    elif not bee:
        leaf(d, cx - 110, cy + 100, 220, -20, shade(body, 1.6) if sum(body) < 300 else shade(body, 0.7))
    else:
        for k in range(3):  # honeycomb on the label
            x = cx - 90 + k * 90
            pts = [(x + 44 * math.cos(math.radians(60 * i)), cy + 60 + 44 * math.sin(math.radians(60 * i))) for i in range(6)]
            d.polygon(pts, fill=body)
    if bee:
        bx, by = 1200, 300
        ell(d, bx - 40, by - 50, 50, 30, (235, 245, 255))
        ell(d, bx + 30, by - 55, 50, 30, (235, 245, 255))
        ell(d, bx, by, 75, 50, (245, 200, 40))
        for k in (-30, 10):
            d.rectangle([bx + k, by - 46, bx + k + 18, by + 46], fill=(50, 40, 30))
        ell(d, bx + 80, by, 28, 28, (50, 40, 30))


def draw_bottle(d, bg, liquid=(235, 225, 190), glass=(220, 235, 230), cap=(150, 40, 40), label=(250, 245, 230), tall=True, dropper=False):
    cx = 800
    top = 180 if tall else 360
    bottom = 840
    shadow(d, cx, bottom, 220, bg)
    if dropper:
        rrect(d, cx - 40, top - 150, cx + 40, top - 40, 30, (40, 40, 40))
        rrect(d, cx - 60, top - 50, cx + 60, top + 30, 10, (30, 30, 30))
    neck_w = 55 if tall else 70
    d.rectangle([cx - neck_w, top, cx + neck_w, top + 170], fill=glass)
    rrect(d, cx - neck_w - 8, top - 40, cx + neck_w + 8, top + 20, 10, cap)
    d.polygon([(cx - neck_w, top + 160), (cx + neck_w, top + 160), (cx + 190, top + 330), (cx - 190, top + 330)], fill=glass)
    rrect(d, cx - 190, top + 300, cx + 190, bottom, 40, glass)
    rrect(d, cx - 170, top + 360, cx + 170, bottom - 20, 30, liquid)
    lab_top = top + 420
    rrect(d, cx - 190, lab_top, cx + 190, min(lab_top + 220, bottom - 60), 6, label)
    d.line([(cx - 120, lab_top + 70), (cx + 120, lab_top + 70)], fill=shade(cap, 1.0), width=14)
    d.line([(cx - 90, lab_top + 120), (cx + 90, lab_top + 120)], fill=shade(label, 0.75), width=10)
    d.rectangle([cx - 150, top + 330, cx - 120, bottom - 60], fill=shade(glass, 1.4))


def draw_leaves_deco(d, color=(70, 150, 70)):
    for (x, y, ang, ln) in [(1150, 780, -50, 220), (1190, 800, -95, 180), (450, 800, -130, 200), (420, 780, -85, 170)]:
        leaf(d, x, y, ln, ang, color)


def draw_sack(d, bg):
    cx, cy = 760, 520
    shadow(d, cx, cy + 300, 320, bg)
    d.polygon([(cx - 220, cy - 150), (cx + 220, cy - 150), (cx + 280, cy + 290), (cx - 280, cy + 290)], fill=(225, 205, 160))
    d.polygon([(cx - 140, cy - 150), (cx + 140, cy - 150), (cx + 90, cy - 260), (cx - 90, cy - 260)], fill=(210, 188, 140))
    d.rectangle([cx - 160, cy - 175, cx + 160, cy - 140], fill=(150, 100, 50))
    rrect(d, cx - 170, cy, cx + 170, cy + 180, 20, (250, 245, 230))
    for k in range(3):
        leaf(d, cx - 60 + k * 60, cy + 150, 110, -90 + (k - 1) * 25, (200, 160, 50), vein=False)
    for i in range(18):  # spilled grains
        x = 1120 + (i % 6) * 44 + (i // 6) * 18
        y = 780 + (i // 6) * 30
        ell(d, x, y, 18, 9, (250, 248, 235), outline=(200, 190, 160), width=2)


def draw_bowl(d, bg, noodle=(250, 240, 215), broth=(230, 150, 70), topping=(210, 90, 40)):
    cx, cy = 800, 500
    shadow(d, cx, cy + 280, 380, bg)
    d.pieslice([cx - 360, cy - 220, cx + 360, cy + 300], 0, 180, fill=(250, 250, 245))
    ell(d, cx, cy + 40, 360, 80, shade(broth, 0.9))
    ell(d, cx, cy + 40, 330, 66, broth)
    for k in range(-4, 5):
        pts = [(cx + k * 55 + 14 * math.sin(i / 2), cy + 10 + i * 6) for i in range(12)]
        d.line(pts, fill=noodle, width=12, joint="curve")
    for (x, y) in [(cx - 120, cy + 30), (cx + 80, cy + 50), (cx + 180, cy + 20)]:
        ell(d, x, y, 50, 26, topping)
    leaf(d, cx - 20, cy + 40, 90, -30, (80, 160, 60), vein=False)
    d.line([(cx + 120, cy - 260), (cx + 420, cy + 60)], fill=(150, 100, 50), width=18)
    d.line([(cx + 170, cy - 280), (cx + 450, cy + 30)], fill=(170, 115, 60), width=18)
    ell(d, cx, cy + 310, 160, 24, shade((250, 250, 245), 0.85))


def draw_noodle_bundle(d, bg):
    cx, cy = 800, 480
    shadow(d, cx, cy + 300, 320, bg)
    for k in range(-14, 15):
        x = cx + k * 12
        d.line([(x, cy - 260), (x + 8 * math.sin(k), cy + 280)], fill=(160, 120, 90) if k % 3 else (130, 95, 70), width=8)
    d.rectangle([cx - 190, cy - 40, cx + 190, cy + 20], fill=(200, 60, 50))
    d.rectangle([cx - 190, cy + 170, cx + 190, cy + 210], fill=(200, 60, 50))
    leaf(d, 1160, 760, 200, -70, (70, 150, 60))


def draw_cake_square(d, bg, green=(60, 130, 60)):
    for (cx, cy, s) in [(640, 520, 260), (1060, 600, 200)]:
        shadow(d, cx, cy + s + 5, s * 1.2, bg)
        rrect(d, cx - s, cy - s, cx + s, cy + s, 20, green)
        rrect(d, cx - s + 20, cy - s + 20, cx + s - 20, cy + s - 20, 14, shade(green, 1.15))
        for t in (-0.4, 0.4):
            d.rectangle([cx + t * s - 8, cy - s, cx + t * s + 8, cy + s], fill=(220, 200, 150))
            d.rectangle([cx - s, cy + t * s - 8, cx + s, cy + t * s + 8], fill=(220, 200, 150))


def draw_che_lam(d, bg):
    shadow(d, 800, 800, 420, bg)
    for i in range(3):
        for j in range(3 - i):
            x = 520 + j * 200 + i * 100
            y = 700 - i * 130
            rrect(d, x, y, x + 180, y + 110, 14, (185, 135, 80))
            for k in range(4):
                ell(d, x + 30 + k * 40, y + 40 + (k % 2) * 30, 12, 9, (245, 230, 200))
    leaf(d, 1200, 800, 220, -60, (90, 150, 60))


def draw_rolls(d, bg, leafc=(90, 160, 70), string=(210, 50, 50)):
    shadow(d, 800, 800, 420, bg)
    for i, (x, y) in enumerate([(500, 640), (760, 640), (1020, 640), (630, 470), (890, 470)]):
        rrect(d, x - 110, y - 80, x + 110, y + 80, 40, leafc)
        d.line([(x - 90, y - 60), (x + 90, y + 60)], fill=shade(leafc, 0.75), width=6)
        d.rectangle([x - 8, y - 80, x + 8, y + 80], fill=string)


def draw_gio(d, bg):
    shadow(d, 760, 800, 380, bg)
    rrect(d, 420, 380, 1000, 760, 60, (100, 160, 70))
    for k in range(5):
        d.line([(460 + k * 110, 380), (420 + k * 110, 760)], fill=(80, 130, 55), width=8)
    ell(d, 1000, 570, 100, 190, (240, 220, 210))
    ell(d, 1000, 570, 80, 170, (250, 235, 225))
    plate(d, 1230, 760, 170)
    for k in range(3):
        ell(d, 1170 + k * 60, 730, 55, 40, (245, 225, 210), outline=(220, 190, 170), width=4)


def draw_patties(d, bg, color=(225, 175, 80)):
    plate(d, 800, 650, 460)
    for (x, y, r) in [(620, 590, 110), (840, 570, 120), (1040, 600, 100), (720, 680, 100), (950, 690, 105)]:
        ell(d, x, y, r, r * 0.55, shade(color, 0.85))
        ell(d, x, y - 8, r * 0.92, r * 0.48, color)
        ell(d, x - r * 0.3, y - 20, r * 0.25, r * 0.1, shade(color, 1.3))
    leaf(d, 1180, 560, 160, -20, (80, 160, 60))


def draw_dried(d, bg, color=(200, 160, 110)):
    plate(d, 800, 660, 460, (235, 230, 215))
    for i in range(9):
        x0 = 520 + i * 65
        pts = [(x0 + 30 * math.sin(k / 2 + i), 560 + k * 14) for k in range(12)]
        d.line(pts, fill=color if i % 2 else shade(color, 0.8), width=26, joint="curve")


def draw_yogurt(d, bg):
    for (cx, s) in [(620, 1.0), (1000, 0.85)]:
        top, bottom = int(340 + (1 - s) * 200), 820
        shadow(d, cx, bottom, 190 * s, bg)
        rrect(d, cx - 170 * s, top, cx + 170 * s, bottom, 40, (235, 240, 245))
        rrect(d, cx - 150 * s, top + 40, cx + 150 * s, bottom - 20, 30, (250, 250, 248))
        rrect(d, cx - 150 * s, bottom - 200 * s, cx + 150 * s, bottom - 20, 30, (110, 50, 110))
        rrect(d, cx - 180 * s, top - 50, cx + 180 * s, top + 10, 12, (70, 120, 190))


def draw_milk(d, bg):
    draw_bottle(d, bg, liquid=(252, 252, 250), glass=(235, 240, 245), cap=(60, 120, 200), label=(210, 235, 250))
    for k in range(3):
        leaf(d, 1180, 800, 200 - k * 30, -60 - k * 30, (90 + k * 20, 160, 70))


def draw_chicken(d, bg):
    cx, cy = 780, 520
    shadow(d, cx, cy + 290, 330, bg)
    for k in (-60, 60):
        d.line([(cx + k, cy + 160), (cx + k, cy + 280)], fill=(230, 170, 40), width=20)
        d.line([(cx + k, cy + 280), (cx + k + 50, cy + 290)], fill=(230, 170, 40), width=14)
    d.polygon([(cx - 230, cy - 60), (cx - 380, cy - 240), (cx - 330, cy + 20)], fill=(60, 90, 60))
    ell(d, cx, cy, 260, 190, (205, 120, 45))
    ell(d, cx - 20, cy + 10, 170, 110, (180, 95, 35))
    ell(d, cx + 230, cy - 200, 95, 95, (205, 120, 45))
    d.polygon([(cx + 200, cy - 290), (cx + 230, cy - 340), (cx + 260, cy - 290), (cx + 290, cy - 330), (cx + 300, cy - 270)], fill=(210, 40, 40))
    d.polygon([(cx + 320, cy - 210), (cx + 390, cy - 190), (cx + 320, cy - 170)], fill=(240, 190, 50))
    ell(d, cx + 260, cy - 215, 14, 14, (30, 30, 30))
    ell(d, cx + 310, cy - 140, 22, 36, (210, 40, 40))


def draw_crab(d, bg):
    cx, cy = 800, 560
    shadow(d, cx, cy + 220, 420, bg)
    col = (210, 80, 50)
    for side in (-1, 1):
        for k in range(4):
            x0, y0 = cx + side * 200, cy + k * 35 - 20
            d.line([(x0, y0), (x0 + side * 150, y0 + 40 + k * 25), (x0 + side * 210, y0 + 160 + k * 10)], fill=col, width=22, joint="curve")
        d.line([(cx + side * 150, cy - 80), (cx + side * 260, cy - 230)], fill=col, width=30)
        ell(d, cx + side * 300, cy - 290, 95, 70, col)
        d.polygon([(cx + side * 330, cy - 330), (cx + side * 420, cy - 380), (cx + side * 380, cy - 300)], fill=shade(col, 0.8))
    ell(d, cx, cy, 260, 170, col)
    ell(d, cx - 40, cy - 60, 120, 50, shade(col, 1.25))
    for side in (-1, 1):
        d.line([(cx + side * 50, cy - 160), (cx + side * 60, cy - 230)], fill=col, width=12)
        ell(d, cx + side * 60, cy - 240, 22, 22, (30, 30, 30))


def draw_cordyceps(d, bg):
    plate(d, 800, 700, 440, (245, 245, 240))
    for i in range(16):
        x = 520 + i * 37
        h = 260 + (i * 53) % 120
        ang = (i - 8) * 2.5
        x1 = x + math.sin(math.radians(ang)) * h
        d.line([(x, 690), (x1, 690 - h)], fill=(235, 130, 40) if i % 2 else (220, 110, 30), width=24)
        ell(d, x1, 690 - h, 16, 20, (245, 150, 50))


def draw_roots(d, bg):
    plate(d, 800, 700, 440, (240, 232, 215))
    for j in range(5):
        y = 560 + j * 40
        for k in range(9):
            ell(d, 470 + k * 80 + (j % 2) * 30, y, 44, 30, (140, 80, 120) if (k + j) % 2 else (120, 65, 100))
    draw_leaves_deco(d, (70, 140, 60))


def draw_soap(d, bg):
    shadow(d, 800, 800, 430, bg)
    for (x, y, c) in [(440, 560, (245, 220, 225)), (760, 600, (225, 215, 245)), (1080, 560, (230, 240, 210))]:
        rrect(d, x - 150, y - 110, x + 150, y + 170, 40, shade(c, 0.88))
        rrect(d, x - 150, y - 130, x + 150, y + 150, 40, c)
        leaf(d, x - 60, y + 60, 140, -45, shade(c, 0.8), vein=True)
    for k in range(4):
        leaf(d, 1250, 420 + k * 40, 150, -150 + k * 20, (90, 140, 90), vein=False)


def draw_teaset(d, bg, body=(245, 248, 252), blue=(40, 80, 170)):
    shadow(d, 800, 820, 500, bg)
    cx, cy = 680, 520
    d.polygon([(cx + 200, cy), (cx + 340, cy - 140), (cx + 360, cy - 120), (cx + 230, cy + 60)], fill=body, outline=blue, width=6)
    ell(d, cx - 240, cy, 90, 110, None, outline=body, width=34)
    ell(d, cx, cy + 40, 250, 210, body, outline=blue, width=6)
    ell(d, cx, cy - 160, 130, 40, body, outline=blue, width=6)
    ell(d, cx, cy - 205, 40, 30, blue)
    for k in range(5):  # lotus motif
        a = math.radians(-90 + (k - 2) * 28)
        leaf(d, cx, cy + 130, 150, math.degrees(a), blue, vein=False)
    d.line([(cx - 230, cy - 20), (cx + 230, cy - 20)], fill=blue, width=8)
    for (x, y) in [(1080, 700), (1280, 700), (1180, 560)]:
        d.polygon([(x - 90, y - 60), (x + 90, y - 60), (x + 60, y + 60), (x - 60, y + 60)], fill=body, outline=blue, width=5)
        ell(d, x, y - 60, 90, 22, shade(body, 0.9), outline=blue, width=5)
        d.line([(x - 70, y), (x + 70, y)], fill=blue, width=6)


def draw_scarf(d, bg, c1=(200, 60, 80), c2=(240, 190, 90)):
    pts_top = [(300 + i * 50, 330 + 70 * math.sin(i / 3)) for i in range(21)]
    pts_bot = [(300 + i * 50, 640 + 70 * math.sin(i / 3 + 0.4)) for i in range(21)]
    d.polygon(pts_top + pts_bot[::-1], fill=c1)
    for j in range(1, 5):
        t = j / 5
        line = [(x, yt + (yb - yt) * t) for (x, yt), (_, yb) in zip(pts_top, pts_bot)]
        d.line(line, fill=c2 if j % 2 else shade(c1, 1.25), width=10, joint="curve")
    for (x, yt), (_, yb) in list(zip(pts_top, pts_bot))[2:-1:4]:
        ell(d, x, (yt + yb) / 2, 26, 26, shade(c1, 0.8))
    for y in range(int(pts_bot[-1][1]), int(pts_top[-1][1]) - 1, -18):
        pass
    for k in range(10):  # fringe
        x0, y0 = pts_top[-1][0], pts_top[-1][1] + k * (pts_bot[-1][1] - pts_top[-1][1]) / 9
        d.line([(x0, y0), (x0 + 50, y0 + 10)], fill=c1, width=6)


def draw_inlay_box(d, bg):
    shadow(d, 800, 820, 470, bg)
    d.polygon([(380, 420), (1220, 420), (1300, 330), (460, 330)], fill=(95, 45, 30))
    d.rectangle([380, 420, 1220, 800], fill=(80, 35, 25))
    d.rectangle([380, 420, 1220, 470], fill=(110, 55, 35))
    pearl = [(235, 240, 245), (215, 235, 240), (245, 230, 240)]
    cx, cy = 800, 630
    for k in range(8):
        a = math.radians(k * 45)
        leaf(d, cx, cy, 120, math.degrees(a), pearl[k % 3], vein=False)
    ell(d, cx, cy, 34, 34, (250, 245, 225))
    for x in (500, 1100):
        for k in range(4):
            leaf(d, x, 630, 80, k * 90 + 45, pearl[k % 3], vein=False)


def draw_orchid(d, bg):
    rrect(d, 640, 640, 900, 840, 30, (240, 240, 235))
    leaf(d, 770, 650, 260, -160, (50, 120, 60))
    leaf(d, 770, 650, 260, -20, (60, 135, 65))
    d.line([(770, 640), (760, 330), (860, 210), (1060, 190)], fill=(70, 110, 60), width=10, joint="curve")
    for (x, y, s) in [(760, 420, 1.0), (880, 250, 0.9), (1040, 230, 0.8), (1170, 260, 0.7), (650, 300, 0.85)]:
        for k in range(5):
            leaf(d, x, y, 120 * s, -90 + k * 72, (230, 120, 180) if k % 2 else (240, 160, 200), vein=False)
        ell(d, x, y + 10, 30 * s, 26 * s, (200, 50, 110))
        ell(d, x, y - 6, 12 * s, 10 * s, (250, 220, 80))


def draw_bonsai(d, bg):
    shadow(d, 800, 840, 360, bg)
    d.polygon([(560, 700), (1040, 700), (990, 830), (610, 830)], fill=(90, 100, 130))
    d.rectangle([540, 680, 1060, 710], fill=(70, 80, 110))
    d.line([(800, 690), (760, 560), (850, 460), (760, 360), (820, 280)], fill=(110, 75, 45), width=44, joint="curve")
    d.line([(850, 460), (1000, 420)], fill=(110, 75, 45), width=26)
    d.line([(760, 360), (620, 330)], fill=(110, 75, 45), width=24)
    for (x, y, r) in [(820, 240, 130), (620, 300, 110), (1010, 380, 120), (900, 330, 90)]:
        ell(d, x, y, r * 1.3, r * 0.8, (70, 130, 60))
        ell(d, x - 20, y - 20, r * 0.9, r * 0.5, (95, 160, 75))
        for k in range(6):
            ell(d, x - r + k * r * 0.4, y + ((k * 37) % 50) - 25, 12, 12, (255, 255, 255))


def draw_betta(d, bg):
    for (x, y, r) in [(1250, 260, 30), (1310, 180, 20), (1200, 150, 14)]:
        ell(d, x, y, r, r, None, outline=(255, 255, 255), width=6)
    cx, cy = 820, 500
    d.pieslice([cx - 560, cy - 330, cx + 40, cy + 330], 100, 260, fill=(170, 30, 60))
    for k in range(7):
        a = math.radians(100 + k * 26)
        d.line([(cx - 260, cy), (cx - 260 + 300 * math.cos(a), cy + 330 * math.sin(a))], fill=(120, 20, 50), width=6)
    d.pieslice([cx - 160, cy - 330, cx + 200, cy - 60], 190, 350, fill=(190, 40, 80))
    d.pieslice([cx - 160, cy + 60, cx + 200, cy + 330], 10, 170, fill=(190, 40, 80))
    ell(d, cx, cy, 260, 110, (60, 70, 170))
    ell(d, cx + 40, cy - 30, 140, 40, (100, 110, 210))
    ell(d, cx + 190, cy - 20, 24, 24, (250, 250, 250))
    ell(d, cx + 196, cy - 20, 12, 12, (20, 20, 20))


def hills(d, bg, colors=((150, 190, 120), (110, 160, 100))):
    d.polygon([(0, 700), (300, 420), (620, 640), (980, 380), (1400, 620), (1600, 520), (1600, 880), (0, 880)], fill=colors[0])
    d.polygon([(0, 780), (420, 600), (900, 760), (1300, 640), (1600, 760), (1600, 880), (0, 880)], fill=colors[1])


def sun(d, x=1320, y=200):
    ell(d, x, y, 90, 90, (255, 220, 110))


def draw_stilt_house(d, bg):
    sun(d)
    hills(d, bg)
    x0, y0 = 500, 430
    for k in range(6):
        d.rectangle([x0 + 20 + k * 110, y0 + 200, x0 + 40 + k * 110, y0 + 360], fill=(110, 75, 45))
    d.rectangle([x0, y0 + 40, x0 + 600, y0 + 210], fill=(170, 120, 70))
    for k in range(10):
        d.line([(x0 + k * 60, y0 + 40), (x0 + k * 60, y0 + 210)], fill=(140, 95, 55), width=4)
    d.polygon([(x0 - 60, y0 + 60), (x0 + 300, y0 - 150), (x0 + 660, y0 + 60)], fill=(120, 80, 50))
    d.rectangle([x0 + 250, y0 + 90, x0 + 350, y0 + 210], fill=(90, 60, 35))
    d.polygon([(0, 880), (300, 820), (700, 850), (1100, 810), (1600, 860), (1600, 880)], fill=(120, 180, 220))


def draw_village_gate(d, bg):
    sun(d, 1350, 180)
    d.rectangle([0, 760, 1600, 880], fill=(150, 170, 110))
    for row in range(6):
        for col in range(20):
            x = col * 90 + (row % 2) * 45 - 40
            y = 520 + row * 40
            if not (560 < x < 1000):
                rrect(d, x, y, x + 84, y + 36, 6, (175, 95, 60) if (row + col) % 3 else (150, 80, 50))
    d.rectangle([600, 400, 1000, 760], fill=(165, 90, 55))
    d.rectangle([680, 500, 920, 760], fill=(60, 40, 30))
    d.pieslice([680, 420, 920, 580], 180, 360, fill=(60, 40, 30))
    d.polygon([(540, 410), (1060, 410), (980, 300), (620, 300)], fill=(130, 70, 50))
    d.polygon([(560, 300), (1040, 300), (940, 220), (660, 220)], fill=(110, 60, 45))


def draw_mangrove(d, bg):
    sun(d, 1300, 200)
    d.rectangle([0, 620, 1600, 880], fill=(110, 170, 190))
    for k in range(6):
        d.line([(100 + k * 260, 700 + (k % 2) * 40), (260 + k * 260, 700 + (k % 2) * 40)], fill=(160, 210, 225), width=8)
    for x in (120, 330, 1250, 1450):
        for k in range(-3, 4):
            d.line([(x, 480), (x + k * 40, 640)], fill=(100, 70, 45), width=10)
        ell(d, x, 400, 150, 110, (60, 120, 60))
        ell(d, x - 40, 370, 90, 60, (80, 140, 70))
    d.polygon([(520, 690), (1080, 690), (1000, 780), (600, 780)], fill=(150, 90, 50))
    d.rectangle([740, 610, 860, 690], fill=(230, 230, 220))
    d.polygon([(720, 610), (880, 610), (800, 560)], fill=(200, 60, 40))
    for k in range(3):
        x = 600 + k * 30
        d.arc([x, 260, x + 60, 300], 200, 340, fill=(60, 60, 60), width=6)


def draw_pine_gong(d, bg):
    d.polygon([(0, 700), (500, 250), (900, 600), (1200, 380), (1600, 650), (1600, 880), (0, 880)], fill=(120, 150, 170))
    d.rectangle([0, 760, 1600, 880], fill=(120, 160, 90))
    for x in (160, 360, 1240, 1440):
        d.rectangle([x - 14, 620, x + 14, 780], fill=(100, 70, 45))
        for k in range(4):
            w = 150 - k * 30
            y = 640 - k * 90
            d.polygon([(x - w, y), (x + w, y), (x, y - 160)], fill=(40, 100 + k * 10, 60))
    ell(d, 800, 520, 210, 210, (200, 160, 60))
    ell(d, 800, 520, 170, 170, (225, 185, 80))
    ell(d, 800, 520, 60, 60, (190, 150, 50))
    d.line([(800, 200), (800, 310)], fill=(90, 60, 40), width=10)
    d.line([(1000, 340), (1120, 220)], fill=(120, 80, 50), width=18)
    ell(d, 1130, 210, 30, 30, (150, 40, 40))


def draw_water(d, bg):
    draw_bottle(d, bg, liquid=(190, 225, 245), glass=(215, 235, 248), cap=(40, 110, 200), label=(250, 252, 255))
    for (x, y, r) in [(1200, 300, 40), (1280, 420, 26), (420, 380, 34)]:
        ell(d, x, y, r, r * 1.3, (150, 200, 235))


ICONS = {
    "fruit": draw_fruit, "cup": draw_cup, "jar": draw_jar, "bottle": draw_bottle, "sack": draw_sack,
    "bowl": draw_bowl, "bundle": draw_noodle_bundle, "banh-chung": draw_cake_square, "che-lam": draw_che_lam,
    "rolls": draw_rolls, "gio": draw_gio, "patties": draw_patties, "dried": draw_dried, "yogurt": draw_yogurt,
    "milk": draw_milk, "chicken": draw_chicken, "crab": draw_crab, "cordyceps": draw_cordyceps,
    "roots": draw_roots, "soap": draw_soap, "teaset": draw_teaset, "scarf": draw_scarf,
    "inlay": draw_inlay_box, "orchid": draw_orchid, "bonsai": draw_bonsai, "betta": draw_betta,
    "stilt-house": draw_stilt_house, "gate": draw_village_gate, "mangrove": draw_mangrove,
    "pines": draw_pine_gong, "water": draw_water,
}

# keyword in the slug -> (icon, options); the first match wins
SLUG_RULES = [
    ("cam-sanh", "fruit", dict(color=(240, 150, 30), kind="orange")),
    ("quyt", "fruit", dict(color=(240, 100, 40), kind="orange")),
    ("na-bo", "fruit", dict(color=(150, 190, 100), kind="custard")),
    ("vai-thieu", "fruit", dict(color=(200, 50, 60), kind="lychee")),
    ("sau-rieng", "fruit", dict(color=(150, 170, 60), kind="durian")),
    ("thanh-long", "fruit", dict(color=(225, 60, 120), kind="dragon")),
    ("ca-phe", "cup", dict(cup=(245, 240, 235), drink=(90, 50, 25), leaves=False, beans=True)),
    ("cao-atiso", "jar", dict(body=(50, 45, 40), lid=(60, 120, 70), bee=False)),
    ("atiso", "cup", dict(cup=(250, 250, 245), drink=(150, 110, 60))),
    ("tim-sen", "cup", dict(cup=(250, 245, 245), drink=(200, 190, 110))),
    ("tieu-den", "jar", dict(body=(235, 235, 225), lid=(60, 60, 60), dots=(40, 35, 30), bee=False)),
    ("mam-tom", "jar", dict(body=(215, 110, 80), lid=(60, 90, 150), bee=False)),
    ("mat-ong", "jar", dict()),
    ("ruou-nep", "bottle", dict(liquid=(245, 240, 220), cap=(150, 40, 40))),
    ("ruou-ngo", "bottle", dict(liquid=(245, 242, 225), cap=(180, 140, 40))),
    ("ruou-mo", "bottle", dict(liquid=(220, 150, 50), cap=(120, 60, 30))),
    ("nuoc-mam", "bottle", dict(liquid=(170, 90, 30), cap=(200, 40, 40))),
    ("siro", "bottle", dict(liquid=(120, 30, 70), cap=(90, 40, 90), tall=False)),
    ("chanh-day", "bottle", dict(liquid=(245, 200, 50), cap=(120, 60, 140), tall=False)),
    ("tinh-dau", "bottle", dict(liquid=(200, 160, 60), glass=(120, 80, 50), cap=(40, 40, 40), tall=False, dropper=True)),
    ("nuoc-uong", "water", dict()),
    ("gao-", "sack", dict()),
    ("banh-da", "bowl", dict(noodle=(200, 90, 60), broth=(235, 170, 110), topping=(220, 120, 60))),
    ("mien-dong", "bundle", dict()),
    ("banh-chung", "banh-chung", dict()),
    ("che-lam", "che-lam", dict()),
    ("nem-", "rolls", dict()),
    ("gio-cha", "gio", dict()),
    ("cha-muc", "patties", dict()),
    ("sa-sung", "dried", dict()),
    ("sua-chua", "yogurt", dict()),
    ("sua-tuoi", "milk", dict()),
    ("ga-", "chicken", dict()),
    ("cua-bien", "crab", dict()),
    ("dong-trung", "cordyceps", dict()),
    ("ba-kich", "roots", dict()),
    ("xa-bong", "soap", dict()),
    ("am-chen", "teaset", dict()),
    ("lua-", "scarf", dict()),
    ("kham-trai", "inlay", dict()),
    ("lan-", "orchid", dict()),
    ("bonsai", "bonsai", dict()),
    ("betta", "betta", dict()),
    ("homestay", "stilt-house", dict()),
    ("duong-lam", "gate", dict()),
    ("dat-mui", "mangrove", dict()),
    ("doi-thong", "pines", dict()),
    ("che-", "cup", dict()),
    ("tra-", "cup", dict()),
]

GROUP_DEFAULTS = {  # fallback by leaf prefix
    "I.1": ("fruit", {}), "I.2": ("sack", {}), "I.3": ("patties", {}), "I.4": ("bottle", {}),
    "I.5": ("cup", {}), "I.6": ("cup", dict(beans=True, leaves=False, drink=(90, 50, 25))),
    "II": ("bottle", {}), "III": ("roots", {}), "IV": ("scarf", {}), "V.1": ("orchid", {}),
    "V.2": ("bonsai", {}), "V.3": ("betta", {}), "VI": ("stilt-house", {}),
}


def pick_icon(slug, group):
    for key, icon, opts in SLUG_RULES:
        if key in slug:
            return icon, opts
    for prefix in sorted(GROUP_DEFAULTS, key=len, reverse=True):
        if group.startswith(prefix):
            return GROUP_DEFAULTS[prefix]
    return "jar", {}


def wrap(draw, text, fnt, width):
    words, lines, cur = text.split(), [], ""
    for w in words:
        t = (cur + " " + w).strip()
        if draw.textlength(t, font=fnt) <= width or not cur:
            cur = t
        else:
            lines.append(cur)
            cur = w
    if cur:
        lines.append(cur)
    return lines


def render(slug, name_vi, group, out_path):
    sector = group.split(".")[0]
    label, bg, accent = SECTORS.get(sector, ("", (235, 235, 235), (90, 90, 90)))
    img = Image.new("RGB", (CW, CH), bg)
    d = ImageDraw.Draw(img)
    ell(d, 800, 470, 640, 400, shade(bg, 1.35))           # soft spotlight
    icon, opts = pick_icon(slug, group)
    opts = dict(opts)
    k = seed(slug, 4)
    if icon == "cup":       # small deterministic variations so teas do not all look alike
        opts.setdefault("cup", [(250, 250, 245), (205, 228, 208), (236, 240, 252), (190, 120, 85)][k])
        opts.setdefault("drink", [(190, 160, 60), (170, 150, 50), (200, 175, 80), (150, 120, 40)][k])
    elif icon == "jar" and "dots" not in opts and "body" not in opts:
        opts["body"] = [(235, 170, 40), (220, 140, 30), (240, 190, 70), (200, 120, 30)][k]
        opts["lid"] = [(140, 90, 40), (180, 60, 40), (60, 110, 70), (90, 70, 140)][k]
    elif icon == "scarf":
        opts.update([dict(c1=(200, 60, 80), c2=(240, 190, 90)), dict(c1=(70, 110, 60), c2=(220, 200, 120)),
                     dict(c1=(60, 90, 160), c2=(230, 220, 240)), dict(c1=(170, 110, 50), c2=(250, 230, 180))][k])
    ICONS[icon](d, bg, **opts)
    # text band
    d.rectangle([0, TEXT_TOP, CW, CH], fill=(255, 253, 248))
    d.rectangle([0, TEXT_TOP, CW, TEXT_TOP + 14], fill=accent)
    size = 66
    while True:
        f = font(True, size)
        lines = wrap(d, name_vi, f, CW - 120)
        if len(lines) <= 2 or size <= 40:
            break
        size -= 4
    y = TEXT_TOP + 40 if len(lines) == 1 else TEXT_TOP + 26
    for line in lines[:2]:
        d.text((60, y), line, font=f, fill=(40, 40, 40))
        y += int(size * 1.2)
    small = font(False, 34)
    d.text((60, CH - 64), f"{group} · {label}", font=small, fill=accent)
    note = "Hình minh họa · dữ liệu demo"
    d.text((CW - 60 - d.textlength(note, font=small), CH - 64), note, font=small, fill=(130, 130, 130))
    img = img.resize((W, H), Image.LANCZOS)
    img = img.quantize(colors=48, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    img.save(out_path, format="PNG", optimize=True)
    return os.path.getsize(out_path)


def load_products(root):
    out = []
    for path in sorted(glob.glob(os.path.join(root, "Catalog", "products", "*.yaml"))):
        with open(path, encoding="utf-8") as f:
            p = yaml.safe_load(f)
        out.append(p)
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description="Draw the demo product images into Media/.")
    ap.add_argument("--root", default=os.path.dirname(here))
    ap.add_argument("--only", nargs="*", help="product slugs to draw (default: all)")
    ap.add_argument("--check", action="store_true", help="only check that every named media file exists")
    args = ap.parse_args()
    missing, biggest, count = [], 0, 0
    for p in load_products(args.root):
        slug = p["slug"]
        if args.only and slug not in args.only:
            continue
        for m in p.get("media") or []:
            out = os.path.join(args.root, "Media", m["file"])
            if args.check:
                if not os.path.isfile(out):
                    missing.append(m["file"])
                continue
            size = render(slug, p["name"]["vi"], p["group"], out)
            biggest = max(biggest, size)
            count += 1
    if args.check:
        for f in missing:
            print(f"missing: Media/{f}")
        return 1 if missing else 0
    print(f"drew {count} image(s); largest {biggest // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
