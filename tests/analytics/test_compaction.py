"""Intelligent-compaction pass counts against an independent shapely rasterisation, hand-derived
golden shifts, and merging."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from zhiyang.analytics.compaction import merge_grids, pass_grid, summarize

# --------------------------------------------------------------------------------------------
# Independent reference: split each machine's sorted track into traversals with plain Python,
# build one shapely polygon per traversal (union of the swept rectangles) and count the cells
# whose centre the polygon contains.


def reference_counts(m, t, e, n, w, cell, max_gap=5.0, max_step=5.0):
    traversals: list[list] = []
    for mid in sorted(set(m)):
        idx = sorted((i for i in range(len(m)) if m[i] == mid), key=lambda i: t[i])
        cur: list = []
        last = None
        for a, b in itertools.pairwise(idx):
            if t[b] == t[a]:
                continue
            dx, dy = e[b] - e[a], n[b] - n[a]
            length = math.hypot(dx, dy)
            if t[b] - t[a] > max_gap or length > max_step:
                if cur:
                    traversals.append(cur)
                cur, last = [], None
                continue
            if length == 0:
                continue
            if last is not None and dx * last[0] + dy * last[1] < 0:
                traversals.append(cur)
                cur = []
            last = (dx, dy)
            vx, vy = -dy / length * w[a] / 2, dx / length * w[a] / 2
            cur.append(
                shapely.Polygon(
                    [
                        (e[a] + vx, n[a] + vy),
                        (e[b] + vx, n[b] + vy),
                        (e[b] - vx, n[b] - vy),
                        (e[a] - vx, n[a] - vy),
                    ]
                )
            )
        if cur:
            traversals.append(cur)
    counts: dict[tuple[int, int], int] = {}
    for polys in traversals:
        shape = shapely.union_all(polys)
        x0, y0, x1, y1 = shape.bounds
        gx = np.arange(math.floor(x0 / cell) - 1, math.ceil(x1 / cell) + 1)
        gy = np.arange(math.floor(y0 / cell) - 1, math.ceil(y1 / cell) + 1)
        X, Y = np.meshgrid(gx, gy)
        inside = shapely.contains_xy(shape, (X + 0.5) * cell, (Y + 0.5) * cell)
        for ix, iy in zip(X[inside], Y[inside], strict=True):
            counts[(int(ix), int(iy))] = counts.get((int(ix), int(iy)), 0) + 1
    return counts


def as_dict(grid):
    c = grid.cell_size_m
    i0, j0 = round(grid.origin_e / c), round(grid.origin_n / c)
    ys, xs = np.nonzero(grid.counts)
    return {(int(x) + i0, int(y) + j0): int(grid.counts[y, x]) for y, x in zip(ys, xs, strict=True)}


# --------------------------------------------------------------------------------------------
# Golden shifts


def back_and_forth(n_passes, x0=0.0, x1=50.0, y=1.5, dx=0.1, t0=0.0):
    x = np.arange(x0, x1 + dx / 2, dx)
    xs = [x]
    for k in range(1, n_passes):
        xs.append((x[::-1] if k % 2 else x)[1:])
    xs = np.concatenate(xs)
    return t0 + 0.1 * np.arange(xs.size), xs, np.full(xs.size, y)


@pytest.mark.parametrize("n_passes", [1, 2, 5])
def test_forward_back_passes_over_a_strip(n_passes):
    # 2 m drum centred on y = 1.5 over x in [0, 50]: footprint y in [0.5, 2.5] -> the 4 rows of
    # 0.5 m cells with centres 0.75 ... 2.25, and 100 columns (centres 0.25 ... 49.75). Each
    # reversal starts a new pass, so every cell has exactly n_passes.
    t, x, y = back_and_forth(n_passes)
    g = pass_grid(np.zeros(x.size, int), t, x, y, np.full(x.size, 2.0))
    assert g.counts.shape == (4, 100)
    assert (g.counts == n_passes).all()
    s = summarize(g, target_passes=n_passes)
    assert s["cells_covered"] == 400
    assert s["area_covered_m2"] == 100.0
    assert s["pass_histogram"] == {**{str(k): 0 for k in range(1, n_passes)}, str(n_passes): 400}
    assert s["pct_area_at_target"] == 100.0


def test_two_overlapping_lanes_and_direction_field():
    # Lane A centred y = 1.0 (cells y in [0, 2]: rows 0.25..1.75), lane B centred y = 2.5
    # (y in [1.5, 3.5]): the overlap y in [1.5, 2.0] is one row (centre 1.75) of 100 cells with 2
    # passes; rows 0.25, 0.75, 1.25 (A) and 2.25, 2.75, 3.25 (B) have 1 pass.
    ta, xa, ya = back_and_forth(1, y=1.0)
    tb, xb, yb = back_and_forth(1, y=2.5, t0=1000.0)
    m = np.r_[np.zeros(xa.size, int), np.ones(xb.size, int)]
    g = pass_grid(m, np.r_[ta, tb], np.r_[xa, xb], np.r_[ya, yb], np.full(m.size, 2.0))
    s = summarize(g, target_passes=2)
    assert s["pass_histogram"] == {"1": 600, "2": 100}
    assert s["pct_area_at_target"] == pytest.approx(100 * 100 / 700, abs=1e-4)


def test_side_by_side_strips_share_edge_once():
    # Strips centred at y = 1.0 and 3.0 with 2 m drums share the edge y = 2.0 ... but no cell
    # centre lies on it with 0.5 m cells. With 1.0 m cells centres are at 0.5, 1.5, 2.5 ...; use
    # 0.5 m drums centred at 0.25 and 0.75 with cell 0.5: the shared edge y = 0.5 carries no
    # centre either. Take drums of 1 m centred at 0.25 and 1.25: edges at -0.25, 0.75, 1.75; the
    # cell centres at y = 0.75 lie exactly on the shared edge and must be counted once, whatever
    # the directions of travel.
    for reverse_b in (False, True):
        ta, xa, ya = back_and_forth(1, y=0.25)
        tb, xb, yb = back_and_forth(1, y=1.25, t0=1000.0)
        if reverse_b:
            xb = xb[::-1]
        m = np.r_[np.zeros(xa.size, int), np.ones(xb.size, int)]
        g = pass_grid(
            m, np.r_[ta, tb], np.r_[xa, xb], np.r_[ya, yb], np.full(m.size, 1.0), cell_size_m=0.5
        )
        assert g.counts.max() == 1
        assert summarize(g, target_passes=1)["cells_covered"] == 4 * 100


def test_planted_missed_strip():
    # Three lanes 2 m wide at y = 1, 3, 7 (the lane at 5 is missing): rows of the gap
    # y in [4, 6] (4 rows x 100 columns) are not covered; 12 rows are.
    parts = [back_and_forth(3, y=y, t0=1000.0 * k) for k, y in enumerate((1.0, 3.0, 7.0))]
    t = np.concatenate([p[0] for p in parts])
    x = np.concatenate([p[1] for p in parts])
    y = np.concatenate([p[2] for p in parts])
    g = pass_grid(np.zeros(x.size, int), t, x, y, np.full(x.size, 2.0))
    assert g.counts.shape == (16, 100)
    assert (g.counts[8:12] == 0).all()
    assert (g.counts[:8] == 3).all() and (g.counts[12:] == 3).all()
    s = summarize(g, target_passes=3)
    assert s["cells_covered"] == 1200 and s["pct_area_at_target"] == 100.0


def test_gap_and_stationary_and_same_cell_once():
    # A pause of 10 s (> 5 s) splits the traversal and draws nothing across the gap; stationary
    # samples add nothing; many samples over the same cells of one traversal count once.
    x = np.r_[np.arange(0, 10.01, 0.05), np.full(20, 10.0), np.arange(12, 20.01, 0.05)]
    t = np.r_[np.arange(201) * 0.1, 20.1 + np.arange(20) * 0.1, 40 + np.arange(161) * 0.1]
    g = pass_grid(np.zeros(x.size, int), t, x, np.full(x.size, 1.5), np.full(x.size, 2.0))
    d = as_dict(g)
    assert set(d.values()) == {1}
    cols = sorted({ix for ix, _ in d})
    assert 20 not in cols and 23 not in cols and 24 in cols  # 10-12 m not covered


def test_direction_field_reversal_without_geometry():
    # The gear changes to reverse with the displacement continuing (a GNSS glitch or a
    # turn-round on the spot): the direction field alone starts a new pass.
    t, x, y = back_and_forth(1)
    d = np.where(x < 25.0, 1, -1)
    g = pass_grid(np.zeros(x.size, int), t, x, y, np.full(x.size, 2.0), direction=d)
    assert g.counts.max() == 1 and summarize(g, target_passes=1)["cells_covered"] == 400


def test_temperature_by_pass_and_merge():
    t, x, y = back_and_forth(3)
    temp = 150.0 - np.arange(x.size) // (x.size // 3 + 1) * 10.0  # 150, 140, 130 per pass
    g = pass_grid(
        np.zeros(x.size, int),
        t,
        x,
        y,
        np.full(x.size, 2.0),
        surface_temp_c=temp,
        icmv=np.full(x.size, 40.0),
    )
    s = summarize(g, target_passes=3, icmv_target=35.0)
    assert s["temperature_by_pass_c"] == {"1": 150.0, "2": 140.0, "3": 130.0}
    assert s["icmv"]["mean"] == 40.0 and s["icmv"]["pct_above_target"] == 100.0
    # Split the track in two partitions (by machine) and merge: same as a single grid.
    half = x.size // 2
    g1 = pass_grid(np.zeros(half, int), t[:half], x[:half], y[:half], np.full(half, 2.0))
    g2 = pass_grid(
        np.ones(x.size - half, int), t[half:], x[half:], y[half:], np.full(x.size - half, 2.0)
    )
    both = pass_grid(
        np.r_[np.zeros(half, int), np.ones(x.size - half, int)], t, x, y, np.full(x.size, 2.0)
    )
    merged = merge_grids([g1, g2])
    assert np.array_equal(merged.counts, both.counts)
    assert merged.origin_e == both.origin_e and merged.origin_n == both.origin_n


# --------------------------------------------------------------------------------------------
# Random tracks against the reference


@st.composite
def tracks(draw):
    machines = draw(st.integers(1, 3))
    m, t, e, n, w = [], [], [], [], []
    for k in range(machines):
        size = draw(st.integers(2, 25))
        x, y = draw(st.floats(0, 10)), draw(st.floats(0, 10))
        width = draw(st.sampled_from([0.8, 1.7, 2.13]))
        time = 0.0
        for _ in range(size):
            m.append(k)
            t.append(time)
            e.append(x + 0.01234567)
            n.append(y + 0.00765432)
            w.append(width)
            time += draw(st.sampled_from([0.5, 1.0, 1.0, 1.0, 7.0]))
            step = draw(st.sampled_from(["still", "move", "move", "move", "jump"]))
            if step == "move":
                x += draw(st.floats(-2, 2))
                y += draw(st.floats(-2, 2))
            elif step == "jump":
                x += 6.0
    return m, t, e, n, w


@settings(max_examples=60, deadline=None)
@given(tracks(), st.sampled_from([0.5, 0.3]))
def test_matches_shapely_reference(track, cell):
    m, t, e, n, w = track
    g = pass_grid(np.array(m), np.array(t), np.array(e), np.array(n), np.array(w), cell_size_m=cell)
    assert as_dict(g) == reference_counts(m, t, e, n, w, cell)


def test_bad_input():
    with pytest.raises(ValueError, match="NaN"):
        pass_grid([0, 0], [0, 1], [0, np.nan], [0, 0], [2, 2])
    with pytest.raises(ValueError, match="negative"):
        pass_grid([0, 0], [0, 1], [0, 1], [0, 0], [2, -2])
    with pytest.raises(ValueError, match="target"):
        summarize(pass_grid([0, 0], [0, 1], [0, 1], [0, 0], [2, 2]), target_passes=0)
