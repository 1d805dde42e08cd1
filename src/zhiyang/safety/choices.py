"""Choices of the safety app (work zones, inspections, hazards, incidents)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkZoneDirection(models.TextChoices):
    """The carriageway the work zone is on: 上行 runs with increasing chainage."""

    UP = "up", _("Up (上行)")
    DOWN = "down", _("Down (下行)")


class ClosedLane(models.TextChoices):
    """Which lane the work area closes (seen in the driving direction)."""

    OUTER = "outer", _("Outer lane (外侧车道)")
    INNER = "inner", _("Inner lane (内侧车道)")
    SHOULDER = "shoulder", _("Hard shoulder (硬路肩)")
    HALF = "half", _("Whole carriageway, traffic to the opposite side (半幅封闭)")


class WorkZoneStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")


class ItemResult(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NA = "na", _("Not applicable")


class HazardLevel(models.TextChoices):
    """Hazard grade (隐患等级)."""

    GENERAL = "general", _("General (一般)")
    LARGER = "larger", _("Larger (较大)")
    MAJOR = "major", _("Major (重大)")


class HazardStatus(models.TextChoices):
    """The closed loop: reported → assigned → rectified → verified → closed.

    A rejected rectification goes back to ``assigned`` (rectify again).
    """

    REPORTED = "reported", _("Reported")
    ASSIGNED = "assigned", _("Assigned, awaiting rectification")
    RECTIFIED = "rectified", _("Rectified, awaiting verification")
    VERIFIED = "verified", _("Verified")
    CLOSED = "closed", _("Closed")


class HazardAction(models.TextChoices):
    """The steps of the hazard workflow, as recorded in its history."""

    REPORT = "report", _("Reported")
    ASSIGN = "assign", _("Assigned")
    RECTIFY = "rectify", _("Rectified")
    VERIFY = "verify", _("Verified")
    REJECT = "reject", _("Rejected")
    CLOSE = "close", _("Closed")
    ESCALATE = "escalate", _("Escalated")


class IncidentType(models.TextChoices):
    TRAFFIC = "traffic", _("Vehicle intrusion / traffic collision")
    MACHINERY = "machinery", _("Machinery injury")
    FALL = "fall", _("Fall from height")
    STRUCK = "struck", _("Struck by object")
    ELECTRIC = "electric", _("Electric shock")
    FIRE = "fire", _("Fire or burn")
    HEAT = "heat", _("Heat stroke")
    OTHER = "other", _("Other")


class IncidentSeverity(models.TextChoices):
    """Severity: near miss plus the four grades of 生产安全事故报告和调查处理条例."""

    NEAR_MISS = "near_miss", _("Near miss (未遂)")
    GENERAL = "general", _("General (一般事故)")
    LARGER = "larger", _("Larger (较大事故)")
    MAJOR = "major", _("Major (重大事故)")
    SPECIAL = "special", _("Especially serious (特别重大事故)")


class CauseCategory(models.TextChoices):
    """Cause categories of the 人/机/料/法/环 (5M1E without measurement) analysis."""

    MAN = "man", _("People (人)")
    MACHINE = "machine", _("Machine (机)")
    MATERIAL = "material", _("Material (料)")
    METHOD = "method", _("Method (法)")
    ENVIRONMENT = "environment", _("Environment (环)")


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    INVESTIGATING = "investigating", _("Under investigation")
    CLOSED = "closed", _("Closed")
