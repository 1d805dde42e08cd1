"""Variations: approved by the supervisor then the owner, they make a new BOQ version and
the history of every item stays."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhiyang.contracts import services
from zhiyang.contracts.models import BoqItem, BoqRevision

D = Decimal


def _variation(w: dict[str, Any]) -> Any:
    return services.create_variation(
        actor=w["engineer"],
        contract=w["contract"],
        code="BG-001",
        title="增加坑槽修补",
        lines=[
            {"item": "301-1", "new_quantity": "1200"},
            {
                "code": "303-1",
                "name": "坑槽修补",
                "unit": "m2",
                "chapter_number": 300,
                "new_quantity": "200",
                "new_unit_price_yuan": "150.00",
            },
        ],
    )


@pytest.mark.django_db
def test_variation_makes_a_new_version(world: dict[str, Any]) -> None:
    variation = _variation(world)
    # (1 200 − 1 000) × 80 + 200 × 150 = 16 000 + 30 000
    assert variation.change_yuan == D("46000.00")
    with pytest.raises(PermissionDenied):
        services.submit_variation(actor=world["owner"], variation=variation)
    services.submit_variation(actor=world["engineer"], variation=variation)
    with pytest.raises(ValidationError):  # the supervisor has not approved yet
        services.approve_variation(actor=world["owner"], variation=variation)
    services.supervisor_approve_variation(actor=world["supervisor"], variation=variation)
    with pytest.raises(ValidationError):
        services.supervisor_approve_variation(actor=world["supervisor"], variation=variation)
    services.approve_variation(actor=world["owner"], variation=variation)
    variation.refresh_from_db()
    world["contract"].refresh_from_db()
    assert variation.status == "approved" and variation.boq_version == 2
    assert world["contract"].boq_version == 2
    item = BoqItem.objects.get(contract=world["contract"], code="301-1")
    assert item.quantity == D("1200") and item.amount_yuan == D("96000.00")
    history = list(item.revisions.values_list("version", "quantity"))
    assert history == [(1, D("1000.000")), (2, D("1200.000"))]
    new = BoqItem.objects.get(contract=world["contract"], code="303-1")
    assert new.since_version == 2 and new.chapter.number == 300
    assert BoqRevision.objects.filter(variation=variation).count() == 2


@pytest.mark.django_db
def test_rejected_variation_changes_nothing(world: dict[str, Any]) -> None:
    variation = _variation(world)
    services.submit_variation(actor=world["engineer"], variation=variation)
    with pytest.raises(ValidationError):
        services.reject_variation(actor=world["supervisor"], variation=variation, reason=" ")
    services.reject_variation(actor=world["supervisor"], variation=variation, reason="依据不足")
    assert BoqItem.objects.get(contract=world["contract"], code="301-1").quantity == D("1000")
    assert not BoqItem.objects.filter(code="303-1").exists()


@pytest.mark.django_db
def test_new_item_needs_a_new_code(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        services.create_variation(
            actor=world["engineer"],
            contract=world["contract"],
            code="BG-002",
            title="x",
            lines=[
                {
                    "code": "301-1",
                    "name": "dup",
                    "unit": "m2",
                    "new_quantity": "1",
                    "new_unit_price_yuan": "1",
                }
            ],
        )
