"""No link leads to 403: for every role, every page of its menu and every link and button
on those pages (one level deep) opens for that role. A link the role may not follow must
not be shown (issue 16: the manager's check-in button, the worker's safety and fleet tabs,
the viewer's links)."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest

from zhiyang.core.choices import Role
from zhiyang.core.models import User
from zhiyang.web.navigation import menu_for

pytestmark = pytest.mark.django_db

HREF = re.compile(r'<a\b[^>]*\bhref="([^"#][^"]*)"')
MAIN = re.compile(r"<main\b.*?</main>", re.S)
#: Links that are not pages of ours (downloads are followed too: they must not 403 either).
SKIP = ("/logout/", "/admin/", "/api/", "/static/", "/media/", "mailto:", "tel:", "http")


def shape(url: str) -> str:
    """The URL with its ids and query values blanked: one visit per kind of link."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$)", "/N", parts.path)
    query = "&".join(sorted(p.split("=")[0] for p in parts.query.split("&") if p))
    return f"{path}?{query}"


def links_on(html: str) -> list[str]:
    main = MAIN.search(html)
    found = HREF.findall(main.group(0) if main else html)
    return [unescape(u) for u in found if not u.startswith(SKIP)]


def test_no_link_on_a_roles_pages_answers_403(demo, client):
    """Every role but the administrator (who may open everything), on one demo."""
    forbidden: list[tuple[str, str, str]] = []
    for role in Role.values:
        if role == Role.ADMIN:
            continue
        user = User.objects.get(username=role)
        client.force_login(user)
        seen: set[str] = set()
        for page in [entry["url"] for entry in menu_for(user)]:
            response = client.get(page)
            assert response.status_code == 200, (role, page, response.status_code)
            if "text/html" not in response.get("Content-Type", ""):
                continue
            for url in links_on(response.content.decode()):
                if shape(url) in seen:
                    continue
                seen.add(shape(url))
                status = client.get(url).status_code
                if status in (403, 500):
                    forbidden.append((role, page, f"{url} → {status}"))
    assert not forbidden, forbidden
