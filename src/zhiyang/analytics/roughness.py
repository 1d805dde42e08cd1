"""International Roughness Index (IRI) from longitudinal road profiles, ASTM E1926.

The IRI is the accumulated suspension travel of the "golden car" quarter-car model driven over
the profile at 80 km/h, per unit length (m/km). The model is linear and time-invariant, so over
a regularly sampled profile it is a fixed 4th-order IIR filter from profile slope to the
suspension rate ``x1 - x3`` (sprung minus unsprung mass slope rate). This module therefore
never steps the car through the profile in Python:

* **Regular sampling** (the usual case): Sayers' discrete model ``x_i = S x_(i-1) + P s_i``
  (``S = expm(A dx/V)``, ``P = A^-1 (S - I) B``) is converted once per spacing to a transfer
  function and run with :func:`scipy.signal.lfilter` over the whole profile (all wheel paths at
  once). The initial state's free response is added exactly through the filter's initial
  conditions (``zi``), so the result equals the per-sample recurrence to rounding. Below
  0.01 m spacing the same recurrence runs in the modal form described next (a high-order
  transfer function loses accuracy when its poles crowd at z = 1).
* **Irregular sampling** (default ``irregular="exact"``): the piecewise-linear profile through
  the samples is simulated without resampling. Its slope is constant between samples, for which
  ``S(h)``, ``P(h)`` with each step's own length are exact: the semi-analytic solution of
  Sroubek, Sorel and Zak (2021), whose reference code is the published method for irregular
  profiles. As in that code, when any step is at most 0.125 m the samples are first
  box-filtered (mean within +-0.125 m, in order), segment boundaries are inserted as samples
  and each step's rectified slope is weighted by its length. The modal form of the model
  (diagonalised ``A``) turns the stepping into cumulative sums, evaluated in vectorised blocks;
  the box filter is a banded triangular solve. Agrees with their algorithm on their irregular
  example to 3e-5 (the initial slope is taken over ASTM's 11 m, theirs over 0.5 s = 11.1 m).
* ``irregular="resample"``: the piecewise-linear profile is interpolated onto a regular grid
  starting at the first sample, of spacing ``0.25 / k`` m with
  ``k = max(1, NINT(0.25 / median spacing))``, then computed as a regular profile (with the
  moving average when ``k > 1``): the IRI a 0.25 m profiler would report on the same road.

Conventions (as in Sayers' reference code, ASTM E1926 and ProVAL):

* 250 mm moving average when the spacing is below 0.25 m: base ``k = max(1, NINT(0.25/dx))``
  samples (rounded half up like Fortran's NINT in Sayers' code: 0.1 m gives 3), slope
  ``s_i = (y[i+k] - y[i]) / (k dx)``; each smoothed slope is attributed to the step at the
  centre of its window, so segment boundaries stay where they are in distance.
* Initial state ``x1 = x3 =`` profile slope over the first 11 m, ``x2 = x4 = 0``.
* The rectified slope ``|x1 - x3|`` after each step is attributed to that step; a segment's
  IRI is the length-weighted mean over its steps, times 1000 (m/m to m/km).
* Segments start at the first sample and have the requested length; only full segments are
  returned unless a partial last segment is asked for.

Parameters and provenance: ``standards/iri_astm_e1926.toml`` (``confirmed = true``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Literal

import numpy as np
import scipy.linalg
import scipy.signal
from numpy.typing import ArrayLike, NDArray

from zhiyang.analytics import parameters

Array = NDArray[np.float64]
Complex = NDArray[np.complex128]

#: Relative deviation of sample spacings under which a profile counts as regularly sampled.
#: Distances are often printed with 3 or 4 decimals, so a few parts per thousand of jitter is
#: rounding, not irregular sampling.
REGULAR_TOLERANCE = 2e-3

#: A profile whose samples all lie within this distance (and 5 % of a step) of a regular grid
#: is regular: its distances were merely rounded when printed.
GRID_TOLERANCE_M = 5e-4

#: Below this spacing the regular path uses the modal solution instead of the transfer
#: function, whose coefficients lose accuracy as the poles approach z = 1 (relative error about
#: 1e-8 at 0.01 m, 2e-5 at 0.001 m against the per-sample recurrence).
FINE_SPACING_M = 0.01

#: Largest decay exponent |Re(lambda)|·t spanned by one block of the irregular-sampling
#: solution (e^300 stays far inside float64 range, and the cumulative sums stay accurate).
_BLOCK_EXPONENT = 300.0


# --------------------------------------------------------------------------------------------
# Parameters


@dataclass(frozen=True)
class QuarterCar:
    """Quarter-car constants (per unit sprung mass) and the filtering conventions.

    The defaults of :func:`load_parameters` are the ASTM E1926 golden car; another instance
    may be passed to :func:`iri` for research, but the result is then not an IRI.
    """

    k1: float
    k2: float
    c: float
    mu: float
    speed_km_h: float
    base_length_m: float = 0.25
    init_length_m: float = 11.0
    source: str = ""
    confirmed: bool = False

    @property
    def speed_m_s(self) -> float:
        return self.speed_km_h / 3.6


def _standard_table() -> Mapping[str, Any]:
    return parameters.packaged("iri_astm_e1926.toml")


@cache
def load_parameters() -> QuarterCar:
    """The golden car of ASTM E1926 as read from ``standards/iri_astm_e1926.toml``."""
    raw = _standard_table()
    car = raw["quarter_car"]
    filtering = raw["filtering"]
    return QuarterCar(
        k1=float(car["k1"]),
        k2=float(car["k2"]),
        c=float(car["c"]),
        mu=float(car["mu"]),
        speed_km_h=float(car["speed_km_h"]),
        base_length_m=float(filtering["base_length_m"]),
        init_length_m=float(filtering["init_length_m"]),
        source=f"{raw['code']} ({raw['version']})",
        confirmed=bool(car["confirmed"]) and bool(filtering["confirmed"]),
    )


def published_check_values() -> dict[str, Any]:
    """Sayers' printed S (row 1) and P for dx = 0.25 m, to check :func:`discrete_model`."""
    return dict(_standard_table()["check_0_25_m"])


def continuous_model(car: QuarterCar | None = None) -> tuple[Array, Array]:
    """State matrix A and input vector B of the quarter car in slope form (time domain).

    State ``x = [zs', zs'', zu', zu'']`` (sprung and unsprung mass slope and its derivative,
    profile distance converted to time at the model speed); the input is the profile slope.
    """
    car = car or load_parameters()
    k1, k2, c, mu = car.k1, car.k2, car.c, car.mu
    a = np.array(
        [
            [0.0, 1.0, 0.0, 0.0],
            [-k2, -c, k2, c],
            [0.0, 0.0, 0.0, 1.0],
            [k2 / mu, c / mu, -(k1 + k2) / mu, -c / mu],
        ]
    )
    b = np.array([0.0, 0.0, 0.0, k1 / mu])
    return a, b


def discrete_model(dx_m: float, car: QuarterCar | None = None) -> tuple[Array, Array]:
    """Sayers' discrete model for a step of ``dx_m``: ``S = expm(A dx/V)``, ``P = A^-1 (S-I) B``.

    Exact for a slope that is constant over the step, i.e. a piecewise-linear profile.
    """
    car = car or load_parameters()
    a, b = continuous_model(car)
    s = np.asarray(scipy.linalg.expm(a * (dx_m / car.speed_m_s)), dtype=np.float64)
    p = np.asarray(np.linalg.solve(a, (s - np.eye(4)) @ b), dtype=np.float64)
    return s, p


# --------------------------------------------------------------------------------------------
# Regular sampling: one IIR filter


@dataclass(frozen=True)
class _Filter:
    """Transfer function from raw elevation differences to ``x1 - x3``, and its ``zi`` basis."""

    b: Array  # numerator, already divided by the slope base length k·dx
    a: Array  # denominator (characteristic polynomial of S)
    zi_per_unit_slope: Array  # lfilter initial conditions for initial slope 1


@lru_cache(maxsize=64)
def _filter(dx_m: float, k: int, car: QuarterCar) -> _Filter:
    s, p = discrete_model(dx_m, car)
    c = np.array([1.0, 0.0, -1.0, 0.0])
    # With w_i = x_(i-1) as the state: w_(i+1) = S w_i + P u_i, z_i = C S w_i + C P u_i.
    num, den = scipy.signal.ss2tf(s, p[:, None], (c @ s)[None, :], np.array([[c @ p]]))
    b = np.asarray(num[0], dtype=np.float64)
    a = np.asarray(den, dtype=np.float64)
    # The system has a zero at z = 1 (a constant slope moves both masses alike): enforce it so
    # that a constant grade gives exactly no response, whatever the rounding of ss2tf.
    b = b - b.sum() / b.size
    # Free response of the initial state x0 = [1, 0, 1, 0]: z_i = C S^(i+1) x0, i = 0..3.
    # lfilter's transposed direct form II reproduces it from zi[j] = sum_m a_m z_(j-m).
    x = np.array([1.0, 0.0, 1.0, 0.0])
    free = np.empty(4)
    for i in range(4):
        x = s @ x
        free[i] = c @ x
    zi = np.array([sum(a[m] * free[j - m] for m in range(j + 1)) for j in range(4)])
    return _Filter(b=b / (k * dx_m), a=a, zi_per_unit_slope=zi)


def _base_samples(dx_m: float, car: QuarterCar) -> int:
    """Samples in the moving-average base: 0.25/dx rounded half up, at least 1.

    Half up, like Fortran's NINT in Sayers' reference code (Python's round() would round
    0.25/0.1 = 2.5 to 2); the small tolerance keeps 2.4999999 from decimal spacings at 3.
    """
    return max(1, math.floor(car.base_length_m / dx_m + 0.5 + 1e-9))


def _initial_slopes(distance: Array, elevation: Array, car: QuarterCar) -> Array:
    """Profile slope over the first 11 m (linear interpolation at x0 + 11 m), per path."""
    x0 = float(distance[0])
    target = x0 + car.init_length_m
    j = int(distance.searchsorted(target))
    j = min(max(j, 1), distance.size - 1)
    xa, xb = float(distance[j - 1]), float(distance[j])
    frac = (target - xa) / (xb - xa)
    ya, yb, y0 = elevation[:, j - 1], elevation[:, j], elevation[:, 0]
    return np.asarray((ya + frac * (yb - ya) - y0) / car.init_length_m, dtype=np.float64)


def rectified_slope_regular(
    elevation: Array, dx_m: float, initial_slope: Array, car: QuarterCar | None = None
) -> tuple[Array, int]:
    """``|x1 - x3|`` (m/m) for each step of regularly sampled paths (shape (paths, n)).

    Returns ``(values of shape (paths, n - k), offset)``: value ``i`` belongs to the step from
    sample ``i + offset`` to ``i + offset + 1`` (the centre of the moving-average window).
    """
    car = car or load_parameters()
    k = _base_samples(dx_m, car)
    n = elevation.shape[-1]
    diff = np.empty((elevation.shape[0], n - k), dtype=np.float64)
    np.subtract(elevation[:, k:], elevation[:, :-k], out=diff)
    if dx_m < FINE_SPACING_M:
        # Poles crowd towards z = 1 as the step shrinks; the modal form stays exact.
        t = (dx_m / car.speed_m_s) * np.arange(n - k + 1, dtype=np.float64)
        diff /= k * dx_m
        rows = [
            _modal_response(t, row, float(s0), car)
            for row, s0 in zip(diff, initial_slope, strict=True)
        ]
        return np.stack(rows), (k - 1) // 2
    filt = _filter(float(dx_m), k, car)
    zi = initial_slope[:, None] * filt.zi_per_unit_slope[None, :]
    out, _ = scipy.signal.lfilter(filt.b, filt.a, diff, axis=-1, zi=zi)
    result = np.asarray(out, dtype=np.float64)
    np.abs(result, out=result)
    return result, (k - 1) // 2


# --------------------------------------------------------------------------------------------
# Irregular sampling: exact piecewise-linear solution, mode by mode


@lru_cache(maxsize=8)
def _modes(car: QuarterCar) -> tuple[Complex, Complex, Complex, Complex]:
    """Eigenvalues (one of each conjugate pair), input weights, output weights and V^-1."""
    a, b = continuous_model(car)
    lam, vec = np.linalg.eig(a)
    vinv = np.linalg.inv(vec)
    keep = np.flatnonzero(lam.imag > 0)
    if keep.size != 2:  # pragma: no cover - the golden car has two oscillatory modes
        raise ValueError("quarter-car parameters must give two oscillatory modes")
    c = np.array([1.0, 0.0, -1.0, 0.0])
    beta = vinv[keep] @ b
    gamma = 2.0 * (c @ vec[:, keep])  # x1 - x3 = 2 Re(sum gamma_m q_m) over kept modes
    return (
        lam[keep].astype(np.complex128),
        beta.astype(np.complex128),
        gamma.astype(np.complex128),
        vinv[keep].astype(np.complex128),
    )


def _modal_response(t: Array, slope: Array, initial_slope: float, car: QuarterCar) -> Array:
    """``|x1 - x3|`` after each step of a slope held constant between the times ``t``.

    Each oscillatory mode ``q`` of the diagonalised model obeys ``q_i = e^(lambda tau_i) q_(i-1)
    + w_i``; its solution ``q_i = e^(lambda t_i) (q_0 + sum_j e^(-lambda t_j) w_j)`` is a
    cumulative sum, evaluated in blocks short enough for ``e^(-lambda t)`` to stay in range.
    Well conditioned for any step, however small (unlike a high-order transfer function).
    """
    lam, beta, gamma, vinv = _modes(car)
    tau = np.diff(t)
    q0 = vinv @ np.array([initial_slope, 0.0, initial_slope, 0.0])
    n = t.size
    z = np.zeros(n - 1, dtype=np.float64)
    span = _BLOCK_EXPONENT / float(np.max(-lam.real))
    edges = [0]  # block boundaries (sample indices), each block spanning at most `span` s
    while edges[-1] < n - 1:
        nxt = int(np.searchsorted(t, t[edges[-1]] + span, side="right")) - 1
        edges.append(min(max(nxt, edges[-1] + 1), n - 1))
    for m in range(lam.size):
        lm = lam[m]
        w = (np.expm1(lm * tau) / lm) * (beta[m] * slope)  # forced increment of each step
        q = q0[m]
        for lo, hi in itertools.pairwise(edges):
            grow = np.exp(lm * (t[lo + 1 : hi + 1] - t[lo]))
            qs = grow * (q + np.cumsum(w[lo:hi] / grow))
            z[lo:hi] += (gamma[m] * qs).real
            q = qs[-1]
    np.abs(z, out=z)
    return z


def rectified_slope_piecewise_linear(
    distance: Array, elevation: Array, initial_slope: float, car: QuarterCar | None = None
) -> Array:
    """``|x1 - x3|`` at the end of every step of an arbitrarily sampled piecewise-linear path.

    Exact (to rounding) for the profile that interpolates the samples linearly: the state after
    each step is ``S(h) x + P(h) s`` with the step's own length ``h`` (Sroubek, Sorel and Zak's
    semi-analytic solution). Returns ``n - 1`` values.
    """
    car = car or load_parameters()
    t = (distance - distance[0]) / car.speed_m_s
    slope = np.diff(elevation) / np.diff(distance)
    return _modal_response(t, slope, initial_slope, car)


# --------------------------------------------------------------------------------------------
# Public API


@dataclass(frozen=True)
class IriResult:
    """IRI per segment. ``iri_m_per_km`` has shape (segments,) or (segments, paths).

    ``sample_spacing_m`` is the step the car was simulated with: the profile's spacing when
    ``regular``, the grid spacing when resampled, the median step for ``method="exact"``.
    """

    start_m: Array
    end_m: Array
    iri_m_per_km: Array
    sample_spacing_m: float
    regular: bool
    method: str = ""


@dataclass(frozen=True)
class LaneIriResult:
    """IRI of the left and right wheel paths and the lane mean, per segment.

    ``mean_m_per_km`` is the arithmetic mean of the two paths' IRI in each segment (the Mean
    Roughness Index, MRI, of ASTM E1926 practice) — not the IRI of an averaged profile (HRI).
    """

    start_m: Array
    end_m: Array
    left_m_per_km: Array
    right_m_per_km: Array
    mean_m_per_km: Array
    sample_spacing_m: float
    regular: bool


@dataclass(frozen=True)
class _Profile:
    x: Array
    paths: Array  # (paths, n), a view of the input where possible
    one_d: bool
    dx: float  # mean spacing
    regular: bool
    median_step: float


def _step_range(x: Array, chunk: int = 1 << 15) -> tuple[float, float]:
    """Smallest and largest sample step, in cache-sized chunks (no profile-long temporary).

    NaN propagates through min/max, so a non-finite distance shows up in the result.
    """
    n = x.size - 1
    if n <= chunk:
        d = x[1:] - x[:-1]
        return float(d.min()), float(d.max())
    buf = np.empty(chunk, dtype=np.float64)
    lo, hi = math.inf, -math.inf
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        d = buf[: stop - start]
        np.subtract(x[start + 1 : stop + 1], x[start:stop], out=d)
        dmin, dmax = float(d.min()), float(d.max())
        if math.isnan(dmin) or math.isnan(dmax):
            return math.nan, math.nan
        lo, hi = min(lo, dmin), max(hi, dmax)
    return lo, hi


def _validate(
    distance_m: ArrayLike, elevation_m: ArrayLike, segment_length_m: float, car: QuarterCar
) -> _Profile:
    """Checked arrays as float64 (no copy when already so), elevation as (paths, n)."""
    try:
        finite = math.isfinite(float(segment_length_m))
    except (TypeError, ValueError):
        finite = False
    if not finite:
        raise ValueError("segment length must be a finite number of metres")
    if segment_length_m <= 0:
        raise ValueError("segment length must be positive")
    x = np.asarray(distance_m, dtype=np.float64)
    y = np.asarray(elevation_m, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError("distance must be one-dimensional")
    if y.ndim not in (1, 2):
        raise ValueError("elevation must be one-dimensional, or two-dimensional (n, paths)")
    if y.shape[0] != x.size:
        raise ValueError(
            f"distance and elevation have different lengths ({x.size} and {y.shape[0]})"
        )
    if y.ndim == 2 and y.shape[1] == 0:
        raise ValueError("elevation has no wheel path")
    if x.size < 2:
        raise ValueError("the profile needs at least two samples")
    smin, smax = _step_range(x)
    if not (math.isfinite(smin) and math.isfinite(smax)):
        raise ValueError("distance contains NaN or infinite values")
    if smin <= 0:
        bad = int(np.argmax(x[1:] <= x[:-1])) + 1
        raise ValueError(f"distance must be strictly increasing (sample {bad + 1})")
    if not math.isfinite(float(y.sum())):
        raise ValueError("elevation contains NaN or infinite values")
    length = float(x[-1] - x[0])
    if length < car.init_length_m * (1 - 1e-9):
        raise ValueError(
            f"the profile is {length:.3f} m long; at least {car.init_length_m:g} m are needed"
        )
    one_d = y.ndim == 1
    paths = y[None, :] if one_d else y.T
    dx = length / (x.size - 1)
    regular = smax - smin <= REGULAR_TOLERANCE * dx
    if not regular:
        # Distances printed with few decimals (0.0254 m as 0.025, 0.051, 0.076, ...) jitter
        # by more than that; they are still a regular grid if every sample sits within half a
        # millimetre (and 5 % of a step) of it.
        grid = x[0] + dx * np.arange(x.size, dtype=np.float64)
        regular = float(np.max(np.abs(x - grid))) <= min(GRID_TOLERANCE_M, 0.05 * dx)
    median = dx if regular else float(np.median(np.diff(x)))
    return _Profile(x=x, paths=paths, one_d=one_d, dx=dx, regular=regular, median_step=median)


def _segments(
    x0: float, x_end: float, segment_length_m: float, include_partial: bool
) -> tuple[Array, Array]:
    length = x_end - x0
    tol = 1e-9 * max(1.0, abs(x_end))
    full = math.floor((length + tol) / segment_length_m)
    starts = x0 + segment_length_m * np.arange(full, dtype=np.float64)
    ends = starts + segment_length_m
    if include_partial and length - full * segment_length_m > tol:
        starts = np.append(starts, x0 + full * segment_length_m)
        ends = np.append(ends, x_end)
    return starts, ends


def _regular_iri(
    elevation: Array,
    x0: float,
    dx: float,
    starts: Array,
    ends: Array,
    init: Array,
    car: QuarterCar,
) -> Array:
    """Segment means of the filter output: steps assigned by their midpoint's distance."""
    rs, offset = rectified_slope_regular(elevation, dx, init, car)
    m = rs.shape[-1]
    # Common case: segments of a whole number of steps, no window shift, only full segments
    # (the last one complete): one reshape-sum instead of boundary bookkeeping.
    per = round((ends[0] - starts[0]) / dx)
    full = starts.size
    if (
        offset == 0
        and per >= 1
        and abs(per * dx - (ends[0] - starts[0])) <= 1e-9 * per * dx
        and abs(ends[-1] - starts[-1] - per * dx) <= 1e-9 * per * dx
        and abs(starts[0] - x0) <= 1e-12 * max(1.0, abs(x0))
        and full * per <= m
    ):
        sums = rs[:, : full * per].reshape(rs.shape[0], full, per).sum(axis=-1)
        sums *= 1000.0 / per
        return np.asarray(sums.T, dtype=np.float64)
    # Step i (value i) spans samples i+offset .. i+offset+1; its midpoint is at
    # x0 + (i + offset + 0.5) dx. First value index whose midpoint is >= a boundary:
    bounds = np.append(starts, ends[-1:]) if starts.size else starts
    first = np.ceil((bounds - x0) / dx - offset - 0.5 - 1e-9).astype(np.intp)
    np.minimum(np.maximum(first, 0, out=first), m, out=first)
    counts = (first[1:] - first[:-1]).astype(np.float64)
    filled = counts > 0
    if filled.all():
        sums = np.add.reduceat(rs[:, : int(first[-1])], first[:-1], axis=-1)
    else:
        # A segment without a step (shorter than a step) has no IRI. Segments are contiguous,
        # so reducing from the non-empty starts alone still ends each one at its own end.
        sums = np.full((rs.shape[0], counts.size), np.nan)
        if filled.any():
            sums[:, filled] = np.add.reduceat(rs[:, : int(first[-1])], first[:-1][filled], axis=-1)
        counts[~filled] = 1.0
    sums *= 1000.0 / counts
    return np.asarray(sums.T, dtype=np.float64)


#: Widest window (in samples) of the in-order box filter solved as one banded system.
_MAX_BOX_BAND = 256


def box_filter_in_order(distance: Array, elevation: Array, base_m: float = 0.25) -> Array:
    """The tyre-envelope box filter of Sroubek, Sorel and Zak's reference code, vectorised.

    Each sample becomes the mean of the samples within +-base/2 of it, computed in order and in
    place, as their code does: the window's earlier samples are already smoothed. That is the
    lower-triangular banded system ``c_i m_i - sum(m_j, lo_i <= j < i) = sum(y_j, i <= j <
    hi_i)``, solved here with LAPACK instead of a loop over samples.
    """
    n = distance.size
    lo = np.searchsorted(distance, distance - base_m / 2, side="left")
    hi = np.searchsorted(distance, distance + base_m / 2, side="right")
    index = np.arange(n)
    band = int(np.max(index - lo))
    ref = float(elevation[0])  # means are shift-invariant: keep cumulative sums small
    csum = np.concatenate(([0.0], np.cumsum(elevation - ref)))
    rhs = csum[hi] - csum[index]
    if band == 0:
        return np.asarray(rhs / (hi - lo) + ref, dtype=np.float64)
    if band > _MAX_BOX_BAND:
        raise ValueError(
            "samples are too dense for the exact method's box filter "
            f"({band} samples within {base_m / 2:g} m); use irregular='resample'"
        )
    ab = np.zeros((band + 1, n), dtype=np.float64)
    ab[0] = hi - lo
    for k in range(1, band + 1):
        rows = index[k:]
        ab[k, : n - k] = np.where(rows - k >= lo[k:], -1.0, 0.0)
    smoothed = scipy.linalg.solve_banded((band, 0), ab, rhs, check_finite=False)
    return np.asarray(smoothed + ref, dtype=np.float64)


def _irregular_iri(x: Array, paths: Array, starts: Array, ends: Array, car: QuarterCar) -> Array:
    """Exact piecewise-linear solution with segment boundaries inserted as samples.

    As Sroubek, Sorel and Zak's reference code: when any step is at most half the base length,
    each path is first box-filtered in order (:func:`box_filter_in_order`); the initial slope is
    taken from the filtered path.
    """
    if float(np.min(np.diff(x))) <= car.base_length_m / 2:
        paths = np.stack([box_filter_in_order(x, row, car.base_length_m) for row in paths])
    init = _initial_slopes(x, paths, car)
    bounds = np.append(starts, ends[-1:]) if starts.size else starts
    tol = 1e-9 * max(1.0, float(np.max(np.abs(x))))
    pos = np.searchsorted(x, bounds)
    new = np.array(
        [
            b
            for b, i in zip(bounds, pos, strict=True)
            if not ((i < x.size and abs(x[i] - b) <= tol) or (i > 0 and abs(x[i - 1] - b) <= tol))
        ],
        dtype=np.float64,
    )
    ins = np.searchsorted(x, new)
    xx = np.insert(x, ins, new)
    result = np.empty((starts.size, paths.shape[0]), dtype=np.float64)
    h = np.diff(xx)
    mid = 0.5 * (xx[1:] + xx[:-1])
    seg = np.searchsorted(bounds, mid, side="right") - 1  # segment of each step
    valid = (seg >= 0) & (seg < starts.size)
    weights = np.bincount(seg[valid], weights=h[valid], minlength=starts.size)
    for p in range(paths.shape[0]):
        yy = np.insert(paths[p], ins, np.interp(new, x, paths[p]))
        r = rectified_slope_piecewise_linear(xx, yy, float(init[p]), car)
        sums = np.bincount(seg[valid], weights=(r * h)[valid], minlength=starts.size)
        with np.errstate(invalid="ignore", divide="ignore"):
            result[:, p] = sums / weights * 1000.0
    return result


def iri(
    distance_m: ArrayLike,
    elevation_m: ArrayLike,
    segment_length_m: float = 100.0,
    *,
    include_partial: bool = False,
    irregular: Literal["exact", "resample"] = "exact",
    car: QuarterCar | None = None,
) -> IriResult:
    """IRI (m/km) per segment of a longitudinal profile (distance and elevation in metres).

    ``elevation_m`` is 1-D (one wheel path) or 2-D ``(n, paths)``; ``iri_m_per_km`` then has
    shape ``(segments,)`` or ``(segments, paths)``. Segments start at the first sample; a
    partial last segment is returned only with ``include_partial=True``. Raises ``ValueError``
    for unusable input (mismatched lengths, NaN, non-increasing distance, less than 11 m).
    """
    car = car or load_parameters()
    prof = _validate(distance_m, elevation_m, float(segment_length_m), car)
    x, paths, one_d, dx, regular = prof.x, prof.paths, prof.one_d, prof.dx, prof.regular
    x0, x_end = float(x[0]), float(x[-1])
    starts, ends = _segments(x0, x_end, float(segment_length_m), include_partial)
    init = _initial_slopes(x, paths, car)
    if starts.size == 0:
        values = np.empty((0, paths.shape[0]), dtype=np.float64)
        spacing, method = dx, "none"
    elif regular:
        values = _regular_iri(paths, x0, dx, starts, ends, init, car)
        spacing, method = dx, "regular"
    else:
        median = prof.median_step
        k = _base_samples(median, car)
        if irregular == "exact":
            values = _irregular_iri(x, paths, starts, ends, car)
            spacing, method = median, "exact"
        elif irregular != "resample":
            raise ValueError("irregular must be 'resample' or 'exact'")
        else:
            grid_dx = car.base_length_m / k
            m = math.floor((x_end - x0) / grid_dx + 1e-9) + 1
            grid = x0 + grid_dx * np.arange(m, dtype=np.float64)
            resampled = np.stack([np.interp(grid, x, row) for row in paths])
            values = _regular_iri(resampled, x0, grid_dx, starts, ends, init, car)
            spacing, method = grid_dx, "resampled"
    if include_partial and starts.size and np.isnan(values[-1]).all():
        # A partial tail shorter than one step (or than the moving-average window) holds no
        # step to average: there is no IRI for it, so it is not reported.
        starts, ends, values = starts[:-1], ends[:-1], values[:-1]
    return IriResult(
        start_m=starts,
        end_m=ends,
        iri_m_per_km=values[:, 0] if one_d else values,
        sample_spacing_m=float(spacing),
        regular=regular,
        method=method,
    )


def lane_iri(
    distance_m: ArrayLike,
    left_m: ArrayLike,
    right_m: ArrayLike,
    segment_length_m: float = 100.0,
    *,
    include_partial: bool = False,
    irregular: Literal["exact", "resample"] = "exact",
    car: QuarterCar | None = None,
) -> LaneIriResult:
    """IRI of both wheel paths of a lane and their per-segment mean (MRI), in m/km."""
    left = np.asarray(left_m, dtype=np.float64)
    right = np.asarray(right_m, dtype=np.float64)
    if left.ndim != 1 or right.ndim != 1 or left.shape != right.shape:
        raise ValueError("left and right wheel paths must be 1-D arrays of the same length")
    result = iri(
        distance_m,
        np.column_stack([left, right]),
        segment_length_m,
        include_partial=include_partial,
        irregular=irregular,
        car=car,
    )
    both = result.iri_m_per_km
    return LaneIriResult(
        start_m=result.start_m,
        end_m=result.end_m,
        left_m_per_km=both[:, 0].copy(),
        right_m_per_km=both[:, 1].copy(),
        mean_m_per_km=both.mean(axis=1),
        sample_spacing_m=result.sample_spacing_m,
        regular=result.regular,
    )
