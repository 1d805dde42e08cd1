"""Binary MILPs with HiGHS through highspy, silent without touching the process's stdout.

Why highspy and not ``scipy.optimize.milp``: the HiGHS bundled with scipy prints a
diagnostic line with C ``printf`` ("HighsMipSolverData::transformNewIntegerFeasibleSolution
tmpSolver.run();") whatever ``disp`` says, onto file descriptor 1, i.e. into the middle of a
command's JSON output. Silencing it took pointing descriptor 1 at stderr for the whole
process while a solver ran (every thread's output went with it). HiGHS 1.15 (highspy) no
longer has that ``printf``; everything else it says goes through its logger, switched off
here with ``output_flag`` and ``log_to_console``.

Statuses follow ``scipy.optimize.milp`` (0 optimal, 1 a limit reached, 2 infeasible,
3 unbounded, 4 anything else), so callers read the result the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class MilpResult:
    """``x`` is None when HiGHS has no feasible point; ``dual_bound`` is the objective bound
    of the minimisation (None when unknown)."""

    status: int
    x: FloatArray | None
    dual_bound: float | None
    message: str


def binary_milp(
    cost: FloatArray,
    matrix: Any,
    row_lower: FloatArray,
    row_upper: FloatArray,
    *,
    mip_rel_gap: float,
    time_limit_s: float | None = None,
) -> MilpResult:
    """Minimise ``cost · x`` over x ∈ {0, 1}ⁿ subject to ``row_lower ≤ matrix · x ≤
    row_upper`` (``matrix`` a scipy sparse array or None for no rows; ±inf for no bound)."""
    import highspy
    from scipy.sparse import csr_array

    n = int(cost.size)
    highs = highspy.Highs()  # type: ignore[no-untyped-call]
    for name, value in (
        ("output_flag", False),
        ("log_to_console", False),
        ("mip_rel_gap", float(mip_rel_gap)),
        ("presolve", "on"),
    ):
        highs.setOptionValue(name, value)
    if time_limit_s is not None:
        highs.setOptionValue("time_limit", float(time_limit_s))
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.col_cost_ = np.asarray(cost, dtype=np.float64)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.ones(n)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    if matrix is not None and matrix.shape[0]:
        rows = csr_array(matrix)
        inf = highspy.kHighsInf
        lp.num_row_ = int(rows.shape[0])
        lp.row_lower_ = np.clip(np.asarray(row_lower, dtype=np.float64), -inf, inf)
        lp.row_upper_ = np.clip(np.asarray(row_upper, dtype=np.float64), -inf, inf)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.num_col_ = n
        lp.a_matrix_.num_row_ = lp.num_row_
        lp.a_matrix_.start_ = rows.indptr.astype(np.int32)
        lp.a_matrix_.index_ = rows.indices.astype(np.int32)
        lp.a_matrix_.value_ = rows.data.astype(np.float64)
    highs.passModel(lp)
    highs.run()
    model_status = highs.getModelStatus()
    info = highs.getInfo()
    statuses = highspy.HighsModelStatus
    code = {
        statuses.kOptimal: 0,
        statuses.kTimeLimit: 1,
        statuses.kIterationLimit: 1,
        statuses.kSolutionLimit: 1,
        statuses.kInterrupt: 1,
        statuses.kInfeasible: 2,
        statuses.kUnbounded: 3,
        statuses.kUnboundedOrInfeasible: 2,
    }.get(model_status, 4)
    feasible = info.primal_solution_status == highspy.kSolutionStatusFeasible
    x = np.asarray(highs.getSolution().col_value, dtype=np.float64) if feasible else None
    bound = float(info.mip_dual_bound)
    return MilpResult(
        status=code,
        x=x if x is not None and x.size == n else None,
        dual_bound=bound if np.isfinite(bound) and abs(bound) < highspy.kHighsInf else None,
        message=highs.modelStatusToString(model_status),
    )
