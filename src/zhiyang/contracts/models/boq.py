"""The contract and its bill of quantities (工程量清单) with its history of versions.

A BOQ item keeps one row per code for the life of the contract; the quantities and prices
of every version (the imported one is version 1, each approved variation adds one) are
kept in ``BoqRevision``, so the history survives and measurement lines keep pointing at
the same item.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiyang.contracts.choices import ContractKind, ContractStatus
from zhiyang.contracts.models.common import (
    contract_scope_q,
    money,
    money_field,
    percent_field,
    quantity_field,
)
from zhiyang.core.access import Scope
from zhiyang.core.fields import user_fk
from zhiyang.core.models import OrganisationOwned
from zhiyang.core.validators import validate_printable


class Contract(OrganisationOwned):
    """A maintenance contract between the owner (业主) and the contractor (施工单位, the
    ``organisation``), supervised by the supervising engineer (监理)."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[validate_printable])
    name = models.CharField(_("name"), max_length=200, validators=[validate_printable])
    kind = models.CharField(_("kind"), max_length=10, choices=ContractKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ContractStatus.choices, default=ContractStatus.ACTIVE
    )
    owner_name = models.CharField(_("owner"), max_length=200, validators=[validate_printable])
    contractor_name = models.CharField(
        _("contractor"), max_length=200, validators=[validate_printable]
    )
    supervisor_name = models.CharField(
        _("supervisor"), max_length=200, blank=True, validators=[validate_printable]
    )
    owner_organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_contracts",
        verbose_name=_("owner organisation"),
    )
    supervisor_organisation = models.ForeignKey(
        "core.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_contracts",
        verbose_name=_("supervisor organisation"),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    value_yuan = money_field(_("contract value (yuan)"))
    retention_pct = percent_field(_("retention (%)"), default=Decimal("5"))
    retention_cap_pct = percent_field(
        _("retention cap (% of contract value)"),
        null=True,
        blank=True,
        help_text=_("Retention stops once it reaches this share of the contract value."),
    )
    advance_yuan = money_field(_("advance payment (yuan)"), default=Decimal("0"))
    advance_recovery_pct = percent_field(
        _("advance recovery (% of each period's value)"), default=Decimal("0")
    )
    projects = models.ManyToManyField(
        "works.Project", blank=True, related_name="contracts", verbose_name=_("projects")
    )
    routes = models.ManyToManyField(
        "network.Route", blank=True, related_name="contracts", verbose_name=_("routes")
    )
    boq_version = models.PositiveIntegerField(_("BOQ version"), default=0)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-start_date", "code"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="contracts_end_not_before_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("contracts:contract-detail", args=[self.pk])

    @staticmethod
    def scope_q(scope: Scope) -> Q:
        return contract_scope_q(scope)

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date must not be before the start.")})

    @property
    def boq_total_yuan(self) -> Decimal:
        return sum((i.amount_yuan for i in self.items.all()), Decimal("0"))


class BoqChapter(models.Model):
    """A chapter of the BOQ (第100章 总则, 第300章 路面…)."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="chapters", verbose_name=_("contract")
    )
    number = models.PositiveIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200, validators=[validate_printable])

    class Meta:
        ordering = ["contract", "number"]
        verbose_name = _("BOQ chapter")
        verbose_name_plural = _("BOQ chapters")
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="contracts_chapter_once")
        ]

    def __str__(self) -> str:
        return f"第{self.number}章 {self.name}"

    @staticmethod
    def scope_q(scope: Scope) -> Q:
        return contract_scope_q(scope, "contract__")


class BoqItem(models.Model):
    """One item of the BOQ (子目) at its current version; ``revisions`` keep every version."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="items", verbose_name=_("contract")
    )
    chapter = models.ForeignKey(
        BoqChapter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("chapter"),
    )
    code = models.CharField(_("code"), max_length=40, validators=[validate_printable])
    name = models.CharField(_("name"), max_length=300, validators=[validate_printable])
    unit = models.CharField(_("unit"), max_length=20, validators=[validate_printable])
    quantity = quantity_field(_("quantity"))
    unit_price_yuan = money_field(_("unit price (yuan)"))
    amount_yuan = money_field(_("amount (yuan)"))
    order = models.PositiveIntegerField(_("order"), default=0)
    since_version = models.PositiveIntegerField(_("since version"), default=1)
    withdrawn = models.BooleanField(_("withdrawn by a variation"), default=False)

    class Meta:
        ordering = ["contract", "order", "id"]
        verbose_name = _("BOQ item")
        verbose_name_plural = _("BOQ items")
        constraints = [
            models.UniqueConstraint(fields=["contract", "code"], name="contracts_item_code_once")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @staticmethod
    def scope_q(scope: Scope) -> Q:
        return contract_scope_q(scope, "contract__")

    def computed_amount(self) -> Decimal:
        return money(self.quantity * self.unit_price_yuan)


class BoqRevision(models.Model):
    """An item as it stood in one BOQ version (1 = as imported; later = a variation)."""

    item = models.ForeignKey(
        BoqItem, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("item")
    )
    version = models.PositiveIntegerField(_("version"))
    quantity = quantity_field(_("quantity"))
    unit_price_yuan = money_field(_("unit price (yuan)"))
    amount_yuan = money_field(_("amount (yuan)"))
    variation = models.ForeignKey(
        "contracts.Variation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisions",
        verbose_name=_("variation"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["item", "version"]
        verbose_name = _("BOQ revision")
        verbose_name_plural = _("BOQ revisions")
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="contracts_revision_once")
        ]

    def __str__(self) -> str:
        return f"{self.item.code} v{self.version}"

    @staticmethod
    def scope_q(scope: Scope) -> Q:
        return contract_scope_q(scope, "item__contract__")


class QuantityMapping(models.Model):
    """Which work feeds a BOQ item: a work order, or a process on a project (or on any
    project of the contract), times ``factor`` (a unit conversion, e.g. m² × 0.04 m → m³).

    ``source`` names an attribution source (``contracts.attribution``): ``works`` (approved
    daily reports), ``machine`` (telemetry), or one a later app registers (``patrol``)."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="mappings", verbose_name=_("contract")
    )
    item = models.ForeignKey(
        BoqItem, on_delete=models.CASCADE, related_name="mappings", verbose_name=_("BOQ item")
    )
    source = models.CharField(_("source"), max_length=20, default="works")
    project = models.ForeignKey(
        "works.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("project"),
    )
    work_order = models.ForeignKey(
        "works.WorkOrder",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("work order"),
    )
    activity = models.CharField(
        _("activity code"),
        max_length=40,
        blank=True,
        help_text=_("A works process (paving, milling…) or a code the source understands."),
    )
    factor = models.DecimalField(_("factor"), max_digits=12, decimal_places=6, default=1)
    created_by = user_fk(_("created by"))

    class Meta:
        ordering = ["contract", "item__order", "id"]
        verbose_name = _("quantity mapping")
        verbose_name_plural = _("quantity mappings")

    def __str__(self) -> str:
        return f"{self.item.code} ← {self.source} {self.activity or self.work_order_id or ''}"

    @staticmethod
    def scope_q(scope: Scope) -> Q:
        return contract_scope_q(scope, "contract__")

    def clean(self) -> None:
        if self.item_id and self.contract_id and self.item.contract_id != self.contract_id:
            raise ValidationError({"item": _("The item belongs to another contract.")})
