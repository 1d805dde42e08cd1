"""Safety: work zones (JTG H30-2015), checklist inspections, hazards, incidents.

Model and field names are a contract with the people app (check-in geofence against
``WorkZone``) and with the API: keep them stable. The people app depends on this one, never
the other way round: safety refers to people only through ``core.User`` or plain text.

Chainage is in metres along the route (shown K12+345). A work zone's ``start_m``/``end_m``
cover the whole layout (warning zone to termination zone) in increasing chainage whatever the
driving direction; ``work_start_m``/``work_end_m`` are the work area itself.
"""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiyang.core.access import scoped_through
from zhiyang.core.fields import latitude_field, longitude_field, user_fk
from zhiyang.core.validators import validate_photo, validate_printable
from zhiyang.network.validators import OnRouteMixin
from zhiyang.safety.choices import (
    CauseCategory,
    ClosedLane,
    HazardAction,
    HazardLevel,
    HazardStatus,
    IncidentSeverity,
    IncidentStatus,
    IncidentType,
    InspectionStatus,
    ItemResult,
    WorkZoneDirection,
    WorkZoneStatus,
)

# Carriageway width assumed for the geofence when neither the work zone nor a network
# section says otherwise: two lanes of 3.75 m (JTG B01 lane width at 80 km/h and above).
DEFAULT_CARRIAGEWAY_WIDTH_M = 7.5


class WorkZone(OnRouteMixin, models.Model):
    """A maintenance work zone laid out per JTG H30-2015 on one carriageway of a route.

    ``layout`` is what ``analytics.workzone.design_work_zone`` computed (zones, signs, speed
    steps, provenance), placed on the route's chainage by ``services.compute_layout``; it is
    recomputed on every save through the services, never edited by hand.
    """

    chainage_fields = ("work_start_m", "work_end_m")

    name = models.CharField(_("name"), max_length=200, validators=[validate_printable])
    route = models.ForeignKey(
        "network.Route", on_delete=models.PROTECT, related_name="+", verbose_name=_("route")
    )
    district = models.ForeignKey(
        "network.District", on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    direction = models.CharField(_("direction"), max_length=8, choices=WorkZoneDirection.choices)
    start_m = models.FloatField(_("layout start chainage (m)"), default=0.0)
    end_m = models.FloatField(_("layout end chainage (m)"), default=0.0)
    work_start_m = models.FloatField(_("work area start chainage (m)"))
    work_end_m = models.FloatField(_("work area end chainage (m)"))
    closed_lane = models.CharField(
        _("closed lane"), max_length=10, choices=ClosedLane.choices, default=ClosedLane.OUTER
    )
    closed_lanes = models.PositiveSmallIntegerField(
        _("number of closed lanes"), default=1, validators=[MinValueValidator(1)]
    )
    lane_width_m = models.FloatField(
        _("lane width (m)"),
        default=3.75,
        validators=[MinValueValidator(2.5), MaxValueValidator(5.0)],
    )
    carriageway_width_m = models.FloatField(
        _("carriageway width (m)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(3.0), MaxValueValidator(40.0)],
        help_text=_("For the check-in geofence; blank = the network section's width."),
    )
    normal_speed_kmh = models.PositiveSmallIntegerField(
        _("normal speed limit (km/h)"),
        validators=[MinValueValidator(20), MaxValueValidator(120)],
    )
    speed_limit_kmh = models.PositiveSmallIntegerField(
        _("work-zone speed limit (km/h)"),
        validators=[MinValueValidator(20), MaxValueValidator(120)],
    )
    downgrade_pct = models.FloatField(
        _("downgrade (%)"),
        default=0.0,
        validators=[MinValueValidator(0.0), MaxValueValidator(15.0)],
        help_text=_("Longitudinal downhill gradient approaching the work area."),
    )
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    status = models.CharField(
        _("status"), max_length=10, choices=WorkZoneStatus.choices, default=WorkZoneStatus.PLANNED
    )
    geofence_margin_m = models.FloatField(
        _("geofence margin (m)"),
        default=50.0,
        validators=[MinValueValidator(0.0), MaxValueValidator(2000.0)],
    )
    layout = models.JSONField(_("layout"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True, validators=[validate_printable])
    created_by = user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-planned_start", "-id"]
        verbose_name = _("work zone")
        verbose_name_plural = _("work zones")
        indexes = [models.Index(fields=["status", "planned_start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(work_end_m__gt=F("work_start_m")), name="workzone_work_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(planned_end__gte=F("planned_start")),
                name="workzone_planned_end_not_before_start",
            ),
        ]

    def __str__(self) -> str:
        from zhiyang.network.chainage import format_chainage

        return (
            f"{self.route.code} {format_chainage(self.work_start_m)}–"
            f"{format_chainage(self.work_end_m)} {self.name}"
        )

    scope_q = scoped_through(route="route", district="district")

    @property
    def work_length_m(self) -> float:
        return self.work_end_m - self.work_start_m

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if (
            self.work_start_m is not None
            and self.work_end_m is not None
            and self.work_end_m <= self.work_start_m
        ):
            errors["work_end_m"] = _("The end chainage must be after the start.")
        for name, message in self.route_chainage_errors(what=_("The work area")).items():
            errors.setdefault(name, message)
        for name in ("start_m", "end_m"):  # the layout may start before K0 (its taper)
            value = getattr(self, name)
            if value is not None and not math.isfinite(value):
                errors[name] = _("A chainage must be a finite number of metres.")
        if (
            self.planned_start is not None
            and self.planned_end is not None
            and self.planned_end < self.planned_start
        ):
            errors["planned_end"] = _("The planned end must not be before the start.")
        if (
            self.normal_speed_kmh is not None
            and self.speed_limit_kmh is not None
            and self.speed_limit_kmh > self.normal_speed_kmh
        ):
            errors["speed_limit_kmh"] = _(
                "The work-zone speed limit must not exceed the normal speed limit."
            )
        if errors:
            raise ValidationError(errors)

    # --- Geofence (used by the people app's check-in) ---

    def half_width_m(self) -> float:
        """Half the carriageway width: the zone's own value, else the widest network section
        over the work area, else DEFAULT_CARRIAGEWAY_WIDTH_M."""
        width = self.carriageway_width_m
        if width is None:
            from zhiyang.network.models import Section

            width = (
                Section.objects.filter(
                    route_id=self.route_id,
                    start_m__lt=self.work_end_m,
                    end_m__gt=self.work_start_m,
                )
                .order_by("-width_m")
                .values_list("width_m", flat=True)
                .first()
            )
        return float(width or DEFAULT_CARRIAGEWAY_WIDTH_M) / 2.0

    def footprint_range_m(self) -> tuple[float, float]:
        """(low, high) chainage of the layout (whole zone), falling back to the work area."""
        low, high = self.start_m, self.end_m
        if high is None or low is None or high <= low:
            low, high = self.work_start_m, self.work_end_m
        return float(low), float(high)

    def geofence_distance_m(self, lon: float, lat: float) -> float:
        """Metres from (lon, lat) to the zone's footprint; 0 inside it.

        The footprint is the route centre line between the layout's first and last chainage,
        buffered by ``geofence_margin_m`` plus half the carriageway width. Without route
        geometry (or with an unusable point) the distance is infinite: nobody is inside.
        """
        from zhiyang.network import linref

        try:
            lon, lat = float(lon), float(lat)
            if not (math.isfinite(lon) and math.isfinite(lat)):
                return math.inf
            coords = linref.route_coords(self.route)
            low, high = self.footprint_range_m()
            part = linref.substring_coords(coords, self.route.start_m, self.route.end_m, low, high)
            if len({(p[0], p[1]) for p in part}) < 2:
                return math.inf
            found = linref.locate_on_coords(part, low, high, lon, lat)
        except (linref.GeometryError, TypeError, ValueError):
            return math.inf
        return max(0.0, found.distance_m - (self.geofence_margin_m + self.half_width_m()))

    def contains(self, lon: float, lat: float) -> bool:
        """True if (lon, lat) lies inside the geofence."""
        return self.geofence_distance_m(lon, lat) <= 0.0


class InspectionTemplate(models.Model):
    """A checklist (e.g. the daily work-zone check) that inspections are made from.

    Templates are shared configuration, not rows on the network: every role granted
    ``safety.inspectiontemplate`` sees all of them.
    """

    name = models.CharField(_("name"), max_length=200, unique=True, validators=[validate_printable])
    description = models.TextField(_("description"), blank=True, validators=[validate_printable])
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("inspection template")
        verbose_name_plural = _("inspection templates")

    def __str__(self) -> str:
        return self.name


class TemplateItem(models.Model):
    """One check of a template, in display order."""

    template = models.ForeignKey(
        InspectionTemplate,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("template"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("check"), max_length=300, validators=[validate_printable])
    guidance = models.TextField(_("guidance"), blank=True, validators=[validate_printable])

    class Meta:
        ordering = ["template", "order", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self) -> str:
        return self.text


class Inspection(OnRouteMixin, models.Model):
    """One inspection of a place (optionally a work zone) from a template: planned, then done."""

    template = models.ForeignKey(
        InspectionTemplate,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("template"),
    )
    route = models.ForeignKey(
        "network.Route", on_delete=models.PROTECT, related_name="+", verbose_name=_("route")
    )
    district = models.ForeignKey(
        "network.District", on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    work_zone = models.ForeignKey(
        WorkZone,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("work zone"),
    )
    chainage_m = models.FloatField(_("chainage (m)"), null=True, blank=True)
    planned_date = models.DateField(_("planned date"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InspectionStatus.choices,
        default=InspectionStatus.PLANNED,
    )
    inspector = user_fk(_("inspector"))
    note = models.TextField(_("note"), blank=True, validators=[validate_printable])

    class Meta:
        ordering = ["-planned_date", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [models.Index(fields=["planned_date", "status"])]

    def __str__(self) -> str:
        return f"{self.template.name} {self.planned_date:%Y-%m-%d}"

    scope_q = scoped_through(route="route", district="district")

    @property
    def failed_count(self) -> int:
        return sum(1 for r in self.results.all() if r.result == ItemResult.FAIL)


class InspectionResult(models.Model):
    """The result of one checklist item in one inspection."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="results", verbose_name=_("inspection")
    )
    item = models.ForeignKey(
        TemplateItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("checklist item")
    )
    result = models.CharField(_("result"), max_length=4, choices=ItemResult.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True, validators=[validate_printable])
    photo = models.ImageField(
        _("photo"),
        upload_to="safety/inspections/%Y/%m/",
        blank=True,
        validators=[validate_photo],
    )

    class Meta:
        ordering = ["inspection", "item__order", "item_id"]
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="inspection_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.item.text}: {self.result}"

    scope_q = scoped_through(route="inspection__route", district="inspection__district")


class Hazard(OnRouteMixin, models.Model):
    """A safety hazard (安全隐患) and its closed loop: reported → assigned → rectified →
    verified → closed (a rejected rectification goes back to ``assigned``).

    ``client_uuid`` is chosen by the phone form: an offline retry with the same id returns
    the first report instead of a duplicate. ``escalation_level`` rises once a day while the
    rectification deadline is passed (``services.escalate_overdue``).
    """

    route = models.ForeignKey(
        "network.Route", on_delete=models.PROTECT, related_name="+", verbose_name=_("route")
    )
    district = models.ForeignKey(
        "network.District", on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    chainage_m = models.FloatField(_("chainage (m)"))
    lon = longitude_field()
    lat = latitude_field()
    work_zone = models.ForeignKey(
        WorkZone,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hazards",
        verbose_name=_("work zone"),
    )
    source_result = models.ForeignKey(
        InspectionResult,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hazards",
        verbose_name=_("inspection item"),
    )
    description = models.TextField(_("description"), validators=[validate_printable])
    level = models.CharField(
        _("level"), max_length=10, choices=HazardLevel.choices, default=HazardLevel.GENERAL
    )
    photo = models.ImageField(
        _("photo"),
        upload_to="safety/hazards/%Y/%m/",
        blank=True,
        validators=[validate_photo],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=HazardStatus.choices, default=HazardStatus.REPORTED
    )
    reported_by = user_fk(_("reported by"))
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    client_uuid = models.UUIDField(_("client id"), unique=True, null=True, blank=True)
    assignee = user_fk(_("assigned to"), related_name="assigned_hazards")
    deadline = models.DateField(_("rectification deadline"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    rectification_note = models.TextField(
        _("rectification note"), blank=True, validators=[validate_printable]
    )
    rectification_photo = models.ImageField(
        _("rectification photo"),
        upload_to="safety/rectifications/%Y/%m/",
        blank=True,
        validators=[validate_photo],
    )
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    verified_by = user_fk(_("verified by"))
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_note = models.TextField(
        _("verification note"), blank=True, validators=[validate_printable]
    )
    rejections = models.PositiveSmallIntegerField(_("rejections"), default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_on = models.DateField(_("last escalated on"), null=True, blank=True)

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["route", "chainage_m"]),
        ]

    def __str__(self) -> str:
        from zhiyang.network.chainage import format_chainage

        return f"{self.route.code} {format_chainage(self.chainage_m)} {self.description[:30]}"

    scope_q = scoped_through(route="route", district="district")

    @property
    def is_open(self) -> bool:
        return self.status != HazardStatus.CLOSED

    def is_overdue(self, today: Any = None) -> bool:
        """Past its deadline and not yet rectified (waiting for verification is not late)."""
        today = today or timezone.localdate()
        return (
            self.deadline is not None
            and self.deadline < today
            and self.status in (HazardStatus.REPORTED, HazardStatus.ASSIGNED)
        )


class HazardEvent(models.Model):
    """One step of a hazard's history (shown as its timeline; the audit log has it too)."""

    hazard = models.ForeignKey(
        Hazard, on_delete=models.CASCADE, related_name="events", verbose_name=_("hazard")
    )
    action = models.CharField(_("action"), max_length=10, choices=HazardAction.choices)
    from_status = models.CharField(_("from"), max_length=10, blank=True)
    to_status = models.CharField(_("to"), max_length=10, blank=True)
    user = user_fk(_("by"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["hazard", "at", "id"]
        verbose_name = _("hazard event")
        verbose_name_plural = _("hazard events")

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.action}"

    scope_q = scoped_through(route="hazard__route", district="hazard__district")


class Incident(OnRouteMixin, models.Model):
    """A safety incident (事故/未遂) with its cause analysis and corrective actions."""

    route = models.ForeignKey(
        "network.Route", on_delete=models.PROTECT, related_name="+", verbose_name=_("route")
    )
    district = models.ForeignKey(
        "network.District", on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    chainage_m = models.FloatField(_("chainage (m)"), null=True, blank=True)
    location = models.CharField(
        _("location"), max_length=200, blank=True, validators=[validate_printable]
    )
    work_zone = models.ForeignKey(
        WorkZone,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("work zone"),
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    incident_type = models.CharField(_("type"), max_length=12, choices=IncidentType.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=IncidentSeverity.choices)
    injuries = models.PositiveSmallIntegerField(_("injured"), default=0)
    fatalities = models.PositiveSmallIntegerField(_("fatalities"), default=0)
    description = models.TextField(_("description"), validators=[validate_printable])
    direct_causes = models.TextField(
        _("direct causes"), blank=True, validators=[validate_printable]
    )
    root_causes = models.TextField(_("root causes"), blank=True, validators=[validate_printable])
    cause_categories = models.JSONField(
        _("cause categories"),
        default=list,
        blank=True,
        help_text=_("Any of: man, machine, material, method, environment (人/机/料/法/环)."),
    )
    corrective_actions = models.TextField(
        _("corrective actions"), blank=True, validators=[validate_printable]
    )
    status = models.CharField(
        _("status"), max_length=14, choices=IncidentStatus.choices, default=IncidentStatus.OPEN
    )
    reported_by = user_fk(_("reported by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d} {self.get_incident_type_display()}"

    scope_q = scoped_through(route="route", district="district")

    def clean(self) -> None:
        super().clean()  # the chainage on the route
        categories = self.cause_categories or []
        if not isinstance(categories, list) or any(
            c not in CauseCategory.values for c in categories
        ):
            raise ValidationError(
                {
                    "cause_categories": _("Unknown cause category; use: %(keys)s")
                    % {"keys": ", ".join(CauseCategory.values)}
                }
            )
