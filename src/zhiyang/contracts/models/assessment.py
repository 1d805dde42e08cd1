"""The owner's monthly assessment (养护考核): templates as data, assessments from the phone.

Score = ``max_score`` − Σ min(item ``max_points``, count × ``points_per_unit``);
deduction (yuan) = Σ count × ``yuan_per_unit`` + (``max_score`` − score) × the template's
``yuan_per_point``. A final assessment's deduction goes to the payment certificate of its
month.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhiyang.contracts.choices import AssessmentStatus, DeductionRule
from zhiyang.contracts.models.common import contract_scope_q, money_field, quantity_field
from zhiyang.core.access import Scope
from zhiyang.core.fields import user_fk
from zhiyang.core.validators import validate_photo, validate_printable


class AssessmentTemplate(models.Model):
    """A scoring sheet (考核表): items with points and deduction rules."""

    name = models.CharField(_("name"), max_length=200, unique=True, validators=[validate_printable])
    max_score = models.DecimalField(
        _("full score"), max_digits=6, decimal_places=2, default=Decimal("100")
    )
    yuan_per_point = money_field(_("deduction per point lost (yuan)"), default=Decimal("0"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("assessment template")
        verbose_name_plural = _("assessment templates")

    def __str__(self) -> str:
        return self.name


class AssessmentTemplateItem(models.Model):
    template = models.ForeignKey(
        AssessmentTemplate,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=pgettext_lazy("assessment", "template"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.CharField(_("code"), max_length=20, validators=[validate_printable])
    name = models.CharField(_("name"), max_length=200, validators=[validate_printable])
    rule = models.CharField(_("rule"), max_length=14, choices=DeductionRule.choices)
    max_points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    points_per_unit = models.DecimalField(
        _("points lost per unit"), max_digits=6, decimal_places=2, default=Decimal("0")
    )
    yuan_per_unit = money_field(_("deduction per unit (yuan)"), default=Decimal("0"))

    class Meta:
        ordering = ["template", "order", "id"]
        verbose_name = _("assessment item")
        verbose_name_plural = _("assessment items")
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="contracts_tplitem_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Assessment(models.Model):
    """One month's assessment of a contract (optionally of one route)."""

    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("contract"),
    )
    template = models.ForeignKey(
        AssessmentTemplate,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("assessment", "template"),
    )
    month = models.DateField(_("month"))
    route = models.ForeignKey(
        "network.Route",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("route"),
    )
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, default=Decimal("0"))
    deduction_yuan = money_field(_("deduction (yuan)"), default=Decimal("0"))
    assessed_by = user_fk(_("assessed by"))
    assessed_at = models.DateTimeField(_("assessed at"), default=timezone.now)
    client_uuid = models.UUIDField(_("client id"), unique=True, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-month", "contract", "id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        route = f" {self.route.code}" if self.route is not None else ""
        return f"{self.contract.code}{route} {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("contracts:assessment-detail", args=[self.pk])

    @staticmethod
    def scope_q(scope: Scope) -> Q:
        return contract_scope_q(scope, "contract__")


class AssessmentEntry(models.Model):
    """What was found for one item: a count (potholes, days late, metres), a photo."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="entries", verbose_name=_("assessment")
    )
    item = models.ForeignKey(
        AssessmentTemplateItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    count = quantity_field(pgettext_lazy("assessment", "count"), default=Decimal("0"))
    points_lost = models.DecimalField(
        _("points lost"), max_digits=6, decimal_places=2, default=Decimal("0")
    )
    deduction_yuan = money_field(_("deduction (yuan)"), default=Decimal("0"))
    note = models.CharField(_("note"), max_length=500, blank=True, validators=[validate_printable])
    photo = models.ImageField(
        _("photo"),
        upload_to="contracts/assessments/%Y/%m/",
        blank=True,
        validators=[validate_photo],
    )

    class Meta:
        ordering = ["assessment", "item__order", "id"]
        verbose_name = _("assessment entry")
        verbose_name_plural = _("assessment entries")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="contracts_entry_once")
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.item.code}: {self.count}"

    @staticmethod
    def scope_q(scope: Scope) -> Q:
        return contract_scope_q(scope, "assessment__contract__")
