"""Choices of the patrol app: finding categories and kinds, triage, task states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Season(models.TextChoices):
    NORMAL = "normal", _("Normal")
    WINTER = "winter", _("Winter")
    RAINY = "rainy", _("Rainy season")


class PatrolStatus(models.TextChoices):
    ENDED = "ended", _("Ended")


class FindingCategory(models.TextChoices):
    """What a patrol finds (JTG 5210 groups: pavement, subgrade, bridges, facilities)."""

    PAVEMENT = "pavement", _("Pavement distress")
    SUBGRADE = "subgrade", _("Subgrade")
    DRAINAGE = "drainage", _("Drainage")
    BRIDGE_DECK = "bridge_deck", _("Bridge deck")
    TRAFFIC_FACILITY = "traffic_facility", _("Traffic facilities")
    ROADSIDE = "roadside", _("Roadside cleanliness")
    ENCROACHMENT = "encroachment", _("Encroachment (路政)")


class FindingKind(models.TextChoices):
    """The short quick-entry list. Pavement kinds are the rating engine's distress types
    (analytics/standards/jtg5210_2018.toml), so a pavement finding is a distress record."""

    # pavement (asphalt, JTG 5210-2018)
    ALLIGATOR = "alligator", _("Alligator cracking")
    BLOCK_CRACK = "block_crack", _("Block cracking")
    LONGITUDINAL_CRACK = "longitudinal_crack", _("Longitudinal crack")
    TRANSVERSE_CRACK = "transverse_crack", _("Transverse crack")
    DEPRESSION = "depression", _("Depression")
    RUTTING = "rutting", _("Rutting")
    CORRUGATION = "corrugation", _("Corrugation / shoving")
    POTHOLE = "pothole", _("Pothole")
    RAVELLING = "ravelling", _("Ravelling")
    BLEEDING = "bleeding", _("Bleeding")
    # subgrade
    SLOPE_COLLAPSE = "slope_collapse", _("Slope collapse")
    SHOULDER_DAMAGE = "shoulder_damage", _("Shoulder damage")
    SETTLEMENT = "settlement", _("Subgrade settlement")
    # drainage
    BLOCKED_DRAIN = "blocked_drain", _("Blocked drain or culvert")
    DAMAGED_DITCH = "damaged_ditch", _("Damaged ditch")
    # bridge deck
    DECK_DAMAGE = "deck_damage", _("Deck pavement damage")
    EXPANSION_JOINT = "expansion_joint", _("Expansion joint damage")
    RAILING = "railing", _("Railing damage")
    # traffic facilities
    GUARDRAIL = "guardrail", _("Guardrail damage")
    SIGN = "sign", _("Sign missing or damaged")
    MARKING = "marking", _("Worn marking")
    # roadside
    DEBRIS = "debris", _("Debris on the road")
    LITTER = "litter", _("Litter")
    VEGETATION = "vegetation", _("Vegetation blocking sight")
    # encroachment (路政)
    ILLEGAL_STRUCTURE = "illegal_structure", _("Illegal structure")
    ILLEGAL_ACCESS = "illegal_access", _("Illegal access or crossing")
    STORAGE_ON_ROAD = "storage_on_road", _("Materials stored on the road")
    OTHER = "other", _("Other")


#: Which kinds belong to which category (the quick-entry list per category).
KINDS_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    FindingCategory.PAVEMENT: (
        "alligator",
        "block_crack",
        "longitudinal_crack",
        "transverse_crack",
        "depression",
        "rutting",
        "corrugation",
        "pothole",
        "ravelling",
        "bleeding",
    ),
    FindingCategory.SUBGRADE: ("slope_collapse", "shoulder_damage", "settlement", "other"),
    FindingCategory.DRAINAGE: ("blocked_drain", "damaged_ditch", "other"),
    FindingCategory.BRIDGE_DECK: ("deck_damage", "expansion_joint", "railing", "other"),
    FindingCategory.TRAFFIC_FACILITY: ("guardrail", "sign", "marking", "other"),
    FindingCategory.ROADSIDE: ("debris", "litter", "vegetation", "other"),
    FindingCategory.ENCROACHMENT: (
        "illegal_structure",
        "illegal_access",
        "storage_on_road",
        "other",
    ),
}


class Severity(models.TextChoices):
    """轻/中/重: for pavement the rating engine's severity keys."""

    LIGHT = "light", _("Light")
    MEDIUM = "medium", _("Medium")
    HEAVY = "heavy", _("Heavy")


class QuantityUnit(models.TextChoices):
    SQUARE_METRE = "m2", _("m²")
    METRE = "m", _("m")
    EACH = "ea", _("each")
    CUBIC_METRE = "m3", _("m³")


class FindingStatus(models.TextChoices):
    NEW = "new", _("To triage")
    DISMISSED = "dismissed", _("Dismissed")
    MONITOR = "monitor", _("Monitored")
    REPAIR = "repair", _("Repair ordered")
    HAZARD = "hazard", _("Safety hazard opened")
    CLOSED = "closed", _("Repaired")


class Triage(models.TextChoices):
    DISMISS = "dismiss", _("Dismiss")
    MONITOR = "monitor", _("Monitor")
    REPAIR = "repair", _("Repair")
    HAZARD = "hazard", _("Open a safety hazard")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("To repair")
    REPAIRED = "repaired", _("Repaired, to verify")
    CLOSED = "closed", _("Verified and closed")


class TaskAction(models.TextChoices):
    CREATE = "create", _("Created")
    REPAIR = "repair", _("Repaired")
    VERIFY = "verify", _("Verified and closed")
    REJECT = "reject", _("Rejected")
    ESCALATE = "escalate", _("Escalated")
