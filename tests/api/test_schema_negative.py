"""Negative cases against every JSON write of the OpenAPI document: nesting, numbers that
are not finite or overflow, long strings, wide objects, oversized bodies. Each answers a
4xx in the one error shape (``{"error": {"status", "code", "message"}}``), never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from zhiyang.core.choices import Role

pytestmark = pytest.mark.django_db

BAD_BODIES = {
    "deep": '{"description": ' + "[" * 20_000 + "]" * 20_000 + "}",
    "deep_object": '{"a": ' * 100 + "1" + "}" * 100,
    "nan": '{"chainage_m": NaN, "start_m": NaN, "quantity": NaN}',
    "overflow": '{"chainage_m": 1e400, "start_m": 1e999, "quantity": 1e400}',
    "big_int": '{"chainage_m": ' + "9" * 400 + "}",
    "long_string": '{"description": "' + "x" * 1_000_000 + '"}',
    "wide": "{" + ",".join(f'"k{i}": 1' for i in range(2_000)) + "}",
    "too_large": '{"name": "' + "x" * 3_000_000 + '"}',
    "not_json": "{'single': quotes}",
}


def _json_writes(client: APIClient) -> list[tuple[str, str]]:
    schema = client.get("/api/v1/schema/?format=json").json()
    writes = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = (operation.get("requestBody") or {}).get("content", {})
            if method in ("post", "put", "patch") and "application/json" in content:
                writes.append((method, path))
    return writes


def test_every_json_write_refuses_bad_bodies(make_user: Any, two_districts: Any) -> None:
    client = APIClient()
    client.force_authenticate(make_user(Role.ADMIN, two_districts["org_all"]))
    writes = _json_writes(client)
    assert len(writes) > 30
    failures = []
    for method, path in writes:
        url = path.replace("{id}", "1").replace("{pk}", "1").replace("{code}", "G109")
        url = url.split("{")[0] if "{" in url else url
        for name, body in BAD_BODIES.items():
            response = client.generic(method.upper(), url, body, content_type="application/json")
            if response.status_code >= 500 or response.status_code < 400:
                failures.append((method, path, name, response.status_code))
                continue
            error = response.json().get("error", {})
            if error.get("status") != response.status_code or not error.get("message"):
                failures.append((method, path, name, "shape"))
    assert not failures, failures[:20]
