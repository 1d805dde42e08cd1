"""SOP services: every write of the sop app, audited, in one transaction each.

- ``load_instructions``: the packaged instructions into a fresh database (post_migrate);
- ``publish_version``: validated new content becomes the published version;
- ``submit_run``: a whole checklist from the phone, idempotent by ``client_uuid``;
- ``sign_off``: a step or the whole run, by the role the instruction names;
- ``raise_ncr`` → ``rectify_ncr`` → ``approve_ncr`` / ``reject_ncr``.

Field names of a submission (``parse_submission``) are the phone form's and the API's; they
are documented in docs/sop.md and are a contract with the offline (PWA) tests.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from zhiyang.analytics import specs
from zhiyang.core import audit, offline, services
from zhiyang.core.access import may
from zhiyang.core.choices import AuditAction, Role
from zhiyang.notify import hooks as notify_hooks
from zhiyang.sop import content as sop_content
from zhiyang.sop.choices import NcrStatus, RunStatus, VersionStatus
from zhiyang.sop.models import (
    ChecklistRun,
    InstructionVersion,
    NonConformance,
    SignOff,
    StepPhoto,
    StepResult,
    WorkInstruction,
)
from zhiyang.works.choices import WorkOrderStatus
from zhiyang.works.models import WorkOrder

STANDARD_CODE = "jtg_f40_2004"
#: Roles that may review (approve or reject) a rectified NCR.
NCR_REVIEWERS = (Role.ENGINEER, Role.QC_INSPECTOR, Role.ADMIN)
#: Default context per instruction where a sprayed surface matters.
DEFAULT_BASE = {"prime_coat": "semi_rigid", "tack_coat": "asphalt"}
TRUE_VALUES = ("1", "on", "true", "yes")


def _actor(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def role_of(user: Any) -> str:
    """The user's role for sign-off and review (superusers act as administrators)."""
    if user is None:
        return Role.ADMIN
    return Role.ADMIN if getattr(user, "is_superuser", False) else str(user.role)


# =========================================================================== instructions


def load_instructions(
    *, user: Any = None, using: str = "default", audited: bool = True
) -> list[tuple[str, bool]]:
    """Create each packaged instruction missing from the database, with its content as
    version 1, published. Existing instructions are left alone (an administrator may have
    published newer versions). Returns (code, created) per packaged file.

    ``audited=False`` is for ``migrate`` (post_migrate): the packaged instructions are part
    of the installed software, like a data migration, not a change someone made."""
    done = []
    for code in sop_content.packaged_codes():
        if WorkInstruction.objects.using(using).filter(code=code).exists():
            done.append((code, False))
            continue
        data = sop_content.packaged(code)
        with transaction.atomic(using=using):
            instruction = WorkInstruction.objects.using(using).create(code=code)
            version = InstructionVersion.objects.using(using).create(
                instruction=instruction,
                version=1,
                content=data,
                status=VersionStatus.PUBLISHED,
                note="packaged",
                published_at=timezone.now(),
            )
            if audited and using == "default":
                audit.record(
                    user=user,
                    action=AuditAction.CREATE,
                    obj=version,
                    before=None,
                    after=audit.snapshot(version),
                )
        done.append((code, True))
    return done


def publish_version(
    *, user: Any, instruction: WorkInstruction, content: Mapping[str, Any], note: str = ""
) -> InstructionVersion:
    """Validate ``content`` and publish it as the next version; the previous published
    version is retired (runs keep the version they ran with)."""
    if user is not None and not may(user, InstructionVersion, "add"):
        raise PermissionDenied(_("You may not publish work instructions."))
    try:
        data = sop_content.validate_content(content)
    except sop_content.ContentError as exc:
        raise ValidationError({"content": exc.problems}) from exc
    if data["code"] != instruction.code:
        raise ValidationError(
            {"content": _("The content's code must be “%(code)s”.") % {"code": instruction.code}}
        )
    with transaction.atomic():
        WorkInstruction.objects.select_for_update().filter(pk=instruction.pk).first()
        now = timezone.now()
        for old in instruction.versions.filter(status=VersionStatus.PUBLISHED):
            before = audit.snapshot(old)
            old.status = VersionStatus.RETIRED
            old.save(update_fields=["status"])
            audit.record(
                user=user,
                action=AuditAction.UPDATE,
                obj=old,
                before=before,
                after=audit.snapshot(old),
            )
        number = (instruction.versions.aggregate(n=Max("version"))["n"] or 0) + 1
        version = services.create_object(
            user=user,
            model=InstructionVersion,
            data={
                "instruction": instruction,
                "version": number,
                "content": data,
                "status": VersionStatus.PUBLISHED,
                "note": note,
                "created_by": _actor(user),
                "published_by": _actor(user),
                "published_at": now,
            },
        )
    return version


def published_version(process: str) -> InstructionVersion | None:
    """The published version of the instruction for ``process``."""
    return (
        InstructionVersion.objects.select_related("instruction")
        .filter(instruction__code=process, status=VersionStatus.PUBLISHED)
        .first()
    )


# =========================================================================== ranges


def f40_parameters(organisation_id: int | None) -> dict[str, Any]:
    """JTG F40-2004 parameters with the organisation's overrides (standards app)."""
    from django.apps import apps

    overrides: dict[str, Any] = {}
    if apps.is_installed("zhiyang.standards"):
        from zhiyang.standards.services import overrides_for

        overrides = overrides_for(STANDARD_CODE, organisation_id)
    try:
        return specs.load_parameters(overrides or None)
    except specs.ParameterError as exc:
        raise ValidationError(
            _("The paving standard's parameters are invalid: %(error)s") % {"error": exc}
        ) from exc


def default_context(*, version: InstructionVersion, work_order: WorkOrder) -> dict[str, Any]:
    """The context a new run starts with: the last run's on the same project, else the
    standard's defaults."""
    keys = version.content.get("context", [])
    base = specs.MixContext().to_dict()
    if version.instruction.code in DEFAULT_BASE:
        base["base_type"] = DEFAULT_BASE[version.instruction.code]
    last = (
        ChecklistRun.objects.filter(work_order__project_id=work_order.project_id)
        .order_by("-submitted_at", "-id")
        .values_list("context", flat=True)
        .first()
    )
    if isinstance(last, Mapping):
        base.update({k: v for k, v in last.items() if k in base and v not in (None, "")})
    return {k: base.get(k) for k in keys}


@dataclass
class MeasurementSpec:
    """One measurement of a step with the range it is checked against (``error`` when the
    context does not allow resolving it)."""

    code: str
    label: Any
    unit: str
    min_value: float | None = None
    max_value: float | None = None
    source: str = ""
    confirmed: bool = False
    spec: str = ""
    error: str = ""
    target: tuple[float | None, float | None] = (None, None)

    def check(self, value: float) -> bool:
        if self.error or not math.isfinite(value):
            return False
        if self.min_value is not None and value < self.min_value:
            return False
        return not (self.max_value is not None and value > self.max_value)

    def range_label(self) -> str:
        return specs.AcceptanceRange(
            self.code, self.unit, self.min_value, self.max_value, "", False
        ).label()

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "unit": self.unit,
            "min": self.min_value,
            "max": self.max_value,
            "range": self.range_label(),
            "source": self.source,
            "confirmed": self.confirmed,
            "spec": self.spec,
            "error": self.error,
        }


def measurement_specs(
    *, version: InstructionVersion, context: Mapping[str, Any], organisation_id: int | None
) -> dict[str, list[MeasurementSpec]]:
    """Every step's measurements with their ranges for ``context``: step code → list."""
    params: dict[str, Any] | None = None
    out: dict[str, list[MeasurementSpec]] = {}
    for step in version.steps:
        rows = []
        for m in step.get("measurements", []):
            row = MeasurementSpec(code=m["code"], label=m["label"], unit=m.get("unit", ""))
            if m.get("spec"):
                if params is None:
                    params = f40_parameters(organisation_id)
                row.spec = m["spec"]
                try:
                    found = specs.acceptance_range(
                        m["spec"], {**dict(context), **m.get("context", {})}, params
                    )
                except specs.SpecError as exc:
                    row.error = str(exc)
                else:
                    row.min_value, row.max_value = found.min_value, found.max_value
                    row.source, row.confirmed = found.source, found.confirmed
                    row.target = (found.target_min, found.target_max)
            else:
                row.min_value, row.max_value = m.get("min"), m.get("max")
                row.source = m.get("source", "")
            rows.append(row)
        out[step["code"]] = rows
    return out


# =========================================================================== submissions


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
    *, user: Any, work_order: WorkOrder, submission: Submission
) -> tuple[ChecklistRun, bool]:
    """Record a whole checklist run. Returns (run, created); a ``client_uuid`` seen before
    returns the first run (an offline phone re-posting). Every measurement is required and
    checked against its range; required photos must be attached. Errors come back keyed by
    the form's field names."""
    if user is not None and not may(user, ChecklistRun, "add"):
        raise PermissionDenied(_("You may not record checklist runs."))
    if submission.client_uuid:
        existing = offline.previous_submission(ChecklistRun, user, submission.client_uuid)
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
                user=user,
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
                    "started_by": _actor(user),
                    "started_at": now,
                    "submitted_at": now,
                },
            )
            # Every step result and photo is created (and audited) like any other object, so
            # the measured values are in the audit trail, not only the run; the run's scope
            # was checked above.
            for p in planned:
                result = services.create_object(
                    user=user,
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
                        "recorded_by": _actor(user),
                        "recorded_at": now,
                    },
                    check_scope=False,
                )
                for photo_code, photo in p["photos"].items():
                    try:
                        services.create_object(
                            user=user,
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
            existing = offline.previous_submission(ChecklistRun, user, submission.client_uuid)
            if existing is not None:
                return existing, False
        raise
    notify_hooks.signoff_waiting(run, actor=user)
    return run, True


# =========================================================================== sign-off


def required_sign_offs(run: ChecklistRun) -> list[tuple[str, str]]:
    """(step code, role) of every signature the run needs: each hold point's, then the
    whole run's (step code blank)."""
    needed = [
        (s["code"], s["sign_off_role"])
        for s in run.version.steps
        if s.get("hold_point") and s.get("sign_off_role")
    ]
    needed.append(("", run.version.content.get("sign_off_role") or Role.QC_INSPECTOR))
    return needed


def _refresh_status(run: ChecklistRun) -> None:
    """failed if any step failed; passed when every sign-off is in; else awaiting."""
    if run.results.filter(passed=False).exists():
        status = RunStatus.FAILED
    else:
        signed = set(run.sign_offs.values_list("step_code", flat=True))
        complete = all(code in signed for code, _role in required_sign_offs(run))
        status = RunStatus.PASSED if complete else RunStatus.IN_PROGRESS
    if status != run.status:
        ChecklistRun.objects.filter(pk=run.pk).update(status=status)
        run.status = status


def sign_off(*, user: Any, run: ChecklistRun, step_code: str = "", note: str = "") -> SignOff:
    """Sign a hold point (``step_code``) or the whole run as the role the instruction
    names (administrators may sign for any role). The whole run is signed last."""
    if user is not None and not may(user, SignOff, "add"):
        raise PermissionDenied(_("You may not sign off checklist runs."))
    needed = dict(required_sign_offs(run))
    if step_code not in needed:
        raise ValidationError({"step_code": _("This step needs no sign-off.")})
    role = needed[step_code]
    mine = role_of(user)
    if mine != role and mine != Role.ADMIN:
        raise PermissionDenied(_("Only a %(role)s may sign this off.") % {"role": Role(role).label})
    if run.sign_offs.filter(step_code=step_code).exists():
        raise ValidationError({"step_code": _("This is already signed off.")})
    if step_code == "":
        missing = [
            c
            for c, _r in required_sign_offs(run)
            if c and c not in set(run.sign_offs.values_list("step_code", flat=True))
        ]
        if missing:
            raise ValidationError(
                {"step_code": _("Sign off every hold point before the whole run.")}
            )
    with transaction.atomic():
        row = services.create_object(
            user=user,
            model=SignOff,
            data={
                "run": run,
                "step_code": step_code,
                "role": role,
                "user": _actor(user),
                "at": timezone.now(),
                "note": note[:500],
            },
        )
        _refresh_status(run)
    return row


# =========================================================================== NCRs


def raise_ncr(*, user: Any, result: StepResult, description: str) -> NonConformance:
    """Raise a non-conformance report on a failed step."""
    if user is not None and not may(user, NonConformance, "add"):
        raise PermissionDenied(_("You may not raise non-conformance reports."))
    if result.passed:
        raise ValidationError(_("This step passed: there is nothing to report."))
    if not description.strip():
        raise ValidationError({"description": _("Describe the non-conformance.")})
    open_ncr = NonConformance.objects.filter(
        run_id=result.run_id, step_code=result.step_code
    ).exclude(status=NcrStatus.APPROVED)
    if open_ncr.exists():
        raise ValidationError(_("This step already has an open non-conformance report."))
    ncr = services.create_object(
        user=user,
        model=NonConformance,
        data={
            "run": result.run,
            "step_code": result.step_code,
            "description": description.strip(),
            "status": NcrStatus.RAISED,
            "raised_by": _actor(user),
            "raised_at": timezone.now(),
        },
    )
    notify_hooks.ncr_raised(ncr, actor=user)
    return ncr


def _transition(ncr: NonConformance, allowed: tuple[str, ...]) -> None:
    if ncr.status not in allowed:
        raise ValidationError(
            _("Not possible while the report is %(status)s.") % {"status": ncr.get_status_display()}
        )


def rectify_ncr(*, user: Any, ncr: NonConformance, corrective_action: str) -> NonConformance:
    """Report the corrective action taken (again after a rejection)."""
    if user is not None and not may(user, NonConformance, "change"):
        raise PermissionDenied(_("You may not rectify non-conformance reports."))
    _transition(ncr, (NcrStatus.RAISED, NcrStatus.REJECTED))
    if not corrective_action.strip():
        raise ValidationError({"corrective_action": _("Say what was done to rectify it.")})
    return services.update_object(
        user=user,
        obj=ncr,
        data={
            "corrective_action": corrective_action.strip(),
            "status": NcrStatus.RECTIFIED,
            "rectified_by": _actor(user),
            "rectified_at": timezone.now(),
        },
    )


def _review(user: Any, ncr: NonConformance, status: str, note: str) -> NonConformance:
    if user is not None and (
        not may(user, NonConformance, "change") or role_of(user) not in NCR_REVIEWERS
    ):
        raise PermissionDenied(_("Only an engineer or a QC inspector may review the report."))
    _transition(ncr, (NcrStatus.RECTIFIED,))
    if user is not None and ncr.rectified_by_id == getattr(user, "pk", None):
        raise PermissionDenied(_("The rectification must be reviewed by someone else."))
    if status == NcrStatus.REJECTED and not note.strip():
        raise ValidationError({"review_note": _("Say why the rectification is rejected.")})
    return services.update_object(
        user=user,
        obj=ncr,
        data={
            "status": status,
            "review_note": note.strip(),
            "approved_by": _actor(user),
            "approved_at": timezone.now(),
        },
    )


def approve_ncr(*, user: Any, ncr: NonConformance, note: str = "") -> NonConformance:
    """Accept the rectification: a failed hold point with an approved NCR no longer blocks
    closing the work order."""
    return _review(user, ncr, NcrStatus.APPROVED, note)


def reject_ncr(*, user: Any, ncr: NonConformance, note: str) -> NonConformance:
    """Send the rectification back (it must be rectified again)."""
    return _review(user, ncr, NcrStatus.REJECTED, note)
