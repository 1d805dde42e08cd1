"""Schema-driven fuzzing: every operation of the OpenAPI document, with generated and
mutated inputs, must never answer a server error (schemathesis, in process)."""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

# Building the schema needs no database: the schema view is public and reads none.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Any:
    """Calls go straight to the WSGI app, not through Django's test client, so do what the
    client does: keep the request signals from closing the connection that holds the test's
    transaction (PostgreSQL would lose it after the first request)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(make_user: Any, two_districts: Any) -> str:
    admin = make_user(role="admin", organisation=two_districts["org_all"])
    return Token.objects.create(user=admin).key


@schema.exclude(method="DELETE").parametrize()
@settings(
    max_examples=int(os.environ.get("ZHIYANG_FUZZ_EXAMPLES", "12")),
    # A fixed sequence keeps main green and reproducible; wider random runs are made by
    # hand (ZHIYANG_FUZZ_RANDOM=1 with a larger ZHIYANG_FUZZ_EXAMPLES) before releases.
    derandomize=not os.environ.get("ZHIYANG_FUZZ_RANDOM"),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_no_operation_answers_a_server_error(case: Any, admin_token: str) -> None:
    response = case.call(headers={"Authorization": f"Bearer {admin_token}"})
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
