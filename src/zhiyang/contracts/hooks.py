"""What the contracts app plugs into other apps when Django starts."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def connect() -> None:
    from zhiyang.contracts import attribution, earned, machine, repairs
    from zhiyang.notify.kinds import register_kind
    from zhiyang.works.progress import register_certified_value

    register_certified_value(earned.certified_value)
    attribution.register_source("works", _("Daily reports"), attribution.works_source)
    attribution.register_source(
        "machine", _("Machine-measured"), machine.machine_source, machine=True
    )
    attribution.register_source(
        "patrol", _("Routine repairs"), repairs.repairs_source, mapped=False
    )
    register_kind(
        "contracts.measurement",
        _("Measurement waiting for approval"),
        roles=("supervisor", "owner"),
    )
    register_kind(
        "contracts.variation", _("Variation waiting for approval"), roles=("supervisor", "owner")
    )
    register_kind("contracts.overrun", _("BOQ item past its quantity"), roles=("engineer",))
