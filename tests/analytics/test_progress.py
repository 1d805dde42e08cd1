"""Earned value kernel: golden values computed by hand, and properties of the curves."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhiyang.analytics import progress as p

# Two work orders, every day a working day:
#   A  2026-03-02..03-06 (5 days), 100 m² × 10 yuan = 1000 yuan
#   B  2026-03-04..03-13 (10 days), 50 t × 40 yuan = 2000 yuan       BAC = 3000
# Reported up to 03-05: A 30 (cost 280) + 20 (cost 210) + 20 (no cost); B 5 (cost 220).
# At 03-05: PV = 4/5·1000 + 2/10·2000 = 1200; EV = 70·10 + 5·40 = 900;
# EV with cost = 1000·0.7·50/70 + 200 = 700; AC = 710.
SCHEDULE = p.Schedule.build(
    planned_start=["2026-03-02", "2026-03-04"],
    planned_end=["2026-03-06", "2026-03-13"],
    planned_quantity=[100, 50],
    unit_cost_yuan=[10, 40],
)
QUANTITIES = p.Quantities.build(
    work_order=[0, 0, 0, 1, 1],
    date=["2026-03-02", "2026-03-03", "2026-03-05", "2026-03-05", "2026-03-06"],
    quantity=[30, 20, 20, 5, 10],
    cost_yuan=[280, 210, np.nan, 220, np.nan],
)


def figures_at(day: str) -> p.Metrics:
    axis = p.date_axis("2026-03-01", day)
    return p.metrics(p.curves(SCHEDULE, QUANTITIES, axis))


def test_golden_values_at_status_date():
    m = figures_at("2026-03-05")
    assert m.bac_yuan == pytest.approx(3000)
    assert m.pv_yuan == pytest.approx(1200)
    assert m.ev_yuan == pytest.approx(900)
    assert m.ev_costed_yuan == pytest.approx(700)
    assert m.ac_yuan == pytest.approx(710)
    assert m.sv_yuan == pytest.approx(-300)
    assert m.cv_yuan == pytest.approx(-10)
    assert m.spi == pytest.approx(0.75)
    assert m.cpi == pytest.approx(700 / 710)
    assert m.eac_yuan == pytest.approx(3000 * 710 / 700)
    assert m.planned_percent == pytest.approx(40)
    assert m.percent_complete == pytest.approx(30)


def test_work_orders_behind_and_overdue():
    axis = p.date_axis("2026-03-01", "2026-03-14")
    series = p.curves(SCHEDULE, QUANTITIES, axis)
    on_5th = p.work_order_status(SCHEDULE, series, status_date="2026-03-05")
    assert on_5th.planned_percent.tolist() == pytest.approx([80, 20])
    assert on_5th.percent_complete.tolist() == pytest.approx([70, 10])
    assert on_5th.spi.tolist() == pytest.approx([0.875, 0.5])
    assert on_5th.overdue.tolist() == [False, False]
    assert on_5th.slow.tolist() == [True, True]
    on_7th = p.work_order_status(SCHEDULE, series, status_date="2026-03-07")
    assert on_7th.overdue.tolist() == [True, False]  # A ended on the 6th at 70 %
    closed = p.work_order_status(SCHEDULE, series, status_date="2026-03-07", completed=[1, 0])
    assert closed.overdue.tolist() == [False, False]
    lenient = p.Thresholds(spi_alert=0.5, overdue_grace_days=2)
    relaxed = p.work_order_status(SCHEDULE, series, status_date="2026-03-07", thresholds=lenient)
    assert relaxed.behind.tolist() == [False, False]


def test_project_flags():
    axis = p.date_axis("2026-03-01", "2026-03-05")
    series = p.curves(SCHEDULE, QUANTITIES, axis)
    m = p.metrics(series)
    orders = p.work_order_status(SCHEDULE, series, status_date="2026-03-05")
    assert p.project_behind(m, orders)
    assert not p.project_behind(m, orders, p.Thresholds(spi_alert=0.7))
    assert not p.over_budget(m)  # CPI 0.986
    assert p.over_budget(m, p.Thresholds(cpi_alert=0.99))


def test_nothing_planned_yet_is_not_judged():
    axis = p.date_axis("2026-02-20", "2026-03-01")
    series = p.curves(SCHEDULE, p.Quantities.empty(), axis)
    m = p.metrics(series)
    assert m.pv_yuan == 0 and math.isnan(m.spi) and math.isnan(m.cpi)
    orders = p.work_order_status(SCHEDULE, series, status_date="2026-03-01")
    assert not orders.behind.any()
    assert not p.project_behind(m, orders)


def test_planned_value_spread_over_working_days():
    # Friday 2026-03-06 .. Tuesday 03-10 on a Monday-Friday week: Fri, Mon, Tue.
    schedule = p.Schedule.build(
        planned_start=["2026-03-06"],
        planned_end=["2026-03-10"],
        planned_quantity=[3],
        unit_cost_yuan=[100],
    )
    axis = p.date_axis("2026-03-05", "2026-03-11")
    fraction = p.planned_fraction(schedule, axis, weekmask="1111100")[0]
    assert fraction.tolist() == pytest.approx([0, 1 / 3, 1 / 3, 1 / 3, 2 / 3, 1, 1])
    # Planned only on a weekend: spread over its calendar days.
    weekend = p.Schedule.build(
        planned_start=["2026-03-07"],
        planned_end=["2026-03-08"],
        planned_quantity=[1],
        unit_cost_yuan=[1],
    )
    assert p.planned_fraction(weekend, axis, weekmask="1111100")[0].tolist() == pytest.approx(
        [0, 0, 0.5, 1, 1, 1, 1]
    )


def test_weekly_axis_ends_on_sundays():
    axis = p.date_axis("2026-03-04", "2026-03-20", step="week")
    assert [str(d) for d in axis] == ["2026-03-08", "2026-03-15", "2026-03-22"]
    series = p.curves(SCHEDULE, QUANTITIES, axis)
    assert series.ev_yuan[0] == pytest.approx(700 + 15 * 40)


def test_no_unit_costs_weights_work_orders_equally():
    schedule = p.Schedule.build(
        planned_start=["2026-03-02", "2026-03-02"],
        planned_end=["2026-03-03", "2026-03-03"],
        planned_quantity=[10, 1000],
        unit_cost_yuan=[0, 0],
    )
    quantities = p.Quantities.build(work_order=[0], date=["2026-03-02"], quantity=[10])
    m = p.metrics(p.curves(schedule, quantities, p.date_axis("2026-03-02", "2026-03-02")))
    assert m.bac_yuan == 0 and m.ev_yuan == 0
    assert m.planned_percent == pytest.approx(50)
    assert m.percent_complete == pytest.approx(50)
    assert m.spi == pytest.approx(1.0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"planned_end": ["2026-03-01"]},
        {"planned_quantity": [-1]},
        {"unit_cost_yuan": [float("nan")]},
        {"planned_start": ["not a date"]},
        {"planned_quantity": [1, 2]},
    ],
)
def test_bad_schedules_are_refused(kwargs):
    values = {
        "planned_start": ["2026-03-02"],
        "planned_end": ["2026-03-03"],
        "planned_quantity": [1],
        "unit_cost_yuan": [1],
    }
    values.update(kwargs)
    with pytest.raises(ValueError):
        p.Schedule.build(**values)


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError):
        p.date_axis("2026-03-02", "2026-03-01")
    with pytest.raises(ValueError):
        p.date_axis("2026-03-01", "2026-03-02", step="month")
    with pytest.raises(ValueError):
        p.curves(SCHEDULE, QUANTITIES, ["2026-03-02", "2026-03-01"])
    stray = p.Quantities.build(work_order=[5], date=["2026-03-02"], quantity=[1])
    with pytest.raises(ValueError):
        p.curves(SCHEDULE, stray, p.date_axis("2026-03-01", "2026-03-02"))


def test_thresholds_from_data_file_and_overrides():
    assert p.load_thresholds() == p.Thresholds()
    changed = p.load_thresholds({"alerts": {"spi_alert": 0.8}, "calendar": {"weekmask": "1111100"}})
    assert changed.spi_alert == 0.8 and changed.weekmask == "1111100"
    for bad in (
        {"alerts": {"spi_alert": 0}},
        {"alerts": {"min_planned_fraction": 1.5}},
        {"alerts": {"overdue_grace_days": 1.5}},
        {"calendar": {"weekmask": "0000000"}},
        {"calendar": {"weekmask": "11111"}},
    ):
        with pytest.raises(ValueError):
            p.load_thresholds(bad)


day = st.integers(min_value=0, max_value=60)


@st.composite
def plans(draw):
    n = draw(st.integers(min_value=1, max_value=5))
    base = np.datetime64("2026-03-01")
    starts, ends = [], []
    for _ in range(n):
        a, b = sorted((draw(day), draw(day)))
        starts.append(base + a)
        ends.append(base + b)
    quantity = draw(st.lists(st.floats(0, 1e4), min_size=n, max_size=n))
    cost = draw(st.lists(st.floats(0, 1e3), min_size=n, max_size=n))
    schedule = p.Schedule.build(
        planned_start=starts, planned_end=ends, planned_quantity=quantity, unit_cost_yuan=cost
    )
    m = draw(st.integers(min_value=0, max_value=20))
    reports = p.Quantities.build(
        work_order=draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m)),
        date=[base + d for d in draw(st.lists(day, min_size=m, max_size=m))],
        quantity=draw(st.lists(st.floats(0, 2e4), min_size=m, max_size=m)),
        cost_yuan=draw(st.lists(st.floats(0, 1e5) | st.just(np.nan), min_size=m, max_size=m)),
    )
    weekmask = draw(st.sampled_from(["1111111", "1111100", "0000011"]))
    return schedule, reports, weekmask


@settings(max_examples=150, deadline=None)
@given(plans())
def test_curve_properties(plan):
    schedule, reports, weekmask = plan
    axis = p.date_axis("2026-02-25", "2026-05-05")
    series = p.curves(schedule, reports, axis, weekmask=weekmask)
    bac = schedule.budget_yuan.sum()
    tolerance = 1e-9 * max(bac, 1.0)
    # S-curves never go down.
    for values in (series.pv_yuan, series.ev_yuan, series.ac_yuan, series.planned_percent):
        assert (np.diff(values) >= -tolerance).all()
    assert (np.diff(series.earned_percent) >= -1e-9).all()
    # EV never exceeds BAC, nor the costed EV the EV; the plan ends at BAC.
    assert (series.ev_yuan <= bac + tolerance).all()
    assert (series.ev_costed_yuan <= series.ev_yuan + tolerance).all()
    assert series.pv_yuan[-1] == pytest.approx(bac, abs=tolerance)
    if series.planned_percent.any():
        assert series.planned_percent[-1] == pytest.approx(100)
    assert ((series.earned_percent >= 0) & (series.earned_percent <= 100 + 1e-9)).all()
