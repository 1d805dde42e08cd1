"""Every create, update and delete leaves one audit row with who, before and after."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from zhiyang.core import services
from zhiyang.core.actors import SYSTEM
from zhiyang.core.models import AuditLog, Organisation
from zhiyang.network.models import District

pytestmark = pytest.mark.django_db


def test_create_update_delete_are_audited(make_user):
    admin = make_user(
        role="admin",
        organisation=Organisation.objects.create(code="hq", name="HQ", whole_network=True),
    )
    district = services.create_object(
        actor=admin, model=District, data={"code": "140213", "name": "平城区"}
    )
    services.update_object(actor=admin, obj=district, data={"name_en": "Pingcheng"})
    services.update_object(actor=admin, obj=district, data={"name_en": "Pingcheng"})  # no change
    services.delete_object(actor=admin, obj=district)

    entries = list(AuditLog.objects.filter(resource="network.district").order_by("id"))
    assert [e.action for e in entries] == ["create", "update", "delete"]
    created, updated, deleted = entries
    assert created.before is None and created.after["name"] == "平城区"
    assert created.user == admin and created.username == admin.username
    assert updated.before["name_en"] == "" and updated.after["name_en"] == "Pingcheng"
    assert updated.changed_fields() == ["name_en"]
    assert deleted.after is None and deleted.before["code"] == "140213"


def test_invalid_write_changes_nothing_and_audits_nothing(make_user):
    with pytest.raises(ValidationError):
        services.create_object(actor=SYSTEM, model=District, data={"code": "", "name": "x"})
    assert not District.objects.exists()
    assert not AuditLog.objects.exists()


def test_out_of_scope_write_is_refused_and_rolled_back(two_districts, make_user):
    net = two_districts
    engineer = make_user(role="engineer", organisation=net["org_east"])
    with pytest.raises(ValidationError):
        services.update_object(actor=engineer, obj=net["sec_east"], data={"district": net["west"]})
    net["sec_east"].refresh_from_db()
    assert net["sec_east"].district == net["east"]
    assert not AuditLog.objects.exists()


def test_passwords_never_reach_the_audit_trail(make_user):
    from zhiyang.core.models import User

    admin = make_user(role="admin")
    user = services.create_object(
        actor=admin, model=User, data={"username": "li", "password": "pbkdf2_sha256$x$y$z"}
    )
    entry = AuditLog.objects.get(resource="core.user", object_id=str(user.pk))
    assert entry.after["password"] == "***"


def test_entries_name_their_resource_as_people_do(make_user):
    from django.utils import translation

    services.create_object(actor=SYSTEM, model=District, data={"code": "140213", "name": "平城区"})
    entry = AuditLog.objects.get()
    with translation.override("en"):
        assert entry.resource_label() == "district"
    with translation.override("zh-hans"):
        assert entry.resource_label() == "区县"
    assert AuditLog(resource="gone.model").resource_label() == "gone.model"
