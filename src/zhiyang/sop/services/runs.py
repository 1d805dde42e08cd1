"""Checklist runs: a phone submission parsed (the form's and the API's field names) and
submitted as one run, idempotent by ``client_uuid``.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from zhiyang.analytics import specs
from zhiyang.core import offline, services
from zhiyang.core.access import may
from zhiyang.core.actors import Actor, audit_user
from zhiyang.notify import hooks as notify_hooks
from zhiyang.sop.choices import RunStatus
from zhiyang.sop.models import (
    ChecklistRun,
    InstructionVersion,
    StepPhoto,
    StepResult,
)
from zhiyang.sop.services.instructions import measurement_specs, published_version
from zhiyang.sop.services.signoff import _refresh_status
from zhiyang.works.choices import WorkOrderStatus
from zhiyang.works.models import WorkOrder

TRUE_VALUES = ("1", "on", "true", "yes")


@dataclass
class PhotoInput:
    file: Any
    taken_at: datetime.datetime | None = None
    lon: float | None = None
    lat: float | None = None


@dataclass
class StepInput:
    done: bool = False
    values: dict[str, str] = field(default_factory=dict)
    note: str = ""
    photos: dict[str, PhotoInput] = field(default_factory=dict)


@dataclass
class Submission:
    """A parsed checklist submission (see :func:`parse_submission`)."""

    client_uuid: str = ""
    version_id: str = ""
    lon: str = ""
    lat: str = ""
    note: str = ""
    context: dict[str, str] = field(default_factory=dict)
    steps: dict[str, StepInput] = field(default_factory=dict)


def _first(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return value[0] if value else ""
    return value


def _float_or_none(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def parse_submission(
    *, version: InstructionVersion, post: Mapping[str, Any], files: Mapping[str, Any]
) -> Submission:
    """Read the phone form's (or the API's) flat field names into a :class:`Submission`.

    ``client_uuid``, ``version``, ``lon``, ``lat``, ``note``, ``ctx-<key>``,
    ``step-<step>-done``, ``step-<step>-m-<measurement>``, ``step-<step>-note``,
    ``step-<step>-photo-<photo>`` (file) with ``…-taken_at``, ``…-lon``, ``…-lat``.
    """

    def get(name: str) -> str:
        value = _first(post.get(name, ""))
        return "" if value is None else str(value)

    sub = Submission(
        client_uuid=get("client_uuid").strip(),
        version_id=get("version").strip(),
        lon=get("lon").strip(),
        lat=get("lat").strip(),
        note=get("note").strip(),
    )
    for key in version.content.get("context", []):
        sub.context[key] = get(f"ctx-{key}").strip()
    for step in version.steps:
        code = step["code"]
        prefix = f"step-{code}-"
        item = StepInput(
            done=get(prefix + "done").strip().lower() in TRUE_VALUES,
            note=get(prefix + "note").strip(),
        )
        for m in step.get("measurements", []):
            item.values[m["code"]] = get(f"{prefix}m-{m['code']}").strip()
        for p in step.get("photos", []):
            name = f"{prefix}photo-{p['code']}"
            upload = _first(files.get(name)) if files else None
            if upload:
                taken = parse_datetime(get(name + "-taken_at").strip() or "")
                if taken is not None and timezone.is_naive(taken):
                    taken = timezone.make_aware(taken)
                item.photos[p["code"]] = PhotoInput(
                    file=upload,
                    taken_at=taken,
                    lon=_float_or_none(get(name + "-lon")),
                    lat=_float_or_none(get(name + "-lat")),
                )
        sub.steps[code] = item
    return sub


def version_for(*, work_order: WorkOrder, version_id: Any = None) -> InstructionVersion:
    """The version a run on ``work_order`` uses: the one the form was rendered with (an
    offline form may be posted after a newer version was published), else the published."""
    if version_id not in (None, ""):
        try:
            number = int(version_id)
            if not 0 < number < 2**31:
                raise ValueError(version_id)
            found = InstructionVersion.objects.select_related("instruction").get(
                pk=number, instruction__code=work_order.process
            )
        except (InstructionVersion.DoesNotExist, ValueError, TypeError) as exc:
            raise ValidationError(
                {"version": _("This is not a version of the work order's instruction.")}
            ) from exc
        return found
    published = published_version(work_order.process)
    if published is None:
        raise ValidationError({"version": _("No published work instruction for this process.")})
    return published


def _check_context(
    version: InstructionVersion, raw: Mapping[str, str], errors: dict[str, list[str]]
) -> dict[str, Any]:
    choices = {
        "binder_grade": specs.BINDER_GRADES,
        "season": specs.SEASONS,
        "mix_type": specs.MIX_TYPES,
        "roller": specs.ROLLER_TYPES,
        "rolling_phase": specs.ROLLING_PHASES,
        "base_type": specs.BASE_TYPES,
        "product": specs.PRODUCTS,
    }
    context: dict[str, Any] = {}
    for key in version.content.get("context", []):
        value = (raw.get(key) or "").strip()
        if key in choices:
            if value not in choices[key]:
                errors.setdefault(f"ctx-{key}", []).append(_("Choose a value."))
            context[key] = value
        elif key == "modified":
            context[key] = value.lower() in TRUE_VALUES
        elif value == "":
            if key == "design_thickness_mm":
                errors.setdefault(f"ctx-{key}", []).append(_("Enter the design thickness."))
            context[key] = None
        else:
            number = _float_or_none(value)
            if number is None or number <= 0 or number > 1000:
                errors.setdefault(f"ctx-{key}", []).append(_("Enter a number between 0 and 1000."))
            context[key] = number
    return context


def submit_run(
    *, actor: Actor, work_order: WorkOrder, submission: Submission
) -> tuple[ChecklistRun, bool]:
    """Record a whole checklist run. Returns (run, created); a ``client_uuid`` seen before
    returns the first run (an offline phone re-posting). Every measurement is required and
    checked against its range; required photos must be attached. Errors come back keyed by
    the form's field names."""
    if not may(actor, ChecklistRun, "add"):
        raise PermissionDenied(_("You may not record checklist runs."))
    if submission.client_uuid:
        existing = offline.previous_submission(ChecklistRun, actor, submission.client_uuid)
        if existing is not None:
            return existing, False
    if work_order.status == WorkOrderStatus.CLOSED:
        raise ValidationError(_("The work order is closed."))
    version = version_for(work_order=work_order, version_id=submission.version_id)
    errors: dict[str, list[str]] = {}
    context = _check_context(version, submission.context, errors)
    ranges = measurement_specs(
        version=version,
        context=context,
        organisation_id=work_order.project.organisation_id,
    )
    lon, lat = _float_or_none(submission.lon), _float_or_none(submission.lat)
    if submission.lon and (lon is None or not -180 <= lon <= 180):
        errors.setdefault("lon", []).append(_("Enter a longitude between -180 and 180."))
    if submission.lat and (lat is None or not -90 <= lat <= 90):
        errors.setdefault("lat", []).append(_("Enter a latitude between -90 and 90."))
    now = timezone.now()
    planned: list[dict[str, Any]] = []
    for position, step in enumerate(version.steps):
        code = step["code"]
        given = submission.steps.get(code, StepInput())
        values: dict[str, Any] = {}
        ok = given.done
        for m in ranges.get(code, []):
            name = f"step-{code}-m-{m.code}"
            number = _float_or_none(given.values.get(m.code, ""))
            if number is None:
                errors.setdefault(name, []).append(_("Enter the measured value."))
                ok = False
                continue
            if m.error and not any(k.startswith("ctx-") for k in errors):
                errors.setdefault(name, []).append(
                    _("No acceptance range for this context: %(error)s") % {"error": m.error}
                )
            passed = m.check(number)
            ok = ok and passed
            values[m.code] = {
                "value": number,
                "min": m.min_value,
                "max": m.max_value,
                "unit": m.unit,
                "source": m.source,
                "passed": passed,
            }
        for p in step.get("photos", []):
            if p.get("required") and p["code"] not in given.photos:
                errors.setdefault(f"step-{code}-photo-{p['code']}", []).append(
                    _("Take this photo.")
                )
        planned.append(
            {
                "code": code,
                "position": position,
                "hold_point": bool(step.get("hold_point")),
                "done": given.done,
                "values": values,
                "passed": ok,
                "note": given.note[:2000],
                "photos": given.photos,
            }
        )
    if errors:
        raise ValidationError(errors)
    failed = any(not p["passed"] for p in planned)
    try:
        with transaction.atomic():
            run = services.create_object(
                actor=actor,
                model=ChecklistRun,
                data={
                    "work_order": work_order,
                    "version": version,
                    "client_uuid": submission.client_uuid or None,
                    "status": RunStatus.FAILED if failed else RunStatus.IN_PROGRESS,
                    "context": context,
                    "lon": lon,
                    "lat": lat,
                    "note": submission.note[:4000],
                    "started_by": audit_user(actor),
                    "started_at": now,
                    "submitted_at": now,
                },
            )
            # Every step result and photo is created (and audited) like any other object, so
            # the measured values are in the audit trail, not only the run; the run's scope
            # was checked above.
            for p in planned:
                result = services.create_object(
                    actor=actor,
                    model=StepResult,
                    data={
                        "run": run,
                        "step_code": p["code"],
                        "position": p["position"],
                        "hold_point": p["hold_point"],
                        "done": p["done"],
                        "values": p["values"],
                        "passed": p["passed"],
                        "note": p["note"],
                        "recorded_by": audit_user(actor),
                        "recorded_at": now,
                    },
                    check_scope=False,
                )
                for photo_code, photo in p["photos"].items():
                    try:
                        services.create_object(
                            actor=actor,
                            model=StepPhoto,
                            data={
                                "result": result,
                                "code": photo_code,
                                "photo": photo.file,
                                "taken_at": photo.taken_at or now,
                                "lon": photo.lon if photo.lon is not None else lon,
                                "lat": photo.lat if photo.lat is not None else lat,
                            },
                            check_scope=False,
                        )
                    except ValidationError as exc:
                        raise ValidationError(
                            {f"step-{p['code']}-photo-{photo_code}": exc.messages}
                        ) from exc
            _refresh_status(run)
    except IntegrityError:
        # Two retries racing: the first one won.
        if submission.client_uuid:
            existing = offline.previous_submission(ChecklistRun, actor, submission.client_uuid)
            if existing is not None:
                return existing, False
        raise
    notify_hooks.signoff_waiting(run, actor=actor)
    return run, True
