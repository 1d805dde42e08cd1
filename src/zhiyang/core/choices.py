"""Choices shared across apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of the permission matrix (core/data/permissions.toml)."""

    ADMIN = "admin", _("Administrator")
    MANAGER = "manager", _("Branch manager")
    ENGINEER = "engineer", _("Engineer")
    QC_INSPECTOR = "qc_inspector", _("QC inspector")
    SAFETY_OFFICER = "safety_officer", _("Safety officer")
    EQUIPMENT_MANAGER = "equipment_manager", _("Equipment manager")
    WORKER = "worker", _("Field worker")
    VIEWER = "viewer", _("Viewer")
    SUPERVISOR = "supervisor", _("Supervising engineer (监理)")
    OWNER = "owner", _("Owner's representative (业主)")


class Action(models.TextChoices):
    VIEW = "view", _("View")
    ADD = "add", _("Add")
    CHANGE = "change", _("Change")
    DELETE = "delete", _("Delete")


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
