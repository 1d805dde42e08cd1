"""Demo override: 阳高天镇工区 trials other PBI deductions (the PBI table is a "verify" value),
so the standards page shows a highlighted value with its reason. Labelled as demo data; no
real guideline is claimed. Idempotent: skipped when the works area has an active override."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from zhiyang.core.actors import SYSTEM
from zhiyang.standards import services
from zhiyang.standards.models import ParameterOverride

CODE = "jtg5210_2018"
REASON = (
    "演示数据：工区试行的桥头跳车（PBI）扣分值，待与标准正式文本核对。Demo data, not a guideline."
)


def load_demo_data(*, context: Any) -> str:
    organisation = context.works_area
    if not ParameterOverride.objects.filter(
        standard=CODE, organisation=organisation, active=True
    ).exists():
        services.create_override(
            actor=SYSTEM,
            standard=CODE,
            organisation=organisation,
            overrides={"pbi": {"light": 20.0, "medium": 40.0}},
            reason=REASON,
        )
    return _("Standards: one demo override (%(organisation)s, %(code)s PBI).") % {
        "organisation": organisation.name,
        "code": CODE,
    }
