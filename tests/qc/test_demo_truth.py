"""The demo's QC report against the simulator's truth: the passes the rollers really made
(no runaway counts from rollers standing behind a stopped paver) and the lane the final
roller skips on purpose."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import shapely

from zhiyang.core.actors import SYSTEM
from zhiyang.qc import services
from zhiyang.telemetry import demo as telemetry_demo
from zhiyang.telemetry import truth
from zhiyang.telemetry.management.commands.simulate import paving_train, shift_config
from zhiyang.telemetry.simulator import Shift
from zhiyang.works.models import Project


@pytest.fixture
def demo(shared_demo: Any) -> tuple[Project, Any]:
    """The session's demo (tests/shared_demo.py) with this test's copy of the shift's lake."""
    project = Project.objects.get(code="DEMO-G109-2026")
    day = next(d for p, d in services.project_days(Project.objects.all()) if p.pk == project.pk)
    return project, day


def test_demo_report_shows_the_simulated_passes(demo: tuple[Project, Any]) -> None:
    project, day = demo
    report = services.build_report(project, day)
    c = report.summary["compaction"]
    cell = c["cell_size_m"]
    counts = report.pass_counts
    assert counts is not None
    # The same shift again (its geometry does not depend on the start time).
    train = paving_train(project, actor=SYSTEM, create=False)
    shift = Shift(
        shift_config(
            train,
            duration_s=telemetry_demo.DURATION_S,
            faults=telemetry_demo.FAULTS,
            seed=telemetry_demo.SEED,
        )
    )
    true = truth.true_pass_counts(truth.roller_passes(shift), cell)
    ix0, iy0 = round(c["origin_e"] / cell), round(c["origin_n"] / cell)
    iy, ix = np.nonzero(counts)
    engine = counts[iy, ix]
    # Over the cells the QC report covers (it leaves out samples off the day's mat).
    t = true.at(ix + ix0, iy + iy0)
    diff = np.abs(engine - t)
    assert (diff <= 1).mean() >= 0.95
    assert c["max_passes"] <= int(true.counts.max()) + 1
    assert c["max_passes"] < 20  # not the 48 of jitter counted as passes
    # Coverage at the target over the same cells (the report's area).
    pct_true = 100.0 * float((t >= report.summary["target_passes"]).mean())
    assert abs(c["pct_area_at_target"] - pct_true) <= 2.0
    # The skipped lane: inside it (20 cm from its edges), the final roller's passes are missing
    # in the truth and in the report alike.
    missed = shift.plan.missed_coverage
    assert missed
    gx, gy = np.meshgrid(np.arange(counts.shape[1]) + ix0, np.arange(counts.shape[0]) + iy0)

    def area(shift_m: float) -> np.ndarray:
        inside = np.zeros(counts.shape, dtype=bool)
        for c0, c1, o0, o1 in missed:
            lo, hi = o0 + 0.2 + shift_m, o1 - 0.2 + shift_m
            ring = np.r_[
                shift.xy(np.linspace(c0 + 1, c1 - 1, 20), np.full(20, lo))[0],
                shift.xy(np.linspace(c1 - 1, c0 + 1, 20), np.full(20, hi))[0],
            ]
            poly = shapely.Polygon(ring)
            inside |= shapely.contains_xy(poly, (gx + 0.5) * cell, (gy + 0.5) * cell)
        return inside

    lane = area(0.0)
    assert lane.sum() > 50
    lane_true = true.at(gx[lane], gy[lane])
    assert (np.abs(counts[lane] - lane_true) <= 1).mean() >= 0.95
    # The report's counts there are the truth's, which lack the final roller's passes: its
    # own true passes leave the lane alone.
    assert abs(counts[lane].mean() - lane_true.mean()) <= 0.5
    final = [p for p in truth.roller_passes(shift) if p.device == "SIM-SR-02"]
    by_final = truth.true_pass_counts(final, cell).at(gx[lane], gy[lane])
    assert (by_final == 0).mean() >= 0.95
