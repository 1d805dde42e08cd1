"""The progressive web app: manifest, service worker, offline fallback page and the outbox.

The phones keep what they could not send in an IndexedDB outbox (web/static/web/offline.js)
and re-post it when the connection returns; see docs/offline.md.

The manifest, the service worker and the offline page hold no data and are served without a
login (the service worker is installed from the login page too, and the offline page is cached
once for every page the phone cannot load). ``/sw.js`` is served from the root so that its
scope is the whole site.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

import zhiyang

THEME_COLOR = "#1b4f8f"
BACKGROUND_COLOR = "#f4f6f9"

# Static files every page needs: cached when the service worker installs. Other static files
# (an app's CSS and JS) are cached the first time a page uses them.
SHELL_FILES = (
    "web/zhiyang.css",
    "web/offline.css",
    "web/favicon.svg",
    "web/shell.js",
    "web/offline.js",
    "web/map.js",
    "web/charts.js",
    "web/locate.js",
    "web/vendor/htmx/htmx.min.js",
    "web/icons/icon-192.png",
    "web/icons/icon-512.png",
    "web/icons/maskable-512.png",
)

# Paths the service worker never answers from a cache (and never stores): logging in and out,
# the admin, the API (JSON of a user must not outlive the session) and the language switch.
NETWORK_ONLY_PATHS = ("/api/", "/admin/", "/login/", "/logout/", "/i18n/", "/offline/token/")


def _static_urls(names: tuple[str, ...]) -> list[str]:
    """URLs of the shell files (hashed in production); a file missing from the manifest of a
    deployment that forgot collectstatic is left out rather than breaking the worker."""
    urls = []
    for name in names:
        try:
            urls.append(static(name))
        except ValueError:
            continue
    return urls


def cache_version() -> str:
    """The cache name suffix: the app version plus a digest of the shell's (hashed) URLs, so
    a deployment with new static files gets fresh caches."""
    digest = hashlib.sha256("\n".join(_static_urls(SHELL_FILES)).encode()).hexdigest()[:10]
    return f"{zhiyang.__version__}-{digest}"


@login_not_required
@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest (``/manifest.webmanifest``), in the language of the request."""
    icons = [
        {"src": static("web/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("web/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("web/icons/maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
        {
            "src": static("web/icons/maskable-192.png"),
            "sizes": "192x192",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    body = {
        "id": "/",
        "name": _("Zhiyang smart highway maintenance"),
        "short_name": _("Zhiyang"),
        "description": _(
            "Highway maintenance in the field: hazard reports, check-ins, checklists and "
            "daily reports, also without a connection."
        ),
        "lang": get_language() or settings.LANGUAGE_CODE,
        "start_url": reverse("web:home"),
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": icons,
        "shortcuts": [
            {"name": _("Outbox"), "url": reverse("web:outbox")},
        ],
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), content_type="application/manifest+json"
    )
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, from the site root so its scope is the whole site."""
    version = cache_version()
    context = {
        "version": version,
        "precache": json.dumps([*_static_urls(SHELL_FILES), reverse("web:offline")]),
        "offline_url": json.dumps(reverse("web:offline")),
        "offline_js": json.dumps(static("web/offline.js")),
        "static_prefix": json.dumps(
            settings.STATIC_URL
            if settings.STATIC_URL.startswith("/")
            else "/" + settings.STATIC_URL
        ),
        "network_only": json.dumps(list(NETWORK_ONLY_PATHS)),
        "token_url": json.dumps(reverse("web:offline-token")),
    }
    response = HttpResponse(
        render_to_string("web/sw.js", context),
        content_type="application/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """Shown by the service worker for a page that was never opened on this phone."""
    return render(request, "web/offline.html", {"offline_fallback": True})


@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    """The submissions waiting on this phone; listed by offline.js from IndexedDB."""
    return render(request, "web/outbox.html")


@never_cache
@require_GET
def token(request: HttpRequest) -> JsonResponse:
    """A fresh CSRF token for a re-post from the outbox, and whose session this is (an entry
    is sent only by the user who queued it). Not logged in: the login redirect, which tells
    offline.js to ask the user to log in again."""
    user: Any = request.user
    return JsonResponse({"csrfToken": get_token(request), "user": user.get_username()})
