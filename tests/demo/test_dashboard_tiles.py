"""The dashboard's tiles on the demo: each role sees the headline numbers of the apps it may
read, computed within its scope, and each tile links to the page that explains it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from zhiyang.core.models import User
from zhiyang.web.tiles import tiles_for

pytestmark = pytest.mark.django_db

EVERYONE = {"pqi", "good-rate", "machines"}
SAFETY = {"open-hazards", "active-workzones"}


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("viewer", EVERYONE | {"active-workzones"}),
        (
            "engineer",
            EVERYONE | SAFETY | {"checkins-today", "certificates-expiring", "service-due"},
        ),
        ("equipment_manager", EVERYONE | {"open-hazards", "checkins-today", "service-due"}),
        (
            "safety_officer",
            EVERYONE | SAFETY | {"checkins-today", "certificates-expiring", "service-due"},
        ),
    ],
)
def test_tiles_follow_the_permission_matrix(demo, username, expected):
    keys = {tile.key for tile in tiles_for(User.objects.get(username=username))}
    assert expected <= keys
    if username == "viewer":
        assert not {"certificates-expiring", "service-due", "checkins-today", "open-hazards"} & keys


def test_tiles_are_computed_within_the_scope(demo):
    whole = {t.key: t for t in tiles_for(User.objects.get(username="viewer"))}
    scoped = {t.key: t for t in tiles_for(User.objects.get(username="yanggao_viewer"))}
    assert int(scoped["machines"].value) < int(whole["machines"].value)
    assert scoped["pqi"].value != whole["pqi"].value  # its two counties only


def test_dashboard_page_shows_the_tiles_with_their_links(demo, client):
    client.force_login(User.objects.get(username="engineer"))
    html = client.get(reverse("web:dashboard")).content.decode()
    for key in ("pqi", "good-rate", "service-due", "certificates-expiring", "open-hazards"):
        match = re.search(rf'href="([^"]+)" data-tile="{key}"', html)
        assert match, key
        assert client.get(match.group(1)).status_code == 200, key
