"""Background tasks of the condition app (django-tasks; ``zhiyang worker`` runs them).

A large import is started by ``start_import``: the upload is stored under the data dir
(MEDIA_ROOT/condition/imports/), a ``core.Job`` created for the survey, and the task
enqueued with the job's id. The task reports progress into the job, writes (atomically)
or records the file's errors by row and column, and deletes the stored upload at the end
whatever happened.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from django_tasks import task

from zhiyang.condition.imports import (
    ImportOptions,
    ImportValidationError,
    needs_background,
    run_import,
)
from zhiyang.condition.models import Survey
from zhiyang.core import jobs
from zhiyang.core.actors import SYSTEM, Actor, audit_user
from zhiyang.core.models import Job, User
from zhiyang.core.roles import resource_of

UPLOAD_DIR = "condition/imports"
IMPORT_JOB_KIND = "condition.import"


def store_upload(data: bytes, filename: str) -> str:
    """Keep an uploaded file until its job ends; returns its storage name."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return default_storage.save(f"{UPLOAD_DIR}/{uuid.uuid4().hex}{suffix}", ContentFile(data))


def start_import(
    *,
    actor: Actor,
    survey: Survey,
    kind: str,
    data: bytes,
    filename: str,
    options: ImportOptions | None = None,
) -> Job:
    """Queue an import of ``data`` into ``survey``; returns its job."""
    job = jobs.start_job(
        actor=actor,
        kind=IMPORT_JOB_KIND,
        resource=resource_of(Survey),
        object_id=survey.pk,
        message=_("Waiting for a worker: %(file)s") % {"file": filename},
    )
    stored = store_upload(data, filename)
    import_condition_file.enqueue(
        job_id=job.pk,
        survey_id=survey.pk,
        kind=kind,
        stored_name=stored,
        filename=filename,
        user_id=getattr(audit_user(actor), "pk", None),
        options=(options or ImportOptions()).as_dict(),
    )
    return job


@task()
def import_condition_file(
    *,
    job_id: int,
    survey_id: int,
    kind: str,
    stored_name: str,
    filename: str,
    user_id: int | None,
    options: dict[str, Any],
) -> dict[str, Any] | None:
    """Run one queued import (see ``start_import``); the outcome is in the job."""
    try:
        with jobs.running_job(job_id, _("Reading the file")):
            # The job of a command or the demo has no user: the system runs it.
            user = User.objects.filter(pk=user_id).first() if user_id else None
            actor: Actor = user if user is not None else SYSTEM
            survey = Survey.objects.select_related("route").get(pk=survey_id)
            with default_storage.open(stored_name, "rb") as handle:
                data = handle.read()
            summary = run_import(
                actor=actor,
                survey=survey,
                kind=kind,
                data=data,
                filename=filename,
                options=ImportOptions(**options),
                progress=lambda percent, message: jobs.set_progress(job_id, percent, message),
            )
            jobs.finish_job(
                job_id,
                result=summary,
                message=_("Imported %(rows)d rows; %(units)d evaluation units.")
                % {"rows": summary.get("rows", 0), "units": summary.get("units", 0)},
            )
            return summary
    except (ImportValidationError, ValidationError):
        # A rejected file or an approved survey: running_job recorded why on the job.
        return None
    finally:
        default_storage.delete(stored_name)


@dataclass
class Submitted:
    """What ``submit_import`` did: a queued ``job``, or the ``summary`` of an inline import."""

    job: Job | None = None
    summary: dict[str, Any] | None = None


def submit_import(
    *,
    actor: Actor,
    survey: Survey,
    kind: str,
    data: bytes,
    filename: str,
    options: ImportOptions | None = None,
    background: bool = False,
) -> Submitted:
    """Import inline when small, else queue it (profiles, files over 2,000 rows, or
    ``background``). Inline imports raise ImportValidationError for a bad file (nothing
    written); queued ones record their errors on the job. Used by the API and the page."""
    if background or needs_background(kind, data, filename):
        return Submitted(
            job=start_import(
                actor=actor, survey=survey, kind=kind, data=data, filename=filename, options=options
            )
        )
    return Submitted(
        summary=run_import(
            actor=actor, survey=survey, kind=kind, data=data, filename=filename, options=options
        )
    )
