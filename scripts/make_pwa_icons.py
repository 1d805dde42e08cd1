"""Draw the PWA icons (the road of the favicon: two edge lines and the orange centre line).

    .venv/bin/python scripts/make_pwa_icons.py

writes src/zhiyang/web/static/web/icons/{icon,maskable}-{192,512}.png. The PNGs are committed;
run this again only to change the design. "icon" has rounded corners on a transparent
background; "maskable" fills the square and keeps the road inside the safe zone (the centre
80 % circle) so any mask shape the phone applies leaves it whole.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "src/zhiyang/web/static/web/icons"
BLUE = (27, 79, 143, 255)  # --accent
WHITE = (255, 255, 255, 255)
ORANGE = (243, 156, 18, 255)  # --marker
SUPERSAMPLE = 4

# The favicon's drawing on a 32-unit grid: (x0, y0, x1, y1, colour).
LINES = [
    (11, 27, 14.5, 5, WHITE),
    (21, 27, 17.5, 5, WHITE),
    (16, 8, 16, 11, ORANGE),
    (16, 14.5, 16, 17.5, ORANGE),
    (16, 21, 16, 24, ORANGE),
]
STROKE = 2.4


def _line(
    draw: ImageDraw.ImageDraw,
    a: tuple[float, float],
    b: tuple[float, float],
    width: float,
    fill: tuple[int, ...],
) -> None:
    """A line with round caps."""
    draw.line([a, b], fill=fill, width=round(width))
    r = width / 2
    for x, y in (a, b):
        draw.ellipse([x - r, y - r, x + r, y + r], fill=fill)


def draw_icon(size: int, *, maskable: bool) -> Image.Image:
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle([0, 0, big, big], fill=BLUE)
        scale, offset = big / 32 * 0.72, big * 0.14  # the road inside the safe zone
    else:
        draw.rounded_rectangle([0, 0, big - 1, big - 1], radius=big * 7 / 32, fill=BLUE)
        scale, offset = big / 32, 0.0
    for x0, y0, x1, y1, colour in LINES:
        _line(
            draw,
            (offset + x0 * scale, offset + y0 * scale),
            (offset + x1 * scale, offset + y1 * scale),
            STROKE * scale,
            colour,
        )
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw_icon(size, maskable=False).save(OUT / f"icon-{size}.png", optimize=True)
        draw_icon(size, maskable=True).save(OUT / f"maskable-{size}.png", optimize=True)
    print(f"icons written to {OUT}")


if __name__ == "__main__":
    main()
