"""Patrol: plans (which section, how often, which crew and vehicle), patrols with their GPS
track, findings, and the routine-maintenance repair tasks that close them.

Every row is placed on the network by a route and a district (``scoped_through``), so a
user sees the patrols, findings and tasks of their organisation's part of the network.
Chainage is in metres along the route (shown K12+345).

The contracts hook: a ``RepairTask`` carries ``work_item_code`` (a BOQ item code),
``quantity_done`` + ``unit`` and ``contract_ref``; ``services.completed_repairs`` lists the
verified ones of a period with their quantities (docs/patrol.md).
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiyang.core.access import scoped_through
from zhiyang.core.fields import latitude_field, longitude_field, user_fk
from zhiyang.core.validators import validate_photo, validate_printable
from zhiyang.patrol.choices import (
    FindingCategory,
    FindingKind,
    FindingStatus,
    QuantityUnit,
    Severity,
    TaskAction,
    TaskStatus,
)


def _chainage(route: Any, chainage_m: float) -> str:
    from zhiyang.network.chainage import format_chainage

    return f"{route.code} {format_chainage(chainage_m)}"


class PatrolPlan(models.Model):
    """A standing patrol of one section of a route: how often (days between patrols, by
    season; blank = the default of the route's technical class in
    ``analytics/standards/patrol_response.toml``), by which crew and vehicle."""

    name = models.CharField(_("name"), max_length=200, validators=[validate_printable])
    route = models.ForeignKey(
        "network.Route", on_delete=models.PROTECT, related_name="+", verbose_name=_("route")
    )
    district = models.ForeignKey(
        "network.District", on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    start_m = models.FloatField(_("start chainage (m)"))
    end_m = models.FloatField(_("end chainage (m)"))
    interval_days = models.PositiveSmallIntegerField(
        _("interval (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("Blank: the default for the road's technical class."),
    )
    winter_interval_days = models.PositiveSmallIntegerField(
        _("winter interval (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    rainy_interval_days = models.PositiveSmallIntegerField(
        _("rainy-season interval (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    crew = models.ForeignKey(
        "people.Crew",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("crew"),
    )
    vehicle = models.ForeignKey(
        "fleet.Equipment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vehicle"),
    )
    starts_on = models.DateField(_("starts on"), default=timezone.localdate)
    active = models.BooleanField(_("active"), default=True)
    note = models.TextField(_("note"), blank=True, validators=[validate_printable])

    class Meta:
        ordering = ["route__code", "start_m", "pk"]
        verbose_name = _("patrol plan")
        verbose_name_plural = _("patrol plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_m__gt=F("start_m")), name="patrolplan_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    scope_q = scoped_through(route="route", district="district")

    def get_absolute_url(self) -> str:
        return reverse("patrol:plan-detail", args=[self.pk])

    @property
    def length_km(self) -> float:
        return (self.end_m - self.start_m) / 1000.0


class Patrol(models.Model):
    """One patrol (巡查) of a route: who, when, which vehicle, the GPS track and what it
    covered. ``track`` is ``[[lon, lat, unix_s], ...]`` as the phone recorded it;
    ``covered`` the chainage intervals the track ran along (``services.coverage``) and
    ``covered_km`` their length. ``client_uuid`` makes the phone's upload idempotent."""

    plan = models.ForeignKey(
        PatrolPlan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patrols",
        verbose_name=_("plan"),
    )
    route = models.ForeignKey(
        "network.Route", on_delete=models.PROTECT, related_name="+", verbose_name=_("route")
    )
    district = models.ForeignKey(
        "network.District", on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"))
    patroller = user_fk(_("patroller"))
    vehicle = models.ForeignKey(
        "fleet.Equipment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vehicle"),
    )
    weather = models.CharField(_("weather"), max_length=40, blank=True)
    track = models.JSONField(_("GPS track"), default=list, blank=True)
    covered = models.JSONField(_("covered chainage intervals"), default=list, blank=True)
    covered_km = models.FloatField(_("covered (km)"), default=0.0)
    start_m = models.FloatField(_("from chainage (m)"), null=True, blank=True)
    end_m = models.FloatField(_("to chainage (m)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, validators=[validate_printable])
    client_uuid = models.UUIDField(_("client id"), unique=True, null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        indexes = [models.Index(fields=["route", "started_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__gte=F("started_at")), name="patrol_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.route.code} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"

    scope_q = scoped_through(route="route", district="district")

    def get_absolute_url(self) -> str:
        return reverse("patrol:patrol-detail", args=[self.pk])


class Finding(models.Model):
    """A defect seen on patrol (病害/问题): category and kind from the quick-entry list,
    severity, quantity, place, photo; then triaged (dismiss, monitor, repair, hazard).

    ``patrol_uuid`` is the phone's id of the patrol it was found on: offline, a finding may
    reach the server before its patrol, and is linked when the patrol arrives.
    A pavement finding is also a condition ``Distress`` record with source "patrol"
    (``distress``), never part of a survey's rating.
    """

    patrol = models.ForeignKey(
        Patrol,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("patrol"),
    )
    patrol_uuid = models.UUIDField(_("patrol client id"), null=True, blank=True, db_index=True)
    route = models.ForeignKey(
        "network.Route", on_delete=models.PROTECT, related_name="+", verbose_name=_("route")
    )
    district = models.ForeignKey(
        "network.District", on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    chainage_m = models.FloatField(_("chainage (m)"))
    lon = longitude_field()
    lat = latitude_field()
    category = models.CharField(_("category"), max_length=20, choices=FindingCategory.choices)
    kind = models.CharField(_("type"), max_length=24, choices=FindingKind.choices)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, blank=True)
    urgent = models.BooleanField(
        _("urgent"), default=False, help_text=_("A danger to traffic now: the shortest deadline.")
    )
    quantity = models.FloatField(_("quantity"), default=1.0, validators=[MinValueValidator(0.0)])
    unit = models.CharField(_("unit"), max_length=4, choices=QuantityUnit.choices, default="m2")
    photo = models.ImageField(
        _("photo"), upload_to="patrol/findings/%Y/%m/", blank=True, validators=[validate_photo]
    )
    note = models.TextField(_("note"), blank=True, validators=[validate_printable])
    status = models.CharField(
        _("status"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.NEW
    )
    reported_by = user_fk(_("reported by"))
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    client_uuid = models.UUIDField(_("client id"), unique=True, null=True, blank=True)
    triaged_by = user_fk(_("triaged by"))
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    triage_note = models.TextField(_("triage note"), blank=True, validators=[validate_printable])
    distress = models.OneToOneField(
        "condition.Distress",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patrol_finding",
        verbose_name=_("distress record"),
    )
    hazard = models.OneToOneField(
        "safety.Hazard",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patrol_finding",
        verbose_name=_("safety hazard"),
    )

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        indexes = [
            models.Index(fields=["status", "reported_at"]),
            models.Index(fields=["route", "chainage_m"]),
        ]

    def __str__(self) -> str:
        return f"{_chainage(self.route, self.chainage_m)} {self.get_kind_display()}"

    scope_q = scoped_through(route="route", district="district")

    def get_absolute_url(self) -> str:
        return reverse("patrol:finding-detail", args=[self.pk])


class RepairTask(models.Model):
    """A routine-maintenance task (小修保养): repair a finding (or a task raised by hand) by
    its deadline, then verify and close. The deadline comes from the response-time table
    (``response_rule`` and ``response_hours`` keep which rule and its provenance).
    ``escalation_level`` rises once a day while the task is late (``core.escalation``).
    """

    finding = models.OneToOneField(
        Finding,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="task",
        verbose_name=_("finding"),
    )
    route = models.ForeignKey(
        "network.Route", on_delete=models.PROTECT, related_name="+", verbose_name=_("route")
    )
    district = models.ForeignKey(
        "network.District", on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    chainage_m = models.FloatField(_("chainage (m)"))
    category = models.CharField(_("category"), max_length=20, choices=FindingCategory.choices)
    kind = models.CharField(_("type"), max_length=24, choices=FindingKind.choices)
    description = models.TextField(_("work to do"), validators=[validate_printable])
    work_item_code = models.CharField(
        _("work item code"),
        max_length=40,
        blank=True,
        validators=[validate_printable],
        help_text=_("The BOQ item the quantity is measured against (e.g. 303-1)."),
    )
    contract_ref = models.CharField(
        _("contract"), max_length=60, blank=True, validators=[validate_printable]
    )
    quantity_planned = models.FloatField(
        _("planned quantity"), default=0.0, validators=[MinValueValidator(0.0)]
    )
    unit = models.CharField(_("unit"), max_length=4, choices=QuantityUnit.choices, default="m2")
    deadline = models.DateTimeField(_("deadline"))
    response_rule = models.CharField(_("response rule"), max_length=60, blank=True)
    response_hours = models.PositiveIntegerField(_("response time (h)"), default=0)
    response_source = models.CharField(_("response-time source"), max_length=300, blank=True)
    response_confirmed = models.BooleanField(_("response time confirmed"), default=False)
    crew = models.ForeignKey(
        "people.Crew",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("crew"),
    )
    assignee = user_fk(_("assigned to"), related_name="patrol_tasks")
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    created_by = user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    repaired_by = user_fk(_("repaired by"))
    repaired_at = models.DateTimeField(_("repaired at"), null=True, blank=True)
    quantity_done = models.FloatField(
        _("quantity done"), null=True, blank=True, validators=[MinValueValidator(0.0)]
    )
    materials = models.TextField(_("materials"), blank=True, validators=[validate_printable])
    machine = models.ForeignKey(
        "fleet.Equipment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("machine"),
    )
    photo_before = models.ImageField(
        _("photo before"),
        upload_to="patrol/repairs/%Y/%m/",
        blank=True,
        validators=[validate_photo],
    )
    photo_after = models.ImageField(
        _("photo after"), upload_to="patrol/repairs/%Y/%m/", blank=True, validators=[validate_photo]
    )
    repair_note = models.TextField(_("repair note"), blank=True, validators=[validate_printable])
    verified_by = user_fk(_("verified by"))
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_note = models.TextField(
        _("verification note"), blank=True, validators=[validate_printable]
    )
    rejections = models.PositiveSmallIntegerField(_("rejections"), default=0)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_on = models.DateField(_("last escalated on"), null=True, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("repair task")
        verbose_name_plural = _("repair tasks")
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["verified_at"]),
        ]

    def __str__(self) -> str:
        return f"{_chainage(self.route, self.chainage_m)} {self.get_kind_display()}"

    scope_q = scoped_through(route="route", district="district")

    def get_absolute_url(self) -> str:
        return reverse("patrol:task-detail", args=[self.pk])

    def is_overdue(self, now: Any = None) -> bool:
        """Past the deadline and not yet repaired (waiting for verification is not late)."""
        now = now or timezone.now()
        return self.status == TaskStatus.OPEN and self.deadline < now

    @property
    def closed_in_time(self) -> bool | None:
        if self.repaired_at is None or self.status != TaskStatus.CLOSED:
            return None
        return self.repaired_at <= self.deadline


class TaskEvent(models.Model):
    """One step of a repair task's history (its timeline; the audit log has it too)."""

    task = models.ForeignKey(
        RepairTask, on_delete=models.CASCADE, related_name="events", verbose_name=_("task")
    )
    action = models.CharField(_("action"), max_length=10, choices=TaskAction.choices)
    user = user_fk(_("by"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["task", "at", "id"]
        verbose_name = _("task event")
        verbose_name_plural = _("task events")

    def __str__(self) -> str:
        return f"{self.task_id} {self.action}"

    scope_q = scoped_through(route="task__route", district="task__district")
