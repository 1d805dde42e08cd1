"""Choices of the road network."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AdminLevel(models.TextChoices):
    """Administrative level (行政等级)."""

    NATIONAL = "national", _("National highway (国道)")
    PROVINCIAL = "provincial", _("Provincial highway (省道)")
    COUNTY = "county", _("County road (县道)")


class TechClass(models.TextChoices):
    """Technical class (技术等级), as JTG B01 names them."""

    EXPRESSWAY = "expressway", _("Expressway (高速)")
    CLASS1 = "class1", _("Class 1 (一级)")
    CLASS2 = "class2", _("Class 2 (二级)")
    CLASS3 = "class3", _("Class 3 (三级)")
    CLASS4 = "class4", _("Class 4 (四级)")


class Pavement(models.TextChoices):
    ASPHALT = "asphalt", _("Asphalt")
    CONCRETE = "concrete", _("Cement concrete")


class Direction(models.TextChoices):
    """Carriageway direction: 上行 runs with increasing chainage."""

    UP = "up", _("Up (上行)")
    DOWN = "down", _("Down (下行)")
    BOTH = "both", _("Both (双向)")
