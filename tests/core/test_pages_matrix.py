"""Every frame list page × every role: the page answers as the permission matrix says, and
no link it draws (tabs, header actions) leads to a 403. New frame pages are found in the URL
configuration, so they are covered by themselves."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from zhiyang.core import actors
from zhiyang.core.choices import Role
from zhiyang.core.pages import ObjectListView

LINK = re.compile(r'<(?:nav class="tabs"|div class="actions")[^>]*>(.*?)</(?:nav|div)>', re.S)
HREF = re.compile(r'href="([^"?#]+)')


def _list_pages(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[tuple[str, Any]]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _list_pages(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            view_class = getattr(entry.callback, "view_class", None)
            route = prefix + str(entry.pattern)
            if view_class and issubclass(view_class, ObjectListView) and "<" not in route:
                yield "/" + route.lstrip("^").rstrip("$"), view_class


LIST_PAGES = sorted(_list_pages(), key=lambda item: item[0])


def test_the_frame_has_list_pages() -> None:
    assert len(LIST_PAGES) >= 4


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMIN])
def test_list_pages_and_their_links_follow_the_matrix(
    role: str, two_districts: dict[str, Any], make_user: Any
) -> None:
    user = make_user(role, two_districts["org_west"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    for url, view_class in LIST_PAGES:
        allowed = actors.may(user, view_class.resource_name(), "view")
        response = client.get(url)
        assert response.status_code == (200 if allowed else 403), (role, url)
        if not allowed:
            continue
        for block in LINK.findall(response.content.decode()):
            for href in HREF.findall(block):
                answer = client.get(href)
                assert answer.status_code != 403, (role, url, "links to", href)
