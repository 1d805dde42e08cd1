"""Heat-map images of QC grids as PNG bytes (Pillow): pass counts with a discrete legend,
temperatures with a continuous colour scale. North up (row 0 of a grid is its southernmost row
and is drawn at the bottom), with a scale bar in metres. Pure functions: the UI and the PDF QC
report embed the bytes.
"""

from __future__ import annotations

import io
import math
from functools import cache

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

# Discrete pass-count colours (Veta-like: too few = warm, target = green, over = blue).
PASS_COLOURS = [
    (230, 230, 230),  # 0 (not covered)
    (215, 48, 39),
    (252, 141, 89),
    (254, 224, 139),
    (145, 207, 96),
    (26, 152, 80),
    (69, 117, 180),
    (49, 54, 149),
]
_RAMP = [
    (49, 54, 149),
    (69, 117, 180),
    (116, 173, 209),
    (224, 243, 248),
    (254, 224, 144),
    (253, 174, 97),
    (244, 109, 67),
    (165, 0, 38),
]
MARGIN = 40
LEGEND_W = 150


@cache
def _font() -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """The CJK font of the PDF reports (labels may be Chinese), else Pillow's own font."""
    try:
        from zhiyang.core.pdf import font_files

        (path, index), _bold = font_files()
        return ImageFont.truetype(path, 13, index=index)
    except Exception:  # no CJK font, or no Django settings (a bare worker): Latin labels
        return ImageFont.load_default()


def _scale(shape: tuple[int, int], max_px: int) -> int:
    return max(1, min(12, max_px // max(1, max(shape))))


def _block_factor(shape: tuple[int, ...], max_px: int) -> int:
    """Cells per pixel side so that the image fits in ``max_px`` (1 when it already fits)."""
    return max(1, math.ceil(max(shape[:2], default=1) / max(1, max_px)))


def _reduce(grid: NDArray[np.float64], factor: int, how: str) -> NDArray[np.float64]:
    """Blocks of ``factor`` × ``factor`` cells → one: their maximum (pass counts: the image
    never hides a cell with more passes) or their mean (temperatures); NaN where all are NaN."""
    if factor == 1:
        return grid
    ny, nx = grid.shape
    padded = np.full(
        (math.ceil(ny / factor) * factor, math.ceil(nx / factor) * factor), np.nan, np.float64
    )
    padded[:ny, :nx] = grid
    blocks = padded.reshape(padded.shape[0] // factor, factor, padded.shape[1] // factor, factor)
    empty = np.isnan(blocks).all(axis=(1, 3))
    filled = np.where(np.isnan(blocks), -np.inf if how == "max" else 0.0, blocks)
    if how == "max":
        out = filled.max(axis=(1, 3))
    else:
        counts = (~np.isnan(blocks)).sum(axis=(1, 3))
        out = filled.sum(axis=(1, 3)) / np.maximum(counts, 1)
    out[empty] = np.nan
    return out


def _ramp(x: NDArray[np.float64]) -> NDArray[np.uint8]:
    stops = np.linspace(0.0, 1.0, len(_RAMP))
    ramp = np.array(_RAMP, dtype=np.float64)
    out = np.stack([np.interp(x, stops, ramp[:, c]) for c in range(3)], axis=-1)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def _nice(length: float) -> float:
    if length <= 0:
        return 1.0
    p = 10 ** math.floor(math.log10(length))
    for m in (5, 2, 1):
        if m * p <= length:
            return float(m * p)
    return float(p)


def _compose(
    rgb: NDArray[np.uint8],
    cell_m: float,
    title: str,
    legend: list[tuple[tuple[int, int, int], str]],
    ramp_labels: tuple[str, str] | None,
    max_px: int,
) -> bytes:
    ny, nx = rgb.shape[:2]
    k = _scale((ny, nx), max_px)
    body = Image.fromarray(np.ascontiguousarray(rgb[::-1]), "RGB").resize(
        (nx * k, ny * k), Image.Resampling.NEAREST
    )
    width = body.width + 2 * MARGIN + LEGEND_W
    height = max(body.height, 24 * len(legend) + 120) + 2 * MARGIN + 30
    img = Image.new("RGB", (width, height), "white")
    img.paste(body, (MARGIN, MARGIN))
    draw = ImageDraw.Draw(img)
    font = _font()
    draw.rectangle(
        [MARGIN - 1, MARGIN - 1, MARGIN + body.width, MARGIN + body.height], outline="black"
    )
    draw.text((MARGIN, 10), title, fill="black", font=font)
    # North arrow.
    ax = MARGIN + body.width + 20
    draw.polygon([(ax, MARGIN + 20), (ax - 6, MARGIN + 34), (ax + 6, MARGIN + 34)], fill="black")
    draw.text((ax - 3, MARGIN + 4), "N", fill="black", font=font)
    # Scale bar (metres).
    metres = _nice(nx * cell_m / 3)
    bar = max(1, round(metres / cell_m * k))
    y = MARGIN + body.height + 15
    draw.rectangle([MARGIN, y, MARGIN + bar, y + 5], fill="black")
    draw.text((MARGIN + bar + 6, y - 3), f"{metres:g} m", fill="black", font=font)
    # Legend.
    lx, ly = MARGIN + body.width + 40, MARGIN + 50
    if ramp_labels is None:
        for i, (colour, label) in enumerate(legend):
            draw.rectangle(
                [lx, ly + 22 * i, lx + 16, ly + 22 * i + 16], fill=colour, outline="black"
            )
            draw.text((lx + 22, ly + 22 * i + 3), label, fill="black", font=font)
    else:
        h = 160
        grad = _ramp(np.linspace(1.0, 0.0, h))
        strip = Image.fromarray(np.repeat(grad[:, None, :], 16, axis=1), "RGB")
        img.paste(strip, (lx, ly))
        draw.rectangle([lx, ly, lx + 16, ly + h], outline="black")
        draw.text((lx + 22, ly - 2), ramp_labels[1], fill="black", font=font)
        draw.text((lx + 22, ly + h - 10), ramp_labels[0], fill="black", font=font)
        for i, (colour, label) in enumerate(legend):
            draw.rectangle(
                [lx, ly + h + 12 + 22 * i, lx + 16, ly + h + 28 + 22 * i],
                fill=colour,
                outline="black",
            )
            draw.text((lx + 22, ly + h + 15 + 22 * i), label, fill="black", font=font)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def pass_count_png(
    counts: NDArray[np.integer],
    cell_size_m: float,
    *,
    target_passes: int | None = None,
    title: str = "Pass count",
    labels: dict[str, str] | None = None,
    max_px: int = 900,
) -> bytes:
    """PNG of a pass-count grid (row 0 = south), discrete legend 0 … ≥ 7 passes.
    ``labels`` may translate ``"none"`` and ``"passes"`` (e.g. from the caller's gettext)."""
    lab = {"none": "not covered", "passes": "passes", "target": "target", **(labels or {})}
    # A long shift has more cells than an image has pixels: blocks of cells show their
    # maximum, and the scale bar follows.
    factor = _block_factor(np.shape(counts), max_px)
    if factor > 1:
        reduced = _reduce(np.asarray(counts, dtype=np.float64), factor, "max")
        counts = np.nan_to_num(reduced, nan=0.0).astype(np.int64)
        cell_size_m *= factor
    c = np.clip(np.asarray(counts, dtype=np.int64), 0, len(PASS_COLOURS) - 1)
    palette = np.array(PASS_COLOURS, dtype=np.uint8)
    rgb = palette[c] if c.size else np.zeros((1, 1, 3), np.uint8)
    top = int(np.asarray(counts).max()) if np.asarray(counts).size else 0
    legend = [(PASS_COLOURS[0], lab["none"])]
    for p in range(1, min(max(top, 1), len(PASS_COLOURS) - 1) + 1):
        plus = "+" if p == len(PASS_COLOURS) - 1 else ""
        mark = f" ({lab['target']})" if target_passes == p else ""
        legend.append((PASS_COLOURS[p], f"{p}{plus} {lab['passes']}{mark}"))
    return _compose(rgb, cell_size_m, title, legend, None, max_px)


def temperature_png(
    temp_c: NDArray[np.floating],
    cell_size_m: float,
    *,
    title: str = "Temperature (°C)",
    vmin: float | None = None,
    vmax: float | None = None,
    labels: dict[str, str] | None = None,
    max_px: int = 900,
) -> bytes:
    """PNG of a temperature grid (row 0 = south; NaN = no data, grey) with a continuous
    colour scale from ``vmin`` to ``vmax`` (default: the data's range)."""
    lab = {"none": "no data", **(labels or {})}
    t = np.asarray(temp_c, dtype=np.float64)
    factor = _block_factor(t.shape, max_px)
    if factor > 1 and t.ndim == 2:
        t = _reduce(t, factor, "mean")
        cell_size_m *= factor
    finite = t[np.isfinite(t)]
    lo = (
        float(finite.min()) if vmin is None and finite.size else (vmin if vmin is not None else 0.0)
    )
    hi = (
        float(finite.max()) if vmax is None and finite.size else (vmax if vmax is not None else 1.0)
    )
    span = hi - lo if hi > lo else 1.0
    rgb = _ramp(np.clip((np.nan_to_num(t, nan=lo) - lo) / span, 0.0, 1.0))
    rgb[~np.isfinite(t)] = PASS_COLOURS[0]
    if rgb.size == 0:
        rgb = np.zeros((1, 1, 3), np.uint8)
    return _compose(
        rgb,
        cell_size_m,
        title,
        [(PASS_COLOURS[0], lab["none"])],
        (f"{lo:.1f} °C", f"{hi:.1f} °C"),
        max_px,
    )
