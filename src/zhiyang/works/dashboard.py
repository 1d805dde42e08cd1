"""Dashboard tiles of the works app (see zhiyang/web/tiles.py): active projects, projects
behind schedule and the percent complete of the branch programme."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from zhiyang.core import actors
from zhiyang.core.access import restrict
from zhiyang.network.chainage import format_chainage
from zhiyang.web.tiles import Tile
from zhiyang.web.today import TodayItem
from zhiyang.works import progress as service
from zhiyang.works.assignments import todays_work_orders
from zhiyang.works.choices import DailyReportStatus, ProjectStatus
from zhiyang.works.models import DailyReport


def tiles(user: Any) -> list[Tile]:
    if not (
        actors.may(user, "works.project", "view") and actors.may(user, "works.workorder", "view")
    ):
        return []
    url = reverse("works:progress")
    branch = service.branch_progress(user=user, step="week")
    open_ = [
        p
        for p in branch.projects
        if p.project and p.project.status in (ProjectStatus.APPROVED, ProjectStatus.IN_PROGRESS)
    ]
    active = [p for p in open_ if p.project and p.project.status == ProjectStatus.IN_PROGRESS]
    # An approved project that has not started by its planned start is behind too.
    behind = [p for p in open_ if p.behind]
    figures = branch.figures
    result = [
        Tile(
            key="active-projects",
            label=gettext_lazy("Active projects"),
            value=str(len(active)),
            detail=_("%(count)d in the programme") % {"count": len(branch.projects)},
            url=url,
        ),
        Tile(
            key="projects-behind",
            label=gettext_lazy("Projects behind schedule"),
            value=str(len(behind)),
            url=url,
            tone="bad" if behind else "good",
        ),
    ]
    if branch.projects:
        result.append(
            Tile(
                key="programme-complete",
                label=gettext_lazy("Programme complete"),
                value=f"{figures.percent_complete:.1f}",
                unit="%",
                detail=_("%(planned).1f%% planned by today") % {"planned": figures.planned_percent},
                url=url,
                tone="warn" if branch.behind else "",
            )
        )
    return result


def today(user: Any, day: datetime.date) -> list[TodayItem]:
    """The user's work orders for the day (with the daily report still to file) and, for
    whoever approves them, the daily reports waiting."""
    items: list[TodayItem] = []
    if actors.may(user, "works.workorder", "view"):
        orders = list(todays_work_orders(user, day))
        # A daily report is one per project, crew and day (施工日志).
        filed = set(
            DailyReport.objects.filter(
                date=day, project__in={o.project_id for o in orders}
            ).values_list("project_id", "crew_id")
        )
        may_report = actors.may(user, "works.dailyreport", "add")
        for order in orders:
            late = order.planned_end < day
            span = ""
            if order.start_m is not None and order.end_m is not None:
                span = f"{format_chainage(order.start_m)}–{format_chainage(order.end_m)}"
            items.append(
                TodayItem(
                    key="work-order",
                    section="late" if late else "work",
                    title=f"{order.project.code} · {order.title}",
                    detail=" · ".join(
                        part
                        for part in (
                            order.project.route.code,
                            span,
                            str(_("due %(date)s") % {"date": order.planned_end}),
                        )
                        if part
                    ),
                    url=reverse("works:workorder-detail", args=[order.pk]),
                    tone="bad" if late else "",
                )
            )
        pending = {o.project for o in orders if (o.project_id, o.crew_id) not in filed}
        for project in sorted(pending, key=lambda p: p.code):
            if may_report:
                items.append(
                    TodayItem(
                        key="daily-report",
                        section="work",
                        title=_("Daily report for %(project)s") % {"project": project.code},
                        url=reverse("works:daily-report-form", args=[project.pk]),
                        action=pgettext("today action", "Write"),
                    )
                )
    if actors.may(user, "works.approval", "change"):
        waiting = restrict(
            DailyReport.objects.filter(status=DailyReportStatus.SUBMITTED), user
        ).count()
        if waiting:
            items.append(
                TodayItem(
                    key="reports-to-approve",
                    section="confirm",
                    title=_("%(count)d daily report(s) waiting for approval") % {"count": waiting},
                    url=reverse("works:approval-list"),
                    action=pgettext("today action", "Review"),
                )
            )
    return items
