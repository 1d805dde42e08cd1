"""Multi-year maintenance budget optimisation: exact MILP (HiGHS) and two baselines.

The problem (one "candidate" = one unit, one year, one treatment, with a cost and a benefit):

    maximise   Σ_c benefit_c · x_c,               x_c ∈ {0, 1}
    subject to Σ_{c of unit u} x_c ≤ 1            for every unit u (at most one treatment)
               Σ_{c in year y} cost_c · x_c ≤ B_y  for every year y
               Σ_c cost_c · x_c ≤ B_total          (optional)

:func:`solve` solves it exactly with HiGHS (highspy: ``analytics/highs.py``; the relative
gap between the solution and HiGHS's dual bound is reported), or with one of two baselines:

- ``"ibc"`` — incremental benefit-cost (the HDM-4 / dTIMS efficiency-frontier method): per
  unit, the options on the upper convex hull of (cost, benefit) starting at "do nothing";
  then, network-wide, the increment with the highest Δbenefit/Δcost is taken while it fits
  the budgets (an increment that does not fit is replaced by the unit's next, larger one).
- ``"worst-first"`` — year by year, units in order of ``priority`` (lowest first: the worst
  predicted index), each getting the cheapest of its candidates that still fits.

:func:`min_cost_to_target` is the dual question: the cheapest selection so that a network
measure (e.g. the length graded 优/良) reaches a required level in given years.

Pure numpy/scipy; never raises from HiGHS: bad input raises :class:`OptimizeInputError`
(a ``ValueError`` naming the field), everything else comes back as ``Solution.status``.
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from zhiyang.analytics import highs

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

METHODS = ("milp", "ibc", "worst-first")
#: Solution statuses. ``optimal``: proven optimal within ``mip_rel_gap`` (``gap`` says how
#: close); ``time_limit``: a feasible solution when time ran out (``gap`` may be large);
#: ``heuristic``: a feasible solution of a baseline method; ``infeasible``: no selection
#: satisfies the constraints (e.g. a negative budget, an unreachable target);
#: ``no_solution``: time ran out before any feasible selection was found; ``error``: the
#: solver failed (``message`` says why).
STATUSES = ("optimal", "time_limit", "heuristic", "infeasible", "no_solution", "error")


#: With ``mip_rel_gap = 0``, problems with more candidates than this also get the Lagrangian
#: bound and rounded selection first (kept if branch and bound stops early with worse).
LAGRANGE_MIN_CANDIDATES = 500


class OptimizeInputError(ValueError):
    """Malformed optimiser input; ``field`` names the offending argument."""

    def __init__(self, field_name: str, message: str):
        self.field = field_name
        super().__init__(f"{field_name}: {message}")


@dataclass(frozen=True)
class Solution:
    """Result of :func:`solve` / :func:`min_cost_to_target`.

    ``selected`` are indices into the input arrays (sorted); ``objective`` is the total
    benefit (or total cost for :func:`min_cost_to_target`) of the selection; ``bound`` the
    best bound proven by the solver (MILP only) and ``gap`` = |bound − objective| / |bound|
    (0 when both are 0; None for heuristics); ``spend_by_year`` maps every budget year to
    the money spent in it.
    """

    status: str
    objective: float
    selected: IntArray
    spend_by_year: dict[int, float]
    bound: float | None
    gap: float | None
    method: str
    seconds: float
    message: str = ""
    total_spend: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when ``selected`` is a feasible selection (optimal, time-limited or heuristic)."""
        return self.status in ("optimal", "time_limit", "heuristic")


# --------------------------------------------------------------------------- input checks


def _array(name: str, values: npt.ArrayLike, dtype: Any) -> npt.NDArray[Any]:
    try:
        arr = np.asarray(values, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise OptimizeInputError(name, f"not a list of numbers ({exc})") from exc
    if arr.ndim != 1:
        raise OptimizeInputError(name, "must be one-dimensional")
    return arr


def _check(
    unit: npt.ArrayLike,
    year: npt.ArrayLike,
    cost: npt.ArrayLike,
    benefit: npt.ArrayLike | None,
) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    u_raw = np.asarray(unit)
    if u_raw.ndim != 1:
        raise OptimizeInputError("unit", "must be one-dimensional")
    # Units may be any hashable labels: factorise them to 0..n_units-1.
    try:
        _, u = np.unique(u_raw, return_inverse=True)
    except TypeError as exc:
        raise OptimizeInputError("unit", f"labels must be comparable ({exc})") from exc
    y = _array("year", year, np.float64)
    c = _array("cost", cost, np.float64)
    b = _array("benefit", benefit if benefit is not None else np.zeros(len(c)), np.float64)
    n = len(u)
    for name, arr in (("year", y), ("cost", c), ("benefit", b)):
        if len(arr) != n:
            raise OptimizeInputError(name, f"has {len(arr)} values, unit has {n}")
        if not np.all(np.isfinite(arr)):
            raise OptimizeInputError(name, "must be finite numbers")
    if np.any(c < 0):
        raise OptimizeInputError("cost", "must be >= 0")
    if np.any(y != np.round(y)):
        raise OptimizeInputError("year", "must be whole numbers")
    return u.astype(np.int64).ravel(), y.astype(np.int64), c, b


def _budgets(budgets: Mapping[Any, float] | None, years: IntArray) -> dict[int, float]:
    out: dict[int, float] = {}
    for key, value in (budgets or {}).items():
        try:
            k = int(key)
        except (TypeError, ValueError) as exc:
            raise OptimizeInputError("budgets", f"year {key!r} is not a whole number") from exc
        try:
            v = float(value)
        except (TypeError, ValueError) as exc:
            raise OptimizeInputError("budgets", f"{key}: {value!r} is not a number") from exc
        if not math.isfinite(v):
            raise OptimizeInputError("budgets", f"{key}: must be a finite number")
        out[k] = v
    if budgets is not None:
        missing = sorted(set(np.unique(years).tolist()) - set(out))
        if missing:
            shown = ", ".join(str(m) for m in missing[:10])
            raise OptimizeInputError("year", f"candidates in years without a budget: {shown}")
    return out


def _total(total_budget: float | None) -> float | None:
    if total_budget is None:
        return None
    try:
        t = float(total_budget)
    except (TypeError, ValueError) as exc:
        raise OptimizeInputError("total_budget", "not a number") from exc
    if not math.isfinite(t):
        raise OptimizeInputError("total_budget", "must be a finite number")
    return t


def _tol(limit: float) -> float:
    """Rounding allowance when comparing a float sum with a limit."""
    return 1e-9 * max(1.0, abs(limit))


def _spend(
    year: IntArray, cost: FloatArray, sel: IntArray, years: dict[int, float]
) -> dict[int, float]:
    out = dict.fromkeys(sorted(years), 0.0)
    for y in out:
        out[y] = math.fsum(cost[sel][year[sel] == y].tolist())
    return out


def _solution(
    status: str,
    sel: IntArray,
    value: FloatArray,
    year: IntArray,
    cost: FloatArray,
    budgets: dict[int, float],
    method: str,
    started: float,
    *,
    bound: float | None = None,
    gap: float | None = None,
    message: str = "",
    extra: dict[str, Any] | None = None,
) -> Solution:
    sel = np.sort(np.asarray(sel, dtype=np.int64))
    return Solution(
        status=status,
        objective=math.fsum(value[sel].tolist()),
        selected=sel,
        spend_by_year=_spend(year, cost, sel, budgets),
        bound=bound,
        gap=gap,
        method=method,
        seconds=time.perf_counter() - started,
        message=message,
        total_spend=math.fsum(cost[sel].tolist()),
        extra=extra or {},
    )


def _empty_infeasible(budgets: dict[int, float], total: float | None) -> str:
    """A reason when even "do nothing" breaks a budget (a negative limit), else ''."""
    bad = [y for y, b in budgets.items() if b < -_tol(b)]
    if bad:
        return f"negative budget in {', '.join(map(str, sorted(bad)))}"
    if total is not None and total < -_tol(total):
        return "negative total budget"
    return ""


# --------------------------------------------------------------------------- solve


def solve(
    unit: npt.ArrayLike,
    year: npt.ArrayLike,
    cost: npt.ArrayLike,
    benefit: npt.ArrayLike,
    budgets: Mapping[Any, float],
    *,
    total_budget: float | None = None,
    method: str = "milp",
    mip_rel_gap: float = 0.005,
    time_limit_s: float | None = None,
    priority: npt.ArrayLike | None = None,
) -> Solution:
    """Choose at most one candidate per unit, within each year's budget (and the optional
    total), maximising the total benefit.

    ``unit`` are labels (any comparable values), ``year`` whole years, each present in
    ``budgets`` (``{year: money}``), ``cost`` ≥ 0 and ``benefit`` finite (candidates with
    benefit ≤ 0 or a cost above their year's budget are never chosen). ``method`` is
    ``"milp"`` (exact within ``mip_rel_gap``: pass 0 for a proven optimum; ``time_limit_s``
    stops HiGHS early with status ``time_limit``), ``"ibc"`` or ``"worst-first"``
    (``priority``: one number per candidate, lowest treated first, e.g. the unit's predicted
    index in that year; default −benefit).
    """
    started = time.perf_counter()
    if method not in METHODS:
        raise OptimizeInputError("method", f"unknown method {method!r}; expected one of {METHODS}")
    u, y, c, b = _check(unit, year, cost, benefit)
    bud = _budgets(budgets, y)
    total = _total(total_budget)
    if not (isinstance(mip_rel_gap, int | float) and 0 <= mip_rel_gap < 1):
        raise OptimizeInputError("mip_rel_gap", "must be in [0, 1)")
    if time_limit_s is not None and not (time_limit_s > 0):
        raise OptimizeInputError("time_limit_s", "must be > 0")
    prio = None
    if priority is not None:
        prio = _array("priority", priority, np.float64)
        if len(prio) != len(u):
            raise OptimizeInputError("priority", f"has {len(prio)} values, unit has {len(u)}")
    reason = _empty_infeasible(bud, total)
    if reason:
        return _solution(
            "infeasible", np.zeros(0, np.int64), b, y, c, bud, method, started, message=reason
        )

    # Candidates that can never be in an optimal selection: no benefit, or unaffordable.
    limit = np.array([bud[int(v)] for v in y], dtype=np.float64)
    useful = (b > 0) & (c <= limit + 1e-9 * np.maximum(1.0, np.abs(limit)))
    if total is not None:
        useful &= c <= total + _tol(total)
    idx = np.flatnonzero(useful)
    status = "optimal" if method == "milp" else "heuristic"
    if idx.size == 0:
        return _solution(
            status,
            idx,
            b,
            y,
            c,
            bud,
            method,
            started,
            bound=0.0 if method == "milp" else None,
            gap=0.0 if method == "milp" else None,
        )
    if method == "milp":
        return _milp(idx, u, y, c, b, bud, total, mip_rel_gap, time_limit_s, started)
    if method == "ibc":
        sel = _ibc(idx, u, y, c, b, bud, total)
    else:
        p = prio if prio is not None else -b
        sel = _worst_first(idx, u, y, c, b, bud, total, p)
    # Exact (fsum) re-check of the running float sums of the greedy methods.
    sel, _ = _repair(sel, u, y, c, b, bud, total)
    return _solution("heuristic", sel, b, y, c, bud, method, started)


def _constraint_matrix(
    idx: IntArray,
    u: IntArray,
    y: IntArray,
    c: FloatArray,
    bud: dict[int, float],
    total: float | None,
) -> tuple[Any, FloatArray, FloatArray]:
    """Rows: one per unit with ≥ 2 candidates (≤ 1), one per year with positive budget
    (costs scaled by the budget, ≤ 1), the total (scaled). Returns (A, lb, ub)."""
    from scipy.sparse import coo_array, vstack

    n = idx.size
    blocks = []
    ub: list[FloatArray] = []
    uu = u[idx]
    _, inv, counts = np.unique(uu, return_inverse=True, return_counts=True)
    multi = counts[inv] >= 2
    if np.any(multi):
        rows_of = np.cumsum(counts >= 2) - 1
        cols = np.flatnonzero(multi)
        rows = rows_of[inv[cols]]
        n_rows = int((counts >= 2).sum())
        blocks.append(coo_array((np.ones(cols.size), (rows, cols)), shape=(n_rows, n)))
        ub.append(np.ones(n_rows))
    yy = y[idx]
    cc = c[idx]
    year_list = [yr for yr in sorted(bud) if bud[yr] > 0]
    if year_list:
        pos = {yr: k for k, yr in enumerate(year_list)}
        in_row = np.array([int(v) in pos for v in yy]) & (cc > 0)
        cols = np.flatnonzero(in_row)
        rows = np.array([pos[int(v)] for v in yy[cols]], dtype=np.int64)
        scale = np.array([bud[yr] for yr in year_list])
        blocks.append(coo_array((cc[cols] / scale[rows], (rows, cols)), shape=(len(year_list), n)))
        ub.append(np.ones(len(year_list)))
    if total is not None and total > 0:
        blocks.append(coo_array((cc / total)[None, :]))
        ub.append(np.ones(1))
    a = vstack(blocks, format="csr") if blocks else None
    upper = np.concatenate(ub) if ub else np.zeros(0)
    return a, np.full(upper.shape, -np.inf), upper


def _lagrange_round(
    idx: IntArray,
    u: IntArray,
    y: IntArray,
    c: FloatArray,
    b: FloatArray,
    bud: dict[int, float],
    total: float | None,
    *,
    rel_tol: float = 1e-7,
    max_iter: int = 400,
) -> tuple[IntArray, float]:
    """LP bound by Lagrangian relaxation of the budget rows, and a rounded selection.

    With multipliers λ_y ≥ 0 per year (and μ ≥ 0 for the total),

        L(λ, μ) = Σ_y λ_y B_y + μ B_total + Σ_units max(0, max_c [b_c − (λ_{y(c)} + μ) c_c])

    is an upper bound of the optimum for *every* λ, μ ≥ 0, and its minimum equals the LP
    relaxation's optimum (the "one per unit" polytope is integral). L is convex and piecewise
    linear in ≤ 6 variables: Kelley's cutting-plane method minimises it, each step one
    vectorised pass over the candidates and a tiny LP. The selection of the best multipliers
    (each unit's best candidate by reduced benefit) is repaired to fit the budgets and the
    money left filled by incremental benefit-cost. Returns (selection, bound)."""
    from scipy.optimize import linprog

    order = idx[np.argsort(u[idx], kind="stable")]
    _, starts = np.unique(u[order], return_index=True)
    years = sorted(bud)
    pos = {yr: k for k, yr in enumerate(years)}
    yi = np.array([pos[int(v)] for v in y[order]], dtype=np.int64)
    cc = c[order]
    bb = b[order]
    limits = np.array([bud[yr] for yr in years] + ([total] if total is not None else []))
    k_dim = limits.size
    with_total = total is not None

    def evaluate(lam: FloatArray) -> tuple[float, FloatArray, IntArray]:
        price = lam[yi] + (lam[-1] if with_total else 0.0)
        reduced = bb - price * cc
        best = np.maximum.reduceat(reduced, starts)
        value = float(lam @ limits + np.sum(np.maximum(best, 0.0)))
        # Each unit's best candidate (first on ties), where its reduced benefit is positive.
        hit = reduced == np.repeat(best, np.diff(np.append(starts, reduced.size)))
        hit &= reduced > 0
        first = np.flatnonzero(hit)
        first = first[np.unique(np.searchsorted(starts, first, side="right"), return_index=True)[1]]
        spend = np.bincount(yi[first], weights=cc[first], minlength=len(years))
        if with_total:
            spend = np.append(spend, cc[first].sum())
        return value, limits - spend, first

    # Box for the multipliers (any λ ≥ 0 gives a valid bound; beyond the largest ratio a
    # year's candidates are all priced out).
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        ratio = np.where(cc > 0, bb / np.where(cc > 0, cc, 1.0), 0.0)
    finite = ratio[np.isfinite(ratio)]
    upper = float(min(finite.max(), 1e300)) + 1.0 if finite.size else 1.0
    lam = np.zeros(k_dim)
    cuts_g: list[FloatArray] = []
    cuts_r: list[float] = []
    best_val, best_lam, best_sel = math.inf, lam, np.zeros(0, np.int64)
    for _ in range(max_iter):
        val, grad, sel = evaluate(lam)
        if val < best_val:
            best_val, best_lam, best_sel = val, lam, sel
        # Cut: t >= val + grad·(λ' − λ)  ->  grad·λ' − t <= grad·λ − val
        cuts_g.append(grad)
        cuts_r.append(float(grad @ lam - val))
        a_ub = np.hstack([np.array(cuts_g), -np.ones((len(cuts_g), 1))])
        res = linprog(
            np.append(np.zeros(k_dim), 1.0),
            A_ub=a_ub,
            b_ub=np.array(cuts_r),
            bounds=[(0.0, upper)] * k_dim + [(None, None)],
            method="highs",
        )
        if res.status != 0 or res.x is None:
            break
        model_min = float(res.x[-1])
        lam = np.asarray(res.x[:k_dim], dtype=np.float64)
        if best_val - model_min <= rel_tol * max(1.0, abs(best_val)):
            break
    del best_lam
    chosen = order[best_sel]
    sel, _ = _repair(chosen, u, y, c, b, bud, total)
    spend = _spend(y, c, sel, bud)
    room = {yr: bud[yr] - spend[yr] for yr in bud}
    rest_total = None if total is None else total - math.fsum(c[sel].tolist())
    free = idx[~np.isin(u[idx], u[sel])]
    if free.size:  # only what still fits the money left
        left = np.array([room[int(v)] for v in y[free]], dtype=np.float64)
        free = free[c[free] <= left + 1e-9 * np.maximum(1.0, np.abs(left))]
    if free.size:
        sel = np.concatenate([sel, _ibc(free, u, y, c, b, room, rest_total)])
    return np.sort(sel), best_val


def _milp(
    idx: IntArray,
    u: IntArray,
    y: IntArray,
    c: FloatArray,
    b: FloatArray,
    bud: dict[int, float],
    total: float | None,
    gap: float,
    time_limit_s: float | None,
    started: float,
) -> Solution:
    """Branch and bound with HiGHS, preceded (when ``gap`` > 0) by the LP bound computed by
    Lagrangian relaxation and a rounded selection (:func:`_lagrange_round`): on large
    networks that bound already proves the selection within the gap (a multiple-choice
    knapsack with a few budget rows has at most a handful of fractional LP variables), and
    HiGHS's simplex on the full LP, cut and sub-MIP rounds, which dominate its run time, are
    skipped. Otherwise the better of the two selections and the tighter bound are kept."""
    bb = b[idx]
    scale = float(bb.max())
    rounded: tuple[IntArray, float] | None = None
    # Exact runs on larger problems get it too: a bound and a fallback if time runs out.
    if gap > 0 or idx.size > LAGRANGE_MIN_CANDIDATES:
        rounded = _lagrange_round(idx, u, y, c, b, bud, total)
        if rounded is not None:
            r_sel, r_bound = rounded
            r_objective = math.fsum(b[r_sel].tolist())
            r_bound = max(r_bound, r_objective)
            r_gap = (r_bound - r_objective) / abs(r_bound) if r_bound else 0.0
            if r_gap <= gap:
                return _solution(
                    "optimal",
                    r_sel,
                    b,
                    y,
                    c,
                    bud,
                    "milp",
                    started,
                    bound=r_bound,
                    gap=r_gap,
                    message="the LP (Lagrangian) bound proves the rounded selection within the gap",
                )
    a, lb, ub = _constraint_matrix(idx, u, y, c, bud, total)
    left = None
    if time_limit_s is not None:
        left = max(1.0, float(time_limit_s - (time.perf_counter() - started)))
    try:
        res = highs.binary_milp(-bb / scale, a, lb, ub, mip_rel_gap=gap, time_limit_s=left)
    except Exception as exc:  # HiGHS must never escape as an exception
        res = None
        error = str(exc)
    else:
        error = ""
    if res is None or res.x is None:
        if rounded is not None:
            kept, kept_bound = rounded
            kept_objective = math.fsum(b[kept].tolist())
            return _solution(
                "time_limit",
                kept,
                b,
                y,
                c,
                bud,
                "milp",
                started,
                bound=kept_bound,
                gap=(kept_bound - kept_objective) / abs(kept_bound) if kept_bound else 0.0,
                message="branch and bound found no better selection; LP rounding kept",
            )
        if res is None:
            return _solution(
                "error", np.zeros(0, np.int64), b, y, c, bud, "milp", started, message=error
            )
        status = {2: "infeasible", 1: "no_solution"}.get(res.status, "error")
        return _solution(
            status, np.zeros(0, np.int64), b, y, c, bud, "milp", started, message=str(res.message)
        )
    sel = idx[res.x > 0.5]
    sel, repaired = _repair(sel, u, y, c, b, bud, total)
    objective = math.fsum(b[sel].tolist())
    bound = -res.dual_bound * scale if res.dual_bound is not None else None
    status = "optimal" if res.status == 0 and not repaired else "time_limit"
    message = str(res.message) + (
        " (selection repaired to respect the budgets)" if repaired else ""
    )
    if rounded is not None:
        bound = rounded[1] if bound is None else min(bound, rounded[1])
        r_obj = math.fsum(b[rounded[0]].tolist())
        if r_obj > objective:
            sel, objective = rounded[0], r_obj
    if bound is not None:
        bound = max(bound, objective)
        gap_value: float | None = (bound - objective) / abs(bound) if bound != 0 else 0.0
    else:
        gap_value = None
    return _solution(
        status, sel, b, y, c, bud, "milp", started, bound=bound, gap=gap_value, message=message
    )


def _repair(
    sel: IntArray,
    u: IntArray,
    y: IntArray,
    c: FloatArray,
    b: FloatArray,
    bud: dict[int, float],
    total: float | None,
) -> tuple[IntArray, bool]:
    """Enforce the constraints exactly on a selection (HiGHS accepts rows within its
    feasibility tolerance; a Lagrangian choice may overspend): keep one candidate per unit,
    then drop the lowest benefit/cost candidates of an overspent year (and of the total)
    until it fits. Returns (selection, whether anything was dropped)."""
    sel = np.sort(np.asarray(sel, dtype=np.int64))
    keep = np.zeros(sel.size, dtype=bool)
    keep[np.unique(u[sel], return_index=True)[1]] = True
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(c[sel] > 0, b[sel] / np.where(c[sel] > 0, c[sel], 1.0), np.inf)

    def trim(mask: npt.NDArray[np.bool_], limit: float) -> None:
        """Drop the lowest-ratio members of ``mask`` until their cost fits ``limit``."""
        members = np.flatnonzero(mask)
        if math.fsum(c[sel[members]].tolist()) <= limit + _tol(limit):
            return
        members = members[np.argsort(ratio[members], kind="stable")]
        costs = c[sel[members]]
        # After dropping the first k members the spend is total - cumsum[k-1].
        remaining = costs.sum() - np.cumsum(costs)
        k = int(np.searchsorted(-remaining, -(limit + _tol(limit)))) + 1
        k = min(k, members.size)
        # Exact check (and step on) with fsum around the estimate.
        while k < members.size and math.fsum(costs[k:].tolist()) > limit + _tol(limit):
            k += 1
        keep[members[:k]] = False

    for yr, limit in bud.items():
        trim((y[sel] == yr) & keep, limit)
    if total is not None:
        trim(keep.copy(), total)
    return sel[keep], bool((~keep).any())


# --------------------------------------------------------------------------- baselines


def _hull(
    costs: FloatArray, benefits: FloatArray, members: IntArray
) -> list[tuple[float, float, int]]:
    """Upper convex hull (efficiency frontier) of one unit's options, from (0, 0, −1)."""
    order = np.lexsort((-benefits, costs))
    hull: list[tuple[float, float, int]] = [(0.0, 0.0, -1)]
    for k in order:
        pc, pb, pi = float(costs[k]), float(benefits[k]), int(members[k])
        if pb <= hull[-1][1]:
            continue
        if pc <= hull[-1][0]:
            hull.pop()
            while hull and pb <= hull[-1][1]:  # pragma: no cover - defensive
                hull.pop()
            if not hull:
                hull.append((0.0, 0.0, -1))
        while len(hull) >= 2:
            (c0, b0, _), (c1, b1, _) = hull[-2], hull[-1]
            # Pop the middle point if it lies on or below the chord (non-concave turn).
            if (b1 - b0) * (pc - c1) <= (pb - b1) * (c1 - c0):
                hull.pop()
            else:
                break
        hull.append((pc, pb, pi))
    return hull


def _ibc(
    idx: IntArray,
    u: IntArray,
    y: IntArray,
    c: FloatArray,
    b: FloatArray,
    bud: dict[int, float],
    total: float | None,
) -> IntArray:
    """Incremental benefit-cost over per-unit efficiency frontiers.

    Each unit starts at "do nothing"; its frontier is the upper convex hull of its options.
    The network-wide increment with the highest Δbenefit/Δcost is applied when it fits the
    budgets. When it does not fit, the unit's frontier is rebuilt from its current option
    over the options that still fit (so a unit whose best year is full can move to a later
    year, as dTIMS-style multi-year IBC does) and the next increment is queued."""
    order = idx[np.argsort(u[idx], kind="stable")]
    units, starts = np.unique(u[order], return_index=True)
    bounds = np.append(starts, order.size)
    members = [order[bounds[h] : bounds[h + 1]] for h in range(units.size)]
    hulls: list[list[tuple[float, float, int]]] = []
    heap: list[tuple[float, float, int, int, int]] = []
    version = [0] * units.size
    years = sorted(bud)
    ypos = np.searchsorted(np.array(years, dtype=np.int64), y)  # year position, every candidate
    limit = np.array([bud[yr] + _tol(bud[yr]) for yr in years], dtype=np.float64)
    spend = np.zeros(len(years))
    spent = [0.0]

    def push(h: int) -> None:
        hull = hulls[h]
        if len(hull) < 2:
            return
        dc = hull[1][0] - hull[0][0]
        db = hull[1][1] - hull[0][1]
        ratio = math.inf if dc <= 0 else db / dc
        # Ties: larger benefit increment first.
        heapq.heappush(heap, (-ratio, -db, h, version[h], 1))

    def fits(k: int, current: int) -> npt.NDArray[np.bool_]:
        """Which of unit h's options ``k`` (array) fit if they replaced ``current``."""
        ks = members[k]
        old_c = c[current] if current >= 0 else 0.0
        old_y = int(y[current]) if current >= 0 else None
        yy = y[ks]
        room = limit[ypos[ks]] - spend[ypos[ks]]
        same = yy == old_y if old_y is not None else np.zeros(ks.size, dtype=bool)
        ok = c[ks] - np.where(same, old_c, 0.0) <= room
        if total is not None:
            ok &= spent[0] + c[ks] - old_c <= total + _tol(total)
        return np.asarray(ok, dtype=bool)

    def frontier(h: int, current: int, only_fitting: bool) -> list[tuple[float, float, int]]:
        ks = members[h]
        c0 = float(c[current]) if current >= 0 else 0.0
        b0 = float(b[current]) if current >= 0 else 0.0
        mask = b[ks] > b0
        if only_fitting:
            mask &= fits(h, current)
        cand = ks[mask]
        if cand.size == 0:
            return [(c0, b0, current)]
        cheaper = cand[c[cand] <= c0]
        if cheaper.size:  # a better option at no extra cost: take it first
            best = int(cheaper[np.argmax(b[cheaper])])
            return [(c0, b0, current), (float(c[best]), float(b[best]), best)]
        hull = _hull(c[cand] - c0, b[cand] - b0, cand)
        return [(c0, b0, current)] + [(pc + c0, pb + b0, pi) for pc, pb, pi in hull[1:]]

    for h in range(units.size):
        hulls.append(frontier(h, -1, False))
        push(h)
    cur = [-1] * units.size
    while heap:
        _, _, h, ver, _ = heapq.heappop(heap)
        if ver != version[h]:
            continue
        old = hulls[h][0]
        new = hulls[h][1]
        new_i = new[2]
        if fits(h, cur[h])[np.flatnonzero(members[h] == new_i)[0]]:
            if cur[h] >= 0:
                spend[ypos[cur[h]]] -= old[0]
            spend[ypos[new_i]] += new[0]
            spent[0] += new[0] - old[0]
            cur[h] = new_i
            hulls[h] = hulls[h][1:]
        else:
            hulls[h] = frontier(h, cur[h], True)
        version[h] += 1
        push(h)
    return np.array([k for k in cur if k >= 0], dtype=np.int64)


def _worst_first(
    idx: IntArray,
    u: IntArray,
    y: IntArray,
    c: FloatArray,
    b: FloatArray,
    bud: dict[int, float],
    total: float | None,
    priority: FloatArray,
) -> IntArray:
    # Year, then priority (worst first), then cheapest, then largest benefit.
    order = idx[np.lexsort((-b[idx], c[idx], priority[idx], y[idx]))]
    treated: set[int] = set()
    spend = dict.fromkeys(bud, 0.0)
    spent_total = 0.0
    chosen: list[int] = []
    for k in order.tolist():
        unit = int(u[k])
        if unit in treated:
            continue
        yr = int(y[k])
        cost = float(c[k])
        if spend[yr] + cost > bud[yr] + _tol(bud[yr]):
            continue
        if total is not None and spent_total + cost > total + _tol(total):
            continue
        spend[yr] += cost
        spent_total += cost
        treated.add(unit)
        chosen.append(k)
    return np.array(chosen, dtype=np.int64)


# --------------------------------------------------------------------------- minimum cost


def min_cost_to_target(
    unit: npt.ArrayLike,
    year: npt.ArrayLike,
    cost: npt.ArrayLike,
    gain: npt.ArrayLike,
    baseline: npt.ArrayLike,
    required: npt.ArrayLike,
    *,
    budgets: Mapping[Any, float] | None = None,
    total_budget: float | None = None,
    mip_rel_gap: float = 0.005,
    time_limit_s: float | None = None,
) -> Solution:
    """Cheapest selection (at most one candidate per unit) so that a network measure reaches
    a required level in every checked period.

    ``gain`` is an (n_candidates, T) array: what each candidate adds to the measure in each
    period t (e.g. metres of road moved to PQI ≥ 80 at the end of year t); ``baseline`` (T,)
    the measure without any treatment; ``required`` (T,) the level to reach (NaN: period not
    checked). Constraint per checked t: baseline[t] + Σ_c gain[c, t] · x_c ≥ required[t];
    optional ``budgets`` / ``total_budget`` cap spending as in :func:`solve`. Objective =
    total cost. Status ``infeasible`` when no selection reaches the target.
    :meth:`zhiyang.analytics.lifecycle.Candidates.target` builds these arrays for 优良率.
    """
    from scipy.sparse import coo_array, csr_array, vstack

    started = time.perf_counter()
    u, y, c, _ = _check(unit, year, cost, None)
    g = np.asarray(gain, dtype=np.float64)
    base = np.atleast_1d(np.asarray(baseline, dtype=np.float64))
    req = np.atleast_1d(np.asarray(required, dtype=np.float64))
    if g.ndim == 1:
        g = g[:, None]
    if g.ndim != 2 or g.shape[0] != len(u):
        raise OptimizeInputError("gain", "must be an (n_candidates, periods) array")
    if base.shape != (g.shape[1],) or req.shape != (g.shape[1],):
        raise OptimizeInputError("required", "baseline and required need one value per period")
    if not np.all(np.isfinite(g)) or not np.all(np.isfinite(base)):
        raise OptimizeInputError("gain", "must be finite numbers")
    bud = _budgets(budgets, y) if budgets is not None else {}
    total = _total(total_budget)
    reason = _empty_infeasible(bud, total)
    if reason:
        return _solution(
            "infeasible", np.zeros(0, np.int64), c, y, c, bud, "milp", started, message=reason
        )
    checked = np.flatnonzero(np.isfinite(req))
    short = req[checked] - base[checked]
    need = checked[short > 1e-9 * np.maximum(1.0, np.abs(req[checked]))]
    if need.size == 0:
        return _solution(
            "optimal",
            np.zeros(0, np.int64),
            c,
            y,
            c,
            bud,
            "milp",
            started,
            bound=0.0,
            gap=0.0,
            message="target already met",
        )
    useful = np.any(g[:, need] > 0, axis=1)
    if bud:
        limit = np.array([bud.get(int(v), math.inf) for v in y])
        useful &= c <= limit + 1e-9 * np.maximum(1.0, np.abs(limit))
    if total is not None:
        useful &= c <= total + _tol(total)
    idx = np.flatnonzero(useful)
    if idx.size == 0 or not _maybe_reachable(idx, u, g, need, req - base):
        # Even the best candidate of every unit cannot close the shortfall.
        return _solution(
            "infeasible",
            np.zeros(0, np.int64),
            c,
            y,
            c,
            bud,
            "milp",
            started,
            message="the target cannot be reached with these candidates",
        )
    a_cap, lb_cap, ub_cap = _constraint_matrix(idx, u, y, c, bud, total)
    gg = g[idx][:, need]
    scale_rows = np.maximum(np.abs(req[need] - base[need]), 1e-12)
    target_rows = csr_array(coo_array((gg / scale_rows).T))
    blocks = [target_rows]
    lbs = [(req[need] - base[need]) / scale_rows]
    ubs = [np.full(need.size, np.inf)]
    if a_cap is not None:
        blocks.append(a_cap)
        lbs.append(lb_cap)
        ubs.append(ub_cap)
    a = vstack(blocks, format="csr")
    cc = c[idx]
    scale = float(cc.max()) if cc.size and cc.max() > 0 else 1.0
    try:
        res = highs.binary_milp(
            cc / scale,
            a,
            np.concatenate(lbs),
            np.concatenate(ubs),
            mip_rel_gap=mip_rel_gap,
            time_limit_s=time_limit_s,
        )
    except Exception as exc:
        return _solution(
            "error", np.zeros(0, np.int64), c, y, c, bud, "milp", started, message=str(exc)
        )
    if res.x is None:
        status = {2: "infeasible", 1: "no_solution"}.get(res.status, "error")
        return _solution(
            status, np.zeros(0, np.int64), c, y, c, bud, "milp", started, message=str(res.message)
        )
    sel = idx[res.x > 0.5]
    objective = math.fsum(c[sel].tolist())
    bound = res.dual_bound * scale if res.dual_bound is not None else None
    gap_value = None
    if bound is not None:
        bound = min(bound, objective)
        gap_value = (objective - bound) / abs(objective) if objective != 0 else 0.0
    status = "optimal" if res.status == 0 else "time_limit"
    achieved = base + g[sel].sum(axis=0)
    return _solution(
        status,
        sel,
        c,
        y,
        c,
        bud,
        "milp",
        started,
        bound=bound,
        gap=gap_value,
        message=str(res.message),
        extra={"achieved": achieved.tolist()},
    )


def _maybe_reachable(
    idx: IntArray, u: IntArray, g: FloatArray, need: IntArray, short: FloatArray
) -> bool:
    """Upper bound on what one candidate per unit can add (best per unit and period)."""
    best = np.zeros((int(u.max()) + 1, need.size))
    np.maximum.at(best, u[idx], np.clip(g[idx][:, need], 0, None))
    return bool(np.all(best.sum(axis=0) >= short[need] - 1e-9))
