"""Work instructions (作业指导书) as versioned data, and their checklist runs on work orders.

A ``WorkInstruction`` per process code has ``InstructionVersion`` rows; exactly one is
published at a time, and a ``ChecklistRun`` keeps the version it ran with, so publishing a
new version never changes a past run. A run records one ``StepResult`` per step (measured
values with the range they were checked against, photos with time and GPS), ``SignOff`` rows
by role, and ``NonConformance`` reports (NCR) for failed steps. A failed hold point blocks
closing its work order until an NCR for it is approved (``guards.failed_hold_points``).

Runs and their rows are scoped through the work order's project (works.models).
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiyang.core.access import scoped_through
from zhiyang.core.choices import Role
from zhiyang.core.fields import latitude_field, longitude_field, user_fk
from zhiyang.core.validators import validate_photo, validate_printable
from zhiyang.sop.choices import NcrStatus, RunStatus, VersionStatus
from zhiyang.works.choices import Process


class WorkInstruction(models.Model):
    """One of the 12 work instructions; its content lives in its versions."""

    code = models.CharField(_("code"), max_length=24, unique=True, choices=Process.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["code"]
        verbose_name = _("work instruction")
        verbose_name_plural = _("work instructions")

    def __str__(self) -> str:
        return self.get_code_display()

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("sop:instruction-detail", args=[self.code])

    def published(self) -> InstructionVersion | None:
        return self.versions.filter(status=VersionStatus.PUBLISHED).first()


class InstructionVersion(models.Model):
    """A version of a work instruction's content (validated by ``content.validate_content``)."""

    instruction = models.ForeignKey(
        WorkInstruction,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("work instruction"),
    )
    version = models.PositiveIntegerField(_("version"), validators=[MinValueValidator(1)])
    content = models.JSONField(_("content"))
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    note = models.CharField(
        _("change note"), max_length=500, blank=True, validators=[validate_printable]
    )
    created_by = user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    published_by = user_fk(_("published by"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["instruction", "-version"]
        verbose_name = _("instruction version")
        verbose_name_plural = _("instruction versions")
        constraints = [
            models.UniqueConstraint(
                fields=["instruction", "version"], name="sop_version_unique_number"
            ),
            models.UniqueConstraint(
                fields=["instruction"],
                condition=Q(status="published"),
                name="sop_one_published_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instruction} v{self.version}"

    @property
    def steps(self) -> list[dict[str, Any]]:
        return list(self.content.get("steps", []))

    def step(self, code: str) -> dict[str, Any] | None:
        return next((s for s in self.steps if s.get("code") == code), None)


class ChecklistRun(models.Model):
    """A work instruction executed on a work order, submitted from the phone in one go."""

    work_order = models.ForeignKey(
        "works.WorkOrder",
        on_delete=models.CASCADE,
        related_name="checklist_runs",
        verbose_name=_("work order"),
    )
    version = models.ForeignKey(
        InstructionVersion,
        on_delete=models.PROTECT,
        related_name="runs",
        verbose_name=_("instruction version"),
    )
    client_uuid = models.UUIDField(_("client id"), unique=True, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.IN_PROGRESS
    )
    context = models.JSONField(_("context"), default=dict, blank=True)
    lon = longitude_field()
    lat = latitude_field()
    note = models.TextField(_("note"), blank=True, validators=[validate_printable])
    started_by = user_fk(_("started by"), related_name="sop_runs")
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("checklist run")
        verbose_name_plural = _("checklist runs")
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.version} · {self.work_order}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("sop:run-detail", args=[self.pk])

    scope_q = scoped_through(project="work_order__project")


class StepResult(models.Model):
    """One step of a run: the measured values (each with its range and verdict), passed."""

    run = models.ForeignKey(
        ChecklistRun, on_delete=models.CASCADE, related_name="results", verbose_name=_("run")
    )
    step_code = models.CharField(_("step"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    hold_point = models.BooleanField(_("hold point"), default=False)
    done = models.BooleanField(_("done as described"), default=False)
    values = models.JSONField(_("measured values"), default=dict, blank=True)
    passed = models.BooleanField(_("passed"), default=False)
    note = models.TextField(_("note"), blank=True, validators=[validate_printable])
    recorded_by = user_fk(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["run", "position", "id"]
        verbose_name = _("step result")
        verbose_name_plural = _("step results")
        constraints = [
            models.UniqueConstraint(fields=["run", "step_code"], name="sop_one_result_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.step_code}"

    scope_q = scoped_through(project="run__work_order__project")


class StepPhoto(models.Model):
    """A photo of a step, with when and where it was taken (the phone's clock and GPS)."""

    result = models.ForeignKey(
        StepResult, on_delete=models.CASCADE, related_name="photos", verbose_name=_("step")
    )
    code = models.CharField(_("photo"), max_length=40)
    photo = models.ImageField(_("photo"), upload_to="sop/%Y/%m/", validators=[validate_photo])
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now)
    lon = longitude_field()
    lat = latitude_field()

    class Meta:
        ordering = ["result", "code", "id"]
        verbose_name = _("step photo")
        verbose_name_plural = _("step photos")

    def __str__(self) -> str:
        return f"{self.result} {self.code}"

    scope_q = scoped_through(project="result__run__work_order__project")


class SignOff(models.Model):
    """A signature by role: of one step (``step_code``) or the whole run (blank)."""

    run = models.ForeignKey(
        ChecklistRun, on_delete=models.CASCADE, related_name="sign_offs", verbose_name=_("run")
    )
    step_code = models.CharField(_("step"), max_length=40, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    user = user_fk(_("signed by"))
    at = models.DateTimeField(_("signed at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=500, blank=True, validators=[validate_printable])

    class Meta:
        ordering = ["run", "at", "id"]
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        constraints = [
            models.UniqueConstraint(fields=["run", "step_code"], name="sop_one_sign_off_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.step_code or '*'} {self.role}"

    scope_q = scoped_through(project="run__work_order__project")


class NonConformance(models.Model):
    """A non-conformance report (NCR) on a failed step: raised → rectified → approved."""

    run = models.ForeignKey(
        ChecklistRun, on_delete=models.CASCADE, related_name="ncrs", verbose_name=_("run")
    )
    step_code = models.CharField(_("step"), max_length=40)
    description = models.TextField(_("non-conformance"), validators=[validate_printable])
    status = models.CharField(
        _("status"), max_length=10, choices=NcrStatus.choices, default=NcrStatus.RAISED
    )
    raised_by = user_fk(_("raised by"))
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    corrective_action = models.TextField(
        _("corrective action"), blank=True, validators=[validate_printable]
    )
    rectified_by = user_fk(_("rectified by"))
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    approved_by = user_fk(_("reviewed by"))
    approved_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True, validators=[validate_printable])

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("non-conformance report")
        verbose_name_plural = _("non-conformance reports")
        indexes = [models.Index(fields=["status", "raised_at"])]

    def __str__(self) -> str:
        return f"NCR-{self.pk} {self.step_code}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("sop:ncr-detail", args=[self.pk])

    scope_q = scoped_through(project="run__work_order__project")
