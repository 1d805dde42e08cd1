"""Progress of projects and of the branch programme by earned value (read-only service).

Rows come only through ``core.access`` (a project outside the user's scope is a 404); the
numbers come from the pure kernel :mod:`zhiyang.analytics.progress` (formulas and sources
there and in docs/progress.md). What counts:

- work orders of the project (every status; a ``completed``/``closed`` work order is never
  flagged as behind);
- quantities of **submitted and approved** daily reports (drafts and rejected reports do not
  count), on the report's date, with their cost where one was entered;
- the thresholds of ``standards/progress_alerts.toml`` with the organisation's overrides
  (standards pages), so alert levels and the working week are configurable per organisation;
- where a project's quantities have been certified under a contract (the contracts app
  registers a provider with ``register_certified_value``), earned value is the certified
  value (certified quantities × BOQ prices) instead of the estimate from daily quantities;
  SV, CV, CPI and EAC follow it, and ``ev_basis`` says "certified".

The branch programme is every project in scope that is not a draft (optionally those whose
planned period touches ``year``), weighted by budget like the work orders of one project.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from zhiyang.analytics import progress as kernel
from zhiyang.core.access import access_object, restrict, restrict_for_totals
from zhiyang.core.actors import Actor, is_system
from zhiyang.works.choices import DailyReportStatus, ProjectStatus, WorkOrderStatus
from zhiyang.works.models import DailyQuantity, Project, WorkOrder

STANDARD = "progress_alerts"
COUNTED_REPORTS = (DailyReportStatus.SUBMITTED, DailyReportStatus.APPROVED)
DONE_ORDERS = (WorkOrderStatus.COMPLETED, WorkOrderStatus.CLOSED)
#: Longer plans are drawn by week rather than by day.
DAILY_AXIS_MAX_DAYS = 120


def thresholds_for(organisation: Any) -> kernel.Thresholds:
    """The alert thresholds of ``organisation`` (the data file when the standards app has
    no override, or when an override no longer loads)."""
    try:
        from zhiyang.standards.services import parameters_for

        result = parameters_for(STANDARD, organisation)
    except (ImportError, LookupError, ValueError):
        return kernel.load_thresholds()
    return result if isinstance(result, kernel.Thresholds) else kernel.load_thresholds()


@dataclass(frozen=True)
class OrderRow:
    """One work order at the status date."""

    work_order: WorkOrder
    quantity_done: float
    budget_yuan: float
    ev_yuan: float
    planned_percent: float
    percent_complete: float
    spi: float | None
    overdue: bool
    slow: bool
    first_report: dt.date | None = None
    last_report: dt.date | None = None

    @property
    def behind(self) -> bool:
        return self.overdue or self.slow


@dataclass
class Progress:
    """Earned value of a set of work orders: curves on ``curves.dates`` and figures at the
    status date."""

    status_date: dt.date
    step: str
    thresholds: kernel.Thresholds
    curves: kernel.Curves
    figures: kernel.Metrics
    orders: list[OrderRow] = field(default_factory=list)
    behind: bool = False
    over_budget: bool = False
    has_costs: bool = False
    #: "quantities" (daily quantities × unit costs) or "certified" (a contract's certificates).
    ev_basis: str = "quantities"

    @property
    def behind_orders(self) -> int:
        return sum(1 for row in self.orders if row.behind)


@dataclass
class ProjectProgress(Progress):
    project: Project | None = None


@dataclass
class BranchProgress(Progress):
    projects: list[ProjectProgress] = field(default_factory=list)

    @property
    def behind_projects(self) -> int:
        return sum(1 for p in self.projects if p.behind)


def _none_if_nan(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _load(
    user: Actor | AnonymousUser, projects: list[Project]
) -> tuple[dict[int, list[WorkOrder]], dict[int, list[tuple[int, dt.date, float, float]]]]:
    """Work orders and counted quantities of ``projects`` that ``user`` may see, by project
    (``SYSTEM``: the command line, which sees every row)."""
    ids = [p.pk for p in projects]
    orders: dict[int, list[WorkOrder]] = defaultdict(list)
    order_rows = WorkOrder.objects.filter(project_id__in=ids)
    quantity_rows = DailyQuantity.objects.all()
    order_rows = restrict(order_rows, user)
    quantity_rows = restrict_for_totals(quantity_rows, user)
    for order in order_rows.order_by("project_id", "sequence", "planned_start", "pk"):
        orders[order.project_id].append(order)
    rows = (
        quantity_rows.filter(report__project_id__in=ids, report__status__in=COUNTED_REPORTS)
        .values_list("report__project_id", "work_order_id", "report__date", "quantity", "cost_yuan")
        .order_by("report__date", "pk")
    )
    quantities: dict[int, list[tuple[int, dt.date, float, float]]] = defaultdict(list)
    for project_id, order_id, day, quantity, cost in rows:
        quantities[project_id].append(
            (order_id, day, float(quantity), float("nan") if cost is None else float(cost))
        )
    return orders, quantities


def _inputs(
    orders: list[WorkOrder], rows: list[tuple[int, dt.date, float, float]]
) -> tuple[kernel.Schedule, kernel.Quantities]:
    schedule = kernel.Schedule.build(
        planned_start=[o.planned_start for o in orders],
        planned_end=[o.planned_end for o in orders],
        planned_quantity=[float(o.planned_quantity) for o in orders],
        unit_cost_yuan=[float(o.unit_cost_yuan or 0) for o in orders],
    )
    index = {o.pk: i for i, o in enumerate(orders)}
    kept = [r for r in rows if r[0] in index]
    quantities = kernel.Quantities.build(
        work_order=[index[r[0]] for r in kept],
        date=[r[1] for r in kept],
        quantity=[r[2] for r in kept],
        cost_yuan=[r[3] for r in kept],
    )
    return schedule, quantities


def _axis(
    schedule: kernel.Schedule, quantities: kernel.Quantities, status_date: dt.date, step: str | None
) -> tuple[Any, str]:
    days = [np.datetime64(status_date, "D")]
    if len(schedule):
        days += [schedule.planned_start.min(), schedule.planned_end.max()]
    if len(quantities.date):
        days += [quantities.date.min(), quantities.date.max()]
    first, last = min(days), max(days)
    chosen = step or ("day" if (last - first).astype(int) <= DAILY_AXIS_MAX_DAYS else "week")
    return kernel.date_axis(first, last, chosen), chosen


def _compute(
    orders: list[WorkOrder],
    rows: list[tuple[int, dt.date, float, float]],
    *,
    status_date: dt.date,
    thresholds: kernel.Thresholds,
    step: str | None,
    cls: type[Progress],
    series: bool = True,
) -> Any:
    schedule, quantities = _inputs(orders, rows)
    # The figures at the status date itself (a weekly axis closes on Sundays).
    today = kernel.curves(schedule, quantities, [status_date], weekmask=thresholds.weekmask)
    if series:
        axis, chosen = _axis(schedule, quantities, status_date, step)
        curves = kernel.curves(schedule, quantities, axis, weekmask=thresholds.weekmask)
    else:
        curves, chosen = today, "day"
    figures = kernel.metrics(today)
    status = kernel.work_order_status(
        schedule,
        today,
        status_date=status_date,
        completed=[o.status in DONE_ORDERS for o in orders],
        thresholds=thresholds,
    )
    budget = schedule.budget_yuan
    reported: dict[int, list[dt.date]] = defaultdict(list)
    for order_id, day, quantity, _cost in rows:
        if quantity > 0 and day <= status_date:
            reported[order_id].append(day)
    table = [
        OrderRow(
            work_order=order,
            quantity_done=float(today.quantity[i, 0]),
            budget_yuan=float(budget[i]),
            ev_yuan=float(budget[i] * today.earned_fraction[i, 0]),
            planned_percent=float(status.planned_percent[i]),
            percent_complete=float(status.percent_complete[i]),
            spi=_none_if_nan(status.spi[i]),
            overdue=bool(status.overdue[i]),
            slow=bool(status.slow[i]),
            first_report=min(reported[order.pk], default=None),
            last_report=max(reported[order.pk], default=None),
        )
        for i, order in enumerate(orders)
    ]
    return cls(
        status_date=status_date,
        step=chosen,
        thresholds=thresholds,
        curves=curves,
        figures=figures,
        orders=table,
        behind=kernel.project_behind(figures, status, thresholds),
        over_budget=kernel.over_budget(figures, thresholds),
        has_costs=bool((~np.isnan(quantities.cost_yuan)).any()),
    )


#: (project ids, status date) -> {project id: certified value in yuan}; see contracts.
CertifiedValue = Callable[[Iterable[int], dt.date], dict[int, Any]]
_CERTIFIED: list[CertifiedValue] = []


def register_certified_value(provider: CertifiedValue) -> None:
    """Let an app (contracts) give the certified value of projects (idempotent)."""
    if provider not in _CERTIFIED:
        _CERTIFIED.append(provider)


def certified_values(project_ids: Iterable[int], day: dt.date) -> dict[int, float]:
    ids = list(project_ids)
    found: dict[int, float] = {}
    for provider in _CERTIFIED:
        for pk, value in provider(ids, day).items():
            found[pk] = found.get(pk, 0.0) + float(value)
    return found


def _with_certified(result: Progress, value: float | None) -> None:
    """Earned value from certified quantities: EV and what follows from it."""
    if value is None:
        return
    f = result.figures
    cpi = value / f.ac_yuan if f.ac_yuan > 0 else float("nan")
    result.figures = dataclasses.replace(
        f,
        ev_yuan=value,
        ev_costed_yuan=value,
        sv_yuan=value - f.pv_yuan,
        cv_yuan=value - f.ac_yuan if f.ac_yuan > 0 else float("nan"),
        spi=value / f.pv_yuan if f.pv_yuan > 0 else f.spi,
        cpi=cpi,
        eac_yuan=f.bac_yuan / cpi if cpi > 0 and f.bac_yuan > 0 else float("nan"),
    )
    result.ev_basis = "certified"


def get_project(*, user: Actor | AnonymousUser, pk: Any) -> Project:
    """The project ``pk`` if ``user`` may view it (Http404 otherwise)."""
    return access_object(Project.objects.select_related("route", "organisation"), user, pk=pk)


def project_progress(
    *,
    user: Actor | AnonymousUser,
    project: Project,
    status_date: dt.date | None = None,
    step: str | None = None,
) -> ProjectProgress:
    """Earned value, S-curve series and work-order flags of one project for ``user``."""
    day = status_date or timezone.localdate()
    orders, quantities = _load(user, [project])
    result: ProjectProgress = _compute(
        orders.get(project.pk, []),
        quantities.get(project.pk, []),
        status_date=day,
        thresholds=thresholds_for(project.organisation_id),
        step=step,
        cls=ProjectProgress,
    )
    result.project = project
    _with_certified(result, certified_values([project.pk], day).get(project.pk))
    return result


def programme(
    user: Actor | AnonymousUser, *, year: int | None = None, organisation: Any = None
) -> QuerySet[Project]:
    """The projects of the branch programme that ``user`` may see (``SYSTEM``: every
    project, or those of ``organisation``, for the command line)."""
    projects = Project.objects.exclude(status=ProjectStatus.DRAFT)
    projects = restrict(projects, user)
    if is_system(user) and organisation is not None:
        projects = projects.filter(organisation=organisation)
    if year is not None:
        projects = projects.filter(planned_start__year__lte=year, planned_end__year__gte=year)
    return projects.select_related("route", "organisation").order_by("planned_start", "code")


def branch_progress(
    *,
    user: Actor | AnonymousUser,
    status_date: dt.date | None = None,
    year: int | None = None,
    step: str | None = None,
    organisation: Any = None,
) -> BranchProgress:
    """The branch S-curve (every programme project together) and each project's figures.

    ``SYSTEM`` is the command line: every project, or those of ``organisation``."""
    day = status_date or timezone.localdate()
    projects = list(programme(user, year=year, organisation=organisation))
    orders, quantities = _load(user, projects)
    limits: dict[int | None, kernel.Thresholds] = {}

    def limits_of(organisation_id: int | None) -> kernel.Thresholds:
        if organisation_id not in limits:
            limits[organisation_id] = thresholds_for(organisation_id)
        return limits[organisation_id]

    own = limits_of(
        getattr(organisation, "pk", None)
        if is_system(user)
        else getattr(user, "organisation_id", None)
    )
    certified = certified_values([p.pk for p in projects], day)
    every_order = [o for p in projects for o in orders.get(p.pk, [])]
    every_row = [r for p in projects for r in quantities.get(p.pk, [])]
    result: BranchProgress = _compute(
        every_order, every_row, status_date=day, thresholds=own, step=step, cls=BranchProgress
    )
    for project in projects:
        one: ProjectProgress = _compute(
            orders.get(project.pk, []),
            quantities.get(project.pk, []),
            status_date=day,
            thresholds=limits_of(project.organisation_id),
            step=None,
            cls=ProjectProgress,
            series=False,  # the figures only: the table does not draw each project's curve
        )
        one.project = project
        _with_certified(one, certified.get(project.pk))
        result.projects.append(one)
    if certified:
        _with_certified(result, sum(one.figures.ev_yuan for one in result.projects))
    result.behind = any(p.behind for p in result.projects) or result.behind
    return result


def active_projects(user: Actor | AnonymousUser) -> QuerySet[Project]:
    """Projects under way in ``user``'s scope."""
    return restrict(Project.objects.filter(status=ProjectStatus.IN_PROGRESS), user)
