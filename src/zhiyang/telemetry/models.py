"""Telemetry devices, their latest state and the readings that could not be accepted.

Readings themselves live in the Parquet lake (``telemetry/lake.py``), not in the database:
the database keeps what pages and rules need now (the last state of each device, alarms,
dead letters). Every row is scoped through its machine's organisation, like fleet's.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiyang.telemetry.choices import MachineType, Transport

DEVICE_CODE_RE = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


def _through_equipment(scope: Any) -> Q:
    from zhiyang.core.access import organisation_scope_q

    return organisation_scope_q(scope, organisation="equipment__organisation")


def _through_device(scope: Any) -> Q:
    from zhiyang.core.access import organisation_scope_q

    return organisation_scope_q(scope, organisation="device__equipment__organisation")


class Device(models.Model):
    """A telemetry unit mounted on a machine, with its own credentials.

    The token is shown once when issued and stored only as hashes: SHA-256 for the HTTP
    endpoint (a 256-bit random token needs no slow hash) and Mosquitto's PBKDF2-SHA512
    password-file form for the broker, so the broker's password file can be written again
    from the database at any time without knowing any token.
    """

    code = models.CharField(
        _("device code"),
        max_length=64,
        unique=True,
        validators=[RegexValidator(DEVICE_CODE_RE, _("Letters, digits, '.', '_' and '-' only."))],
        help_text=_("Also the MQTT user name and part of the device's topic."),
    )
    equipment = models.ForeignKey(
        "fleet.Equipment",
        on_delete=models.PROTECT,
        related_name="telemetry_devices",
        verbose_name=_("machine"),
    )
    machine_type = models.CharField(_("message schema"), max_length=12, choices=MachineType.choices)
    active = models.BooleanField(_("active"), default=True)
    token_hash = models.CharField(_("token hash"), max_length=64, blank=True, editable=False)
    token_hint = models.CharField(_("token starts with"), max_length=8, blank=True, editable=False)
    mqtt_password_hash = models.TextField(_("broker password hash"), blank=True, editable=False)
    token_issued_at = models.DateTimeField(_("token issued"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    scope_q = staticmethod(_through_equipment)

    class Meta:
        ordering = ["code"]
        verbose_name = _("telemetry device")
        verbose_name_plural = _("telemetry devices")
        indexes = [models.Index(fields=["token_hash"])]

    def __str__(self) -> str:
        return self.code


class DeviceState(models.Model):
    """The latest accepted reading of a device (what the live page and the map show)."""

    device = models.OneToOneField(
        Device,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="state",
        verbose_name=_("device"),
    )
    project = models.ForeignKey(
        "works.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("project"),
    )
    seq = models.BigIntegerField(_("sequence"))
    measured_at = models.DateTimeField(_("measured at"))
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    values = models.JSONField(_("values"), default=dict)
    readings = models.BigIntegerField(_("readings accepted"), default=0)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, db_index=True)

    scope_q = staticmethod(_through_device)

    class Meta:
        verbose_name = _("device state")
        verbose_name_plural = _("device states")

    def __str__(self) -> str:
        return f"{self.device_id} #{self.seq}"


class DeadLetter(models.Model):
    """A reading that was not accepted, with the reason, kept for people to look at."""

    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    device = models.ForeignKey(
        Device,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dead_letters",
        verbose_name=_("device"),
    )
    device_code = models.CharField(_("device code (as sent)"), max_length=64, blank=True)
    transport = models.CharField(_("transport"), max_length=8, choices=Transport.choices)
    code = models.CharField(_("reason code"), max_length=32, db_index=True)
    reason = models.TextField(_("reason"))
    payload = models.TextField(_("payload (first 4 KB)"), blank=True)

    # A reading from an unknown device belongs to no organisation: only users who see the
    # whole network (administrators) see those.
    scope_q = staticmethod(_through_device)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("dead letter")
        verbose_name_plural = _("dead letters")

    def __str__(self) -> str:
        return f"{self.device_code or '?'} {self.code}"
