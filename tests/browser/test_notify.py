"""The inbox at phone width in both languages: the header's bell shows the unread count,
the list shows the demo's alarms in the reader's language, opening one marks it read,
"mark all read" clears the count; and a channel's bad settings are errors on the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import PHONE, shoot
from zhiyang.core.pagination import DEFAULT_PER_PAGE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page: Any) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_inbox_on_a_phone(logged_in: Callable[..., Any], lang: str) -> None:
    from zhiyang.core.actors import SYSTEM
    from zhiyang.core.models import User
    from zhiyang.notify.events import raise_event
    from zhiyang.notify.models import InboxItem
    from zhiyang.works.models import Project

    engineer = User.objects.get(username="engineer")
    project = Project.objects.filter(organisation=engineer.organisation).first()
    for n in range(3):
        raise_event(
            actor=SYSTEM,
            kind="works.approval",
            obj=project,
            users=[engineer],
            roles=[],
            title=f"Daily report {n} to approve",
            key=f"browser:{lang}:{n}",
        )
    unread = InboxItem.objects.filter(user=engineer, read_at__isnull=True).count()
    page = logged_in("engineer", lang=lang, width=PHONE)
    badge = page.locator("#inbox-badge")
    assert badge.get_attribute("data-unread") == str(unread)
    assert page.locator("#inbox-badge .notify-count").inner_text() in (str(unread), "99+")
    badge.click()
    page.wait_for_selector("#inbox-table")
    assert page.locator("#inbox-table tr.notify-unread").count() == min(unread, DEFAULT_PER_PAGE)
    assert page.locator("text=Daily report 2 to approve").count() == 1
    no_sideways_scroll(page)
    shoot(page, "notify-inbox", lang, PHONE)

    with page.expect_navigation():
        page.locator("#inbox-table a", has_text="Daily report 2 to approve").click()
    assert InboxItem.objects.filter(user=engineer, read_at__isnull=True).count() == unread - 1
    page.goto("/notifications/")
    with page.expect_navigation():
        page.locator("#read-all").click()
    assert page.locator("#inbox-badge").get_attribute("data-unread") == "0"
    assert page.locator("#inbox-badge .notify-count").count() == 0
    no_sideways_scroll(page)


def test_channel_settings_errors_on_a_phone(logged_in: Callable[..., Any]) -> None:
    page = logged_in("admin", lang="en", width=PHONE)
    page.goto("/notifications/channels/new/")
    with page.expect_navigation():
        page.locator("#kind-dingtalk").click()
    page.fill("input[name=name]", "Site group")
    page.fill("input[name=url]", "oapi.dingtalk.com/robot/send")
    with page.expect_navigation():
        page.locator("form.frame-form button[type=submit]").click()
    error = page.locator(".field.has-errors .errors").first.inner_text()
    assert "https://" in error
    no_sideways_scroll(page)
    shoot(page, "notify-channel-error", "en", PHONE)
