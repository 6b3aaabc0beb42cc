#!/usr/bin/env python3
"""Generate assets/london-2013-placeholder.png.

A flat-colour, stylised illustration of a street protest in front of a
building, clearly marked as a placeholder for the photograph
"Protest against the Nazarbayev Regime - London 2013", which is not available.

Requires Pillow (`pip install pillow`) and Debian's fonts-noto-core
(/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf).

Usage (from the project folder):  python3 assets/make_placeholder.py
The output is deterministic: the crowd is laid out with a fixed random seed.
"""

import os
import random

from PIL import Image, ImageDraw, ImageFont

W, H = 1800, 1200          # final size in pixels
S = 2                      # supersampling factor (drawn at 2x, then reduced)
FONT = "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                   "london-2013-placeholder.png")

# Palette: muted London-grey sky, stone building, dark crowd, red/white placards.
SKY = (196, 208, 218)
SKY_BAND = (182, 196, 208)
STONE = (222, 214, 196)
STONE_DARK = (196, 186, 164)
STONE_SHADE = (170, 160, 140)
WINDOW = (78, 92, 108)
ROOF = (120, 112, 100)
PAVEMENT = (150, 150, 146)
KERB = (120, 120, 116)
CROWD_BACK = (92, 88, 96)
CROWD_MID = (58, 54, 64)
CROWD_FRONT = (30, 28, 36)
STICK = (110, 84, 56)
RED = (196, 32, 44)
WHITE = (250, 248, 242)
YELLOW = (255, 210, 0)
INK = (20, 20, 24)


def s(v):
    """Scale a coordinate (or tuple of coordinates) to the supersampled canvas."""
    if isinstance(v, (tuple, list)):
        return tuple(int(round(x * S)) for x in v)
    return int(round(v * S))


def font(size):
    return ImageFont.truetype(FONT, s(size))


def building(d):
    # Main block of a classical stone building (stylised, not a real facade).
    d.rectangle(s((120, 170, 1680, 760)), fill=STONE)
    d.rectangle(s((120, 150, 1680, 190)), fill=STONE_DARK)       # cornice
    d.rectangle(s((100, 130, 1700, 152)), fill=ROOF)
    # Pediment over the central portico.
    d.polygon(s((560, 150, 900, 40, 1240, 150)), fill=STONE_DARK)
    d.polygon(s((600, 140, 900, 62, 1200, 140)), fill=STONE)
    # Windows on two floors, left and right wings.
    for row_y in (230, 420):
        for x in list(range(170, 520, 110)) + list(range(1300, 1650, 110)):
            d.rectangle(s((x, row_y, x + 60, row_y + 120)), fill=WINDOW)
            d.rectangle(s((x - 8, row_y - 14, x + 68, row_y - 4)), fill=STONE_SHADE)
            d.rectangle(s((x + 28, row_y, x + 32, row_y + 120)), fill=STONE_DARK)
    # Portico: columns and a dark doorway.
    d.rectangle(s((580, 150, 1220, 172)), fill=STONE_SHADE)
    d.rectangle(s((820, 470, 980, 760)), fill=WINDOW)
    for x in range(600, 1221, 88):
        d.rectangle(s((x, 172, x + 44, 740)), fill=STONE_DARK)
        d.rectangle(s((x + 30, 172, x + 44, 740)), fill=STONE_SHADE)
        d.rectangle(s((x - 8, 730, x + 52, 760)), fill=STONE_SHADE)
    # Flagpole with a blank flag (no national flag is implied).
    d.rectangle(s((897, 0, 903, 60)), fill=ROOF)
    # Steps.
    for i, y in enumerate((760, 776, 792)):
        d.rectangle(s((560 - i * 20, y, 1240 + i * 20, y + 16)), fill=STONE_DARK if i % 2 else STONE_SHADE)
    # Railings along the front.
    d.rectangle(s((120, 740, 540, 746)), fill=INK)
    d.rectangle(s((1260, 740, 1680, 746)), fill=INK)
    for x in list(range(124, 540, 18)) + list(range(1264, 1680, 18)):
        d.rectangle(s((x, 700, x + 4, 800)), fill=INK)
        d.polygon(s((x - 3, 702, x + 2, 690, x + 7, 702)), fill=INK)


def person(d, x, base, h, colour, rng, arm_up=None):
    """A simple silhouette: head, shoulders/torso, legs. Returns hand position."""
    head_r = h * 0.075
    body_w = h * 0.25
    top = base - h
    d.ellipse(s((x - head_r, top, x + head_r, top + 2 * head_r)), fill=colour)
    neck = top + 2 * head_r
    d.rounded_rectangle(s((x - body_w / 2, neck + h * 0.02, x + body_w / 2, base - h * 0.38)),
                        radius=s(h * 0.07), fill=colour)
    leg_w = body_w * 0.36
    d.rectangle(s((x - body_w / 2 + 2, base - h * 0.42, x - body_w / 2 + 2 + leg_w, base)), fill=colour)
    d.rectangle(s((x + body_w / 2 - 2 - leg_w, base - h * 0.42, x + body_w / 2 - 2, base)), fill=colour)
    if arm_up:
        # A raised arm towards (hx, hy).
        hx, hy = arm_up
        sx, sy = x + (body_w / 2 - 6 if hx > x else -body_w / 2 + 6), neck + h * 0.08
        d.line(s((sx, sy, hx, hy)), fill=colour, width=s(h * 0.06))
        d.ellipse(s((hx - h * 0.035, hy - h * 0.035, hx + h * 0.035, hy + h * 0.035)), fill=colour)


def placard(d, cx, top, w, h, text, bg, fg, size):
    d.rectangle(s((cx - 4, top + h - 4, cx + 4, top + h + 150)), fill=STICK)
    d.rectangle(s((cx - w / 2, top, cx + w / 2, top + h)), fill=bg)
    f = font(size)
    lines = text.split("\n")
    heights = [d.textbbox((0, 0), ln, font=f)[3] for ln in lines]
    y = s(top + h / 2) - sum(heights) // 2 - s(4)
    for ln, lh in zip(lines, heights):
        tw = d.textlength(ln, font=f)
        d.text((s(cx) - tw / 2, y), ln, font=f, fill=fg)
        y += lh + s(2)


def crowd(d):
    rng = random.Random(2013)
    # Back row: smaller, lighter figures on the pavement.
    for x in range(40, 1800, 52):
        person(d, x + rng.randint(-12, 12), 905 + rng.randint(-6, 6), rng.randint(150, 175), CROWD_BACK, rng)
    # Long banner held by two people in the middle row.
    bx0, bx1, btop, bbot = 560, 1240, 700, 810
    d.rectangle(s((bx0, btop, bx1, bbot)), fill=RED)
    d.rectangle(s((bx0 + 10, btop + 10, bx1 - 10, bbot - 10)), outline=WHITE, width=s(3))
    f = font(54)
    txt = "STOP THE REPRESSION"
    tw = d.textlength(txt, font=f)
    d.text((s((bx0 + bx1) / 2) - tw / 2, s(btop + 18)), txt, font=f, fill=WHITE)
    d.rectangle(s((bx0 - 6, btop - 10, bx0 + 2, 960)), fill=STICK)
    d.rectangle(s((bx1 - 2, btop - 10, bx1 + 6, 960)), fill=STICK)
    # Middle row, with placards above some heads.
    mids = list(range(80, 1800, 92))
    for i, x in enumerate(mids):
        x += rng.randint(-14, 14)
        if bx0 - 30 < x < bx1 + 30:
            continue  # hidden behind the banner
        person(d, x, 990 + rng.randint(-6, 6), rng.randint(215, 245), CROWD_MID, rng)
    person(d, bx0 - 30, 1000, 250, CROWD_MID, rng, arm_up=(bx0 - 2, 800))
    person(d, bx1 + 30, 1000, 250, CROWD_MID, rng, arm_up=(bx1 + 2, 800))
    # Front row figures, with placards held high.
    signs = [
        (170, "FREE\nVADIM\nKURAMSHIN", WHITE, INK),
        (470, "JUSTICE\nFOR\nZHANAOZEN", RED, WHITE),
        (1330, "FREE\nROZA\nTULETAEVA", WHITE, RED),
        (1630, "RIGHT\nTO\nSTRIKE", YELLOW, INK),
    ]
    for cx, text, bg, fg in signs:
        placard(d, cx, 500, 280, 190, text, bg, fg, 38)
    front = list(range(0, 1860, 118))
    for x in front:
        x += rng.randint(-20, 20)
        hand = None
        for cx, *_ in signs:
            if abs(x - cx) < 60:
                x = cx + 40
                hand = (cx + 4, 760)
        person(d, x, 1260, rng.randint(400, 430), CROWD_FRONT, rng, arm_up=hand)


def placeholder_band(d):
    top, bot = 930, 1200
    d.rectangle(s((0, top, W, bot)), fill=YELLOW)
    # Hazard stripes along the top edge of the band.
    for x in range(-60, W + 60, 60):
        d.polygon(s((x, top, x + 30, top, x + 10, top + 24, x - 20, top + 24)), fill=INK)
    d.rectangle(s((0, top + 24, W, top + 30)), fill=INK)
    lines = [
        ("PLACEHOLDER ILLUSTRATION", 80),
        ("\u2014 replace with the photograph", 44),
        ("\u2018Protest against the Nazarbayev Regime, London 2013\u2019", 44),
    ]
    y = top + 40
    for text, size in lines:
        f = font(size)
        tw = d.textlength(text, font=f)
        d.text((s(W / 2) - tw / 2, s(y)), text, font=f, fill=INK)
        y += size * 1.3 + (10 if size > 60 else 0)


def main():
    img = Image.new("RGB", (s(W), s(H)), SKY)
    d = ImageDraw.Draw(img)
    for i, y in enumerate(range(0, 700, 70)):
        if i % 2:
            d.rectangle(s((0, y, W, y + 70)), fill=SKY_BAND)
    building(d)
    d.rectangle(s((0, 800, W, H)), fill=PAVEMENT)
    d.rectangle(s((0, 800, W, 812)), fill=KERB)
    crowd(d)
    placeholder_band(d)
    img = img.resize((W, H), Image.LANCZOS)
    # Flat colours: an indexed palette keeps the PNG small. No metadata chunks.
    img = img.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    img.info.clear()
    img.save(OUT, format="PNG", optimize=True)
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")
    # The profile uses a JPEG, as the photograph it stands in for will be:
    # handbill embeds a JPEG as it is, where a PNG must be decoded and
    # compressed again (about 30 ms a build). Baseline, 4:2:0, no EXIF.
    jpeg = OUT[: -len(".png")] + ".jpg"
    img.convert("RGB").save(jpeg, format="JPEG", quality=85, subsampling=2, optimize=True)
    print(f"wrote {jpeg} ({os.path.getsize(jpeg)} bytes)")


if __name__ == "__main__":
    main()
