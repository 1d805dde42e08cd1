"""Uploaded files (photos, scans) served through the app, with the scope of their record.

A file under ``MEDIA_ROOT`` is served only to a user who may view a record that holds it:
the request's path is looked up in every model's file fields (found by introspection, so a
new app's photos are covered by themselves) and the record goes through
``core.access.restrict`` like any other. A photo of another organisation's hazard, an orphan
file and a path that leaves the media folder all answer the same 404.

Files are immutable (the storage gives every upload a new name), so the answer may be
cached by the browser (``private``: never by a shared proxy). In production the check stays
here and the bytes can be sent by the web server: with ``ZHIYANG_MEDIA_ACCEL_REDIRECT`` set
(e.g. ``/protected-media/``) the answer is an empty ``X-Accel-Redirect`` to that internal
location (nginx; see docs/deployment.md).
"""

from __future__ import annotations

import posixpath
from functools import cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.http import require_GET
from django.views.static import serve

from zhiyang.core.access import restrict

CACHE_SECONDS = 7 * 24 * 3600


@cache
def file_fields() -> tuple[tuple[type[models.Model], str, str], ...]:
    """(model, field name, static upload prefix) of every file field of every model."""
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                upload_to = field.upload_to if isinstance(field.upload_to, str) else ""
                prefix = upload_to.split("%", 1)[0]
                found.append((model, field.name, prefix))
    return tuple(found)


def _clean(name: str) -> str | None:
    """The storage name of a request path, or None for a path that leaves MEDIA_ROOT."""
    normal = posixpath.normpath(name).lstrip("/")
    if normal in ("", ".") or normal.startswith("..") or "\x00" in normal:
        return None
    return normal


def owner_visible(user: Any, name: str) -> bool:
    """True if ``user`` may view a record whose file field holds ``name``."""
    for model, field, prefix in file_fields():
        if prefix and not name.startswith(prefix):
            continue
        rows = model._default_manager.filter(**{field: name})
        if restrict(rows, user, "view").exists():
            return True
    return False


@require_GET
def media(request: HttpRequest, name: str) -> HttpResponseBase:
    stored = _clean(name)
    if stored is None or not owner_visible(request.user, stored):
        raise Http404
    accel = getattr(settings, "MEDIA_ACCEL_REDIRECT", "")
    if accel:
        response: HttpResponseBase = HttpResponse()
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + stored
        response["Content-Type"] = ""  # let the web server set it from the file
    else:
        response = serve(request, stored, document_root=str(settings.MEDIA_ROOT))
    response["Cache-Control"] = f"private, max-age={CACHE_SECONDS}, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    # An upload is shown, never run: no script, no plugin, even if a file lies about its type.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response.headers.setdefault("Content-Disposition", "inline")
    return response
