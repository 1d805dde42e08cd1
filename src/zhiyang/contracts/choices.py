"""Choices of the contracts app (labels translated)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContractKind(models.TextChoices):
    ROUTINE = "routine", _("Routine maintenance (日常养护)")
    PROJECT = "project", _("Maintenance project (养护工程)")


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class PeriodStatus(models.TextChoices):
    """draft → proposed (engineer) → supervisor_approved (监理) → certified (业主)."""

    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Proposed")
    SUPERVISOR_APPROVED = "supervisor_approved", _("Approved by the supervisor")
    CERTIFIED = "certified", _("Certified by the owner")


class VariationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    SUPERVISOR_APPROVED = "supervisor_approved", _("Approved by the supervisor")
    APPROVED = "approved", _("Approved by the owner")
    REJECTED = "rejected", _("Rejected")


class DeductionRule(models.TextChoices):
    """How the count of an assessment item turns into lost points and money."""

    PER_COUNT = "per_count", _("Per occurrence (e.g. per pothole)")
    PER_DAY_LATE = "per_day_late", _("Per day late")
    PER_METRE = "per_metre", _("Per metre")
    ONCE = "once", _("Once if found")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINAL = "final", _("Final")


class QuantitySource(models.TextChoices):
    WORKS = "works", _("Daily reports")
    PATROL = "patrol", _("Routine repairs")
    MACHINE = "machine", _("Machine-measured")
    MANUAL = "manual", _("Entered by hand")
