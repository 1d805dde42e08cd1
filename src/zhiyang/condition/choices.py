"""Choices of the condition app (surveys, grades, distress)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SurveyDirection(models.TextChoices):
    """The carriageway a survey measured; 上行 runs with increasing chainage."""

    UP = "up", _("Up (上行)")
    DOWN = "down", _("Down (下行)")
    BOTH = "both", _("Both (双向)")


class SurveyMethod(models.TextChoices):
    DETECTION_VEHICLE = "vehicle", _("Detection vehicle (多功能检测车)")
    PROFILER = "profiler", _("Profiler (断面仪)")
    MANUAL = "manual", _("Manual survey (人工调查)")
    OTHER = "other", _("Other")


class Edition(models.TextChoices):
    """The edition of the assessment standard the indices are computed by."""

    JTG_5210_2018 = "2018", _("JTG 5210-2018")
    JTG_H20_2007 = "2007", _("JTG H20-2007")


class SurveyStatus(models.TextChoices):
    """Draft surveys are being imported and checked; approved ones are what reports show."""

    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class Grade(models.TextChoices):
    """The five condition grades; the stored value is what the rating engine returns."""

    EXCELLENT = "优", _("Excellent (优)")
    GOOD = "良", _("Good (良)")
    FAIR = "中", _("Fair (中)")
    POOR = "次", _("Poor (次)")
    BAD = "差", _("Bad (差)")


class Severity(models.TextChoices):
    """Distress severity; items without severity levels (泛油, 修补) leave it blank."""

    LIGHT = "light", _("Light (轻)")
    MEDIUM = "medium", _("Medium (中)")
    HEAVY = "heavy", _("Heavy (重)")


class QuantityUnit(models.TextChoices):
    SQUARE_METRE = "m2", _("m²")
    METRE = "m", _("m")


class DistressSource(models.TextChoices):
    EXCEL = "excel", _("Excel import")
    PHONE = "phone", _("Phone report")
    API = "api", _("API")
    PATROL = "patrol", _("Road patrol")


class ImportKind(models.TextChoices):
    """What an uploaded file contains (the ``kind`` of a condition import)."""

    INTERVALS = "intervals", _("Interval measurements (IRI, ruts, SFC, MPD)")
    PROFILE = "profile", _("Longitudinal profile (ERD/CSV)")
    DISTRESS = "distress", _("Distress records (Excel template)")


class WheelPath(models.TextChoices):
    LEFT = "left", _("Left wheel path")
    RIGHT = "right", _("Right wheel path")
    BOTH = "both", _("Both wheel paths (two elevation columns)")
