"""Dashboard tiles of the works app (see zhiyang/web/tiles.py): active projects, projects
behind schedule and the percent complete of the branch programme."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiyang.core import actors
from zhiyang.web.tiles import Tile
from zhiyang.works import progress as service
from zhiyang.works.choices import ProjectStatus


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
