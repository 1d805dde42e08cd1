"""The UI in a real browser: login in both languages, the map, phone and desktop layouts,
and row-level scope as a scoped user sees it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE, log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CJK = re.compile(r"[\u4e00-\u9fff]")
PAGES = {
    "dashboard": "/",
    "map": "/map/",
    "routes": "/network/routes/",
    "route-detail": "/network/routes/G208/",
}
ALL_ROUTES = {"G109", "G110", "G208", "S203", "S301", "S342"}


def heading(page: Any) -> str:
    return str(page.locator("main h1").first.inner_text()).strip()


@pytest.mark.parametrize(("lang", "other"), [("zh-hans", "en"), ("en", "zh-hans")])
def test_login_in_each_language(
    demo: Any, new_page: Callable[..., Any], lang: str, other: str
) -> None:
    # Start in the other language and switch with the login page's language switcher.
    page = new_page(lang=other, width=DESKTOP)
    page.goto("/login/")
    assert page.locator("html").get_attribute("lang") == other
    with page.expect_navigation():
        page.click(f".lang-switch button[value='{lang}']")
    assert page.locator("html").get_attribute("lang") == lang
    shoot(page, "login", lang, DESKTOP)

    log_in(page, "engineer", demo.password)
    assert page.locator("html").get_attribute("lang") == lang
    title = heading(page)
    if lang == "zh-hans":
        assert CJK.search(title), f"dashboard heading not translated to Chinese: {title!r}"
    else:
        assert not CJK.search(title), f"dashboard heading not in English: {title!r}"
    assert page.locator("text=109.7").count() > 0, "the network length KPI is missing"
    shoot(page, "dashboard-login", lang, DESKTOP)


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_map_draws_the_routes(logged_in: Callable[..., Any], lang: str) -> None:
    page = logged_in("engineer", lang=lang, width=DESKTOP)
    page.goto("/map/")
    drawn = page.wait_for_selector("[data-layers-drawn]", state="attached", timeout=20_000)
    assert drawn is not None
    layers = int(drawn.get_attribute("data-layers-drawn") or "0")
    assert layers > 0
    paths = page.locator("path.leaflet-interactive").count()
    assert paths >= len(ALL_ROUTES), f"only {paths} route paths drawn"
    shoot(page, "map-drawn", lang, DESKTOP)


def _no_horizontal_overflow(page: Any) -> tuple[int, int]:
    return tuple(page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]"))


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_layout_at_phone_and_desktop_width(
    logged_in: Callable[..., Any], lang: str, width: int
) -> None:
    page = logged_in("engineer", lang=lang, width=width)
    problems: list[str] = []
    for name, url in PAGES.items():
        response = page.goto(url)
        assert response is not None and response.status == 200, f"{url}: {response}"
        page.wait_for_load_state("networkidle")
        if name == "map":
            page.wait_for_selector("[data-layers-drawn]", state="attached", timeout=20_000)
        scroll_width, inner_width = _no_horizontal_overflow(page)
        if scroll_width > inner_width:
            problems.append(f"{name}: scrollWidth {scroll_width} > innerWidth {inner_width}")
        toggle = page.locator(".nav-toggle")
        nav = page.locator("nav.sidenav")
        if width == PHONE:
            if not toggle.is_visible():
                problems.append(f"{name}: the menu toggle is not visible at {width}px")
        else:
            if not nav.is_visible():
                problems.append(f"{name}: the side navigation is not visible at {width}px")
            if toggle.is_visible():
                problems.append(f"{name}: the menu toggle shows at {width}px")
        shoot(page, name, lang, width)
    assert not problems, "\n".join(problems)


def test_phone_menu_opens(logged_in: Callable[..., Any]) -> None:
    page = logged_in("engineer", lang="zh-hans", width=PHONE)
    page.goto("/")
    toggle = page.locator(".nav-toggle")
    toggle.click()
    page.wait_for_function(
        "document.querySelector('.nav-toggle').getAttribute('aria-expanded') === 'true'"
    )
    link = page.locator("nav.sidenav a[href='/map/']")
    assert link.is_visible()
    shoot(page, "menu-open", "zh-hans", PHONE)


def test_scoped_user_sees_only_own_routes(logged_in: Callable[..., Any]) -> None:
    page = logged_in("yanggao_viewer", lang="zh-hans", width=DESKTOP)
    page.goto("/network/routes/")
    text = page.locator("main").inner_text()
    visible = {code for code in ALL_ROUTES if code in text}
    assert visible == {"G110"}, f"the scoped viewer sees {sorted(visible)}"
    shoot(page, "routes-scoped", "zh-hans", DESKTOP)

    response = page.goto("/network/routes/G110/")
    assert response is not None and response.status == 200
    for other in sorted(ALL_ROUTES - {"G110"}):
        response = page.goto(f"/network/routes/{other}/")
        assert response is not None and response.status == 404, other
    response = page.goto("/network/routes/NOPE/")
    assert response is not None and response.status == 404
