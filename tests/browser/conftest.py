"""Playwright in Debian's Chromium against pytest-django's live server, with the demo loaded.

Browser tests carry the ``browser`` marker (run them with ``pytest -m browser``). Without
/usr/bin/chromium they are skipped, except in CI (``CI=true``), where a missing browser fails.
Screenshots go to ``test-artifacts/screenshots/`` (or ``$ZHIYANG_TEST_ARTIFACTS/screenshots``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
# Locale per UI language; the Accept-Language header follows it.
LOCALES = {"zh-hans": "zh-CN", "en": "en-US"}
PHONE = 375
DESKTOP = 1280

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# (loading the demo) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def screenshot_dir() -> Path:
    base = Path(os.environ.get("ZHIYANG_TEST_ARTIFACTS") or ROOT / "test-artifacts")
    path = base / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (install Debian's chromium package)"
        if _in_ci():
            pytest.fail(message + "; browser tests cannot be skipped in CI", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture
def browser_settings(settings: Any) -> None:
    """Test-friendly settings the live server thread shares with the test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MAP_TILE_URL = ""  # no tiles on a closed network: routes on a plain background


@pytest.fixture
def demo(shared_demo_committed: Any, browser_settings: None) -> Any:
    """The reference demo, built once per session (tests/shared_demo.py) and committed into
    the (transactional) test database for the live server."""
    return shared_demo_committed


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """Factory: ``new_page(lang="en", width=1280)`` opens a page in a fresh context."""
    contexts: list[Any] = []

    def make(lang: str = "zh-hans", width: int = DESKTOP, height: int | None = None) -> Any:
        context = browser.new_context(
            base_url=live_server.url,
            locale=LOCALES[lang],
            viewport={"width": width, "height": height or (812 if width <= PHONE else 900)},
            device_scale_factor=1,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def log_in(page: Any, username: str, password: str) -> None:
    """Fill in the login form and wait for the page after it."""
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    assert "/login/" not in page.url, f"login as {username} failed: still on {page.url}"


@pytest.fixture
def logged_in(demo: Any, new_page: Callable[..., Any]) -> Callable[..., Any]:
    """Factory: ``logged_in("engineer", lang="en", width=375)`` gives a logged-in page."""

    def make(username: str, lang: str = "zh-hans", width: int = DESKTOP) -> Any:
        page = new_page(lang=lang, width=width)
        log_in(page, username, demo.password)
        return page

    return make


def shoot(page: Any, name: str, lang: str, width: int) -> Path:
    """Save a full-page screenshot as ``<name>-<lang>-<width>.png``."""
    path = screenshot_dir() / f"{name}-{lang}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
