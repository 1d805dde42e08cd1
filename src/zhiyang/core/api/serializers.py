"""Serializers of the core API."""

from __future__ import annotations

from rest_framework import serializers

from zhiyang.core import roles
from zhiyang.core.models import AuditLog, Organisation, User


class UserSerializer(serializers.ModelSerializer[User]):
    permissions = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "role",
            "organisation",
            "phone",
            "is_active",
            "permissions",
        ]

    def get_permissions(self, user: User) -> dict[str, list[str]]:
        """The matrix grants of the user's role: {resource pattern: [actions]}."""
        if user.is_superuser:
            return {"*": list(roles.ACTIONS)}
        return {k: sorted(v) for k, v in roles.matrix().get(user.role, {}).items()}


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ["id", "code", "name", "whole_network", "districts", "routes"]


class AuditLogSerializer(serializers.ModelSerializer[AuditLog]):
    changed_fields = serializers.SerializerMethodField()

    class Meta:
        model = AuditLog
        fields = [
            "id",
            "time",
            "username",
            "action",
            "resource",
            "object_id",
            "object_repr",
            "before",
            "after",
            "changed_fields",
        ]

    def get_changed_fields(self, entry: AuditLog) -> list[str]:
        return entry.changed_fields()
