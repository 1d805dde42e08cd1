"""Both languages: chosen from the browser, switchable before and after login."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("accept", "lang"), [("en-US,en;q=0.9", "en"), ("zh-CN,zh;q=0.9", "zh-hans")]
)
def test_login_page_follows_the_browser(client, accept, lang):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert 'name="username"' in html and 'name="password"' in html
    assert 'name="viewport"' in html


def test_login_page_in_english(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Log in to Zhiyang" in html
    assert "智养 Zhiyang" in html


def test_language_switch_works_before_login(client):
    response = client.post(
        reverse("set_language"),
        {"language": "en", "next": reverse("login")},
        HTTP_ACCEPT_LANGUAGE="zh-CN",
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<html lang="en">' in html


def test_language_switch_after_login(client, make_user):
    client.force_login(make_user(role="viewer"))
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    html = client.get(reverse("web:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="zh-hans">' in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("web:dashboard")).content.decode()
    assert '<html lang="en">' in html
    assert 'class="lang-option current"' in html


def test_login_shows_errors_and_lockout(client, make_user, settings):
    settings.LOGIN_MAX_FAILURES = 2
    make_user(role="viewer", username="ana")
    for _attempt in range(2):
        response = client.post(
            reverse("login"), {"username": "ana", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 200
        assert 'class="errors"' in response.content.decode()
    response = client.post(
        reverse("login"), {"username": "ana", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Too many failed attempts" in response.content.decode()


def test_login_succeeds_to_dashboard(client, make_user):
    make_user(role="viewer", username="bo")
    response = client.post(reverse("login"), {"username": "bo", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")  # the role's home: a viewer's is
    assert client.get(reverse("web:home"))["Location"] == reverse("web:dashboard")
