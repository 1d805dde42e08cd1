"""Work instructions: the packaged ones loaded, new versions validated and published, and
the measurement ranges a version asks for (JTG F40 through analytics.specs).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.analytics import specs
from zhiyang.core import audit, services
from zhiyang.core.access import may
from zhiyang.core.actors import Actor, audit_user
from zhiyang.core.choices import AuditAction
from zhiyang.sop import content as sop_content
from zhiyang.sop.choices import VersionStatus
from zhiyang.sop.models import (
    ChecklistRun,
    InstructionVersion,
    WorkInstruction,
)
from zhiyang.standards.services import overrides_for
from zhiyang.works.models import WorkOrder

STANDARD_CODE = "jtg_f40_2004"
#: Default context per instruction where a sprayed surface matters.
DEFAULT_BASE = {"prime_coat": "semi_rigid", "tack_coat": "asphalt"}


def load_instructions(
    *, actor: Actor, using: str = "default", audited: bool = True
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
                    actor=actor,
                    action=AuditAction.CREATE,
                    obj=version,
                    before=None,
                    after=audit.snapshot(version),
                )
        done.append((code, True))
    return done


def publish_version(
    *, actor: Actor, instruction: WorkInstruction, content: Mapping[str, Any], note: str = ""
) -> InstructionVersion:
    """Validate ``content`` and publish it as the next version; the previous published
    version is retired (runs keep the version they ran with)."""
    if not may(actor, InstructionVersion, "add"):
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
                actor=actor,
                action=AuditAction.UPDATE,
                obj=old,
                before=before,
                after=audit.snapshot(old),
            )
        number = (instruction.versions.aggregate(n=Max("version"))["n"] or 0) + 1
        version = services.create_object(
            actor=actor,
            model=InstructionVersion,
            data={
                "instruction": instruction,
                "version": number,
                "content": data,
                "status": VersionStatus.PUBLISHED,
                "note": note,
                "created_by": audit_user(actor),
                "published_by": audit_user(actor),
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


def f40_parameters(organisation_id: int | None) -> dict[str, Any]:
    """JTG F40-2004 parameters with the organisation's overrides (standards app)."""
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
