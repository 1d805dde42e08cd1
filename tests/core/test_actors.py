"""The system actor: may do everything, audited as "system", never confused with None."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from zhiyang.core import actors, audit
from zhiyang.core.actors import SYSTEM, System
from zhiyang.core.choices import AuditAction
from zhiyang.core.models import Organisation


def test_system_is_one_object_that_survives_pickling() -> None:
    assert System() is SYSTEM
    assert pickle.loads(pickle.dumps(SYSTEM)) is SYSTEM  # noqa: S301 (our own object)
    assert actors.is_system(SYSTEM)
    assert not actors.is_system(None)


def test_may_allows_the_system_and_refuses_none(make_user: Any) -> None:
    assert actors.may(SYSTEM, "works.approval", "change")
    with pytest.raises(TypeError):
        actors.may(None, "works.project", "view")  # type: ignore[arg-type]
    viewer = make_user(role="viewer")
    assert actors.may(viewer, "network.route", "view")
    assert not actors.may(viewer, "network.route", "delete")
    viewer.is_active = False
    assert not actors.may(viewer, "network.route", "view")


@pytest.mark.django_db
def test_system_writes_are_audited_as_system() -> None:
    org = Organisation.objects.create(code="o", name="O")
    row = audit.record(actor=SYSTEM, action=AuditAction.CREATE, obj=org, before=None, after={})
    assert row.user is None
    assert row.username == "system"


@pytest.mark.parametrize(
    ("resource", "action"),
    [("works.approval", "change"), ("planning.approval", "change"), ("people.identity", "view")],
)
def test_pseudo_resources_are_granted_only_by_their_own_entry(
    make_user: Any, resource: str, action: str
) -> None:
    """``works.*`` lets engineers edit works, not approve: one answer for users and the system
    alike (before, ``works.may_approve(None)`` was True and ``planning``'s False)."""
    engineer = make_user(role="engineer")
    assert actors.may(engineer, "works.project", "change")
    assert not actors.may(engineer, resource, action)
    assert actors.may(make_user(role="admin"), resource, action)
    assert actors.may(SYSTEM, resource, action)
