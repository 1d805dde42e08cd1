"""Works: maintenance projects, their work orders per process, and daily field reports.

Model and field names are a contract with the sop, progress, planning and pwa parts (see the
shared brief): keep them stable. A project lies on one route between two chainages and belongs
to an organisation; users see it when its route (or a district its chainage range crosses) is
in their scope, or when it belongs to their organisation. Work orders, daily reports and their
rows are scoped through their project.

Money is in yuan (``Decimal``), chainage in metres along the route (shown K12+345).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiyang.core import quantities
from zhiyang.core.access import scoped_through
from zhiyang.core.fields import latitude_field, longitude_field, user_fk
from zhiyang.core.models import OrganisationOwned
from zhiyang.core.validators import validate_multiline_text, validate_photo, validate_printable
from zhiyang.network.validators import OnRouteMixin, chainage_errors
from zhiyang.works.choices import (
    DailyReportStatus,
    Process,
    ProjectSource,
    ProjectStatus,
    Treatment,
    Unit,
    Weather,
    WorkOrderStatus,
)

ZERO = Decimal("0")


# Line breaks and tabs are fine in free text; other control characters are refused.


def _money(verbose: Any, **kwargs: Any) -> models.DecimalField:
    return models.DecimalField(
        verbose, max_digits=14, decimal_places=2, validators=[MinValueValidator(ZERO)], **kwargs
    )


class Project(OnRouteMixin, OrganisationOwned):
    """A maintenance project (养护工程): one treatment on a route between two chainages."""

    chainage_fields = ("start_m", "end_m")

    code = models.CharField(
        _("project code"), max_length=40, unique=True, validators=[validate_printable]
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_printable])
    route = models.ForeignKey(
        "network.Route", on_delete=models.PROTECT, related_name="+", verbose_name=_("route")
    )
    start_m = models.FloatField(_("start chainage (m)"), validators=[MinValueValidator(0.0)])
    end_m = models.FloatField(_("end chainage (m)"), validators=[MinValueValidator(0.0)])
    treatment = models.CharField(_("treatment"), max_length=24, choices=Treatment.choices)
    contract_value_yuan = _money(_("contract value (yuan)"), default=ZERO)
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_finish = models.DateField(_("actual finish"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT
    )
    source = models.CharField(
        _("source"), max_length=8, choices=ProjectSource.choices, default=ProjectSource.MANUAL
    )
    contractor = models.CharField(
        _("contractor"), max_length=200, blank=True, validators=[validate_printable]
    )
    description = models.TextField(
        _("description"), blank=True, validators=[validate_multiline_text]
    )
    created_by = user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    approved_by = user_fk(_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-planned_start", "code"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [models.Index(fields=["status", "planned_start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_m__gt=F("start_m")), name="works_project_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(planned_end__gte=F("planned_start")),
                name="works_project_planned_end_not_before_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("works:project-detail", args=[self.pk])

    scope_q = scoped_through(project="")

    @property
    def length_m(self) -> float:
        return self.end_m - self.start_m

    def chainage_label(self) -> str:
        from zhiyang.network.chainage import format_chainage

        return f"{format_chainage(self.start_m)}–{format_chainage(self.end_m)}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.start_m is not None and self.end_m is not None:
            if self.end_m <= self.start_m:
                errors["end_m"] = _("The end chainage must be after the start.")
            else:
                errors.update(self.route_chainage_errors(what=_("The project")))
        if (
            self.planned_start is not None
            and self.planned_end is not None
            and self.planned_end < self.planned_start
        ):
            errors["planned_end"] = _("The planned end must not be before the start.")
        if (
            self.actual_start is not None
            and self.actual_finish is not None
            and self.actual_finish < self.actual_start
        ):
            errors["actual_finish"] = _("The actual finish must not be before the start.")
        if errors:
            raise ValidationError(errors)


class WorkOrder(models.Model):
    """One process of a project (milling, paving …) with its quantity, schedule, crew and
    machines. ``unit_cost_yuan`` × quantity is its budget for earned value."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="work_orders", verbose_name=_("project")
    )
    process = models.CharField(_("process"), max_length=24, choices=Process.choices)
    title = models.CharField(_("title"), max_length=200, validators=[validate_printable])
    sequence = models.PositiveSmallIntegerField(_("sequence"), default=0)
    start_m = models.FloatField(_("start chainage (m)"), null=True, blank=True)
    end_m = models.FloatField(_("end chainage (m)"), null=True, blank=True)
    planned_quantity = models.DecimalField(
        _("planned quantity"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.M2)
    unit_cost_yuan = _money(_("unit cost (yuan)"), default=ZERO)
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_finish = models.DateField(_("actual finish"), null=True, blank=True)
    crew = models.ForeignKey(
        "people.Crew",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="work_orders",
        verbose_name=_("crew"),
    )
    equipment = models.ManyToManyField(
        "fleet.Equipment", blank=True, related_name="work_orders", verbose_name=_("machines")
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=WorkOrderStatus.choices,
        default=WorkOrderStatus.PLANNED,
    )
    note = models.TextField(_("note"), blank=True, validators=[validate_multiline_text])
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    closed_by = user_fk(_("closed by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["project", "sequence", "planned_start", "id"]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        indexes = [models.Index(fields=["status", "planned_start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gte=F("planned_start")),
                name="works_workorder_planned_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(planned_quantity__gt=0), name="works_workorder_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("works:workorder-detail", args=[self.pk])

    scope_q = scoped_through(project="project")

    @property
    def planned_value_yuan(self) -> Decimal:
        return (self.planned_quantity or ZERO) * (self.unit_cost_yuan or ZERO)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if (
            self.planned_start is not None
            and self.planned_end is not None
            and self.planned_end < self.planned_start
        ):
            errors["planned_end"] = _("The planned end must not be before the start.")
        if (self.start_m is None) != (self.end_m is None):
            errors["end_m"] = _("Give both chainages or neither.")
        elif self.start_m is not None and self.end_m is not None:
            finite = chainage_errors(None, {"start_m": self.start_m, "end_m": self.end_m})
            if finite:
                errors.update(finite)
            elif self.end_m <= self.start_m:
                errors["end_m"] = _("The end chainage must be after the start.")
            elif self.project_id is not None and (
                self.start_m < self.project.start_m or self.end_m > self.project.end_m
            ):
                errors["start_m"] = _("The work order must lie within the project's chainage.")
        if (
            self.actual_start is not None
            and self.actual_finish is not None
            and self.actual_finish < self.actual_start
        ):
            errors["actual_finish"] = _("The actual finish must not be before the start.")
        problem = quantities.quantity_error(self.planned_quantity, self.unit)
        if problem:
            errors["planned_quantity"] = problem
        if errors:
            raise ValidationError(errors)


class DailyReport(models.Model):
    """A daily field report (施工日志) of a project: weather, crew, machines, materials,
    quantities per work order, problems and photos; approved by a supervisor.

    ``client_uuid`` is chosen by the phone form: an offline retry with the same id returns
    the first report instead of a duplicate.
    """

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="daily_reports", verbose_name=_("project")
    )
    date = models.DateField(_("date"))
    weather = models.CharField(
        _("weather"), max_length=12, choices=Weather.choices, default=Weather.SUNNY
    )
    temp_min_c = models.SmallIntegerField(
        _("lowest temperature (°C)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-50), MaxValueValidator(60)],
    )
    temp_max_c = models.SmallIntegerField(
        _("highest temperature (°C)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-50), MaxValueValidator(60)],
    )
    crew = models.ForeignKey(
        "people.Crew",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="daily_reports",
        verbose_name=_("crew"),
    )
    workers_count = models.PositiveSmallIntegerField(
        _("workers on site"), default=0, validators=[MaxValueValidator(2000)]
    )
    machines = models.ManyToManyField(
        "fleet.Equipment", blank=True, related_name="daily_reports", verbose_name=_("machines")
    )
    materials = models.TextField(
        _("materials"),
        blank=True,
        validators=[validate_multiline_text],
        help_text=_("Materials delivered and used, one per line (e.g. AC-13 asphalt mix 210 t)."),
    )
    work_done = models.TextField(_("work done"), blank=True, validators=[validate_multiline_text])
    problems = models.TextField(
        _("problems and measures"), blank=True, validators=[validate_multiline_text]
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DailyReportStatus.choices,
        default=DailyReportStatus.SUBMITTED,
    )
    client_uuid = models.UUIDField(_("client id"), unique=True, null=True, blank=True)
    submitted_by = user_fk(_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = user_fk(_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    rejection_reason = models.TextField(
        _("rejection reason"), blank=True, validators=[validate_multiline_text]
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-date", "-created_at", "-id"]
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        indexes = [models.Index(fields=["project", "date"]), models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(temp_min_c__isnull=True)
                | Q(temp_max_c__isnull=True)
                | Q(temp_max_c__gte=F("temp_min_c")),
                name="works_dailyreport_temp_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("works:daily-report-detail", args=[self.pk])

    scope_q = scoped_through(project="project")

    def clean(self) -> None:
        if (
            self.temp_min_c is not None
            and self.temp_max_c is not None
            and self.temp_max_c < self.temp_min_c
        ):
            raise ValidationError(
                {"temp_max_c": _("The highest temperature must not be below the lowest.")}
            )

    @property
    def total_cost_yuan(self) -> Decimal:
        return sum((q.cost_yuan or ZERO for q in self.quantities.all()), ZERO)


class DailyQuantity(models.Model):
    """The quantity done on one work order in one daily report, with its cost if known."""

    report = models.ForeignKey(
        DailyReport, on_delete=models.CASCADE, related_name="quantities", verbose_name=_("report")
    )
    work_order = models.ForeignKey(
        WorkOrder,
        on_delete=models.CASCADE,
        related_name="daily_quantities",
        verbose_name=_("work order"),
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=14, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    cost_yuan = _money(_("cost (yuan)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True, validators=[validate_printable])

    class Meta:
        ordering = ["report", "work_order__sequence", "work_order_id"]
        verbose_name = _("daily quantity")
        verbose_name_plural = _("daily quantities")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "work_order"],
                name="works_dailyquantity_once_per_report",
                violation_error_message=_("This work order is already in the report."),
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="works_quantity_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.work_order.title}: {self.quantity}"

    scope_q = scoped_through(project="report__project")

    def clean(self) -> None:
        if (
            self.report_id is not None
            and self.work_order_id is not None
            and self.work_order.project_id != self.report.project_id
        ):
            raise ValidationError({"work_order": _("The work order belongs to another project.")})
        if self.work_order_id is not None:
            problem = quantities.quantity_error(self.quantity, self.work_order.unit)
            if problem:
                raise ValidationError({"quantity": problem})


class DailyPhoto(models.Model):
    """A photo attached to a daily report."""

    report = models.ForeignKey(
        DailyReport, on_delete=models.CASCADE, related_name="photos", verbose_name=_("report")
    )
    photo = models.ImageField(
        _("photo"), upload_to="works/daily/%Y/%m/", validators=[validate_photo]
    )
    caption = models.CharField(
        _("caption"), max_length=200, blank=True, validators=[validate_printable]
    )
    lon = longitude_field()
    lat = latitude_field()
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now)

    class Meta:
        ordering = ["report", "taken_at", "id"]
        verbose_name = _("daily report photo")
        verbose_name_plural = _("daily report photos")

    def __str__(self) -> str:
        return f"{self.report} · {self.caption or self.photo.name}"

    scope_q = scoped_through(project="report__project")
