"""Choices of the works app: processes, treatments, the states of projects, work orders and
daily reports.

``Process`` codes are shared with the sop app (one work instruction per process) and
``Treatment`` codes with the planning catalogue: keep them stable.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Process(models.TextChoices):
    """The 12 processes of the work instructions (作业指导书)."""

    MILLING = "milling", _("Asphalt milling (沥青路面铣刨)")
    BASE_CLEANING = "base_cleaning", _("Base cleaning (基层清扫)")
    PRIME_COAT = "prime_coat", _("Prime coat spraying (透层油撒布)")
    TACK_COAT = "tack_coat", _("Tack coat spraying (粘层油撒布)")
    PAVING = "paving", _("Asphalt paving (沥青混合料摊铺)")
    ROLLING = "rolling", _("Rolling (碾压)")
    ANTI_SKID_REPAIR = "anti_skid_repair", _("Anti-skid repair (抗滑修补)")
    CRACK_SEALING = "crack_sealing", _("Sealant crack filling (密封胶灌封)")
    ROAD_MARKING = "road_marking", _("Road marking (标线施工)")
    POTHOLE_REPAIR = "pothole_repair", _("Pothole repair (坑槽修补)")
    MICRO_SURFACING = "micro_surfacing", _("Micro-surfacing (微表处)")
    WORK_ZONE = "work_zone", _("Work-zone set-up and removal (作业区布设与撤除)")


class Treatment(models.TextChoices):
    """Maintenance treatments of a project (and of the planning catalogue)."""

    CRACK_SEALING = "crack_sealing", _("Crack sealing (灌缝)")
    FOG_SEAL = "fog_seal", _("Fog seal (雾封层)")
    MICRO_SURFACING = "micro_surfacing", _("Micro-surfacing (微表处)")
    CHIP_SEAL = "chip_seal", _("Chip seal (碎石封层)")
    THIN_OVERLAY = "thin_overlay", _("Thin overlay (薄层罩面)")
    MILL_AND_INLAY = "mill_and_inlay", _("Mill and inlay (铣刨重铺)")
    POTHOLE_REPAIR = "pothole_repair", _("Pothole repair (坑槽修补)")
    ANTI_SKID_REPAIR = "anti_skid_repair", _("Anti-skid repair (抗滑修补)")
    STRUCTURAL_OVERLAY = "structural_overlay", _("Structural overlay (结构性罩面)")
    RECONSTRUCTION = "reconstruction", _("Reconstruction (改建/重建)")


class ProjectStatus(models.TextChoices):
    """draft → approved → in_progress → completed → closed."""

    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CLOSED = "closed", _("Closed")


class ProjectSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    PLAN = "plan", _("From the maintenance plan")


class WorkOrderStatus(models.TextChoices):
    """planned → in_progress → completed → closed."""

    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CLOSED = "closed", _("Closed")


class Unit(models.TextChoices):
    """Units of a work order's quantity."""

    M2 = "m2", _("m²")
    M = "m", _("m")
    M3 = "m3", _("m³")
    T = "t", _("t")
    L = "L", _("L")
    KG = "kg", _("kg")
    EA = "ea", _("each")
    SHIFT = "shift", _("shift")


class Weather(models.TextChoices):
    SUNNY = "sunny", _("Sunny (晴)")
    CLOUDY = "cloudy", _("Cloudy (多云)")
    OVERCAST = "overcast", _("Overcast (阴)")
    LIGHT_RAIN = "light_rain", _("Light rain (小雨)")
    RAIN = "rain", _("Rain (雨)")
    SNOW = "snow", _("Snow (雪)")
    WINDY = "windy", _("Windy (大风)")
    FOG = "fog", _("Fog (雾)")


class DailyReportStatus(models.TextChoices):
    """draft → submitted → approved, or rejected (edit and submit again)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
