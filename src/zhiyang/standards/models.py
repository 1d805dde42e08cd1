"""Overrides of standards values, per organisation or for every organisation.

The defaults are the data files of the engines (``analytics/standards/*.toml``, read through
``standards.registry``); a row here replaces some of those values, with the reason why (a
provincial guideline, a checked copy of the standard). Services validate every override by
building the engine's parameter object, so a row that is active always loads.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhiyang.core.models import Organisation


class ParameterOverride(models.Model):
    """Values of one standard that differ from its data file.

    ``organisation`` NULL: for every organisation (laid under the organisation's own
    override). ``overrides`` has the shape of the TOML file (tables as objects; items of a
    list of tables addressed by their ``key``). At most one active row per standard and
    organisation; deactivated rows stay as the history of what results were computed with.
    """

    standard = models.CharField(_("standard"), max_length=60, db_index=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parameter_overrides",
        verbose_name=_("organisation"),
        help_text=_("Empty: every organisation."),
    )
    overrides = models.JSONField(_("overridden values"), default=dict)
    reason = models.TextField(
        _("reason"),
        help_text=_(
            "Why the values differ from the standard's data, e.g. the provincial guideline."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["standard", "-active", "organisation__name", "-created_at"]
        verbose_name = _("parameter override")
        verbose_name_plural = _("parameter overrides")
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "organisation"],
                condition=Q(active=True, organisation__isnull=False),
                name="standards_one_active_override_per_organisation",
                violation_error_message=_(
                    "This organisation already has an active override of this standard."
                ),
            ),
            # NULLs are distinct in a unique index, so the global row needs its own.
            models.UniqueConstraint(
                fields=["standard"],
                condition=Q(active=True, organisation__isnull=True),
                name="standards_one_active_global_override",
                violation_error_message=_(
                    "There is already an active override of this standard for every organisation."
                ),
            ),
        ]

    def __str__(self) -> str:
        whom = self.organisation.name if self.organisation is not None else _("every organisation")
        return f"{self.standard} · {whom}"

    @staticmethod
    def scope_q(scope: Any) -> Q:
        """Users see the overrides for every organisation and their own organisation's."""
        return Q(organisation__isnull=True) | Q(organisation_id__in=scope.organisation_ids)
