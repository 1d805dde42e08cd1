"""Choices of the people app: trades, certificate types, training levels, alert levels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Trade(models.TextChoices):
    """工种. Which certificates each one needs is data: people/data/rules.toml."""

    LABOURER = "labourer", _("General labourer")
    MACHINE_OPERATOR = "machine_operator", _("Machine operator")
    ELECTRICIAN = "electrician", _("Electrician")
    WELDER = "welder", _("Welder")
    HEIGHT_WORKER = "height_worker", _("Work-at-height worker")
    CRANE_OPERATOR = "crane_operator", _("Crane operator")
    FORKLIFT_DRIVER = "forklift_driver", _("Forklift driver")
    DRIVER = "driver", _("Driver")
    FLAGGER = "flagger", _("Traffic flagger")
    SAFETY_OFFICER = "safety_officer", _("Site safety officer")
    FOREMAN = "foreman", _("Foreman")


class CertificateType(models.TextChoices):
    ELECTRICIAN = "electrician", _("Special operation permit – electrical work")
    WELDING = "welding", _("Special operation permit – welding and thermal cutting")
    WORK_AT_HEIGHT = "work_at_height", _("Special operation permit – work at height")
    CRANE = "crane", _("Special equipment operator certificate – crane")
    FORKLIFT = "forklift", _("Special equipment operator certificate – forklift")
    DRIVING_LICENCE = "driving_licence", _("Motor vehicle driving licence")
    SAFETY_A = "safety_a", _("Safety production qualification – A (principal)")
    SAFETY_B = "safety_b", _("Safety production qualification – B (project manager)")
    SAFETY_C = "safety_c", _("Safety production qualification – C (safety officer)")
    OTHER = "other", _("Other")


class TrainingLevel(models.TextChoices):
    """The three levels of 三级安全教育."""

    COMPANY = "company", _("Company level")
    PROJECT = "project", _("Project level")
    TEAM = "team", _("Team level")


class AlertLevel(models.TextChoices):
    EXPIRED = "expired", _("Expired")
    DAYS_7 = "days_7", _("Expires within 7 days")
    DAYS_30 = "days_30", _("Expires within 30 days")
