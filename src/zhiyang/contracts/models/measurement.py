"""Monthly measurement (计量) and variations (变更).

A period gathers one line per BOQ item: the quantity reported by the work (daily reports,
routine repairs), the machine-measured quantity where machines report it, the quantity the
engineer proposes, then the supervisor's and the owner's (each with a reason when they
change it). ``approved_quantity`` is the last word; a certified period's lines are the
certified quantities. The unit price is copied on the line when it is proposed, so a later
variation does not change a certified amount.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiyang.contracts.choices import PeriodStatus, VariationStatus
from zhiyang.contracts.models.common import (
    contract_scope_q,
    money,
    money_field,
    quantity_field,
)
from zhiyang.core.access import Scope
from zhiyang.core.fields import user_fk
from zhiyang.core.validators import validate_printable


class MeasurementPeriod(models.Model):
    """One month of measurement of a contract (第N期计量)."""

    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.CASCADE,
        related_name="periods",
        verbose_name=_("contract"),
    )
    number = models.PositiveIntegerField(_("number"))
    month = models.DateField(_("month"), help_text=_("The first day of the month measured."))
    status = models.CharField(
        _("status"), max_length=20, choices=PeriodStatus.choices, default=PeriodStatus.DRAFT
    )
    proposed_by = user_fk(_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    supervisor_by = user_fk(_("approved by the supervisor"))
    supervisor_at = models.DateTimeField(_("supervisor approved at"), null=True, blank=True)
    owner_by = user_fk(_("certified by the owner"))
    owner_at = models.DateTimeField(_("certified at"), null=True, blank=True)
    returned_reason = models.TextField(_("reason returned"), blank=True)
    certificate = models.JSONField(
        _("certificate"),
        default=dict,
        blank=True,
        help_text=_("The figures as certified (frozen when the owner certifies)."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["contract", "-month"]
        verbose_name = _("measurement period")
        verbose_name_plural = _("measurement periods")
        constraints = [
            models.UniqueConstraint(fields=["contract", "month"], name="contracts_period_month"),
            models.UniqueConstraint(fields=["contract", "number"], name="contracts_period_number"),
        ]

    def __str__(self) -> str:
        return f"{self.contract.code} 第{self.number}期 {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("contracts:period-detail", args=[self.pk])

    @staticmethod
    def scope_q(scope: Scope) -> Q:
        return contract_scope_q(scope, "contract__")

    @property
    def is_certified(self) -> bool:
        return self.status == PeriodStatus.CERTIFIED


class MeasurementLine(models.Model):
    """The quantity of one BOQ item in one period, as each party saw it."""

    period = models.ForeignKey(
        MeasurementPeriod, on_delete=models.CASCADE, related_name="lines", verbose_name=_("period")
    )
    item = models.ForeignKey(
        "contracts.BoqItem",
        on_delete=models.PROTECT,
        related_name="lines",
        verbose_name=_("BOQ item"),
    )
    reported_quantity = quantity_field(_("reported quantity"), default=Decimal("0"))
    machine_quantity = quantity_field(_("machine-measured quantity"), null=True, blank=True)
    proposed_quantity = quantity_field(_("proposed quantity"), default=Decimal("0"))
    supervisor_quantity = quantity_field(_("supervisor's quantity"), null=True, blank=True)
    supervisor_reason = models.CharField(
        _("supervisor's reason"), max_length=500, blank=True, validators=[validate_printable]
    )
    owner_quantity = quantity_field(_("owner's quantity"), null=True, blank=True)
    owner_reason = models.CharField(
        _("owner's reason"), max_length=500, blank=True, validators=[validate_printable]
    )
    unit_price_yuan = money_field(_("unit price (yuan)"), default=Decimal("0"))
    sources = models.JSONField(_("sources"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True, validators=[validate_printable])

    class Meta:
        ordering = ["period", "item__order", "item_id"]
        verbose_name = _("measurement line")
        verbose_name_plural = _("measurement lines")
        constraints = [
            models.UniqueConstraint(fields=["period", "item"], name="contracts_line_once")
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.item.code}"

    @staticmethod
    def scope_q(scope: Scope) -> Q:
        return contract_scope_q(scope, "period__contract__")

    @property
    def approved_quantity(self) -> Decimal:
        """The last word: the owner's, else the supervisor's, else the proposal."""
        if self.owner_quantity is not None:
            return self.owner_quantity
        if self.supervisor_quantity is not None:
            return self.supervisor_quantity
        return self.proposed_quantity

    @property
    def amount_yuan(self) -> Decimal:
        return money(self.approved_quantity * self.unit_price_yuan)

    @property
    def machine_difference(self) -> Decimal | None:
        """Reported minus machine-measured (None when no machine measured it)."""
        if self.machine_quantity is None:
            return None
        return self.reported_quantity - self.machine_quantity


class Variation(models.Model):
    """A change order (变更令): adds items or alters quantities and prices; approved by the
    supervisor then the owner, it makes a new BOQ version."""

    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.CASCADE,
        related_name="variations",
        verbose_name=_("contract"),
    )
    code = models.CharField(_("code"), max_length=40, validators=[validate_printable])
    title = models.CharField(_("title"), max_length=200, validators=[validate_printable])
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=VariationStatus.choices, default=VariationStatus.DRAFT
    )
    boq_version = models.PositiveIntegerField(_("BOQ version made"), null=True, blank=True)
    created_by = user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    supervisor_by = user_fk(_("approved by the supervisor"))
    supervisor_at = models.DateTimeField(_("supervisor approved at"), null=True, blank=True)
    owner_by = user_fk(_("approved by the owner"))
    owner_at = models.DateTimeField(_("owner approved at"), null=True, blank=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)

    class Meta:
        ordering = ["contract", "-created_at"]
        verbose_name = _("variation")
        verbose_name_plural = _("variations")
        constraints = [
            models.UniqueConstraint(fields=["contract", "code"], name="contracts_variation_code")
        ]

    def __str__(self) -> str:
        return f"{self.contract.code} {self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("contracts:variation-detail", args=[self.pk])

    @staticmethod
    def scope_q(scope: Scope) -> Q:
        return contract_scope_q(scope, "contract__")

    @property
    def change_yuan(self) -> Decimal:
        return sum((line.change_yuan for line in self.lines.all()), Decimal("0"))


class VariationLine(models.Model):
    """One change: an existing item altered (``item`` set) or a new item (``code`` etc.)."""

    variation = models.ForeignKey(
        Variation, on_delete=models.CASCADE, related_name="lines", verbose_name=_("variation")
    )
    item = models.ForeignKey(
        "contracts.BoqItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="variation_lines",
        verbose_name=_("item altered"),
    )
    chapter_number = models.PositiveIntegerField(_("chapter"), null=True, blank=True)
    code = models.CharField(_("code"), max_length=40, blank=True, validators=[validate_printable])
    name = models.CharField(_("name"), max_length=300, blank=True, validators=[validate_printable])
    unit = models.CharField(_("unit"), max_length=20, blank=True, validators=[validate_printable])
    old_quantity = quantity_field(_("old quantity"), default=Decimal("0"))
    old_unit_price_yuan = money_field(_("old unit price (yuan)"), default=Decimal("0"))
    new_quantity = quantity_field(_("new quantity"))
    new_unit_price_yuan = money_field(_("new unit price (yuan)"))

    class Meta:
        ordering = ["variation", "id"]
        verbose_name = _("variation line")
        verbose_name_plural = _("variation lines")

    def __str__(self) -> str:
        return f"{self.variation.code} {self.item.code if self.item else self.code}"

    @staticmethod
    def scope_q(scope: Scope) -> Q:
        return contract_scope_q(scope, "variation__contract__")

    @property
    def change_yuan(self) -> Decimal:
        return money(self.new_quantity * self.new_unit_price_yuan) - money(
            self.old_quantity * self.old_unit_price_yuan
        )
