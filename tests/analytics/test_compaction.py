"""Intelligent-compaction pass counts: hand-derived golden shifts, and the engine against the
ground truth of noisy synthetic tracks (RTK noise, 5 and 10 Hz, turnarounds with a stop,
rollers standing for minutes, overlapping strips of several rollers, curves).

The truth (``telemetry.truth``) sweeps the noise-free drum path exactly with shapely; it is
itself checked here against an independent dense sub-sampling of the drum line, so neither
shares the engine's footprint model."""

from __future__ import annotations

import math

import numpy as np
import pytest

from zhiyang.analytics import compaction, parameters
from zhiyang.analytics.compaction import merge_grids, pass_events, pass_grid, summarize
from zhiyang.telemetry import truth as T


def as_dict(grid):
    c = grid.cell_size_m
    i0, j0 = round(grid.origin_e / c), round(grid.origin_n / c)
    ys, xs = np.nonzero(grid.counts)
    return {(int(x) + i0, int(y) + j0): int(grid.counts[y, x]) for y, x in zip(ys, xs, strict=True)}


def score(track, *, heading=False, direction=False, target=None):
    """Engine vs truth over the cells either covers (truth.compare), plus coverage at target."""
    g = pass_grid(**track.columns(heading=heading, direction=direction))
    c = g.cell_size_m
    iy, ix = np.nonzero(g.counts)
    truth = T.true_pass_counts(track.passes, c)
    out = T.compare(truth, ix + round(g.origin_e / c), iy + round(g.origin_n / c), g.counts[iy, ix])
    if target is not None:
        tc = truth.counts[truth.counts > 0]
        out["pct_truth"] = 100.0 * float((tc >= target).mean())
        out["pct_engine"] = summarize(g, target_passes=target)["pct_area_at_target"]
    return out


# --------------------------------------------------------------------------------------------
# Golden shifts (noise-free)


def back_and_forth(n_passes, x0=0.0, x1=50.0, y=1.5, dx=0.1, t0=0.0):
    x = np.arange(x0, x1 + dx / 2, dx)
    xs = [x]
    for k in range(1, n_passes):
        xs.append((x[::-1] if k % 2 else x)[1:])
    xs = np.concatenate(xs)
    return t0 + 0.1 * np.arange(xs.size), xs, np.full(xs.size, y)


@pytest.mark.parametrize("n_passes", [1, 2, 5])
def test_forward_back_passes_over_a_strip(n_passes):
    # 2 m drum centred on y = 1.5 over x in [0, 50]: rows of centres 0.75 ... 2.25 and 100
    # columns; each reversal (no stop) starts a new pass: every cell has exactly n_passes.
    t, x, y = back_and_forth(n_passes)
    g = pass_grid(np.zeros(x.size, int), t, x, y, np.full(x.size, 2.0))
    assert g.counts.shape == (4, 100)
    assert (g.counts == n_passes).all()
    s = summarize(g, target_passes=n_passes)
    assert s["cells_covered"] == 400 and s["area_covered_m2"] == 100.0
    assert s["pass_histogram"] == {**{str(k): 0 for k in range(1, n_passes)}, str(n_passes): 400}
    assert s["pct_area_at_target"] == 100.0
    assert pass_events(np.zeros(x.size, int), t, x, y, np.full(x.size, 2.0))[1] == n_passes


def test_two_overlapping_lanes():
    ta, xa, ya = back_and_forth(1, y=1.0)
    tb, xb, yb = back_and_forth(1, y=2.5, t0=1000.0)
    m = np.r_[np.zeros(xa.size, int), np.ones(xb.size, int)]
    g = pass_grid(m, np.r_[ta, tb], np.r_[xa, xb], np.r_[ya, yb], np.full(m.size, 2.0))
    s = summarize(g, target_passes=2)
    assert s["pass_histogram"] == {"1": 600, "2": 100}


def test_planted_missed_strip():
    parts = [back_and_forth(3, y=y, t0=1000.0 * k) for k, y in enumerate((1.0, 3.0, 7.0))]
    t, x, y = (np.concatenate([p[i] for p in parts]) for i in range(3))
    g = pass_grid(np.zeros(x.size, int), t, x, y, np.full(x.size, 2.0))
    assert g.counts.shape == (16, 100)
    assert (g.counts[8:12] == 0).all()
    assert (g.counts[:8] == 3).all() and (g.counts[12:] == 3).all()


def test_gap_draws_nothing_and_standing_draws_nothing():
    # A pause of 10 s (> 5 s) draws nothing across the gap (x 10 -> 12 not covered).
    x = np.r_[np.arange(0, 10.01, 0.05), np.full(20, 10.0), np.arange(12, 20.01, 0.05)]
    t = np.r_[np.arange(201) * 0.1, 20.1 + np.arange(20) * 0.1, 40 + np.arange(161) * 0.1]
    d = as_dict(pass_grid(np.zeros(x.size, int), t, x, np.full(x.size, 1.5), np.full(x.size, 2.0)))
    assert set(d.values()) == {1}
    cols = sorted({ix for ix, _ in d})
    assert 20 not in cols and 23 not in cols and 24 in cols


def test_direction_field_reversal_without_geometry():
    t, x, y = back_and_forth(1)
    d = np.where(x < 25.0, 1, -1)
    g = pass_grid(np.zeros(x.size, int), t, x, y, np.full(x.size, 2.0), direction=d)
    assert g.counts.max() == 1 and summarize(g, target_passes=1)["cells_covered"] == 400


def test_jitter_at_a_turnaround_and_short_backing_do_not_start_passes():
    # Forward 20 m, back 0.2 m (inside the 0.4 m hysteresis), forward again to 40 m: one pass.
    x = np.r_[np.arange(0, 20, 0.1), 20 - np.arange(0, 0.2, 0.05), np.arange(19.8, 40, 0.1)]
    t = 0.1 * np.arange(x.size)
    _ev, passes = pass_events(np.zeros(x.size, int), t, x, np.full(x.size, 1.5), np.full(x.size, 2))
    assert passes == 1


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


def test_bad_input():
    with pytest.raises(ValueError, match="NaN"):
        pass_grid([0, 0], [0, 1], [0, np.nan], [0, 0], [2, 2])
    with pytest.raises(ValueError, match="negative"):
        pass_grid([0, 0], [0, 1], [0, 1], [0, 0], [2, -2])
    with pytest.raises(ValueError, match="target"):
        summarize(pass_grid([0, 0], [0, 1], [0, 1], [0, 0], [2, 2]), target_passes=0)


def test_parameters_from_the_standards_file_with_provenance_and_overrides():
    data = parameters.load(compaction.STANDARD_FILE)
    for table in ("grid", "pass_counting", "thermal", "thermal_stops"):
        parameters.provenance(data[table], table)
    assert (
        compaction.DEFAULTS.reversal_hysteresis_m == data["pass_counting"]["reversal_hysteresis_m"]
    )
    p = compaction.load_parameters({"pass_counting": {"reversal_hysteresis_m": 0.3}})
    assert p.reversal_hysteresis_m == 0.3
    with pytest.raises(parameters.ParameterError, match="no such parameter"):
        compaction.load_parameters({"pass_counting": {"hysteresis": 0.3}})
    with pytest.raises(ValueError, match="positive"):
        compaction.load_parameters({"pass_counting": {"noise_radius_m": 0}})


# --------------------------------------------------------------------------------------------
# The truth against an independent reference: dense sub-sampling of the noise-free drum line.


def dense_reference(passes, cell, step=0.01):
    """Per pass, drum lines every ``step`` of travel (perpendicular to the local direction,
    turned about the centre at corners), each sampled every ``step`` across; a cell counts a
    pass when any sample falls in the disc of radius ``step`` around its centre... no: when a
    sample lies within ``step`` of the centre in both axes. Returns {(ix, iy): count}."""
    out: dict[tuple[int, int], int] = {}
    for p in passes:
        xy = p.xy
        hit: set[tuple[int, int]] = set()
        seg = np.diff(xy, axis=0)
        seglen = np.hypot(seg[:, 0], seg[:, 1])
        angles = np.arctan2(seg[:, 1], seg[:, 0])
        across = np.arange(-p.width_m / 2, p.width_m / 2 + 1e-9, step)
        lines = []
        for k in range(len(seg)):
            s = np.arange(0.0, seglen[k], step)
            c = xy[k] + np.outer(s / seglen[k], seg[k])
            lines.append((c, np.full(s.size, angles[k])))
            if k + 1 < len(seg):  # the turn at the corner, about the centre
                da = (angles[k + 1] - angles[k] + math.pi) % (2 * math.pi) - math.pi
                turn = angles[k] + np.linspace(0, da, max(2, int(abs(da) * p.width_m / step)))
                lines.append((np.repeat(xy[k + 1][None], turn.size, 0), turn))
        lines.append((xy[-1][None], np.array([angles[-1]])))
        for c, a in lines:
            nx, ny = -np.sin(a), np.cos(a)
            px = c[:, 0, None] + nx[:, None] * across[None, :]
            py = c[:, 1, None] + ny[:, None] * across[None, :]
            gx = np.floor(px / cell).astype(int)
            gy = np.floor(py / cell).astype(int)
            near = (np.abs(px - (gx + 0.5) * cell) <= step) & (
                np.abs(py - (gy + 0.5) * cell) <= step
            )
            hit.update(zip(gx[near].tolist(), gy[near].tolist(), strict=True))
        for key in hit:
            out[key] = out.get(key, 0) + 1
    return out


def test_truth_agrees_with_dense_sub_sampling_on_a_curve_with_corners():
    nodes = [[0.0, 0.0], [12.0, 0.3], [20.0, 4.0], [26.0, 11.0]]
    tr = T.back_and_forth(nodes, passes=3, width_m=2.13)
    truth = T.true_pass_counts(tr.passes, 0.5)
    ref = dense_reference(tr.passes, 0.5)
    keys = set(ref) | {
        (x + truth.ix0, y + truth.iy0) for y, x in zip(*np.nonzero(truth.counts), strict=True)
    }
    agree = sum(
        1 for k in keys if ref.get(k, 0) == int(truth.at(np.array([k[0]]), np.array([k[1]]))[0])
    )
    # Only cells whose centre lies within ~1 cm of a footprint edge may differ.
    assert agree / len(keys) >= 0.99


# --------------------------------------------------------------------------------------------
# Accuracy against the truth under RTK noise


# Strip centre lines: the drum edges (2 m drum) fall 5 to 25 cm from the nearest cell centre
# row; a centre closer to an edge than the noise is undecidable for any estimator.
STRIP_Y = (100.0, 100.06, 100.12, 100.19, 100.31, 100.38, 100.44)


@pytest.mark.parametrize("rate", [5.0, 10.0])
@pytest.mark.parametrize("sigma", [0.01, 0.02])
def test_straight_strips_exact(rate, sigma):
    exact, total = 0.0, 0.0
    for k, y in enumerate(STRIP_Y):
        x0 = 200.0 + 0.07 * k
        tr = T.back_and_forth(
            [[x0, y], [x0 + 40.0, y]], passes=6, rate_hz=rate, noise_m=sigma, seed=k, stop_s=3.0
        )
        r = score(tr)
        assert r["max_engine"] <= r["max_truth"] + 1
        exact += r["exact_pct"] * r["cells"]
        total += r["cells"]
    assert exact / total >= 95.0


@pytest.mark.parametrize("rate", [5.0, 10.0])
def test_straight_strips_at_3_cm(rate):
    for k, y in enumerate(STRIP_Y[:4]):
        tr = T.back_and_forth(
            [[0.0, y], [40.0, y]], passes=6, rate_hz=rate, noise_m=0.03, seed=10 + k
        )
        r = score(tr)
        assert r["within1_pct"] >= 95.0 and r["max_engine"] <= r["max_truth"] + 1


def shift_tracks(rate, sigma, seed=0):
    """A shift of three rollers on overlapping strips: one standing 4 minutes before and
    after its work (10 Hz jitter), turnarounds with a stop, one on a curve (R = 30 m)."""
    arc = [
        [300.0 + 30.0 * math.sin(a), 130.0 - 30.0 * math.cos(a)] for a in np.linspace(0.0, 0.9, 40)
    ]
    parts = [
        T.back_and_forth(
            [[200.0, 100.0], [260.0, 100.0]],
            passes=7,
            device="R1",
            width_m=2.14,
            speed_m_s=0.7,
            rate_hz=rate,
            noise_m=sigma,
            stop_s=4.0,
            standing_s=240.0,
            seed=seed,
        ),
        T.back_and_forth(
            [[205.0, 101.9], [255.0, 101.9]],
            passes=4,
            device="R2",
            width_m=2.75,
            speed_m_s=1.1,
            rate_hz=rate,
            noise_m=sigma,
            stop_s=3.0,
            start_s=50.0,
            seed=seed + 1,
        ),
        T.back_and_forth(
            [[200.0, 98.2], [250.0, 98.2]],
            passes=2,
            device="R3",
            width_m=2.13,
            speed_m_s=1.25,
            rate_hz=rate,
            noise_m=sigma,
            stop_s=2.0,
            start_s=400.0,
            seed=seed + 2,
        ),
        T.back_and_forth(
            arc, passes=6, device="R4", width_m=2.13, rate_hz=rate, noise_m=sigma, seed=seed + 3
        ),
    ]
    return T.combine(*parts)


@pytest.mark.parametrize("rate", [5.0, 10.0])
@pytest.mark.parametrize("sigma", [0.01, 0.02, 0.03])
def test_whole_shift_within_one_pass(rate, sigma):
    tr = shift_tracks(rate, sigma)
    r = score(tr, target=7)
    assert r["within1_pct"] >= 95.0
    assert r["max_engine"] <= r["max_truth"] + 1
    if sigma <= 0.02:
        assert abs(r["pct_engine"] - r["pct_truth"]) <= 2.0


def test_standing_for_minutes_draws_nothing():
    # 10 Hz jitter of 3 cm for 10 minutes, then one pass: every cell has one pass.
    tr = T.back_and_forth(
        [[0.0, 0.3], [30.0, 0.3]], passes=1, rate_hz=10.0, noise_m=0.03, standing_s=600.0
    )
    g = pass_grid(**tr.columns())
    assert g.counts.max() == 1
    assert pass_events(**tr.columns())[1] == 1


def test_heading_field_is_used():
    tr = shift_tracks(10.0, 0.02, seed=5)
    r = score(tr, heading=True, direction=True)
    assert r["within1_pct"] >= 95.0 and r["max_engine"] <= r["max_truth"] + 1
