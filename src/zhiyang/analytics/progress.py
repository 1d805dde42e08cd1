"""Progress of maintenance works by earned value (EVM): PV, EV, AC, SPI, CPI and S-curves.

Definitions (PMI, *Practice Standard for Earned Value Management*, 2nd ed., 2011; PMBOK
Guide 6th ed. §7.4.2.2):

- budget at completion of a work order ``BAC_i = planned_quantity_i × unit_cost_i`` (yuan);
- planned value ``PV_i(d)``: the part of ``BAC_i`` scheduled to be done by the end of day
  ``d``. Spread **linearly by working day**: every working day (``weekmask``, ``holidays`` as
  in :func:`numpy.busday_count`) from the planned start to the planned end (both inclusive)
  carries the same share; a work order planned only on non-working days is spread over its
  calendar days instead;
- earned value ``EV_i(d) = min(Q_i(d), planned_quantity_i) × unit_cost_i`` with ``Q_i(d)``
  the quantity reported up to and including day ``d`` (never more than the budget);
- actual cost ``AC(d)``: the reported costs up to day ``d``. Costs are optional on a report,
  so the cost indices compare AC with the earned value of the quantities that carry a cost
  (``EV_costed``; equal to EV when every quantity has one);
- ``SV = EV − PV``, ``SPI = EV / PV``, ``CV = EV_costed − AC``, ``CPI = EV_costed / AC``,
  ``EAC = BAC / CPI`` (the "typical" estimate: the cost efficiency so far continues).

Percent complete of a work order is by quantity, ``min(Q_i / planned_quantity_i, 1)``; of a
project, ``EV / BAC`` (the budget weights the work orders, whose units differ); without any
unit cost every work order weighs the same. The same weighting gives the planned and earned
percent curves used when a plan has no costs.

Everything is arrays in, arrays out: work orders are rows ``i`` of a :class:`Schedule`,
reported quantities rows of :class:`Quantities`, the date axis ``t`` a ``datetime64[D]``
array. Pure numpy; the alert thresholds come from ``standards/progress_alerts.toml``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from zhiyang.analytics import parameters

STANDARD_FILE = "progress_alerts.toml"

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
DateArray = NDArray[np.datetime64]
IntArray = NDArray[np.int64]

#: Dates in: an array, or a sequence of ``datetime.date`` / ISO strings.
DatesLike = ArrayLike | Sequence[datetime.date]

ONE_DAY = np.timedelta64(1, "D")


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class Thresholds:
    """When a project or work order is flagged, and the working calendar."""

    spi_alert: float = 0.9
    cpi_alert: float = 0.9
    min_planned_fraction: float = 0.05
    overdue_grace_days: int = 0
    weekmask: str = "1111111"


def load_thresholds(overrides: Mapping[str, Any] | None = None) -> Thresholds:
    """The thresholds of the data file with ``overrides`` (same tables) merged in.

    Raises ``ValueError`` (``parameters.ParameterError`` for a key the file lacks) for a
    value out of range (a threshold must lie in (0, 2], the
    fraction in [0, 1), the grace a whole number of days ≥ 0, the mask 7 characters of 0/1
    with at least one working day).
    """
    data = parameters.load(STANDARD_FILE, overrides)
    alerts, calendar = data["alerts"], data["calendar"]
    for name in ("spi_alert", "cpi_alert"):
        value = float(alerts[name])
        if not 0.0 < value <= 2.0:
            raise ValueError(f"alerts.{name} must be in (0, 2], got {value!r}")
    fraction = float(alerts["min_planned_fraction"])
    if not 0.0 <= fraction < 1.0:
        raise ValueError(f"alerts.min_planned_fraction must be in [0, 1), got {fraction!r}")
    grace = alerts["overdue_grace_days"]
    if isinstance(grace, bool) or float(grace) != int(grace) or int(grace) < 0:
        raise ValueError(f"alerts.overdue_grace_days must be a whole number >= 0, got {grace!r}")
    weekmask = str(calendar["weekmask"])
    if len(weekmask) != 7 or set(weekmask) - {"0", "1"} or "1" not in weekmask:
        raise ValueError(
            f"calendar.weekmask must be 7 characters of 0/1 with a working day, got {weekmask!r}"
        )
    return Thresholds(
        spi_alert=float(alerts["spi_alert"]),
        cpi_alert=float(alerts["cpi_alert"]),
        min_planned_fraction=fraction,
        overdue_grace_days=int(grace),
        weekmask=weekmask,
    )


# --------------------------------------------------------------------------- inputs


def _dates(values: DatesLike, name: str) -> DateArray:
    try:
        array = np.asarray(values, dtype="datetime64[D]")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: expected dates") from exc
    if np.isnat(array).any():
        raise ValueError(f"{name}: missing date")
    return array.reshape(-1)


def _floats(values: ArrayLike, name: str, *, allow_nan: bool = False) -> FloatArray:
    array = np.asarray(values, dtype=np.float64).reshape(-1)
    bad = ~np.isfinite(array)
    if allow_nan:
        bad &= ~np.isnan(array)
    if bad.any():
        raise ValueError(f"{name}: expected finite numbers")
    return array


@dataclass(frozen=True)
class Schedule:
    """``n`` work orders: planned dates (inclusive), quantity and unit cost (yuan/unit)."""

    planned_start: DateArray
    planned_end: DateArray
    planned_quantity: FloatArray
    unit_cost_yuan: FloatArray

    @classmethod
    def build(
        cls,
        *,
        planned_start: DatesLike,
        planned_end: DatesLike,
        planned_quantity: ArrayLike,
        unit_cost_yuan: ArrayLike,
    ) -> Schedule:
        """Checked arrays of equal length: end not before start, quantities and costs ≥ 0."""
        start = _dates(planned_start, "planned_start")
        end = _dates(planned_end, "planned_end")
        quantity = _floats(planned_quantity, "planned_quantity")
        cost = _floats(unit_cost_yuan, "unit_cost_yuan")
        if not len(start) == len(end) == len(quantity) == len(cost):
            raise ValueError("schedule arrays must have the same length")
        if (end < start).any():
            raise ValueError("a planned end is before its planned start")
        if (quantity < 0).any() or (cost < 0).any():
            raise ValueError("planned quantities and unit costs must not be negative")
        return cls(start, end, quantity, cost)

    def __len__(self) -> int:
        return len(self.planned_start)

    @property
    def budget_yuan(self) -> FloatArray:
        """BAC of every work order."""
        return self.planned_quantity * self.unit_cost_yuan

    def weights(self) -> FloatArray:
        """How much each work order counts in a project total: its budget, or (no budget at
        all) 1 for every work order with a planned quantity."""
        budget = self.budget_yuan
        if budget.sum() > 0:
            return budget
        return (self.planned_quantity > 0).astype(np.float64)


@dataclass(frozen=True)
class Quantities:
    """``m`` reported quantities: work order row index, day, quantity, cost (NaN: none)."""

    work_order: IntArray
    date: DateArray
    quantity: FloatArray
    cost_yuan: FloatArray

    @classmethod
    def build(
        cls,
        *,
        work_order: ArrayLike,
        date: DatesLike,
        quantity: ArrayLike,
        cost_yuan: ArrayLike | None = None,
    ) -> Quantities:
        index = np.asarray(work_order, dtype=np.int64).reshape(-1)
        day = _dates(date, "date")
        amount = _floats(quantity, "quantity")
        cost = (
            np.full(len(amount), np.nan)
            if cost_yuan is None
            else _floats(cost_yuan, "cost_yuan", allow_nan=True)
        )
        if not len(index) == len(day) == len(amount) == len(cost):
            raise ValueError("quantity arrays must have the same length")
        return cls(index, day, amount, cost)

    @classmethod
    def empty(cls) -> Quantities:
        return cls.build(work_order=[], date=[], quantity=[])


# --------------------------------------------------------------------------- kernels


def date_axis(start: Any, end: Any, step: str = "day") -> DateArray:
    """Days from ``start`` to ``end`` inclusive (``step="day"``), or the Sundays closing
    each ISO week from the one holding ``start`` to the one holding ``end`` (``"week"``)."""
    first, last = _dates([start, end], "axis")
    if last < first:
        raise ValueError("the axis ends before it starts")
    days = np.arange(first, last + ONE_DAY, dtype="datetime64[D]")
    if step == "day":
        return days
    if step != "week":
        raise ValueError(f"unknown step {step!r} (day or week)")
    # 1970-01-01 was a Thursday: weekday 0 = Monday.
    weekday = (days.astype(np.int64) + 3) % 7
    ends = days + (6 - weekday).astype("timedelta64[D]")
    return np.unique(ends)


def planned_fraction(
    schedule: Schedule, dates: DatesLike, *, weekmask: str = "1111111", holidays: Any = ()
) -> FloatArray:
    """``(n, t)`` share of each work order planned to be done by the end of each date."""
    days = _dates(dates, "dates")
    start = schedule.planned_start[:, None]
    end = schedule.planned_end[:, None]
    until = np.minimum(days[None, :], end) + ONE_DAY
    calendar = np.busdaycalendar(weekmask=weekmask, holidays=list(holidays))
    total = np.busday_count(
        schedule.planned_start, schedule.planned_end + ONE_DAY, busdaycal=calendar
    )
    done = np.busday_count(start, np.maximum(until, start), busdaycal=calendar)
    # A work order planned only on days off is spread over its calendar days.
    off = total == 0
    total_days = (schedule.planned_end - schedule.planned_start).astype(np.int64) + 1
    calendar_done = np.clip(until.astype(np.int64) - start.astype(np.int64), 0, None)
    numerator = np.where(off[:, None], calendar_done, done).astype(np.float64)
    denominator = np.where(off, total_days, total).astype(np.float64)
    return np.clip(numerator / denominator[:, None], 0.0, 1.0)


def cumulative_quantities(
    schedule: Schedule, quantities: Quantities, dates: DatesLike
) -> tuple[FloatArray, FloatArray]:
    """``(n, t)`` quantity reported up to each date, and the part of it that has a cost.

    A report dated before the axis counts from its first date; one after it does not count.
    """
    days = _dates(dates, "dates")
    n, t = len(schedule), len(days)
    index = quantities.work_order
    if len(index) and (index.min() < 0 or index.max() >= n):
        raise ValueError("a quantity refers to no work order of the schedule")
    column = np.searchsorted(days, quantities.date, side="left")
    keep = column < t
    total = np.zeros((n, t))
    costed = np.zeros((n, t))
    np.add.at(total, (index[keep], column[keep]), quantities.quantity[keep])
    has_cost = keep & ~np.isnan(quantities.cost_yuan)
    np.add.at(costed, (index[has_cost], column[has_cost]), quantities.quantity[has_cost])
    return np.cumsum(total, axis=1), np.cumsum(costed, axis=1)


def actual_cost(quantities: Quantities, dates: DatesLike) -> FloatArray:
    """``(t,)`` reported cost up to each date (reports without a cost add nothing)."""
    days = _dates(dates, "dates")
    column = np.searchsorted(days, quantities.date, side="left")
    keep = (column < len(days)) & ~np.isnan(quantities.cost_yuan)
    daily = np.zeros(len(days))
    np.add.at(daily, column[keep], quantities.cost_yuan[keep])
    return np.cumsum(daily)


@dataclass(frozen=True)
class Curves:
    """Cumulative series on ``dates``: per work order ``(n, t)`` and totals ``(t,)``."""

    dates: DateArray
    planned_fraction: FloatArray  # (n, t) in [0, 1]
    earned_fraction: FloatArray  # (n, t) in [0, 1]: quantity done / planned, capped
    quantity: FloatArray  # (n, t) reported, uncapped
    pv_yuan: FloatArray  # (t,)
    ev_yuan: FloatArray  # (t,)
    ev_costed_yuan: FloatArray  # (t,)
    ac_yuan: FloatArray  # (t,)
    planned_percent: FloatArray  # (t,) weighted as Schedule.weights
    earned_percent: FloatArray  # (t,)
    bac_yuan: float


def curves(
    schedule: Schedule,
    quantities: Quantities,
    dates: DatesLike,
    *,
    weekmask: str = "1111111",
    holidays: Any = (),
) -> Curves:
    """Planned, earned and actual series (the S-curve) of a schedule on ``dates``."""
    days = _dates(dates, "dates")
    if len(days) > 1 and (np.diff(days) <= np.timedelta64(0, "D")).any():
        raise ValueError("dates must increase")
    planned = planned_fraction(schedule, days, weekmask=weekmask, holidays=holidays)
    total, costed = cumulative_quantities(schedule, quantities, days)
    target = schedule.planned_quantity[:, None]
    positive = target > 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        earned = np.where(positive, np.clip(total / np.where(positive, target, 1.0), 0, 1), 0.0)
        # The share of the quantity that carries a cost (so EV_costed <= EV).
        costed_share = np.where(total > 0, np.clip(costed / total, 0.0, 1.0), 0.0)
    budget = schedule.budget_yuan[:, None]
    weights = schedule.weights()
    weight_sum = weights.sum()

    def percent(fraction: FloatArray) -> FloatArray:
        if weight_sum <= 0:
            return np.zeros(len(days))
        return np.asarray(100.0 * (weights @ fraction) / weight_sum, dtype=np.float64)

    return Curves(
        dates=days,
        planned_fraction=planned,
        earned_fraction=earned,
        quantity=total,
        pv_yuan=(budget * planned).sum(axis=0),
        ev_yuan=(budget * earned).sum(axis=0),
        ev_costed_yuan=(budget * earned * costed_share).sum(axis=0),
        ac_yuan=actual_cost(quantities, days),
        planned_percent=percent(planned),
        earned_percent=percent(earned),
        bac_yuan=float(schedule.budget_yuan.sum()),
    )


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else float("nan")


@dataclass(frozen=True)
class Metrics:
    """Earned-value figures at one date (NaN where undefined, e.g. CPI without costs)."""

    bac_yuan: float
    pv_yuan: float
    ev_yuan: float
    ev_costed_yuan: float
    ac_yuan: float
    sv_yuan: float
    cv_yuan: float
    spi: float
    cpi: float
    eac_yuan: float
    planned_percent: float
    percent_complete: float


def metrics(series: Curves, column: int = -1) -> Metrics:
    """The figures of the whole schedule at column ``column`` of the curves (the last)."""
    pv = float(series.pv_yuan[column])
    ev = float(series.ev_yuan[column])
    ev_costed = float(series.ev_costed_yuan[column])
    ac = float(series.ac_yuan[column])
    planned_pct = float(series.planned_percent[column])
    earned_pct = float(series.earned_percent[column])
    bac = series.bac_yuan
    # From the weighted percentages SPI equals EV / PV when there is a budget, and still
    # means something when no work order has a unit cost.
    spi = _ratio(earned_pct, planned_pct)
    cpi = _ratio(ev_costed, ac)
    return Metrics(
        bac_yuan=bac,
        pv_yuan=pv,
        ev_yuan=ev,
        ev_costed_yuan=ev_costed,
        ac_yuan=ac,
        sv_yuan=ev - pv,
        cv_yuan=ev_costed - ac if ac > 0 else float("nan"),
        spi=spi,
        cpi=cpi,
        eac_yuan=bac / cpi if cpi > 0 and bac > 0 else float("nan"),
        planned_percent=planned_pct,
        percent_complete=earned_pct,
    )


@dataclass(frozen=True)
class WorkOrderStatus:
    """Per work order ``(n,)`` at the status date."""

    planned_percent: FloatArray
    percent_complete: FloatArray
    spi: FloatArray  # NaN while too little is planned to judge
    overdue: BoolArray  # past its planned end (plus the grace) and not complete
    slow: BoolArray  # SPI below the alert level
    behind: BoolArray  # overdue or slow

    @property
    def behind_count(self) -> int:
        return int(self.behind.sum())


def work_order_status(
    schedule: Schedule,
    series: Curves,
    *,
    status_date: Any,
    completed: ArrayLike | None = None,
    thresholds: Thresholds | None = None,
) -> WorkOrderStatus:
    """Which work orders are behind at ``status_date`` (a date of ``series``' axis, or the
    last axis date before it). ``completed``: work orders closed as done, never flagged."""
    limits = thresholds or Thresholds()
    day = _dates([status_date], "status_date")[0]
    column = int(np.searchsorted(series.dates, day, side="right")) - 1
    n = len(schedule)
    done = (
        np.zeros(n, dtype=bool)
        if completed is None
        else np.asarray(completed, dtype=bool).reshape(-1)
    )
    if len(done) != n:
        raise ValueError("completed must have one flag per work order")
    if column < 0:
        planned = np.zeros(n)
        earned = np.zeros(n)
    else:
        planned = series.planned_fraction[:, column]
        earned = series.earned_fraction[:, column]
    complete = done | (earned >= 1.0)
    judged = (planned >= max(limits.min_planned_fraction, 1e-12)) & ~complete
    with np.errstate(divide="ignore", invalid="ignore"):
        spi = np.where(judged, earned / np.where(planned > 0, planned, 1.0), np.nan)
    grace = np.timedelta64(limits.overdue_grace_days, "D")
    overdue = (schedule.planned_end + grace < day) & ~complete
    slow = judged & (spi < limits.spi_alert)
    return WorkOrderStatus(
        planned_percent=100.0 * planned,
        percent_complete=100.0 * earned,
        spi=spi,
        overdue=overdue,
        slow=slow,
        behind=overdue | slow,
    )


def project_behind(
    figures: Metrics, orders: WorkOrderStatus, thresholds: Thresholds | None = None
) -> bool:
    """A project is behind when its SPI is below the alert level (once enough of it is
    planned) or any of its work orders is overdue."""
    limits = thresholds or Thresholds()
    judged = figures.planned_percent >= 100.0 * limits.min_planned_fraction
    slow = judged and figures.percent_complete < 100.0 and figures.spi < limits.spi_alert
    return bool(slow or orders.overdue.any())


def over_budget(figures: Metrics, thresholds: Thresholds | None = None) -> bool:
    """CPI below the alert level (False while no cost is reported)."""
    limits = thresholds or Thresholds()
    return bool(figures.cpi < limits.cpi_alert)  # NaN compares False
