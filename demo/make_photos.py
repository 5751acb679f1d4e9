"""Draw the demo photos: abstract scenes, one per caption, beside each demo article.

Run from the project root with ``.venv/bin/python demo/make_photos.py``. The output is
deterministic (each scene is seeded by its file name), so re-running gives the same files.

Files follow the importer's naming: NAME.jpg for an article's first caption, then
NAME-1.jpg, NAME-2.jpg in caption order. One caption of fjord-glacier-sensors is left
without a file on purpose, so the demo site shows a photo pending upload.
"""

import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1600, 1000
# Drawing at twice the size and shrinking gives smooth edges without per-shape antialiasing.
SCALE = 2
W, H = WIDTH * SCALE, HEIGHT * SCALE
HERE = Path(__file__).resolve().parent


def mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def gradient(stops, size):
    """A vertical gradient through ``stops`` [(position 0..1, colour), ...]."""
    width, height = size
    column = Image.new("RGB", (1, height))
    pixels = column.load()
    for y in range(height):
        t = y / max(height - 1, 1)
        for (p0, c0), (p1, c1) in zip(stops, stops[1:], strict=False):
            if p0 <= t <= p1:
                pixels[0, y] = mix(c0, c1, (t - p0) / ((p1 - p0) or 1))
                break
        else:
            pixels[0, y] = stops[-1][1]
    return column.resize((width, height))


def glow(image, centre, radius, colour, strength=0.8):
    """A soft disc of light (sun, moon, lamp) blended onto ``image``."""
    layer = Image.new("L", image.size, 0)
    cx, cy = centre
    ImageDraw.Draw(layer).ellipse(
        (cx - radius * 2.5, cy - radius * 2.5, cx + radius * 2.5, cy + radius * 2.5),
        fill=round(90 * strength),
    )
    layer = layer.filter(ImageFilter.GaussianBlur(radius * 1.2))
    ImageDraw.Draw(layer).ellipse(
        (cx - radius, cy - radius, cx + radius, cy + radius), fill=round(255 * strength)
    )
    image.paste(Image.new("RGB", image.size, colour), (0, 0), layer)


def ridge(rng, base, amplitude, roughness=4):
    """Points along a hill line: a few seeded sine waves summed."""
    waves = [
        (rng.uniform(0.5, 1.0) / (i + 1), rng.uniform(1, 3) * (i + 1), rng.uniform(0, 6.3))
        for i in range(roughness)
    ]
    points = []
    for x in range(0, W + 40, 40):
        y = base - amplitude * sum(a * math.sin(f * x / W * math.pi + p) for a, f, p in waves)
        points.append((x, y))
    return points + [(W, H), (0, H)]


def hills(draw, rng, sky, colours, top, bottom, amplitude):
    """Layers of hills, paler toward the back like real haze."""
    layers = len(colours)
    for i, colour in enumerate(colours):
        base = top + (bottom - top) * i / max(layers - 1, 1)
        haze = 0.55 * (1 - i / max(layers - 1, 1))
        draw.polygon(
            ridge(rng, base, amplitude * (1 - 0.3 * i / layers)), fill=mix(colour, sky, haze)
        )


def water(image, horizon, top_colour, bottom_colour, rng, shimmer):
    sea = gradient([(0, top_colour), (1, bottom_colour)], (W, H - horizon))
    draw = ImageDraw.Draw(sea)
    for _ in range(140):
        y = rng.uniform(0, H - horizon) ** 1.3 / (H - horizon) ** 0.3
        x = rng.uniform(-100, W)
        length = rng.uniform(60, 260) * (1 + y / 400)
        draw.line(
            (x, y, x + length, y),
            fill=mix(top_colour, shimmer, rng.uniform(0.3, 0.7)),
            width=SCALE * 2,
        )
    image.paste(sea, (0, horizon))


# Scenes: each takes a seeded random generator and returns an RGB image of size (W, H).


def reservoir(rng):
    sky = (236, 214, 170)
    image = gradient([(0, (124, 170, 206)), (0.55, sky), (1, sky)], (W, H))
    glow(image, (W * 0.72, H * 0.22), 90 * SCALE, (255, 244, 214), 0.9)
    draw = ImageDraw.Draw(image)
    hills(draw, rng, sky, [(176, 132, 92), (150, 104, 70)], H * 0.45, H * 0.55, 120 * SCALE)
    # The pale band of dry bank shows how far the water has dropped.
    draw.rectangle((0, H * 0.62, W, H * 0.70), fill=(214, 186, 140))
    water(image, round(H * 0.70), (96, 140, 150), (54, 90, 104), rng, (190, 220, 220))
    return image


def assembly(rng):
    image = gradient([(0, (46, 42, 70)), (0.6, (112, 76, 96)), (1, (198, 132, 104))], (W, H))
    draw = ImageDraw.Draw(image)
    # Arches of a chamber, lit from below.
    for i in range(7):
        x = W * (i + 0.5) / 7
        draw.rounded_rectangle(
            (x - 90 * SCALE, H * 0.25, x + 90 * SCALE, H * 0.95),
            radius=90 * SCALE,
            fill=mix((250, 210, 150), (112, 76, 96), 0.35),
        )
    for _ in range(40):
        x, y = rng.uniform(0, W), rng.uniform(H * 0.75, H)
        r = rng.uniform(18, 34) * SCALE
        draw.ellipse(
            (x - r, y - r, x + r, y + r), fill=mix((40, 30, 48), (90, 60, 80), rng.random())
        )
    return image


def harbour(rng):
    sky = (250, 206, 168)
    image = gradient([(0, (98, 140, 196)), (0.6, sky), (1, sky)], (W, H))
    glow(image, (W * 0.25, H * 0.5), 70 * SCALE, (255, 236, 200), 0.8)
    draw = ImageDraw.Draw(image)
    palette = [(196, 72, 56), (52, 104, 150), (232, 170, 60), (70, 140, 96), (120, 120, 130)]
    ground = H * 0.66
    # Stacks of containers along the quay.
    for stack in range(18):
        x = stack * W / 18 + 12 * SCALE
        for level in range(rng.randint(1, 4)):
            y = ground - (level + 1) * 52 * SCALE
            draw.rectangle(
                (x, y, x + W / 18 - 20 * SCALE, y + 48 * SCALE), fill=rng.choice(palette)
            )
    # Two cranes as simple silhouettes.
    for cx in (W * 0.55, W * 0.8):
        colour = (60, 56, 70)
        draw.line((cx, ground, cx, H * 0.22), fill=colour, width=18 * SCALE)
        draw.line(
            (cx + 160 * SCALE, ground, cx + 160 * SCALE, H * 0.22), fill=colour, width=18 * SCALE
        )
        draw.line(
            (cx - 300 * SCALE, H * 0.22, cx + 420 * SCALE, H * 0.22), fill=colour, width=22 * SCALE
        )
    water(image, round(ground), (120, 150, 170), (46, 70, 96), rng, (250, 220, 190))
    return image


def railway(rng):
    sky = (246, 226, 190)
    image = gradient([(0, (150, 190, 220)), (0.5, sky), (1, (120, 150, 90))], (W, H))
    draw = ImageDraw.Draw(image)
    hills(draw, rng, sky, [(120, 150, 110), (86, 120, 80)], H * 0.45, H * 0.55, 80 * SCALE)
    # One track running to a vanishing point: sleepers first, rails over them.
    vx, vy = W * 0.62, H * 0.5
    gauge_half = 300 * SCALE
    for i in range(1, 26):
        t = (i / 25) ** 2
        y, half = vy + (H - vy) * t, gauge_half * 1.35 * t
        draw.line(
            (vx - half, y, vx + half, y), fill=(110, 86, 70), width=max(2, round(16 * t * SCALE))
        )
    for side in (-1, 1):
        draw.line((vx, vy, vx + side * gauge_half, H), fill=(70, 64, 68), width=8 * SCALE)
    return image


def glacier(rng):
    sky = (214, 228, 240)
    image = gradient([(0, (70, 110, 160)), (0.55, sky), (1, sky)], (W, H))
    draw = ImageDraw.Draw(image)
    hills(draw, rng, sky, [(120, 130, 150), (84, 94, 116)], H * 0.35, H * 0.45, 160 * SCALE)
    # The ice front: a pale wall with a ragged top.
    front = [(x, H * 0.5 - rng.uniform(10, 60) * SCALE) for x in range(0, W + 60, 60)]
    draw.polygon(front + [(W, H * 0.62), (0, H * 0.62)], fill=(236, 244, 250))
    water(image, round(H * 0.62), (70, 110, 130), (26, 50, 70), rng, (200, 224, 236))
    return image


def icebergs(rng):
    sky = (246, 212, 196)
    image = gradient([(0, (120, 130, 180)), (0.6, sky), (1, sky)], (W, H))
    glow(image, (W * 0.5, H * 0.56), 60 * SCALE, (255, 230, 210), 0.7)
    horizon = round(H * 0.56)
    water(image, horizon, (150, 150, 180), (40, 60, 90), rng, (250, 220, 210))
    draw = ImageDraw.Draw(image)
    for _ in range(7):
        x, size = rng.uniform(0, W), rng.uniform(60, 220) * SCALE
        y = horizon + rng.uniform(0.1, 0.8) * (H - horizon)
        size *= 0.6 + (y - horizon) / (H - horizon)
        peak = [
            (x - size, y),
            (x - size * 0.4, y - size * rng.uniform(0.4, 0.9)),
            (x + size * 0.2, y - size * rng.uniform(0.5, 1.0)),
            (x + size, y),
        ]
        draw.polygon(peak, fill=(240, 246, 252))
        draw.polygon(peak[1:], fill=(200, 218, 236))
    return image


def gallery(rng):
    image = gradient([(0, (250, 236, 214)), (1, (214, 186, 150))], (W, H))
    draw = ImageDraw.Draw(image)
    # Tall mill windows letting in light.
    for i in range(5):
        x = W * (i + 0.5) / 5
        draw.rounded_rectangle(
            (x - 110 * SCALE, H * 0.08, x + 110 * SCALE, H * 0.55),
            radius=110 * SCALE,
            fill=(255, 250, 236),
        )
    draw.rectangle((0, H * 0.7, W, H), fill=(150, 104, 70))
    # Hanging textiles in bands of colour.
    colours = [(176, 46, 60), (230, 150, 40), (40, 110, 120), (90, 60, 130), (210, 90, 60)]
    for i in range(6):
        x = W * (i + 0.5) / 6 - 80 * SCALE
        for band in range(8):
            y = H * 0.3 + band * 44 * SCALE
            draw.rectangle((x, y, x + 160 * SCALE, y + 44 * SCALE), fill=colours[(i + band) % 5])
    return image


def loom(rng):
    image = Image.new("RGB", (W, H), (60, 40, 36))
    draw = ImageDraw.Draw(image)
    colours = [(200, 60, 70), (240, 180, 60), (50, 140, 150), (240, 230, 210), (120, 80, 160)]
    # Warp threads, then a woven band with a zigzag pattern.
    for x in range(0, W, 40 * SCALE):
        draw.line((x, 0, x, H), fill=mix((230, 220, 200), (60, 40, 36), 0.5), width=4 * SCALE)
    row_height, step = 30 * SCALE, 120 * SCALE
    for row in range(0, round(H * 0.6), row_height):
        line = row // row_height
        colour = colours[line // 3 % len(colours)]
        for x in range(0, W, step):
            zig = abs(((x // step + line) % 6) - 3) * 20 * SCALE
            draw.rectangle(
                (x + zig, H * 0.4 + row, x + zig + 80 * SCALE, H * 0.4 + row + 26 * SCALE),
                fill=colour,
            )
    glow(image, (W * 0.15, H * 0.15), 120 * SCALE, (255, 226, 180), 0.35)
    return image


def mountain_road(rng):
    sky = (252, 222, 180)
    image = gradient([(0, (84, 130, 196)), (0.5, sky), (1, sky)], (W, H))
    glow(image, (W * 0.8, H * 0.18), 70 * SCALE, (255, 250, 230), 0.9)
    draw = ImageDraw.Draw(image)
    hills(
        draw,
        rng,
        sky,
        [(140, 120, 150), (100, 130, 100), (60, 100, 70)],
        H * 0.35,
        H * 0.7,
        170 * SCALE,
    )
    # A switchback road climbing the nearest slope, with spectators as dots.
    points = []
    for i in range(60):
        t = i / 59
        points.append(
            (W * 0.5 + math.sin(t * math.pi * 5) * W * 0.35 * (1 - t * 0.6), H - t * H * 0.45)
        )
    draw.line(points, fill=(70, 70, 76), width=34 * SCALE, joint="curve")
    for x, y in points[::2]:
        for _ in range(4):
            dx, dy = rng.uniform(-40, 40) * SCALE, rng.uniform(-30, 30) * SCALE
            draw.ellipse(
                (x + dx - 6 * SCALE, y + dy - 6 * SCALE, x + dx + 6 * SCALE, y + dy + 6 * SCALE),
                fill=rng.choice([(220, 50, 50), (250, 220, 60), (40, 90, 200), (250, 250, 250)]),
            )
    return image


def river_city(rng):
    sky = (240, 220, 210)
    image = gradient([(0, (120, 150, 180)), (0.5, sky), (1, sky)], (W, H))
    glow(image, (W * 0.3, H * 0.3), 80 * SCALE, (255, 246, 226), 0.7)
    draw = ImageDraw.Draw(image)
    horizon = round(H * 0.6)
    # A low skyline of houses and a church tower.
    x = 0
    while x < W:
        w, h = rng.uniform(80, 200) * SCALE, rng.uniform(60, 180) * SCALE
        draw.rectangle(
            (x, horizon - h, x + w, horizon),
            fill=mix((170, 120, 110), (110, 90, 100), rng.random()),
        )
        x += w
    draw.rectangle((W * 0.66, horizon - 420 * SCALE, W * 0.7, horizon), fill=(120, 96, 100))
    water(image, horizon, (150, 130, 100), (100, 80, 60), rng, (230, 210, 180))
    return image


def flood(rng):
    image = river_city(rng)
    # Rain over the whole scene.
    draw = ImageDraw.Draw(image)
    for _ in range(900):
        x, y = rng.uniform(0, W), rng.uniform(0, H)
        draw.line((x, y, x - 10 * SCALE, y + 40 * SCALE), fill=(220, 226, 236), width=SCALE)
    return image


def gauge(rng):
    sky = (226, 236, 226)
    image = gradient([(0, (140, 180, 200)), (0.5, sky), (1, sky)], (W, H))
    draw = ImageDraw.Draw(image)
    hills(draw, rng, sky, [(90, 140, 100), (50, 100, 70)], H * 0.35, H * 0.5, 140 * SCALE)
    water(image, round(H * 0.62), (110, 120, 90), (60, 70, 50), rng, (200, 210, 190))
    draw = ImageDraw.Draw(image)
    # The measuring post: white with red marks every metre.
    px = W * 0.42
    draw.rectangle((px, H * 0.28, px + 50 * SCALE, H * 0.9), fill=(246, 246, 240))
    for i in range(12):
        y = H * 0.3 + i * 50 * SCALE
        draw.rectangle(
            (px, y, px + (50 if i % 2 == 0 else 30) * SCALE, y + 12 * SCALE), fill=(200, 40, 40)
        )
    return image


# Which scene each file gets, in the importer's order (NAME, NAME-1, ...).
PHOTOS = {
    "Politics/rio-claro-water-plan.jpg": assembly,
    "Politics/rio-claro-water-plan-1.jpg": reservoir,
    "Business/valmont-rail-freight-link.jpg": railway,
    "Business/valmont-rail-freight-link-1.jpg": harbour,
    "Science/fjord-glacier-sensors.jpg": glacier,
    "Science/fjord-glacier-sensors-1.jpg": icebergs,
    # fjord-glacier-sensors-2.jpg is left out: that caption stays pending.
    "Culture/textile-museum-reopens.jpg": gallery,
    "Culture/textile-museum-reopens-1.jpg": loom,
    "Sport/sierra-stage-race.jpg": mountain_road,
    "World/aurelio-basin-accord.jpg": river_city,
    "World/aurelio-basin-accord-1.jpg": flood,
    "World/aurelio-basin-accord-2.jpg": gauge,
}


def main():
    for name, scene in PHOTOS.items():
        # Seeded by name so every run draws the same pictures; no secrecy is involved.
        rng = random.Random(name)  # noqa: S311
        image = scene(rng).resize((WIDTH, HEIGHT), Image.LANCZOS)
        # A touch of softness reads more like a lens, and keeps hard edges cheap to encode.
        image = image.filter(ImageFilter.GaussianBlur(0.7))
        path = HERE / name
        image.save(path, "JPEG", quality=80, optimize=True, progressive=True)
        print(f"{name}  {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
