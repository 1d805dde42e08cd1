"""Core pages: login, public health check, audit log and permission matrix for admins."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

import zhiyang
from zhiyang.core import actors, roles
from zhiyang.core.api.errors import request_limit_error
from zhiyang.core.choices import Action, Role
from zhiyang.core.filters import AuditLogFilter
from zhiyang.core.forms import LimitedAuthenticationForm
from zhiyang.core.models import AuditLog
from zhiyang.core.pages import ObjectListView
from zhiyang.core.tables import AuditLogTable


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    """Django's login view with attempt limiting."""

    form_class = LimitedAuthenticationForm
    template_name = "core/login.html"
    redirect_authenticated_user = True


@requires_csrf_token
def bad_request(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    """``handler400``: a request Django refused (body or file too large, too many fields).

    Under /api/ the answer is the API's one error shape, in the request's language;
    elsewhere a page saying what to do. It can run before the authentication middleware
    (the body is read early), so the page is drawn for an anonymous user then.
    """
    status_code, code, message = request_limit_error(exception)
    if request.path_info.startswith("/api/"):
        body = {"error": {"status": status_code, "code": code, "message": message}}
        return JsonResponse(body, status=status_code)
    if not hasattr(request, "user"):
        request.user = AnonymousUser()
    return render(
        request, "400.html", {"message": message, "status_code": status_code}, status=status_code
    )


@login_not_required
@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Public liveness and database check for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:
        database = "unavailable"
    healthy = database == "ok"
    return JsonResponse(
        {
            "status": "ok" if healthy else "error",
            "database": database,
            "version": zhiyang.__version__,
        },
        status=200 if healthy else 503,
    )


class AuditLogList(ObjectListView):
    """The audit trail, filterable and exported to Excel, for roles granted ``core.auditlog``."""

    model = AuditLog
    table_class = AuditLogTable
    filterset_class = AuditLogFilter
    template_name = "core/audit_log.html"
    title = gettext_lazy("Audit log")
    intro = gettext_lazy("Every create, update and delete, newest first.")
    select_related = ("user",)


audit_log = AuditLogList.as_view()


def permission_matrix(request: HttpRequest) -> HttpResponse:
    """The permission matrix as a table: which role may do what (for user administrators)."""
    if not actors.may(request.user, "core.user", "view"):  # type: ignore[union-attr]
        raise PermissionDenied
    resources = sorted({res for grants in roles.matrix().values() for res in grants})
    rows = [
        {
            "role": role,
            "cells": [
                [a.label for a in Action if roles.allows(role.value, res, a.value)]
                for res in resources
            ],
        }
        for role in Role
    ]
    return render(request, "core/permissions.html", {"resources": resources, "rows": rows})
