"""Contracts: the bill of quantities (工程量清单), monthly measurement (计量), variations (变更)
and the owner's assessment (养护考核). Money is ``Decimal`` yuan, never float."""

from zhiyang.contracts.models.assessment import (
    Assessment,
    AssessmentEntry,
    AssessmentTemplate,
    AssessmentTemplateItem,
)
from zhiyang.contracts.models.boq import BoqChapter, BoqItem, BoqRevision, Contract, QuantityMapping
from zhiyang.contracts.models.measurement import (
    MeasurementLine,
    MeasurementPeriod,
    Variation,
    VariationLine,
)

__all__ = [
    "Assessment",
    "AssessmentEntry",
    "AssessmentTemplate",
    "AssessmentTemplateItem",
    "BoqChapter",
    "BoqItem",
    "BoqRevision",
    "Contract",
    "MeasurementLine",
    "MeasurementPeriod",
    "QuantityMapping",
    "Variation",
    "VariationLine",
]
