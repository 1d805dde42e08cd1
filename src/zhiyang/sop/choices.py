"""Choices of the sop app: version states, run states, NCR states, run context values."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionStatus(models.TextChoices):
    """draft → published → retired (when a newer version is published)."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class RunStatus(models.TextChoices):
    """A submitted run is failed when any step failed; otherwise in progress until its
    sign-offs are complete, then passed."""

    IN_PROGRESS = "in_progress", _("Awaiting sign-off")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class NcrStatus(models.TextChoices):
    """raised → rectified → approved, or rejected (rectify again)."""

    RAISED = "raised", _("Raised")
    RECTIFIED = "rectified", _("Rectified")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class BinderGrade(models.TextChoices):
    """Binder of the mix (JTG F40-2004 penetration grades, or SBS modified)."""

    G50 = "50", _("50# petroleum asphalt")
    G70 = "70", _("70# petroleum asphalt")
    G90 = "90", _("90# petroleum asphalt")
    G110 = "110", _("110# petroleum asphalt")
    SBS = "sbs", _("SBS modified asphalt")


class Season(models.TextChoices):
    NORMAL = "normal", _("Normal season")
    LOW_TEMPERATURE = "low_temperature", _("Low ambient temperature")


class MixType(models.TextChoices):
    DENSE = "dense", _("Dense-graded (AC)")
    SMA = "sma", _("Stone mastic asphalt (SMA)")


class BaseType(models.TextChoices):
    """What is sprayed: a base (prime coat) or an existing surface (tack coat)."""

    SEMI_RIGID = "semi_rigid", _("Semi-rigid base (prime coat)")
    GRANULAR = "granular", _("Granular base (prime coat)")
    ASPHALT = "asphalt", _("Asphalt surface (tack coat)")
    CEMENT_CONCRETE = "cement_concrete", _("Cement-concrete surface (tack coat)")


class Product(models.TextChoices):
    EMULSION = "emulsion", _("Emulsified asphalt")
    CUTBACK = "cutback", _("Cutback asphalt")
    HOT_ASPHALT = "hot_asphalt", _("Hot asphalt")
