"""Core API: token login (limited like the login page), current user, users, audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhiyang.core import login
from zhiyang.core.api.serializers import AuditLogSerializer, OrganisationSerializer, UserSerializer
from zhiyang.core.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet
from zhiyang.core.filters import AuditLogFilter
from zhiyang.core.models import AuditLog, Organisation, User


class Locked(exceptions.APIException):
    status_code = 429
    default_code = "locked"


class BadCredentials(exceptions.APIException):
    """401 even though this view has no authentication classes (DRF would answer 403)."""

    status_code = 401
    default_code = "authentication_failed"


class TokenRequestSerializer(serializers.Serializer[dict[str, str]]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token (same lockout as the login page)."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(
        request=TokenRequestSerializer,
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request: Request) -> Response:
        credentials = TokenRequestSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        username = credentials.validated_data["username"]
        password = credentials.validated_data["password"]
        address = login.client_address(request._request)
        if login.is_locked(username=username, address=address):
            raise Locked(_("Too many failed attempts. Wait a few minutes before trying again."))
        user = authenticate(request._request, username=username, password=password)
        login.note_attempt(username=username, address=address, succeeded=user is not None)
        if user is None:
            raise BadCredentials(_("Wrong username or password."))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeView(APIView):
    """The authenticated user, their role and what the matrix lets them do."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=UserSerializer)
    def get(self, request: Request) -> Response:
        return Response(UserSerializer(request.user).data)  # type: ignore[arg-type]


class UserViewSet(ScopedModelViewSet):
    """Users (administrators)."""

    queryset = User.objects.select_related("organisation").order_by("username")
    serializer_class = UserSerializer
    filterset_fields = ["role", "organisation", "is_active"]
    search_fields = ["username"]


class OrganisationViewSet(ScopedModelViewSet):
    """Organisations and the districts and routes that make their scope (administrators)."""

    queryset = Organisation.objects.prefetch_related("districts", "routes")
    serializer_class = OrganisationSerializer
    filterset_fields = ["whole_network"]


class AuditLogViewSet(ScopedReadOnlyViewSet):
    """The audit trail (read-only)."""

    queryset = AuditLog.objects.all()
    serializer_class = AuditLogSerializer
    filterset_class = AuditLogFilter
