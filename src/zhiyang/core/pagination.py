"""Pagination of list pages (the API paginates in core/api/pagination.py).

One helper and one template include, web/includes/pagination.html, for every list page.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

DEFAULT_PER_PAGE = 50


def page_of(
    request: HttpRequest, queryset: QuerySet[Any], per_page: int = DEFAULT_PER_PAGE
) -> Page:
    """The requested ``?page=N`` of ``queryset`` (out-of-range or junk numbers give the
    nearest valid page). Render it with ``{% include "web/includes/pagination.html" %}``."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
