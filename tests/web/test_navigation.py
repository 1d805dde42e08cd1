"""The navigation shows only pages that exist and that the user's role may open."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

from zhiyang.core.choices import Role
from zhiyang.web import navigation
from zhiyang.web.navigation import NavItem, menu_for

pytestmark = pytest.mark.django_db


def _names(user):
    return {item["url_name"] for item in menu_for(user)}


def test_signed_out_has_no_menu():
    from django.contrib.auth.models import AnonymousUser

    assert menu_for(AnonymousUser()) == []


def test_viewer_sees_network_pages_but_no_administration(make_user):
    names = _names(make_user(role="viewer"))
    assert {"web:dashboard", "web:map"} <= names
    assert "audit-log" not in names
    assert "permission-matrix" not in names
    assert "admin:index" not in names
    assert "network:import" not in names  # viewers may not add routes


def test_admin_sees_administration(make_user):
    names = _names(make_user(role="admin"))
    assert {"web:dashboard", "web:map", "audit-log", "permission-matrix", "admin:index"} <= names


def test_pages_that_do_not_exist_are_left_out(make_user, monkeypatch):
    ghost = NavItem("Ghost", "web:no-such-page", None, "map", "Overview")
    monkeypatch.setattr(navigation, "MENU", (*navigation.MENU, ghost))
    assert "web:no-such-page" not in _names(make_user(role="admin"))


def test_every_shown_entry_opens(client, make_user):
    for role in ("admin", "viewer", "worker", "engineer"):
        user = make_user(role=role)
        client.force_login(user)
        for item in menu_for(user):
            if item["url_name"] == "admin:index":
                continue
            response = client.get(item["url"])
            assert response.status_code == 200, (role, item["url"])


def test_rendered_menu_marks_the_current_page(client, make_user):
    client.force_login(make_user(role="viewer"))
    html = client.get(reverse("web:map"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'<a href="{reverse("web:map")}" class="active" aria-current="page">' in html
    assert reverse("audit-log") not in html


def test_detail_pages_mark_their_list_entry():
    assert navigation._is_active("network:route-list", "network:route-detail")
    assert not navigation._is_active("network:route-list", "web:map")


@pytest.mark.parametrize("role", Role.values)
def test_menu_and_pages_agree_for_every_role(client, make_user, two_districts, role):
    """Role × page: an entry is shown exactly when its page opens (403 otherwise)."""
    user = make_user(role=role, organisation=two_districts["org_all"])
    client.force_login(user)
    shown = {entry["url_name"] for entry in menu_for(user)}
    for item in navigation.MENU:
        if item.url_name == "admin:index":
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            assert item.url_name not in shown
            continue
        status = client.get(url).status_code
        assert status == (200 if item.url_name in shown else 403), (role, item.url_name, status)


def test_every_menu_entry_has_its_page():
    """The menu leaves out entries whose page does not exist (yet); none may be missing now."""
    missing = []
    for item in navigation.MENU:
        try:
            reverse(item.url_name)
        except NoReverseMatch:
            missing.append(item.url_name)
    assert missing == []
