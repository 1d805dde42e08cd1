"""Background runs of large scenarios (django-tasks; ``zhiyang worker`` runs them).

``start_run`` creates a ``core.Job`` for the scenario and enqueues ``run_scenario_task``;
the task reports progress into the job and ends with the run's summary or its error.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_tasks import task

from zhiyang.core import jobs
from zhiyang.core.actors import SYSTEM, Actor
from zhiyang.core.models import Job, User
from zhiyang.core.roles import resource_of
from zhiyang.planning.choices import ScenarioStatus
from zhiyang.planning.models import Scenario

RUN_JOB_KIND = "planning.run"


def start_run(*, actor: Actor, scenario: Scenario) -> Job:
    """Queue a run of ``scenario``; returns its job (also kept on the scenario)."""
    job = jobs.start_job(
        actor=actor,
        kind=RUN_JOB_KIND,
        resource=resource_of(Scenario),
        object_id=scenario.pk,
        message=_("Waiting for a worker: %(name)s") % {"name": scenario.name},
    )
    Scenario.objects.filter(pk=scenario.pk).update(job=job, status=ScenarioStatus.QUEUED)
    run_scenario_task.enqueue(
        job_id=job.pk, scenario_id=scenario.pk, user_id=getattr(actor, "pk", None)
    )
    return job


@task()
def run_scenario_task(
    *, job_id: int, scenario_id: int, user_id: int | None
) -> dict[str, Any] | None:
    """Run one queued scenario (see ``start_run``); the outcome is in the job."""
    from zhiyang.planning.services import run_scenario

    try:
        with jobs.running_job(job_id, _("Reading the latest surveys")):
            # Queued by the system (no user id), or by a user who must still exist.
            actor: Actor = SYSTEM if user_id is None else User.objects.get(pk=user_id)
            scenario = Scenario.objects.select_related("organisation").get(pk=scenario_id)
            summary = run_scenario(
                actor=actor,
                scenario=scenario,
                progress=lambda percent, message: jobs.set_progress(job_id, percent, message),
            )
            jobs.finish_job(
                job_id,
                result=summary,
                message=_("Solved %(levels)d budget levels for %(units)d evaluation units.")
                % {"levels": len(summary["levels"]), "units": summary["units"]},
            )
            return summary
    except ValidationError:
        return None
