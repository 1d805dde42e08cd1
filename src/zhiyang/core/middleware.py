"""Request middleware: authentication everywhere (the API answers 401 itself) and a
refusal of NUL characters before they reach the database."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponseBadRequest, HttpResponseBase, JsonResponse
from django.utils.translation import gettext as _


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


class RejectNullCharactersMiddleware:
    """Answer 400 to any request carrying a NUL character in its query string, form fields
    or JSON body.

    No text Zhiyang stores may contain NUL, and PostgreSQL refuses it even in a lookup: left
    alone, ``?district=%00`` or ``{"route": "\\u0000"}`` would reach the database and fail
    there. Uploaded files are not inspected (an .xlsx is binary).
    """

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if self._has_nul(request):
            message = _("Text may not contain NUL characters.")
            if request.path_info.startswith("/api/"):
                body = {"error": {"status": 400, "code": "invalid", "message": message}}
                return JsonResponse(body, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.META.get("QUERY_STRING", "") or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("application/json"):
            body = request.body
            return b"\x00" in body or b"\\u0000" in body
        if request.method == "POST" and content_type.startswith(
            ("multipart/form-data", "application/x-www-form-urlencoded")
        ):
            return any(
                "\x00" in key or any("\x00" in value for value in values)
                for key, values in request.POST.lists()
            )
        return False
