"""The IRI engine against the published coefficients, an independent per-sample recurrence,
the Sroubek et al. example profiles, a closed-form steady state, and properties."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import scipy.linalg
from hypothesis import given, settings
from hypothesis import strategies as st

from zhiyang.analytics import roughness
from zhiyang.analytics.roughness import discrete_model, iri, lane_iri, load_parameters

DATA = Path(__file__).parent / "data" / "sroubek2021"

# --------------------------------------------------------------------------------------------
# The independent reference: Sayers' recurrence written out sample by sample, in plain Python.
# Only the golden-car constants are shared with the engine (A and B are rebuilt here).

K1, K2, C, MU, V = 653.0, 63.3, 6.0, 0.15, 80.0 / 3.6


def _a_b() -> tuple[np.ndarray, np.ndarray]:
    a = np.array(
        [[0, 1, 0, 0], [-K2, -C, K2, C], [0, 0, 0, 1], [K2 / MU, C / MU, -(K1 + K2) / MU, -C / MU]],
        dtype=float,
    )
    return a, np.array([0, 0, 0, K1 / MU], dtype=float)


def _s_p(h: float) -> tuple[list[list[float]], list[float]]:
    a, b = _a_b()
    s = scipy.linalg.expm(a * h / V)
    p = np.linalg.solve(a, (s - np.eye(4)) @ b)
    return s.tolist(), p.tolist()


def _initial_slope(x: np.ndarray, y: np.ndarray) -> float:
    return float((np.interp(x[0] + 11.0, x, y) - y[0]) / 11.0)


def reference_loop(x: np.ndarray, y: np.ndarray, segment_m: float) -> np.ndarray:
    """IRI per full segment of a regular profile, one quarter-car step per sample."""
    n = len(x)
    dx = (x[-1] - x[0]) / (n - 1)
    k = max(1, math.floor(0.25 / dx + 0.5 + 1e-9))  # NINT, as Sayers' Fortran
    offset = (k - 1) // 2
    s, p = _s_p(dx)
    s0 = _initial_slope(x, y)
    z = [s0, 0.0, s0, 0.0]
    sums: dict[int, float] = {}
    counts: dict[int, int] = {}
    for i in range(n - k):
        u = (y[i + k] - y[i]) / (k * dx)
        z = [s[j][0] * z[0] + s[j][1] * z[1] + s[j][2] * z[2] + s[j][3] * z[3] + p[j] * u
             for j in range(4)]  # fmt: skip
        mid = (i + offset + 0.5) * dx  # the step's midpoint, from the first sample
        seg = int(mid // segment_m)
        sums[seg] = sums.get(seg, 0.0) + abs(z[0] - z[2])
        counts[seg] = counts.get(seg, 0) + 1
    full = int((x[-1] - x[0]) / segment_m + 1e-9)
    return np.array([1000.0 * sums[j] / counts[j] for j in range(full)])


def reference_irregular(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """|x1 - x3| after each step of a piecewise-linear profile, with each step's own S, P."""
    s0 = _initial_slope(x, y)
    z = np.array([s0, 0.0, s0, 0.0])
    out = []
    for i in range(1, len(x)):
        s, p = _s_p(x[i] - x[i - 1])
        z = np.array(s) @ z + np.array(p) * (y[i] - y[i - 1]) / (x[i] - x[i - 1])
        out.append(abs(z[0] - z[2]))
    return np.array(out)


def _rough(n: int, dx: float, seed: int = 0, x0: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = x0 + dx * np.arange(n)
    y = np.cumsum(rng.normal(0.0, 1e-3 * math.sqrt(dx / 0.25), n))
    return x, y


def _load(name: str) -> tuple[np.ndarray, np.ndarray]:
    data = np.loadtxt(DATA / name)
    return data[:, 0], data[:, 1]


# --------------------------------------------------------------------------------------------
# Golden values


def test_parameters_are_the_cited_golden_car() -> None:
    car = load_parameters()
    assert (car.k1, car.k2, car.c, car.mu, car.speed_km_h) == (653.0, 63.3, 6.0, 0.15, 80.0)
    assert car.base_length_m == 0.25 and car.init_length_m == 11.0
    assert car.confirmed and "E1926" in car.source


def test_s_and_p_match_sayers_published_values() -> None:
    check = roughness.published_check_values()
    s, p = discrete_model(check["dx_m"])
    # Sayers printed 7 significant figures (his P[0] differs in the 6th: single precision).
    np.testing.assert_allclose(s[0], check["s_row_1"], rtol=2e-6)
    np.testing.assert_allclose(p, check["p"], rtol=2e-5)


def test_sinusoid_matches_the_closed_form_steady_state() -> None:
    """A 10 m sinusoid of 1 mm amplitude: IRI = 1000 · (2/π) · |G(jω)| · slope amplitude."""
    wavelength, amplitude, dx = 10.0, 1e-3, 0.01
    x = dx * np.arange(int(600 / dx) + 1)
    y = amplitude * np.sin(2 * np.pi * x / wavelength)
    a, b = _a_b()
    omega = 2 * np.pi * V / wavelength
    g = np.array([1, 0, -1, 0]) @ np.linalg.solve(1j * omega * np.eye(4) - a, b)
    base = 0.25  # the moving average attenuates by sinc
    smoothing = math.sin(math.pi * base / wavelength) / (math.pi * base / wavelength)
    slope_amplitude = amplitude * 2 * np.pi / wavelength * smoothing
    expected = 1000 * (2 / np.pi) * abs(g) * slope_amplitude
    result = iri(x, y, 100.0).iri_m_per_km
    # After the start-up transient, every 100 m segment holds exactly 10 periods.
    np.testing.assert_allclose(result[2:], expected, rtol=2e-3)


# --------------------------------------------------------------------------------------------
# Agreement with the per-sample recurrence


@pytest.mark.parametrize("dx", [0.25, 0.1, 0.05, 0.025, 0.3048, 0.005])
def test_agrees_with_the_reference_loop(dx: float) -> None:
    x, y = _rough(math.ceil(120 / dx) + 1, dx, seed=int(dx * 1e4), x0=1234.5)
    y = y + 0.03 * x  # a grade, and a large offset through x0
    engine = iri(x, y, 20.0).iri_m_per_km
    expected = reference_loop(x, y, 20.0)
    assert engine.shape == expected.shape == (6,)
    np.testing.assert_allclose(engine, expected, rtol=1e-9)


def test_exact_irregular_solution_agrees_with_stepwise_matrices() -> None:
    rng = np.random.default_rng(5)
    x = 100.0 + np.cumsum(rng.uniform(0.02, 0.5, 3000))  # > 600 m: several blocks
    y = np.cumsum(rng.normal(0, 1e-3, x.size))
    z = roughness.rectified_slope_piecewise_linear(x, y, _initial_slope(x, y))
    np.testing.assert_allclose(z, reference_irregular(x, y), rtol=1e-8, atol=1e-12)


def test_two_dimensional_elevation_equals_each_path() -> None:
    x, left = _rough(2001, 0.25, seed=1)
    _, right = _rough(2001, 0.25, seed=2)
    both = iri(x, np.column_stack([left, right]), 100.0).iri_m_per_km
    assert both.shape == (5, 2)
    np.testing.assert_allclose(both[:, 0], iri(x, left, 100.0).iri_m_per_km, rtol=1e-12)
    np.testing.assert_allclose(both[:, 1], iri(x, right, 100.0).iri_m_per_km, rtol=1e-12)
    lane = lane_iri(x, left, right, 100.0)
    np.testing.assert_allclose(lane.mean_m_per_km, both.mean(axis=1), rtol=1e-12)
    np.testing.assert_allclose(lane.left_m_per_km, both[:, 0])


# --------------------------------------------------------------------------------------------
# The example profiles (Sroubek, Sorel, Zak 2021)

PROFILE_1_100M = [3.298487, 2.442112, 3.555110, 4.085537, 2.707891]
PROFILE_1_20M_FIRST = [3.670787, 3.942747, 4.371403, 2.623837, 1.883662, 2.186241]
PROFILE_2_100M = [3.016119, 2.402017, 3.327891, 3.930696, 2.523153]  # exact (default)
PROFILE_2_20M_FIRST = [3.457660, 3.531925, 3.829356, 2.505280, 1.752609, 2.188218]
PROFILE_2_100M_RESAMPLED = [3.050214, 2.335549, 3.304997, 3.844107, 2.486495]


def sroubek_reference(x: np.ndarray, y: np.ndarray, segment_m: float) -> np.ndarray:
    """Sroubek, Sorel and Zak's published algorithm (their iri.py, method 2, box filter on),
    written out plainly: the in-order box filter, segment ends inserted as samples, the
    initial slope over 0.5 s, then the exact step of each interval with its own S(h), P(h)."""
    y = y.copy()
    if np.any(np.diff(x) <= 0.125):
        for i in range(len(x)):  # in place: earlier samples are already smoothed
            y[i] = y[(x >= x[i] - 0.125) & (x <= x[i] + 0.125)].mean()
    ends = np.arange(x[0] + segment_m, x[-1] + 0.001, segment_m)
    xx = np.union1d(x, np.r_[x[0], ends])
    yy = np.interp(xx, x, y)
    s0 = (np.interp(xx[0] + 0.5 * V, xx, yy) - yy[0]) / (0.5 * V)
    z = np.array([s0, 0.0, s0, 0.0])
    work = np.zeros(len(ends))
    for i in range(1, len(xx)):
        h = xx[i] - xx[i - 1]
        s, p = _s_p(h)
        z = np.array(s) @ z + np.array(p) * (yy[i] - yy[i - 1]) / h
        seg = int((0.5 * (xx[i] + xx[i - 1]) - x[0]) // segment_m)
        if seg < len(ends):
            work[seg] += abs(z[0] - z[2]) * h
    return 1000.0 * work / segment_m


def test_profile_1_regular_golden_values() -> None:
    x, y = _load("profile_1.txt")
    result = iri(x, y, 100.0)
    assert result.regular and result.sample_spacing_m == pytest.approx(0.25)
    np.testing.assert_allclose(result.start_m, [478, 578, 678, 778, 878])
    np.testing.assert_allclose(result.end_m, [578, 678, 778, 878, 978])
    np.testing.assert_allclose(result.iri_m_per_km, PROFILE_1_100M, atol=5e-6)
    np.testing.assert_allclose(result.iri_m_per_km, reference_loop(x, y, 100.0), rtol=1e-9)
    first = iri(x, y, 20.0).iri_m_per_km[:6]
    np.testing.assert_allclose(first, PROFILE_1_20M_FIRST, atol=5e-6)
    # On regular 0.25 m data the published algorithm is Sayers' recurrence too (the first
    # segment differs by 1e-5 through the initial slope's window, 11 m against 11.1 m).
    np.testing.assert_allclose(result.iri_m_per_km, sroubek_reference(x, y, 100.0), rtol=3e-5)


def test_profile_2_irregular_agrees_with_the_published_algorithm() -> None:
    x, y = _load("profile_2.txt")
    result = iri(x, y, 100.0)
    assert not result.regular and result.method == "exact"
    np.testing.assert_allclose(result.iri_m_per_km, PROFILE_2_100M, atol=5e-6)
    twenty = iri(x, y, 20.0).iri_m_per_km
    np.testing.assert_allclose(twenty[:6], PROFILE_2_20M_FIRST, atol=5e-6)
    # Only the initial slope's window differs (ASTM's 11 m against their 0.5 s = 11.1 m).
    np.testing.assert_allclose(twenty, sroubek_reference(x, y, 20.0), rtol=1e-4)
    resampled = iri(x, y, 100.0, irregular="resample")
    assert resampled.method == "resampled" and resampled.sample_spacing_m == 0.25
    np.testing.assert_allclose(resampled.iri_m_per_km, PROFILE_2_100M_RESAMPLED, atol=5e-6)


def test_profile_2_against_profile_1() -> None:
    """profile_2 samples profile_1's polyline at 0.02–0.49 m and keeps only ~1 % of its
    vertices, so the road it describes is smoother: every method reads it ~5 % lower."""
    x1, y1 = _load("profile_1.txt")
    x2, y2 = _load("profile_2.txt")
    whole_1 = iri(x1, y1, 544.0).iri_m_per_km[0]
    whole_2 = iri(x2, y2, 544.0).iri_m_per_km[0]
    assert whole_2 / whole_1 == pytest.approx(0.945, abs=0.01)
    np.testing.assert_allclose(iri(x2, y2, 100.0).iri_m_per_km, PROFILE_1_100M, rtol=0.09)


def test_box_filter_in_order_equals_the_loop() -> None:
    x, y = _load("profile_2.txt")
    expected = y.copy()
    for i in range(len(x)):
        expected[i] = expected[(x >= x[i] - 0.125) & (x <= x[i] + 0.125)].mean()
    np.testing.assert_allclose(roughness.box_filter_in_order(x, y), expected, atol=1e-10)


def test_irregular_sampling_of_the_same_polyline_gives_the_same_iri() -> None:
    """Extra samples on profile_1's straight pieces change nothing when resampled; the exact
    method (box filter, |x1 - x3| at every sample) stays within about 1.5 %."""
    x, y = _load("profile_1.txt")
    extra = np.sort(np.random.default_rng(0).uniform(x[0], x[-1], 600))
    xx = np.union1d(x, extra)
    yy = np.interp(xx, x, y)
    regular = iri(x, y, 100.0).iri_m_per_km
    resampled = iri(xx, yy, 100.0, irregular="resample").iri_m_per_km
    np.testing.assert_allclose(resampled, regular, rtol=1e-9)
    np.testing.assert_allclose(iri(xx, yy, 100.0).iri_m_per_km, regular, rtol=0.015)


# --------------------------------------------------------------------------------------------
# Properties

profiles = st.builds(
    lambda length, dx, seed, x0: _rough(math.ceil(length / dx) + 1, dx, seed, x0),
    length=st.floats(11.5, 150.0),
    dx=st.sampled_from([0.25, 0.1, 0.05, 0.3]),
    seed=st.integers(0, 10_000),
    x0=st.floats(-1e4, 1e5),
)


@settings(max_examples=30, deadline=None)
@given(
    grade=st.floats(-0.1, 0.1),
    offset=st.floats(-1e3, 1e3),
    dx=st.sampled_from([0.25, 0.1, 0.05]),
)
def test_flat_or_constant_grade_gives_zero(grade: float, offset: float, dx: float) -> None:
    x = dx * np.arange(int(60 / dx) + 1)
    result = iri(x, offset + grade * x, 20.0).iri_m_per_km
    np.testing.assert_allclose(result, 0.0, atol=1e-9)


@settings(max_examples=30, deadline=None)
@given(profile=profiles, factor=st.floats(-50, 50).filter(lambda f: abs(f) > 1e-3))
def test_iri_scales_linearly_with_elevation(
    profile: tuple[np.ndarray, np.ndarray], factor: float
) -> None:
    x, y = profile
    base = iri(x, y, 10.0).iri_m_per_km
    np.testing.assert_allclose(iri(x, factor * y, 10.0).iri_m_per_km, abs(factor) * base, rtol=1e-9)


@settings(max_examples=30, deadline=None)
@given(profile=profiles, grade=st.floats(-0.08, 0.08), offset=st.floats(-500, 500))
def test_adding_a_constant_grade_changes_nothing(
    profile: tuple[np.ndarray, np.ndarray], grade: float, offset: float
) -> None:
    x, y = profile
    base = iri(x, y, 10.0).iri_m_per_km
    shifted = iri(x, y + offset + grade * (x - x[0]), 10.0).iri_m_per_km
    np.testing.assert_allclose(shifted, base, rtol=1e-7, atol=1e-9)


@settings(max_examples=30, deadline=None)
@given(profile=profiles, segment=st.sampled_from([10.0, 20.0, 25.0, 7.5]))
def test_segments_tile_the_profile(profile: tuple[np.ndarray, np.ndarray], segment: float) -> None:
    x, y = profile
    length = x[-1] - x[0]
    full = iri(x, y, segment)
    count = math.floor(length / segment + 1e-9)
    assert full.start_m.size == full.iri_m_per_km.size == count
    np.testing.assert_allclose(full.start_m, x[0] + segment * np.arange(count))
    np.testing.assert_allclose(full.end_m, full.start_m + segment)
    partial = iri(x, y, segment, include_partial=True)
    np.testing.assert_allclose(partial.iri_m_per_km[:count], full.iri_m_per_km)
    tail = length - count * segment
    if tail > 0.5:  # holds steps (a shorter tail may fall inside the moving-average window)
        assert partial.start_m.size == count + 1
    if partial.start_m.size > count:
        assert tail > 1e-6
        assert partial.end_m[-1] == pytest.approx(x[-1])
        assert partial.start_m[-1] == pytest.approx(x[0] + count * segment)
        assert np.isfinite(partial.iri_m_per_km[-1])
    else:
        assert partial.start_m.size == count


def test_segment_means_combine_into_the_longer_segment() -> None:
    x, y = _rough(4001, 0.25, seed=9)  # 1000 m
    tens = iri(x, y, 10.0).iri_m_per_km
    hundreds = iri(x, y, 100.0).iri_m_per_km
    thousand = iri(x, y, 1000.0).iri_m_per_km
    np.testing.assert_allclose(tens.reshape(10, 10).mean(axis=1), hundreds, rtol=1e-12)
    np.testing.assert_allclose(hundreds.mean(), thousand[0], rtol=1e-12)


def test_short_profile_with_long_segment_is_empty_unless_partial() -> None:
    x, y = _rough(201, 0.25)  # 50 m
    assert iri(x, y, 100.0).iri_m_per_km.size == 0
    partial = iri(x, y, 100.0, include_partial=True)
    assert partial.end_m.tolist() == [50.0]
    assert partial.iri_m_per_km[0] == pytest.approx(iri(x, y, 50.0).iri_m_per_km[0])


# --------------------------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize(
    ("x", "y", "segment", "message"),
    [
        (np.arange(40) * 0.25, np.zeros(40), 100.0, "at least 11 m"),
        (np.r_[0.0, 1.0, 1.0, np.arange(3, 20)], np.zeros(20), 10.0, "strictly increasing"),
        (np.r_[0.0, 2.0, 1.0, np.arange(3, 20)], np.zeros(20), 10.0, "strictly increasing"),
        (np.arange(100) * 0.25, np.r_[np.zeros(99), np.nan], 10.0, "elevation contains NaN"),
        (np.r_[np.arange(99) * 0.25, np.nan], np.zeros(100), 10.0, "distance contains NaN"),
        (np.arange(100) * 0.25, np.zeros(99), 10.0, "different lengths"),
        (np.arange(100) * 0.25, np.zeros(100), 0.0, "must be positive"),
        (np.arange(100) * 0.25, np.zeros(100), -5.0, "must be positive"),
        (np.arange(100) * 0.25, np.zeros(100), math.inf, "finite"),
        (np.arange(100) * 0.25, np.zeros((100, 2, 2)), 10.0, "dimensional"),
    ],
)
def test_bad_input_raises_a_clear_value_error(
    x: np.ndarray, y: np.ndarray, segment: float, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        iri(x, y, segment)


def test_lane_iri_needs_matching_paths() -> None:
    x, y = _rough(100, 0.25)
    with pytest.raises(ValueError, match="same length"):
        lane_iri(x, y, y[:-1], 10.0)


def test_initial_state_is_the_filters_equilibrium_for_a_constant_slope() -> None:
    """The exact zi mapping of x0 = [s, 0, s, 0] equals scipy's step steady state."""
    import scipy.signal

    car = load_parameters()
    filt = roughness._filter(0.25, 1, car)
    np.testing.assert_allclose(
        filt.zi_per_unit_slope,
        scipy.signal.lfilter_zi(filt.b, filt.a) * 0.25,
        rtol=1e-9,
        atol=1e-12,
    )


@pytest.mark.parametrize("bad", [np.nan, np.inf, -1.0])
def test_bad_distance_deep_in_a_long_profile(bad: float) -> None:
    x = 0.25 * np.arange(100_000)
    x[70_000] = bad  # beyond the first chunk of the step check
    with pytest.raises(ValueError, match="distance"):
        iri(x, np.zeros(x.size), 100.0)


def test_an_empty_partial_tail_does_not_shorten_the_last_full_segment() -> None:
    """Found by hypothesis: 110.04 m at 0.05 m (moving average over 5 samples), 10 m
    segments; the 4 cm tail falls inside the averaging window and holds no step."""
    x, y = _rough(2202, 0.05, seed=5690, x0=80855.29443874392)
    full = iri(x, y, 10.0)
    partial = iri(x, y, 10.0, include_partial=True)
    assert full.iri_m_per_km.size == partial.iri_m_per_km.size == 11
    np.testing.assert_allclose(partial.iri_m_per_km, full.iri_m_per_km, rtol=1e-12)
    np.testing.assert_allclose(full.iri_m_per_km, reference_loop(x, y, 10.0), rtol=1e-9)


def test_distances_rounded_when_printed_are_still_regular() -> None:
    """1-inch spacing printed with 3 decimals (0.025, 0.051, 0.076, ...) is a regular grid."""
    x = 0.0254 * np.arange(4001)
    _, y = _rough(4001, 0.0254, seed=4)
    rounded = iri(np.round(x, 3), y, 20.0)
    assert rounded.regular and rounded.method == "regular"
    np.testing.assert_allclose(rounded.iri_m_per_km, iri(x, y, 20.0).iri_m_per_km, rtol=1e-5)
