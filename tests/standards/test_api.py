"""Standards API: the registry and files with provenance (read), overrides CRUD for
administrators (engine-validated, audited, scoped)."""

from __future__ import annotations

import pytest

from zhiyang.core.models import AuditLog
from zhiyang.standards import services
from zhiyang.standards.models import ParameterOverride

pytestmark = pytest.mark.django_db
CODE = "jtg5210_2018"
OVERRIDES = "/api/v1/standards/overrides/"


def test_list_and_detail_with_provenance(make_user, api_client_for, two_districts):
    admin = make_user(role="admin", organisation=two_districts["org_all"])
    services.create_override(
        actor=admin,
        standard=CODE,
        organisation=None,
        overrides={"pbi": {"light": 20.0}},
        reason="provincial guideline",
    )
    client = api_client_for(make_user(role="engineer", organisation=two_districts["org_east"]))
    listed = client.get("/api/v1/standards/").json()
    by_code = {s["code"]: s for s in listed["results"]}
    assert listed["count"] == len(listed["results"]) >= 3
    assert by_code[CODE]["document_code"] == "JTG 5210-2018"
    assert by_code[CODE]["active_overrides"] == 1 and by_code[CODE]["unconfirmed_values"] > 0
    assert by_code["iri_astm_e1926"]["overridable"] is False
    detail = client.get(f"/api/v1/standards/{CODE}/").json()
    tables = {t["path"]: t for t in detail["tables"]}
    assert tables["pbi"]["confirmed"] is False and "ch. 5" in tables["pbi"]["source"]
    light = next(v for v in tables["pbi"]["values"] if v["key"] == "light")
    assert light == {
        "key": "light",
        "path": "pbi.light",
        "value": 20.0,
        "default": 25.0,
        "overridden": True,
        "override": detail["overrides"][0]["id"],
        "reason": "provincial guideline",
    }
    assert client.get("/api/v1/standards/nope/").status_code == 404
    worker = api_client_for(make_user(role="worker", organisation=two_districts["org_east"]))
    assert worker.get("/api/v1/standards/").status_code == 403
    assert api_client_for(None).get(f"/api/v1/standards/{CODE}/").status_code == 401


def test_admin_crud_is_validated_and_audited(make_user, api_client_for, two_districts):
    admin = make_user(role="admin", organisation=two_districts["org_all"])
    client = api_client_for(admin)
    bad = client.post(
        OVERRIDES,
        {"standard": CODE, "organisation": None, "overrides": {"mqi": {"sci": 0.5}}, "reason": "x"},
        format="json",
    )
    assert bad.status_code == 400
    assert "weights must be >= 0 and sum to 1" in bad.json()["error"]["fields"]["overrides"][0]
    assert not ParameterOverride.objects.exists()
    created = client.post(
        OVERRIDES,
        {
            "standard": CODE,
            "organisation": two_districts["org_east"].pk,
            "overrides": {"rdi": {"a0": 1.2}},
            "reason": "checked",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["created_by"] == admin.username
    patched = client.patch(f"{OVERRIDES}{pk}/", {"active": False}, format="json")
    assert patched.status_code == 200 and patched.json()["active"] is False
    assert client.delete(f"{OVERRIDES}{pk}/").status_code == 204
    actions = list(
        AuditLog.objects.filter(resource="standards.parameteroverride").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["create", "delete", "update"]


def test_overrides_are_scoped_and_read_only_for_other_roles(
    make_user, api_client_for, two_districts
):
    admin = make_user(role="admin", organisation=two_districts["org_all"])
    west = services.create_override(
        actor=admin,
        standard=CODE,
        organisation=two_districts["org_west"],
        overrides={"pbi": {"light": 20.0}},
        reason="west",
    )
    glob = services.create_override(
        actor=admin,
        standard=CODE,
        organisation=None,
        overrides={"rdi": {"a0": 1.1}},
        reason="all",
    )
    east = api_client_for(make_user(role="manager", organisation=two_districts["org_east"]))
    ids = [r["id"] for r in east.get(OVERRIDES).json()["results"]]
    assert ids == [glob.pk]
    assert east.get(f"{OVERRIDES}{west.pk}/").status_code == 404
    assert east.patch(f"{OVERRIDES}{glob.pk}/", {"reason": "x"}, format="json").status_code == 403
    east_admin = api_client_for(make_user(role="admin", organisation=two_districts["org_east"]))
    assert east_admin.delete(f"{OVERRIDES}{west.pk}/").status_code == 404
    # ... nor move a row to another organisation.
    refused = east_admin.patch(
        f"{OVERRIDES}{glob.pk}/", {"organisation": two_districts["org_west"].pk}, format="json"
    )
    assert refused.status_code == 400 and "organisation" in refused.json()["error"]["fields"]
    filtered = api_client_for(admin).get(OVERRIDES, {"every_organisation": "true"}).json()
    assert [r["id"] for r in filtered["results"]] == [glob.pk]
