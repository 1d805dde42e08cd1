"""URL patterns of a model's frame pages, named the same way in every app:
``<name>-list``, ``<name>-create``, ``<name>-detail``, ``<name>-edit``, ``<name>-delete``."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path


def object_urls(
    name: str,
    prefix: str,
    *,
    list: Any = None,
    create: Any = None,
    detail: Any = None,
    edit: Any = None,
    delete: Any = None,
    create_path: str = "new/",
) -> list[URLPattern]:
    """``path()`` entries under ``prefix`` (e.g. ``"incidents/"``) for the views given;
    ``create`` and ``edit`` are usually the same ``ObjectEditView``."""
    routes = (
        ("list", "", list),
        ("create", create_path, create),
        ("detail", "<int:pk>/", detail),
        ("edit", "<int:pk>/edit/", edit),
        ("delete", "<int:pk>/delete/", delete),
    )
    return [
        path(f"{prefix}{suffix}", view.as_view(), name=f"{name}-{kind}")
        for kind, suffix, view in routes
        if view is not None
    ]
