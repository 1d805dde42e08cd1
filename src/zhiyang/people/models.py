"""Workers, their certificates and training, crews, daily check-ins and pre-shift briefings.

Everything belongs to an organisation (a worker's, or a crew's): users see the rows of their
own organisation (``OrganisationOwned.scope_q``), whole-network users see all.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhiyang.core import crypto
from zhiyang.core.access import scoped_through
from zhiyang.core.models import OrganisationOwned
from zhiyang.core.validators import validate_photo, validate_printable
from zhiyang.people.choices import AlertLevel, CertificateType, Trade, TrainingLevel
from zhiyang.people.validators import mask_id_number, normalise_id_number, validate_id_number


class Worker(OrganisationOwned):
    """A person working for an organisation, directly or through a labour subcontractor.

    The ID number is encrypted at rest (``crypto.EncryptedCharField``); ``id_number_hash``
    (a keyed HMAC) makes it unique per organisation and searchable. Show it through
    ``people.identity.display_id_number``, which masks it for roles not granted
    ``people.identity``.
    """

    name = models.CharField(_("name"), max_length=100, validators=[validate_printable])
    id_number = crypto.EncryptedCharField(
        _("ID number"),
        blank=True,
        default="",
        validators=[validate_id_number],
        help_text=_("18-character resident ID number; stored encrypted."),
    )
    id_number_hash = models.CharField(
        _("ID number hash"), max_length=64, blank=True, default="", editable=False, db_index=True
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_printable])
    trade = models.CharField(_("trade"), max_length=32, choices=Trade.choices)
    employer = models.CharField(
        _("employer or subcontractor"),
        max_length=200,
        blank=True,
        validators=[validate_printable],
        help_text=_("The labour subcontractor (劳务分包单位), blank for own staff."),
    )
    photo = models.ImageField(
        _("photo"),
        upload_to="people/photos/%Y/",
        blank=True,
        validators=[validate_photo, FileExtensionValidator(["jpg", "jpeg", "png", "webp"])],
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="worker",
        verbose_name=_("user account"),
        help_text=_("Lets this person check in from their own phone."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "id_number_hash"],
                condition=~Q(id_number_hash=""),
                name="people_worker_unique_id_number",
                violation_error_message=_(
                    "A worker with this ID number already exists in this organisation."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        self.id_number = normalise_id_number(self.id_number)
        self.id_number_hash = crypto.keyed_hash(self.id_number) if self.id_number else ""

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.id_number = normalise_id_number(self.id_number)
        self.id_number_hash = crypto.keyed_hash(self.id_number) if self.id_number else ""
        super().save(*args, **kwargs)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class Certificate(models.Model):
    """A certificate held by a worker (special-operation permit, licence, qualification)."""

    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("worker")
    )
    cert_type = models.CharField(
        _("certificate type"), max_length=32, choices=CertificateType.choices
    )
    number = models.CharField(_("number"), max_length=64, validators=[validate_printable])
    issuer = models.CharField(
        _("issuer"), max_length=200, blank=True, validators=[validate_printable]
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"))
    scan = models.FileField(
        _("scan"),
        upload_to="people/certificates/%Y/",
        blank=True,
        validators=[FileExtensionValidator(["pdf", "jpg", "jpeg", "png", "webp"])],
    )

    scope_q = scoped_through(organisation="worker__organisation")

    class Meta:
        ordering = ["valid_until", "pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_from__lte=models.F("valid_until")),
                name="people_certificate_valid_from_before_until",
                violation_error_message=_("A certificate cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker} · {self.get_cert_type_display()} {self.number}"

    def days_left(self, today: dt.date) -> int:
        return (self.valid_until - today).days

    def is_valid_on(self, day: dt.date) -> bool:
        started = self.valid_from is None or self.valid_from <= day
        return started and day <= self.valid_until


class CertificateAlert(models.Model):
    """An expiry alert recorded by the daily task: at most one per certificate and day."""

    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("certificate")
    )
    date = models.DateField(_("date"))
    level = models.CharField(_("level"), max_length=16, choices=AlertLevel.choices)
    days_left = models.IntegerField(_("days left"))

    scope_q = scoped_through(organisation="certificate__worker__organisation")

    class Meta:
        ordering = ["-date", "days_left", "pk"]
        verbose_name = _("certificate alert")
        verbose_name_plural = _("certificate alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "date"], name="people_certificatealert_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.certificate} ({self.get_level_display()})"


class TrainingRecord(models.Model):
    """One safety training session of a worker, at one of the three 三级安全教育 levels."""

    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="training", verbose_name=_("worker")
    )
    level = models.CharField(_("level"), max_length=16, choices=TrainingLevel.choices)
    date = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("200"))],
    )
    trainer = models.CharField(
        _("trainer"), max_length=100, blank=True, validators=[validate_printable]
    )
    topic = models.CharField(_("topic"), max_length=200, validators=[validate_printable])

    scope_q = scoped_through(organisation="worker__organisation")

    class Meta:
        ordering = ["-date", "pk"]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="people_training_hours_positive")
        ]

    def __str__(self) -> str:
        return f"{self.worker} · {self.get_level_display()} {self.date}"


class Crew(OrganisationOwned):
    """A crew (班组) with a leader; members need the certificates of their trade."""

    name = models.CharField(_("name"), max_length=100, validators=[validate_printable])
    leader = models.ForeignKey(
        Worker,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_crews",
        verbose_name=_("leader"),
    )
    members = models.ManyToManyField(
        Worker, blank=True, related_name="crews", verbose_name=_("members")
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("crew")
        verbose_name_plural = _("crews")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="people_crew_unique_name",
                violation_error_message=_("This organisation already has a crew of this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class CheckIn(models.Model):
    """A worker's daily arrival at a work zone, with the phone's position.

    Inside the zone's geofence it is accepted; outside it is still recorded but flagged with
    the distance, so nobody is turned away by a poor GPS fix and the supervisor sees it.
    """

    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="checkins", verbose_name=_("worker")
    )
    work_zone = models.ForeignKey(
        "safety.WorkZone",
        on_delete=models.PROTECT,
        related_name="people_checkins",
        verbose_name=_("work zone"),
    )
    date = models.DateField(_("date"), db_index=True)
    checked_in_at = models.DateTimeField(_("checked in at"))
    lon = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    lat = models.FloatField(
        _("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    accuracy_m = models.FloatField(
        _("accuracy (m)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    inside_geofence = models.BooleanField(_("inside the geofence"))
    distance_m = models.FloatField(
        _("distance outside (m)"),
        null=True,
        blank=True,
        help_text=_(
            "How far outside the work zone's geofence; 0 inside, blank when the zone has no "
            "usable route geometry."
        ),
    )
    client_uuid = models.UUIDField(
        _("client id"),
        null=True,
        blank=True,
        unique=True,
        help_text=_("Chosen by the phone; sending the same check-in again returns the first."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    scope_q = scoped_through(organisation="worker__organisation")

    class Meta:
        ordering = ["-checked_in_at", "-pk"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "work_zone", "date"],
                name="people_checkin_once_a_day",
                violation_error_message=_(
                    "This worker has already checked in at this work zone today."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.worker} @ {self.work_zone}"


class Briefing(models.Model):
    """A pre-shift safety briefing (班前讲话) given to a crew, with who attended."""

    date = models.DateField(_("date"))
    crew = models.ForeignKey(
        Crew, on_delete=models.PROTECT, related_name="briefings", verbose_name=_("crew")
    )
    work_zone = models.ForeignKey(
        "safety.WorkZone",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people_briefings",
        verbose_name=_("work zone"),
    )
    topic = models.CharField(_("topic"), max_length=200, validators=[validate_printable])
    content = models.TextField(_("content"), blank=True)
    attendees = models.ManyToManyField(
        Worker, blank=True, related_name="briefings_attended", verbose_name=_("attendees")
    )
    photo = models.ImageField(
        _("photo"),
        upload_to="people/briefings/%Y/",
        blank=True,
        validators=[validate_photo, FileExtensionValidator(["jpg", "jpeg", "png", "webp"])],
    )
    given_by = models.ForeignKey(
        Worker,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="briefings_given",
        verbose_name=_("given by"),
    )

    scope_q = scoped_through(organisation="crew__organisation")

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("safety briefing")
        verbose_name_plural = _("safety briefings")

    def __str__(self) -> str:
        return f"{self.date} {self.crew} · {self.topic}"
