"""The road-asset inventory: asset types (versioned data), assets on the network, their
inspections with SCI/TCI damage items and the technical condition class of structures.

Chainage is in metres along the route (shown K12+345). A point asset has ``start_m`` only;
a linear one ``start_m`` < ``end_m``. ``side`` is seen in increasing chainage, ``offset_m``
the distance from the centre line. An inspection sits on the network by its own route and
chainage, so a patrol finding without an inventoried asset can still feed SCI/TCI.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from zhiyang.assets.choices import (
    AssetKind,
    AssetStatus,
    ConditionIndex,
    Geometry,
    InspectionKind,
    Side,
    StructureKind,
    TechnicalClass,
)
from zhiyang.core.access import scoped_through
from zhiyang.core.fields import latitude_field, longitude_field, user_fk
from zhiyang.core.validators import validate_printable


class AssetType(models.Model):
    """One type of the catalogue (data/asset_types.toml), kept in step by the sync service.

    Types are shared configuration: every role granted ``assets.assettype`` sees them all.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=AssetKind.choices)
    structure = models.CharField(
        _("structure kind"), max_length=10, choices=StructureKind.choices, blank=True
    )
    geometry = models.CharField(_("geometry"), max_length=8, choices=Geometry.choices)
    attribute_schema = models.JSONField(_("attribute schema"), default=dict, blank=True)
    damage_items = models.JSONField(_("damage items"), default=list, blank=True)
    version = models.CharField(_("catalogue version"), max_length=20)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("asset type")
        verbose_name_plural = _("asset types")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    @property
    def index(self) -> str:
        """The MQI part the type's damage feeds: sci, tci or bci."""
        return {"subgrade": "sci", "facility": "tci"}.get(str(self.kind), "bci")


class Asset(models.Model):
    """One asset on the network (a sign, 1.2 km of guardrail, a bridge)."""

    code = models.CharField(
        _("asset code"), max_length=40, unique=True, validators=[validate_printable]
    )
    asset_type = models.ForeignKey(
        AssetType, on_delete=models.PROTECT, related_name="assets", verbose_name=_("asset type")
    )
    name = models.CharField(_("name"), max_length=200, blank=True, validators=[validate_printable])
    route = models.ForeignKey(
        "network.Route", on_delete=models.PROTECT, related_name="+", verbose_name=_("route")
    )
    district = models.ForeignKey(
        "network.District", on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    start_m = models.FloatField(_("chainage (m)"))
    end_m = models.FloatField(_("end chainage (m)"), null=True, blank=True)
    side = models.CharField(_("side"), max_length=8, choices=Side.choices, default=Side.RIGHT)
    offset_m = models.FloatField(
        _("offset from centre line (m)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(500.0)],
    )
    lon = longitude_field()
    lat = latitude_field()
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=AssetStatus.choices, default=AssetStatus.IN_SERVICE
    )
    note = models.TextField(_("note"), blank=True, validators=[validate_printable])
    # Latest technical condition of a structure (kept by the inspection services).
    condition_class = models.PositiveSmallIntegerField(
        _("technical condition class"), choices=TechnicalClass.choices, null=True, blank=True
    )
    condition_on = models.DateField(_("class assessed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["route__code", "start_m", "id"]
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        indexes = [models.Index(fields=["route", "start_m"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_m__isnull=True) | Q(end_m__gt=F("start_m")),
                name="asset_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    scope_q = scoped_through(route="route", district="district")

    def get_absolute_url(self) -> str:
        return reverse("assets:asset-detail", args=[self.pk])

    @property
    def is_structure(self) -> bool:
        return bool(self.asset_type.structure)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.end_m is not None and self.start_m is not None and self.end_m <= self.start_m:
            errors["end_m"] = _("The end chainage must be after the start.")
        type_ = self.asset_type if self.asset_type_id else None
        if type_ is not None and type_.geometry == Geometry.LINEAR and self.end_m is None:
            errors["end_m"] = _("A linear asset needs an end chainage.")
        if type_ is not None and type_.geometry == Geometry.POINT and self.end_m is not None:
            errors["end_m"] = _("A point asset has no end chainage.")
        if self.route_id and self.start_m is not None:
            route = self.route
            ends = [self.start_m] + ([self.end_m] if self.end_m is not None else [])
            if not all(route.covers(c) for c in ends):
                errors["start_m"] = _("The chainage is outside the route.")
        if type_ is not None:
            from zhiyang.assets.catalogue import attribute_errors

            problems = attribute_errors(type_.attribute_schema, self.attributes)
            if problems:
                errors["attributes"] = problems
        if errors:
            raise ValidationError(errors)


class Inspection(models.Model):
    """One inspection: of an asset, or of a place on the route (a patrol finding).

    Its damage items feed SCI/TCI of the evaluation unit holding each item's chainage; for
    a bridge, tunnel or culvert its ``technical_class`` becomes the structure's class.
    ``source``/``source_ref`` name where it came from (``patrol`` + the finding's id), so
    feeding the same finding twice gives the first inspection back.
    """

    asset = models.ForeignKey(
        Asset,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("asset"),
    )
    route = models.ForeignKey(
        "network.Route", on_delete=models.PROTECT, related_name="+", verbose_name=_("route")
    )
    district = models.ForeignKey(
        "network.District", on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    chainage_m = models.FloatField(_("chainage (m)"))
    kind = models.CharField(
        _("inspection kind"),
        max_length=10,
        choices=InspectionKind.choices,
        default=InspectionKind.ROUTINE,
    )
    inspected_on = models.DateField(_("inspected on"))
    inspector = user_fk(_("inspector"))
    technical_class = models.PositiveSmallIntegerField(
        _("technical condition class"), choices=TechnicalClass.choices, null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True, validators=[validate_printable])
    source = models.CharField(_("source"), max_length=20, default="inspection")
    source_ref = models.CharField(_("source reference"), max_length=64, blank=True)
    client_uuid = models.UUIDField(_("client id"), null=True, blank=True, unique=True)
    lon = longitude_field()
    lat = latitude_field()
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-inspected_on", "-id"]
        verbose_name = _("asset inspection")
        verbose_name_plural = _("asset inspections")
        indexes = [models.Index(fields=["route", "chainage_m"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_ref"],
                condition=~Q(source_ref=""),
                name="asset_inspection_source_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.route.code} {self.inspected_on:%Y-%m-%d}"

    scope_q = scoped_through(route="route", district="district")

    def get_absolute_url(self) -> str:
        return reverse("assets:inspection-detail", args=[self.pk])


class Damage(models.Model):
    """One SCI or TCI damage item found in an inspection, with its quantity (m, m² or count
    as the item's unit says)."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="damages", verbose_name=_("inspection")
    )
    index = models.CharField(_("index"), max_length=3, choices=ConditionIndex.choices)
    item = models.CharField(_("damage item"), max_length=60)
    quantity = models.FloatField(_("quantity"), validators=[MinValueValidator(0.0)])
    chainage_m = models.FloatField(_("chainage (m)"))
    note = models.CharField(_("note"), max_length=300, blank=True, validators=[validate_printable])

    class Meta:
        ordering = ["inspection", "id"]
        verbose_name = _("damage")
        verbose_name_plural = _("damages")

    def __str__(self) -> str:
        return f"{self.index}:{self.item} {self.quantity:g}"

    scope_q = scoped_through(route="inspection__route", district="inspection__district")
