"""Authentication everywhere, with the API left to its own (401-answering) checks."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponseBase


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's login-required middleware, except under /api/.

    API clients get structured 401/403 answers from the API's own authentication and
    permission classes instead of a redirect to the login page; views that must stay
    public (login, health, the schema) are marked with ``login_not_required``.
    """

    def process_view(
        self,
        request: HttpRequest,
        view_func: Any,
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponseBase | None:
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
