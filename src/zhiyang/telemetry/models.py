"""Telemetry devices, their latest state and the readings that could not be accepted.

Readings themselves live in the Parquet lake (``telemetry/lake.py``), not in the database:
the database keeps what pages and rules need now (the last state of each device, alarms,
dead letters). Every row is scoped through its machine's organisation, like fleet's.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiyang.core.access import scoped_through
from zhiyang.telemetry.choices import MachineType, Transport

DEVICE_CODE_RE = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


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

    scope_q = scoped_through(machine="equipment")

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

    scope_q = scoped_through(machine="device__equipment")

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
    scope_q = scoped_through(machine="device__equipment")

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("dead letter")
        verbose_name_plural = _("dead letters")

    def __str__(self) -> str:
        return f"{self.device_code or '?'} {self.code}"


# --------------------------------------------------------------------------- live rules


class BinderGrade(models.TextChoices):
    GRADE_50 = "50", _("50# petroleum asphalt")
    GRADE_70 = "70", _("70# petroleum asphalt")
    GRADE_90 = "90", _("90# petroleum asphalt")
    GRADE_110 = "110", _("110# petroleum asphalt")
    SBS = "sbs", _("SBS modified asphalt")


class Season(models.TextChoices):
    NORMAL = "normal", _("Normal")
    LOW_TEMPERATURE = "low_temperature", _("Low temperature")


class MixType(models.TextChoices):
    DENSE = "dense", _("Dense-graded (AC)")
    SMA = "sma", _("Stone mastic asphalt (SMA)")


class RollingPhase(models.TextChoices):
    INITIAL = "initial", _("Initial rolling")
    INTERMEDIATE = "intermediate", _("Intermediate rolling")
    FINAL = "final", _("Final rolling")


class SprayBase(models.TextChoices):
    NONE = "", _("No spraying")
    SEMI_RIGID = "semi_rigid", _("Prime coat on a semi-rigid base")
    GRANULAR = "granular", _("Prime coat on a granular base")
    ASPHALT = "asphalt", _("Tack coat on asphalt")
    CEMENT_CONCRETE = "cement_concrete", _("Tack coat on cement concrete")


class SprayProduct(models.TextChoices):
    EMULSION = "emulsion", _("Emulsified asphalt")
    CUTBACK = "cutback", _("Cutback asphalt")
    HOT_ASPHALT = "hot_asphalt", _("Hot asphalt")


class Severity(models.TextChoices):
    INFO = "info", _("Info")
    WARNING = "warning", _("Warning")
    CRITICAL = "critical", _("Critical")


class AlarmStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


#: The statuses of an alarm still open (not yet resolved).
OPEN_ALARM_STATUSES = (AlarmStatus.ACTIVE, AlarmStatus.ACKNOWLEDGED)


class PavingSetup(models.Model):
    """How a project paves: what the live rules compare its machines' readings with.

    Thresholds come from JTG F40-2004 through ``analytics.specs`` for the mix and season;
    ``overrides`` may replace any of them per rule code (``{"paving_temp": {"min": 150}}``).
    """

    project = models.OneToOneField(
        "works.Project",
        on_delete=models.CASCADE,
        related_name="paving_setup",
        verbose_name=_("project"),
    )
    binder_grade = models.CharField(
        _("binder grade"), max_length=4, choices=BinderGrade.choices, default=BinderGrade.GRADE_70
    )
    season = models.CharField(
        _("season"), max_length=16, choices=Season.choices, default=Season.NORMAL
    )
    mix_type = models.CharField(
        _("mix type"), max_length=8, choices=MixType.choices, default=MixType.DENSE
    )
    design_thickness_mm = models.FloatField(
        _("design thickness (mm)"), null=True, blank=True, validators=[MinValueValidator(1.0)]
    )
    tolerance_mm = models.FloatField(
        _("thickness tolerance (± mm)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0)],
        help_text=_("Empty: the standard's percentage of the design thickness."),
    )
    roller_phases = models.JSONField(
        _("roller roles"),
        default=dict,
        blank=True,
        help_text=_("Machine id → initial, intermediate or final rolling."),
    )
    max_gap_m = models.FloatField(
        _("max. distance of the initial roller behind the paver (m)"),
        default=60.0,
        validators=[MinValueValidator(1.0)],
    )
    max_gap_s = models.FloatField(
        _("max. time of the initial roller behind the paver (s)"),
        default=300.0,
        validators=[MinValueValidator(1.0)],
    )
    paver_stop_s = models.FloatField(
        _("paver stop limit (s)"), default=120.0, validators=[MinValueValidator(1.0)]
    )
    target_passes = models.PositiveSmallIntegerField(
        _("target roller passes"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("Passes every cell of the mat should get. Empty: the standards default."),
    )
    spray_base = models.CharField(
        _("sprayed surface"), max_length=16, choices=SprayBase.choices, default="", blank=True
    )
    spray_product = models.CharField(
        _("spray product"),
        max_length=12,
        choices=SprayProduct.choices,
        default=SprayProduct.EMULSION,
    )
    debounce_s = models.FloatField(
        _("debounce (s)"),
        default=10.0,
        validators=[MinValueValidator(0.0)],
        help_text=_("How long a condition must hold or be clear to change an alarm."),
    )
    overrides = models.JSONField(
        _("threshold overrides"),
        default=dict,
        blank=True,
        help_text=_('Per rule code, e.g. {"paving_temp": {"min": 150}}.'),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    scope_q = scoped_through(project="project")

    class Meta:
        ordering = ["project"]
        verbose_name = _("paving setup")
        verbose_name_plural = _("paving setups")

    def __str__(self) -> str:
        return f"{self.project}"

    @property
    def modified(self) -> bool:
        """SBS modified binder (slower paver, hotter mix)."""
        return self.binder_grade == BinderGrade.SBS

    def clean(self) -> None:
        from zhiyang.telemetry.rules import validate_overrides, validate_roller_phases

        errors: dict[str, list[str]] = {}
        for name, check in (
            ("overrides", validate_overrides),
            ("roller_phases", validate_roller_phases),
        ):
            problem = check(getattr(self, name))
            if problem:
                errors[name] = [problem]
        if errors:
            raise ValidationError(errors)


class Alarm(models.Model):
    """A live rule breached by a machine: raised after the debounce, one active per device
    and rule, acknowledged and resolved by people or resolved by itself when clear."""

    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="alarms", verbose_name=_("device")
    )
    equipment = models.ForeignKey(
        "fleet.Equipment",
        on_delete=models.CASCADE,
        related_name="telemetry_alarms",
        verbose_name=_("machine"),
    )
    project = models.ForeignKey(
        "works.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("project"),
    )
    rule = models.CharField(_("rule"), max_length=32, db_index=True)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AlarmStatus.choices,
        default=AlarmStatus.ACTIVE,
        db_index=True,
    )
    value = models.FloatField(_("value"))
    limit = models.FloatField(_("limit"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=12, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    started_at = models.DateTimeField(_("breach began"))
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    auto_resolved = models.BooleanField(_("resolved by itself"), default=False)
    notified_roles = models.JSONField(_("notified roles"), default=list, blank=True)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now, db_index=True)

    scope_q = scoped_through(machine="equipment")

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")
        constraints = [
            models.UniqueConstraint(
                fields=["device", "rule"],
                condition=~Q(status="resolved"),
                name="telemetry_alarm_one_open_per_device_rule",
            )
        ]

    def __str__(self) -> str:
        return f"{self.device_id} {self.rule} {self.status}"

    @property
    def open(self) -> bool:
        return self.status != AlarmStatus.RESOLVED

    def message(self) -> str:
        """The alarm in the active language (rendered from the rule code and parameters)."""
        from zhiyang.telemetry.alarms import alarm_message

        return alarm_message(self)
