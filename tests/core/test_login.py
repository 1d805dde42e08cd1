"""Login attempt limiting on the login page and the token endpoint."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@override_settings(LOGIN_MAX_FAILURES=3)
def test_login_page_locks_after_repeated_failures(client, make_user):
    user = make_user(role="viewer", username="wang")
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "wang", "password": "wrong"})
        assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated
    # Even the right password is refused while locked.
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_login_page_success_redirects_to_dashboard(client, make_user):
    make_user(role="viewer", username="zhao")
    response = client.post(reverse("login"), {"username": "zhao", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("web:home")


@override_settings(LOGIN_MAX_FAILURES=2)
def test_token_endpoint_is_limited_too(client, make_user):
    make_user(role="viewer", username="chen")
    url = reverse("api-token")
    assert client.post(url, {"username": "chen", "password": "x"}).status_code == 401
    assert client.post(url, {"username": "chen", "password": "y"}).status_code == 401
    locked = client.post(url, {"username": "chen", "password": PASSWORD})
    assert locked.status_code == 429 and locked.json()["error"]["code"] == "locked"


def test_token_authenticates_api_calls(client, make_user):
    make_user(role="viewer", username="liu")
    token = client.post(reverse("api-token"), {"username": "liu", "password": PASSWORD}).json()[
        "token"
    ]
    me = client.get(reverse("api-me"), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 200 and me.json()["username"] == "liu"
    legacy = client.get(reverse("api-me"), HTTP_AUTHORIZATION=f"Token {token}")
    assert legacy.status_code == 200


@pytest.mark.parametrize("body", [[None, None], "text", {"username": ["a"], "password": {}}])
def test_token_endpoint_refuses_malformed_bodies_with_400(client, body):
    response = client.post(reverse("api-token"), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] in ("invalid", "parse_error")


@override_settings(LOGIN_MAX_FAILURES=2)
def test_one_persons_mistakes_do_not_lock_out_others_behind_the_same_address(client, make_user):
    make_user(role="viewer", username="sun")
    make_user(role="viewer", username="zhou")
    for _ in range(2):
        client.post(reverse("login"), {"username": "sun", "password": "wrong"})
    other = client.post(reverse("login"), {"username": "zhou", "password": PASSWORD})
    assert other.status_code == 302
    client.logout()
    # Password spraying from one address across many usernames is stopped.
    for n in range(8):
        client.post(reverse("login"), {"username": f"guess{n}", "password": "x"})
    sprayed = client.post(reverse("login"), {"username": "zhou", "password": PASSWORD})
    assert sprayed.status_code == 200
