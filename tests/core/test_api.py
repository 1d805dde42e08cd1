"""API conventions: authentication everywhere, public schema and health, structured and
translated errors, and the permission matrix over every model endpoint."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from zhiyang.core import roles
from zhiyang.core.choices import Role
from zhiyang.core.roles import resource_of

pytestmark = pytest.mark.django_db
READ_ONLY: set[str] = set()


def model_endpoints() -> list[tuple[str, type]]:
    """(list URL, model) for every router-registered model viewset under /api/v1/."""
    found: list[tuple[str, type]] = []
    READ_ONLY.clear()

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                cls = getattr(entry.callback, "cls", None)
                actions = getattr(entry.callback, "actions", None) or {}
                route = (prefix + str(entry.pattern)).replace("^", "").replace("$", "")
                if (
                    cls is not None
                    and actions.get("get") == "list"
                    and getattr(cls, "queryset", None) is not None
                    and "<" not in route
                    and "\\." not in route
                    and "(?P" not in route
                ):
                    found.append(("/" + route, cls.queryset.model))
                    if "post" not in actions:
                        READ_ONLY.add("/" + route)

    walk(get_resolver().url_patterns, "")
    return sorted({url: model for url, model in found}.items())


def test_endpoints_are_discovered():
    urls = [url for url, _model in model_endpoints()]
    assert "/api/v1/core/users/" in urls
    assert "/api/v1/network/sections/" in urls


def test_health_is_public(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["database"] == "ok"


def test_schema_is_public_openapi3(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/network/routes/" in schema["paths"]
    assert client.get("/api/v1/docs/").status_code == 200


@pytest.mark.parametrize(("url", "model"), model_endpoints())
def test_data_endpoints_refuse_anonymous(url, model):
    response = APIClient().get(url)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "not_authenticated"
    wrong = APIClient().get(url, HTTP_AUTHORIZATION="Bearer not-a-token")
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "authentication_failed"


def test_pages_redirect_anonymous_to_login(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("role", Role.values)
def test_permission_matrix_over_every_endpoint(role, make_user, two_districts):
    """Each role × endpoint × action answers as permissions.toml says: list (view) and
    create (add, with an empty body: 400 when allowed, 403 when not)."""
    user = make_user(role=role, organisation=two_districts["org_all"])
    client = APIClient()
    client.force_authenticate(user)
    for url, model in model_endpoints():
        resource = resource_of(model)
        listed = client.get(url)
        assert listed.status_code == (200 if roles.allows(role, resource, "view") else 403), (
            role,
            url,
            listed.status_code,
        )
        created = client.post(url, {}, format="json")
        if url in READ_ONLY:
            expected = 405 if roles.allows(role, resource, "add") else 403
        else:
            expected = 400 if roles.allows(role, resource, "add") else 403
        assert created.status_code == expected, (role, url, created.status_code)


def test_errors_are_structured_and_translated(make_user, two_districts):
    engineer = make_user(role="engineer", organisation=two_districts["org_all"])
    client = APIClient()
    client.force_authenticate(engineer)
    for language, expected in (("en", "invalid data"), ("zh-hans", "无效")):
        response = client.post(
            "/api/v1/network/districts/", {}, format="json", HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "invalid" and error["status"] == 400
        assert expected in error["message"]
        assert "code" in error["fields"] and "name" in error["fields"]


def test_out_of_scope_and_missing_objects_answer_the_same_404(make_user, two_districts):
    net = two_districts
    user = make_user(role="engineer", organisation=net["org_east"])
    client = APIClient()
    client.force_authenticate(user)
    assert client.get(f"/api/v1/network/sections/{net['sec_east'].pk}/").status_code == 200
    forbidden = client.get(f"/api/v1/network/sections/{net['sec_west'].pk}/")
    missing = client.get("/api/v1/network/sections/987654/")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()
    deleted = client.delete(f"/api/v1/network/sections/{net['sec_west'].pk}/")
    assert deleted.status_code == 404
