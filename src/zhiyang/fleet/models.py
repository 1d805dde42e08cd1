"""Machines, their ISO 15143-3 (AEMP 2.0) telematics, service intervals and assignments.

Machines belong to an organisation (``OrganisationOwned``); every child row (snapshots,
fault codes, services, assignments) is scoped through its machine's organisation.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhiyang.core.access import scoped_through
from zhiyang.core.models import OrganisationOwned
from zhiyang.fleet.choices import (
    EquipmentStatus,
    EquipmentType,
    ImportOrigin,
    Ownership,
    SnapshotFormat,
)


class Equipment(OrganisationOwned):
    """A machine: a paver, roller, truck … identified by PIN, serial + OEM or telematics ID.

    The ``last_*`` fields keep the latest telematics reading so lists and the map need no
    query over the history.
    """

    code = models.CharField(
        _("fleet number"), max_length=40, help_text=_("The branch's own number, e.g. PV-01.")
    )
    equipment_type = models.CharField(
        _("type"), max_length=32, choices=EquipmentType.choices, default=EquipmentType.OTHER
    )
    make = models.CharField(_("make (OEM)"), max_length=80, blank=True)
    model = models.CharField(_("model"), max_length=80, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=80, blank=True)
    pin = models.CharField(
        _("PIN"),
        max_length=40,
        blank=True,
        help_text=_("Product identification number (ISO 10261); unique when given."),
    )
    telematics_id = models.CharField(
        _("telematics equipment ID"),
        max_length=80,
        blank=True,
        help_text=_("The EquipmentID the telematics provider reports."),
    )
    plate = models.CharField(_("number plate"), max_length=20, blank=True)
    ownership = models.CharField(
        _("ownership"), max_length=10, choices=Ownership.choices, default=Ownership.OWNED
    )
    owner_name = models.CharField(
        _("owner or lessor"), max_length=200, blank=True, help_text=_("Lessor of a leased machine.")
    )
    working_width_m = models.FloatField(
        _("working width (m)"),
        null=True,
        blank=True,
        help_text=_("Drum, screed or milling width in metres."),
    )
    year = models.PositiveSmallIntegerField(_("year built"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EquipmentStatus.choices, default=EquipmentStatus.ACTIVE
    )
    notes = models.TextField(_("notes"), blank=True)
    created_from_telematics = models.BooleanField(
        _("created from telematics"),
        default=False,
        help_text=_("Created by an import for a machine that was not yet registered."),
    )
    # Last known state (from the newest snapshot).
    last_snapshot_at = models.DateTimeField(_("last report"), null=True, blank=True)
    last_latitude = models.FloatField(_("last latitude"), null=True, blank=True)
    last_longitude = models.FloatField(_("last longitude"), null=True, blank=True)
    last_position_at = models.DateTimeField(_("last position time"), null=True, blank=True)
    last_operating_hours = models.FloatField(_("operating hours"), null=True, blank=True)
    last_idle_hours = models.FloatField(_("idle hours"), null=True, blank=True)
    last_fuel_used_l = models.FloatField(_("fuel used (L)"), null=True, blank=True)
    last_odometer_km = models.FloatField(_("odometer (km)"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("machine")
        verbose_name_plural = _("machines")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="fleet_equipment_code_unique"
            ),
            models.UniqueConstraint(
                fields=["pin"], condition=~Q(pin=""), name="fleet_equipment_pin_unique"
            ),
            models.CheckConstraint(
                condition=Q(working_width_m__isnull=True) | Q(working_width_m__gt=0),
                name="fleet_equipment_width_positive",
            ),
        ]

    def __str__(self) -> str:
        label = " ".join(p for p in (self.make, self.model) if p)
        return f"{self.code} {label}".strip()


class TelematicsSource(OrganisationOwned):
    """An ISO 15143-3 Fleet endpoint polled for snapshots.

    The auth header value (e.g. ``Bearer …``) is kept encrypted in the database
    (``core/crypto.py``), never in the repository, never in API answers or the audit log.
    """

    name = models.CharField(_("name"), max_length=100)
    base_url = models.URLField(_("fleet URL"), max_length=500)
    auth_header_name = models.CharField(
        _("auth header name"), max_length=60, default="Authorization"
    )
    auth_value_encrypted = models.TextField(_("auth header value (encrypted)"), blank=True)
    format = models.CharField(
        _("format"), max_length=5, choices=SnapshotFormat.choices, default=SnapshotFormat.AUTO
    )
    page_size = models.PositiveSmallIntegerField(
        _("page size"), default=100, help_text=_("Machines per page (ISO 15143-3: at most 100).")
    )
    min_interval_s = models.PositiveIntegerField(
        _("minimum request interval (s)"),
        default=0,
        help_text=_("Rate limit: the least time between two requests to this endpoint."),
    )
    timeout_s = models.PositiveSmallIntegerField(
        _("timeout (s)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    max_pages = models.PositiveSmallIntegerField(_("maximum pages per poll"), default=50)
    create_unknown = models.BooleanField(
        _("create unknown machines"),
        default=False,
        help_text=_("Register machines the endpoint reports that are not in the fleet yet."),
    )
    active = models.BooleanField(_("active"), default=True)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("telematics source")
        verbose_name_plural = _("telematics sources")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="fleet_source_name_unique"
            ),
            models.CheckConstraint(
                condition=Q(page_size__gte=1) & Q(page_size__lte=100),
                name="fleet_source_page_size_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_auth(self) -> bool:
        return bool(self.auth_value_encrypted)


class TelematicsImport(OrganisationOwned):
    """One imported document or poll: what it wrote (the one audit row of its snapshots)."""

    origin = models.CharField(_("origin"), max_length=5, choices=ImportOrigin.choices)
    source = models.ForeignKey(
        TelematicsSource,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imports",
        verbose_name=_("source"),
    )
    filename = models.CharField(_("file"), max_length=255, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    pages = models.PositiveIntegerField(_("pages"), default=1)
    machines = models.PositiveIntegerField(_("machines in document"), default=0)
    snapshots_created = models.PositiveIntegerField(_("snapshots written"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates skipped"), default=0)
    faults_created = models.PositiveIntegerField(_("fault codes written"), default=0)
    machines_created = models.PositiveIntegerField(_("machines created"), default=0)
    unknown = models.JSONField(_("unknown machines"), default=list, blank=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("telematics import")
        verbose_name_plural = _("telematics imports")

    def __str__(self) -> str:
        return f"{self.get_origin_display()} {self.filename or self.source or ''}".strip()


class TelematicsSnapshot(models.Model):
    """One machine's state at one time, as reported (normalised to litres and kilometres).

    Unique per machine, time and source key, so importing the same document twice adds
    nothing. ``fuel_unit``/``distance_unit`` keep the units the document used.
    """

    equipment = models.ForeignKey(
        Equipment, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("machine")
    )
    imported_in = models.ForeignKey(
        TelematicsImport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="snapshots",
        verbose_name=_("import"),
    )
    source_key = models.CharField(
        _("source key"), max_length=40, help_text=_("file, demo or source:<id>.")
    )
    snapshot_at = models.DateTimeField(_("time"), db_index=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    altitude_m = models.FloatField(_("altitude (m)"), null=True, blank=True)
    location_at = models.DateTimeField(_("position time"), null=True, blank=True)
    operating_hours = models.FloatField(_("operating hours"), null=True, blank=True)
    idle_hours = models.FloatField(_("idle hours"), null=True, blank=True)
    fuel_used_l = models.FloatField(_("fuel used (L)"), null=True, blank=True)
    fuel_used_24h_l = models.FloatField(_("fuel last 24 h (L)"), null=True, blank=True)
    fuel_remaining_pct = models.FloatField(_("fuel remaining (%)"), null=True, blank=True)
    odometer_km = models.FloatField(_("odometer (km)"), null=True, blank=True)
    engine_running = models.BooleanField(_("engine running"), null=True, blank=True)
    fuel_unit = models.CharField(_("fuel unit reported"), max_length=20, blank=True)
    distance_unit = models.CharField(_("distance unit reported"), max_length=20, blank=True)

    scope_q = scoped_through(machine="equipment")

    class Meta:
        ordering = ["-snapshot_at", "-id"]
        verbose_name = _("telematics snapshot")
        verbose_name_plural = _("telematics snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["equipment", "snapshot_at", "source_key"],
                name="fleet_snapshot_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.equipment.code} {self.snapshot_at:%Y-%m-%d %H:%M}"


class FaultCode(models.Model):
    """A fault code a machine reported (CodeIdentifier, CodeDescription, severity, source)."""

    equipment = models.ForeignKey(
        Equipment, on_delete=models.CASCADE, related_name="faults", verbose_name=_("machine")
    )
    snapshot = models.ForeignKey(
        TelematicsSnapshot,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="faults",
        verbose_name=_("snapshot"),
    )
    identifier = models.CharField(_("code"), max_length=80)
    description = models.CharField(_("description"), max_length=500, blank=True)
    severity = models.CharField(_("severity"), max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=80, blank=True)
    occurred_at = models.DateTimeField(_("time"))

    scope_q = scoped_through(machine="equipment")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("fault code")
        verbose_name_plural = _("fault codes")
        constraints = [
            models.UniqueConstraint(
                fields=["equipment", "identifier", "occurred_at"], name="fleet_fault_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.equipment.code} {self.identifier}"


class ServiceInterval(models.Model):
    """A recurring service by engine hours, by days, or both (whichever comes first)."""

    equipment = models.ForeignKey(
        Equipment,
        on_delete=models.CASCADE,
        related_name="service_intervals",
        verbose_name=_("machine"),
    )
    name = models.CharField(_("service"), max_length=120, help_text=_("e.g. engine oil."))
    every_hours = models.FloatField(_("every (engine hours)"), null=True, blank=True)
    every_days = models.PositiveIntegerField(_("every (days)"), null=True, blank=True)
    last_service_hours = models.FloatField(_("last service at (hours)"), null=True, blank=True)
    last_service_date = models.DateField(_("last service on"), null=True, blank=True)
    due_fraction = models.FloatField(
        _("due within (fraction of hours)"),
        null=True,
        blank=True,
        help_text=_("Empty: the policy default (0.10 = last 10 % of the interval)."),
    )
    due_days = models.PositiveIntegerField(
        _("due within (days)"), null=True, blank=True, help_text=_("Empty: the policy default.")
    )
    active = models.BooleanField(_("active"), default=True)

    scope_q = scoped_through(machine="equipment")

    class Meta:
        ordering = ["equipment__code", "name"]
        verbose_name = _("service interval")
        verbose_name_plural = _("service intervals")
        constraints = [
            models.CheckConstraint(
                condition=Q(every_hours__isnull=False) | Q(every_days__isnull=False),
                name="fleet_interval_hours_or_days",
            ),
            models.CheckConstraint(
                condition=Q(every_hours__isnull=True) | Q(every_hours__gt=0),
                name="fleet_interval_hours_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.equipment.code} {self.name}"

    def clean(self) -> None:
        if self.every_hours is None and self.every_days is None:
            raise ValidationError(_("Give an interval in engine hours, in days, or both."))
        if self.due_fraction is not None and not 0 <= self.due_fraction < 1:
            raise ValidationError({"due_fraction": _("Use a fraction between 0 and 1.")})


class ServiceRecord(models.Model):
    """A service done: what, at which hours, on which date, at what cost."""

    equipment = models.ForeignKey(
        Equipment,
        on_delete=models.CASCADE,
        related_name="service_records",
        verbose_name=_("machine"),
    )
    interval = models.ForeignKey(
        ServiceInterval,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="records",
        verbose_name=_("service interval"),
    )
    description = models.CharField(pgettext_lazy("service", "work done"), max_length=200)
    hours = models.FloatField(_("engine hours"), null=True, blank=True)
    date = models.DateField(_("date"))
    cost_cny = models.DecimalField(
        _("cost (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)

    scope_q = scoped_through(machine="equipment")

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("service record")
        verbose_name_plural = _("service records")

    def __str__(self) -> str:
        return f"{self.equipment.code} {self.date} {self.description}"

    def clean(self) -> None:
        if self.interval_id and self.interval and self.interval.equipment_id != self.equipment_id:
            raise ValidationError({"interval": _("This interval belongs to another machine.")})


class EquipmentAssignment(models.Model):
    """A machine assigned to a site for a period (the denominator of utilisation)."""

    equipment = models.ForeignKey(
        Equipment, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("machine")
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    site = models.CharField(_("site"), max_length=200)
    route = models.ForeignKey(
        "network.Route",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="equipment_assignments",
        verbose_name=_("route"),
    )
    start_m = models.FloatField(_("start chainage (m)"), null=True, blank=True)
    end_m = models.FloatField(_("end chainage (m)"), null=True, blank=True)

    scope_q = scoped_through(machine="equipment")

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="fleet_assignment_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.equipment.code} {self.start_date}–{self.end_date} {self.site}"

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end is before the start.")})
        if self.start_m is not None and self.end_m is not None and self.end_m < self.start_m:
            raise ValidationError({"end_m": _("The end chainage is before the start.")})
        if (self.start_m is not None or self.end_m is not None) and self.route_id is None:
            raise ValidationError({"route": _("A chainage range needs a route.")})
        if self.route_id is not None and self.route is not None:
            for name in ("start_m", "end_m"):
                value = getattr(self, name)
                if value is not None and not self.route.covers(value):
                    raise ValidationError({name: _("The chainage is outside the route.")})
