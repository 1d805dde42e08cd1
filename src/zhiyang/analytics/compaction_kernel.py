"""The numba kernel of :mod:`zhiyang.analytics.compaction` (the model is described there):
clusters -> vertices (stationary filter), passes (reversals with hysteresis, direction
field), drum lines on the track's least-squares line and the quadrilateral sweep."""

from __future__ import annotations

import math

import numba
import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


# --------------------------------------------------------------------------------------------
# Kernel, stage 1: clusters (stationary filter) -> vertices.


@numba.njit(cache=True)
def _vertices(
    machine: I64,
    t: F64,
    e: F64,
    n: F64,
    w: F64,
    speed: F64,
    heading: F64,
    direction: NDArray[np.int8],
    temp: F64,
    icmv: F64,
    radius: float,
    min_speed: float,
    max_gap_s: float,
    max_step_m: float,
) -> tuple[I64, F64, F64, F64, F64, F64, F64, F64, NDArray[np.int8], NDArray[np.int8]]:
    size = t.size
    run = np.empty(size, np.int64)
    ve = np.empty(size, np.float64)
    vn = np.empty(size, np.float64)
    vt = np.empty(size, np.float64)
    vw = np.empty(size, np.float64)
    vh = np.empty(size, np.float64)
    vtemp = np.empty(size, np.float64)
    visum = np.empty(size, np.float64)
    vicnt = np.empty(size, np.float64)
    vdin = np.zeros(size, np.int8)
    vdout = np.zeros(size, np.int8)
    m = -1
    r2 = radius * radius
    rid = -1
    se = 0.0
    sn = 0.0
    cnt = 0.0
    for i in range(size):
        new_run = i == 0 or machine[i] != machine[i - 1]
        if not new_run:
            dx = e[i] - e[i - 1]
            dy = n[i] - n[i - 1]
            if t[i] - t[i - 1] > max_gap_s or dx * dx + dy * dy > max_step_m * max_step_m:
                new_run = True
        start = new_run
        if not start:
            cx = se / cnt
            cy = sn / cnt
            ddx = e[i] - cx
            ddy = n[i] - cy
            d2 = ddx * ddx + ddy * ddy
            # A slow sample stays in the stop unless clearly away from it (the speed and the
            # position of one message need not be simultaneous).
            slow = speed[i] == speed[i] and speed[i] < min_speed and d2 < 4.0 * r2
            start = d2 >= r2 and not slow
        if start:
            if m >= 0:  # close the previous cluster
                ve[m] = se / cnt
                vn[m] = sn / cnt
            if new_run:
                rid += 1
            m += 1
            run[m] = rid
            se = 0.0
            sn = 0.0
            cnt = 0.0
            vt[m] = t[i]
            vw[m] = w[i]
            vh[m] = np.nan
            vtemp[m] = np.nan
            visum[m] = 0.0
            vicnt[m] = 0.0
        se += e[i]
        sn += n[i]
        cnt += 1.0
        if heading[i] == heading[i]:
            vh[m] = heading[i]
        if vtemp[m] != vtemp[m] and temp[i] == temp[i]:
            vtemp[m] = temp[i]
        if icmv[i] == icmv[i]:
            visum[m] += icmv[i]
            vicnt[m] += 1.0
        d = direction[i]
        if cnt == 1.0:  # the direction the machine arrived with (0: stopped)
            vdin[m] = d
        if d != 0:
            vdout[m] = d
    if m >= 0:
        ve[m] = se / cnt
        vn[m] = sn / cnt
    k = m + 1
    vic = np.empty(k, np.float64)
    for j in range(k):
        vic[j] = visum[j] / vicnt[j] if vicnt[j] > 0 else np.nan
    return (
        run[:k],
        ve[:k],
        vn[:k],
        vt[:k],
        vw[:k],
        vh[:k],
        vtemp[:k],
        vic,
        vdin[:k],
        vdout[:k],
    )


# --------------------------------------------------------------------------------------------
# Stage 2: passes (reversals with hysteresis, direction field).


@numba.njit(cache=True)
def _passes(
    run: I64,
    ve: F64,
    vn: F64,
    vdin: NDArray[np.int8],
    vdout: NDArray[np.int8],
    window: float,
    hysteresis: float,
) -> tuple[I64, F64]:
    """Pass id of the segment ending at each vertex (-1: no segment), and the cumulative
    path length at each vertex."""
    k = ve.size
    seg = np.full(k, -1, np.int64)
    path = np.zeros(k, np.float64)
    pid = -1
    ux = 0.0
    uy = 0.0
    s = 0.0
    s_max = 0.0
    k_max = 0
    back = 0
    last_d = 0
    for j in range(1, k):
        if run[j] != run[j - 1]:
            path[j] = path[j - 1]
            ux = 0.0
            uy = 0.0
            last_d = 0
            continue
        dx = ve[j] - ve[j - 1]
        dy = vn[j] - vn[j - 1]
        step = math.sqrt(dx * dx + dy * dy)
        path[j] = path[j - 1] + step
        d = vdin[j] if vdin[j] != 0 else vdout[j - 1]
        if ux == 0.0 and uy == 0.0:  # first segment of a run: a new pass
            pid += 1
            seg[j] = pid
            if step > 0:
                ux = dx / step
                uy = dy / step
            s = step
            s_max = s
            k_max = j
            back = j - 1
            last_d = d
            continue
        if d != 0 and last_d != 0 and d != last_d:
            # The machine says it reversed: a new pass from the previous vertex.
            pid += 1
            seg[j] = pid
            ux = -ux
            uy = -uy
            s = dx * ux + dy * uy
            s_max = max(s, 0.0)
            k_max = j
            back = j - 1
            last_d = d
            continue
        if d != 0:
            last_d = d
        seg[j] = pid
        s += dx * ux + dy * uy
        if s >= s_max:
            s_max = s
            k_max = j
            # Travel direction: the chord over the last ``window`` of travel.
            while back < j - 1 and path[j] - path[back + 1] >= window:
                back += 1
            cx = ve[j] - ve[back]
            cy = vn[j] - vn[back]
            cl = math.sqrt(cx * cx + cy * cy)
            if cl > 0.5 * window:
                ux = cx / cl
                uy = cy / cl
        elif s_max - s > hysteresis:
            # Real travel the other way: the pass ended at the furthest vertex k_max.
            pid += 1
            for q in range(k_max + 1, j + 1):
                seg[q] = pid
            cx = ve[j] - ve[k_max]
            cy = vn[j] - vn[k_max]
            cl = math.sqrt(cx * cx + cy * cy)
            if cl > 0:
                ux = cx / cl
                uy = cy / cl
            else:
                ux = -ux
                uy = -uy
            s = cl
            s_max = s
            back = k_max
            k_max = j
    return seg, path


# --------------------------------------------------------------------------------------------
# Stage 3: drum lines and the sweep.


@numba.njit(cache=True, inline="always")
def _in_quad(px: float, py: float, xs: NDArray[np.float64], ys: NDArray[np.float64]) -> bool:
    inside = False
    j = 3
    for i in range(4):
        yi = ys[i]
        yj = ys[j]
        if (yi > py) != (yj > py):
            x = xs[i] + (py - yi) * (xs[j] - xs[i]) / (yj - yi)
            if px < x:
                inside = not inside
        j = i
    return inside


@numba.njit(cache=True)
def _sweep(
    seg: I64,
    path: F64,
    ve: F64,
    vn: F64,
    vt: F64,
    vw: F64,
    vh: F64,
    vtemp: F64,
    vic: F64,
    window: float,
    ix0: int,
    iy0: int,
    nx: int,
    ny: int,
    cell: float,
) -> tuple[I64, I64, F64, F64, F64]:
    k = ve.size
    cap = max(1024, 2 * k)
    ev_ix = np.empty(cap, np.int64)
    ev_iy = np.empty(cap, np.int64)
    ev_t = np.empty(cap, np.float64)
    ev_temp = np.empty(cap, np.float64)
    ev_isum = np.empty(cap, np.float64)
    ev_in = np.empty(cap, np.int64)
    stamp = np.full(nx * ny, -1, np.int64)
    evidx = np.empty(nx * ny, np.int64)
    lx = np.empty(k, np.float64)
    ly = np.empty(k, np.float64)
    rx = np.empty(k, np.float64)
    ry = np.empty(k, np.float64)
    qx = np.empty(4, np.float64)
    qy = np.empty(4, np.float64)
    px1 = np.zeros(k + 1, np.float64)
    py1 = np.zeros(k + 1, np.float64)
    pxx = np.zeros(k + 1, np.float64)
    pyy = np.zeros(k + 1, np.float64)
    pxy = np.zeros(k + 1, np.float64)
    half_w = 0.5 * window
    m = 0
    j = 1
    while j < k:
        if seg[j] < 0:
            j += 1
            continue
        pid = seg[j]
        a = j - 1
        b = j
        while b + 1 < k and seg[b + 1] == pid:
            b += 1
        # Drum lines at vertices a..b of this pass.
        for q in range(a, b + 1):
            x = ve[q] - ve[a]
            y = vn[q] - vn[a]
            px1[q - a + 1] = px1[q - a] + x
            py1[q - a + 1] = py1[q - a] + y
            pxx[q - a + 1] = pxx[q - a] + x * x
            pyy[q - a + 1] = pyy[q - a] + y * y
            pxy[q - a + 1] = pxy[q - a] + x * y
        lo = a
        hi = a
        for v in range(a, b + 1):
            while lo < v and path[v] - path[lo] > half_w:
                lo += 1
            if hi < v:
                hi = v
            while hi < b and path[hi + 1] - path[v] <= half_w:
                hi += 1
            jm = min(lo, v - 1) if v > a else a
            jp = max(hi, v + 1) if v < b else b
            # The track's line over the window (least squares, principal axis): its
            # direction is the heading, the drum centre is the vertex projected onto it.
            # Window sums from the pass's prefix sums (coordinates relative to vertex a).
            cnt = jp - jm + 1
            sx = (px1[jp + 1 - a] - px1[jm - a]) / cnt
            sy = (py1[jp + 1 - a] - py1[jm - a]) / cnt
            sxx = (pxx[jp + 1 - a] - pxx[jm - a]) / cnt - sx * sx
            syy = (pyy[jp + 1 - a] - pyy[jm - a]) / cnt - sy * sy
            sxy = (pxy[jp + 1 - a] - pxy[jm - a]) / cnt - sx * sy
            me = sx - (ve[v] - ve[a])
            mn = sy - (vn[v] - vn[a])
            if sxx < 1e-12:
                sxx = 0.0
            if syy < 1e-12:
                syy = 0.0
            cx = ve[jp] - ve[jm]
            cy = vn[jp] - vn[jm]
            if sxx + syy > 0:
                theta = 0.5 * math.atan2(2.0 * sxy, sxx - syy)
                tx = math.cos(theta)
                ty = math.sin(theta)
                if tx * cx + ty * cy < 0:
                    tx = -tx
                    ty = -ty
            else:
                tx = 1.0
                ty = 0.0
            if vh[v] == vh[v]:
                hr = math.radians(vh[v])
                hx = math.sin(hr)
                hy = math.cos(hr)
                if hx * tx + hy * ty < 0:
                    hx = -hx
                    hy = -hy
                tx = hx
                ty = hy
            along = -me * tx - mn * ty
            ce = ve[v] + me + along * tx
            cn = vn[v] + mn + along * ty
            hw = 0.5 * vw[v]
            lx[v] = ce - ty * hw
            ly[v] = cn + tx * hw
            rx[v] = ce + ty * hw
            ry[v] = cn - tx * hw
        for v in range(a + 1, b + 1):
            qx[0] = lx[v - 1]
            qy[0] = ly[v - 1]
            qx[1] = lx[v]
            qy[1] = ly[v]
            qx[2] = rx[v]
            qy[2] = ry[v]
            qx[3] = rx[v - 1]
            qy[3] = ry[v - 1]
            xmin = min(min(qx[0], qx[1]), min(qx[2], qx[3]))
            xmax = max(max(qx[0], qx[1]), max(qx[2], qx[3]))
            ymin = min(min(qy[0], qy[1]), min(qy[2], qy[3]))
            ymax = max(max(qy[0], qy[1]), max(qy[2], qy[3]))
            gx0 = max(int(math.ceil(xmin / cell - 0.5)), ix0)  # noqa: RUF046
            gx1 = min(int(math.floor(xmax / cell - 0.5)), ix0 + nx - 1)  # noqa: RUF046
            gy0 = max(int(math.ceil(ymin / cell - 0.5)), iy0)  # noqa: RUF046
            gy1 = min(int(math.floor(ymax / cell - 0.5)), iy0 + ny - 1)  # noqa: RUF046
            src = v
            for gy in range(gy0, gy1 + 1):
                py = (gy + 0.5) * cell
                for gx in range(gx0, gx1 + 1):
                    px = (gx + 0.5) * cell
                    if not _in_quad(px, py, qx, qy):
                        continue
                    c = (gy - iy0) * nx + (gx - ix0)
                    if stamp[c] != pid:
                        stamp[c] = pid
                        if m == cap:
                            cap *= 2
                            ev_ix = _grow_i(ev_ix, cap)
                            ev_iy = _grow_i(ev_iy, cap)
                            ev_t = _grow_f(ev_t, cap)
                            ev_temp = _grow_f(ev_temp, cap)
                            ev_isum = _grow_f(ev_isum, cap)
                            ev_in = _grow_i(ev_in, cap)
                        ev_ix[m] = gx
                        ev_iy[m] = gy
                        ev_t[m] = vt[src]
                        ev_temp[m] = vtemp[src]
                        ev_isum[m] = 0.0
                        ev_in[m] = 0
                        evidx[c] = m
                        m += 1
                    if vic[src] == vic[src]:
                        q = evidx[c]
                        ev_isum[q] += vic[src]
                        ev_in[q] += 1
        j = b + 1
    ev_icmv = np.empty(m, np.float64)
    for q in range(m):
        ev_icmv[q] = ev_isum[q] / ev_in[q] if ev_in[q] > 0 else np.nan
    return ev_ix[:m], ev_iy[:m], ev_t[:m], ev_temp[:m], ev_icmv


@numba.njit(cache=True)
def _grow_i(a: I64, cap: int) -> I64:
    out = np.empty(cap, np.int64)
    out[: a.size] = a
    return out


@numba.njit(cache=True)
def _grow_f(a: F64, cap: int) -> F64:
    out = np.empty(cap, np.float64)
    out[: a.size] = a
    return out
