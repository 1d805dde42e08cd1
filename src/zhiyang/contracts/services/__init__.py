"""Contracts services, one module per topic: ``contracts`` (records), ``boq_import``,
``measurement`` (the monthly workflow), ``variations``, ``assessment``, ``certificates``."""

from zhiyang.contracts.services.assessment import (
    create_template,
    finalise_assessment,
    record_assessment,
)
from zhiyang.contracts.services.boq_import import import_boq
from zhiyang.contracts.services.certificates import compute_certificate
from zhiyang.contracts.services.contracts import (
    create_contract,
    delete_contract,
    map_quantity,
    update_contract,
)
from zhiyang.contracts.services.measurement import (
    certify,
    open_period,
    propose,
    return_period,
    set_line,
    supervisor_approve,
)
from zhiyang.contracts.services.variations import (
    approve_variation,
    create_variation,
    reject_variation,
    submit_variation,
    supervisor_approve_variation,
)

__all__ = [
    "approve_variation",
    "certify",
    "compute_certificate",
    "create_contract",
    "create_template",
    "create_variation",
    "delete_contract",
    "finalise_assessment",
    "import_boq",
    "map_quantity",
    "open_period",
    "propose",
    "record_assessment",
    "reject_variation",
    "return_period",
    "set_line",
    "submit_variation",
    "supervisor_approve",
    "supervisor_approve_variation",
    "update_contract",
]
