"""Heat-map images: bounded in size whatever the grid, and faithful to the passes."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from zhiyang.qc import render


def test_a_grid_larger_than_the_image_is_reduced_by_block_maximum() -> None:
    counts = np.zeros((40, 20_000), dtype=np.int32)  # 10 km of 0.5 m cells
    counts[10, 12_345] = 9  # one cell with many passes must stay visible
    png = render.pass_count_png(counts, 0.5, target_passes=7, max_px=900)
    image = Image.open(io.BytesIO(png))
    assert image.width < 1400 and image.height < 600
    reduced = render._reduce(counts.astype(float), render._block_factor(counts.shape, 900), "max")
    assert reduced.shape[0] == 2 and 800 < reduced.shape[1] <= 900
    assert reduced.max() == 9


def test_block_mean_ignores_missing_cells() -> None:
    grid = np.array([[1.0, np.nan], [3.0, np.nan]])
    assert render._reduce(grid, 2, "mean").tolist() == [[2.0]]
    assert np.isnan(render._reduce(np.full((2, 2), np.nan), 2, "mean")).all()
    png = render.temperature_png(np.full((5000, 30), 150.0), 0.3, max_px=600)
    assert Image.open(io.BytesIO(png)).height < 900
