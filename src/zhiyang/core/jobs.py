"""Background jobs: a row per long-running task, its progress and its outcome.

A view starts a job (``start_job``), enqueues a django-tasks task with the job's id, and
answers at once with the id; the task calls ``set_progress`` as it goes and ends with
``finish_job`` or ``fail_job`` (``running_job`` does the bookkeeping). Pages include
``core/job_progress.html``, which polls ``job-progress`` every second through htmx; scripts
poll the JSON of ``job-status``.

Progress is written with ``UPDATE`` outside the task's write transaction, so other
connections see it while the task runs (the import's own writes stay atomic).

Who sees a job (``visible_jobs``): its creator, superusers, and users whose role may view
the job's ``resource`` and whose scope contains the related object (``resource`` +
``object_id``). A job without a related object is seen by its creator only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zhiyang.core.access import restrict
from zhiyang.core.actors import Actor, audit_user
from zhiyang.core.models import Job

logger = logging.getLogger(__name__)

# Errors kept on a job (a file with thousands of bad rows would make a huge row).
MAX_ERRORS = 500


def start_job(
    *, actor: Actor, kind: str, resource: str = "", object_id: Any = "", message: str = ""
) -> Job:
    """A new queued job started by ``actor`` (a user, or ``SYSTEM``: no owner)."""
    return Job.objects.create(
        kind=kind,
        created_by=audit_user(actor),
        resource=resource,
        object_id=str(object_id or ""),
        message=message[:500],
    )


def set_progress(job_id: int, progress: float, message: str | None = None) -> None:
    """Mark the job running at ``progress`` percent (0–100, clamped)."""
    fields: dict[str, Any] = {
        "status": Job.Status.RUNNING,
        "progress": max(0, min(100, int(progress))),
    }
    if message is not None:
        fields["message"] = message[:500]
    _update(job_id, fields)


def finish_job(job_id: int, *, result: Any = None, message: str = "") -> None:
    """Mark the job succeeded with its result (JSON-serialisable)."""
    _update(
        job_id,
        {
            "status": Job.Status.SUCCEEDED,
            "progress": 100,
            "result": result,
            "message": message[:500],
            "errors": [],
        },
    )


def fail_job(
    job_id: int, *, message: str, errors: Sequence[Mapping[str, Any]] | None = None
) -> None:
    """Mark the job failed; ``errors`` are ``{row, column, message, sheet}`` dicts."""
    kept = [dict(e) for e in (errors or [])[:MAX_ERRORS]]
    _update(job_id, {"status": Job.Status.FAILED, "message": message[:500], "errors": kept})


def _update(job_id: int, fields: dict[str, Any]) -> None:
    from django.utils import timezone

    Job.objects.filter(pk=job_id).update(updated_at=timezone.now(), **fields)


def errors_of(exc: BaseException) -> list[dict[str, Any]]:
    """The row errors an exception carries (``exc.errors`` items with ``as_dict``), if any."""
    out = []
    for error in getattr(exc, "errors", None) or []:
        as_dict = getattr(error, "as_dict", None)
        out.append(as_dict() if as_dict else {"row": 0, "column": "", "message": str(error)})
    return out


@contextmanager
def running_job(job_id: int, message: str = "") -> Iterator[None]:
    """Run the body as the job: running on entry, failed on an exception (re-raised).

    The body calls ``finish_job`` itself; an exception with ``errors`` (an import's
    validation error) keeps them on the job, with ``exc.message()`` when it has one.
    """
    set_progress(job_id, 0, message)
    try:
        yield
    except Exception as exc:
        describe = getattr(exc, "message", None)
        if callable(describe):
            text = describe()
        elif hasattr(exc, "messages"):  # Django's ValidationError
            text = " ".join(str(m) for m in exc.messages)
        else:
            text = str(exc) or exc.__class__.__name__
        errors = errors_of(exc)
        if not errors:
            logger.exception("job %s failed", job_id)
        fail_job(job_id, message=text, errors=errors)
        raise


def visible_jobs(user: Any) -> QuerySet[Job]:
    """The jobs ``user`` may see (see the module docstring)."""
    jobs = Job.objects.all()
    if not getattr(user, "is_authenticated", False):
        return jobs.none()
    if user.is_superuser:
        return jobs
    condition = Q(created_by=user)
    related = Job.objects.exclude(resource="").exclude(object_id="")
    for resource in set(related.values_list("resource", flat=True)):
        try:
            model = apps.get_model(resource)
        except (LookupError, ValueError):
            continue
        visible = restrict(model._default_manager.all(), user, "view")
        ids = [str(pk) for pk in visible.values_list("pk", flat=True)]
        condition |= Q(resource=resource, object_id__in=ids)
    return jobs.filter(condition)


def job_for(user: Any, pk: Any) -> Job:
    """One job ``user`` may see; missing and forbidden are the same 404."""
    try:
        return visible_jobs(user).get(pk=pk)
    except (Job.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def job_dict(job: Job) -> dict[str, Any]:
    """The JSON answer of ``job-status`` (also used by the API)."""
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "finished": job.finished,
        "progress": job.progress,
        "message": job.message,
        "result": job.result,
        "errors": job.errors or [],
        "created_at": job.created_at.isoformat(),
        "updated_at": job.updated_at.isoformat(),
    }


@require_GET
@never_cache
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """A job's status as JSON (404 when the user may not see it)."""
    return JsonResponse(job_dict(job_for(request.user, pk)))


@require_GET
@never_cache
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx partial: a progress bar that polls itself every second until the job ends.

    A finished job answers with ``HX-Trigger: job-finished`` so the page can react (reload
    a list, show a link to the survey).
    """
    job = job_for(request.user, pk)
    response = render(request, "core/job_progress.html", {"job": job})
    if job.finished:
        response["HX-Trigger"] = "job-finished"
    return response
