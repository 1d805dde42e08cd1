"""Standards pages per role: list and detail with provenance badges and overridden values,
administrators add (errors shown, nothing written) and deactivate overrides."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from zhiyang.core.choices import Role
from zhiyang.core.models import AuditLog
from zhiyang.standards import services
from zhiyang.standards.models import ParameterOverride

pytestmark = pytest.mark.django_db
CODE = "jtg5210_2018"
VIEWERS = {"admin", "manager", "engineer", "qc_inspector", "safety_officer", "equipment_manager"}


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", Role.values)
def test_pages_per_role(role, make_user, two_districts):
    user = make_user(role=role, organisation=two_districts["org_east"])
    client = _client(user)
    listed = client.get(reverse("standards:list"))
    detail = client.get(reverse("standards:detail", args=[CODE]))
    expected = 200 if role in VIEWERS else 403
    assert listed.status_code == detail.status_code == expected
    if expected == 200:
        page = listed.content.decode()
        assert "JTG 5210-2018" in page and "ASTM E1926-08" in page
        body = detail.content.decode()
        assert "verify" in body and "confirmed" in body and "JTG 5210-2018 ch. 5" in body
        # Only administrators get the form.
        assert ('id="add-override"' in body) == (role == "admin")


def test_unknown_standard_is_404(make_user, two_districts):
    client = _client(make_user(role="manager", organisation=two_districts["org_all"]))
    assert client.get("/standards/nope/").status_code == 404


def test_overridden_values_are_highlighted_with_the_reason(make_user, two_districts):
    admin = make_user(role="admin", organisation=two_districts["org_all"])
    services.create_override(
        actor=admin,
        standard=CODE,
        organisation=two_districts["org_east"],
        overrides={"pbi": {"light": 20.0}},
        reason="Shanxi guideline 4.2",
    )
    east = _client(make_user(role="engineer", organisation=two_districts["org_east"]))
    body = east.get(reverse("standards:detail", args=[CODE])).content.decode()
    assert 'class="std-overridden"' in body and "Shanxi guideline 4.2" in body
    assert "<del>25.0</del>" in body
    # Another organisation computes with the data file: no highlight, no reason.
    west = _client(make_user(role="engineer", organisation=two_districts["org_west"]))
    body = west.get(reverse("standards:detail", args=[CODE])).content.decode()
    assert "std-overridden" not in body and "Shanxi guideline 4.2" not in body
    # The list counts the active overrides for the user's organisation.
    listed = east.get(reverse("standards:list")).content.decode()
    assert "Overrides counted for East works" in listed
    # A whole-network admin picks the organisation to look at.
    picked = _client(admin).get(
        reverse("standards:detail", args=[CODE]), {"organisation": two_districts["org_east"].pk}
    )
    assert "Shanxi guideline 4.2" in picked.content.decode()
    defaults = _client(admin).get(reverse("standards:detail", args=[CODE]), {"organisation": ""})
    assert "Shanxi guideline 4.2" not in defaults.content.decode().split("All overrides")[0]


def test_admin_adds_an_override_from_the_page(make_user, two_districts):
    admin = make_user(role="admin", organisation=two_districts["org_all"])
    client = _client(admin)
    url = reverse("standards:detail", args=[CODE])
    bad = client.post(
        url, {"organisation": "", "overrides": '{"mqi": {"sci": 0.5}}', "reason": "x"}
    )
    assert bad.status_code == 200
    assert "mqi: weights must be &gt;= 0 and sum to 1" in bad.content.decode()
    broken = client.post(url, {"organisation": "", "overrides": "[pbi\nlight = ", "reason": "x"})
    assert "Not valid TOML" in broken.content.decode()
    assert not ParameterOverride.objects.exists()
    good = client.post(
        url,
        {
            "organisation": two_districts["org_west"].pk,
            "overrides": "[pbi]\nlight = 22.5",
            "reason": "checked against the printed standard",
        },
    )
    assert good.status_code == 302
    row = ParameterOverride.objects.get()
    assert (
        row.overrides == {"pbi": {"light": 22.5}} and row.organisation == two_districts["org_west"]
    )
    deactivated = client.post(reverse("standards:override-deactivate", args=[row.pk]))
    assert deactivated.status_code == 302
    row.refresh_from_db()
    assert not row.active
    assert AuditLog.objects.filter(resource="standards.parameteroverride").count() == 2


def test_non_admins_cannot_write_and_other_organisations_get_404(make_user, two_districts):
    admin = make_user(role="admin", organisation=two_districts["org_all"])
    row = services.create_override(
        actor=admin,
        standard=CODE,
        organisation=two_districts["org_west"],
        overrides={"pbi": {"light": 20.0}},
        reason="west only",
    )
    engineer = _client(make_user(role="engineer", organisation=two_districts["org_west"]))
    url = reverse("standards:detail", args=[CODE])
    assert (
        engineer.post(url, {"overrides": '{"pbi": {"light": 1.0}}', "reason": "x"}).status_code
        == 403
    )
    deactivate = reverse("standards:override-deactivate", args=[row.pk])
    assert engineer.post(deactivate).status_code == 403
    east_admin = _client(make_user(role="admin", organisation=two_districts["org_east"]))
    assert east_admin.post(deactivate).status_code == 404
    body = east_admin.get(url).content.decode()
    assert "west only" not in body
    row.refresh_from_db()
    assert row.active


def test_pages_in_chinese(make_user, two_districts):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(make_user(role="manager", organisation=two_districts["org_all"]))
    body = client.get(reverse("standards:detail", args=[CODE])).content.decode()
    assert "待核实" in body and "已确认" in body


def test_provenance_note_for_result_pages(make_user, two_districts):
    from django.template import Context, Template

    admin = make_user(role="admin", organisation=two_districts["org_all"])
    services.create_override(
        actor=admin,
        standard=CODE,
        organisation=two_districts["org_east"],
        overrides={"pbi": {"light": 20.0}},
        reason="Shanxi guideline 4.2",
    )
    template = Template("{% load standards_tags %}{% standard_provenance code org %}")
    html = template.render(Context({"code": CODE, "org": two_districts["org_east"]}))
    assert "JTG 5210-2018" in html and "pbi.light — Shanxi guideline 4.2" in html
    assert "/standards/jtg5210_2018/" in html
    other = template.render(Context({"code": CODE, "org": two_districts["org_west"]}))
    assert "Shanxi" not in other and "JTG 5210-2018" in other
    assert template.render(Context({"code": "nope", "org": None})).strip() == ""
