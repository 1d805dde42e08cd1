"""Who is told about an event: people by role (or by name) who may see its object, and the
group channels of organisations whose scope holds it. Nobody is told about an object they
may not see (core.access: the role may view the resource, the scope contains the object)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q

from zhiyang.core.access import organisation_scope, scope_contains, scope_of
from zhiyang.core.models import User
from zhiyang.core.roles import resource_of
from zhiyang.notify.choices import PERSONAL, SEVERITY_RANK
from zhiyang.notify.models import Channel


def people(
    *,
    roles: Iterable[str],
    user_ids: Iterable[int],
    obj: models.Model | None,
    organisation_id: int | None,
    exclude_id: int | None = None,
) -> list[User]:
    """Active users named or holding one of ``roles`` who may view ``obj``.

    Without an object, the event belongs to ``organisation_id`` and goes to its users.
    """
    condition = Q(role__in=list(roles)) | Q(pk__in=list(user_ids))
    users = User.objects.filter(condition, is_active=True).select_related("organisation")
    if obj is None and organisation_id is not None:
        users = users.filter(Q(organisation_id=organisation_id) | Q(pk__in=list(user_ids)))
    if exclude_id is not None:
        users = users.exclude(pk=exclude_id)
    if obj is None:
        return list(users)
    resource = resource_of(type(obj))
    # Role and scope decide; both are the same for users of one organisation and role.
    seen: dict[tuple[Any, ...], bool] = {}
    out: list[User] = []
    for user in users:
        key = (user.organisation_id, user.role, user.is_superuser)
        if key not in seen:
            seen[key] = user.may(resource, "view") and scope_contains(scope_of(user), obj)
        if seen[key]:
            out.append(user)
    return out


def group_channels(
    *, kind: str, severity: str, obj: models.Model | None, organisation_id: int | None
) -> list[Channel]:
    """The enabled robot and webhook channels that take ``kind`` at ``severity`` and whose
    organisation's scope contains ``obj`` (or that belong to ``organisation_id``)."""
    channels = Channel.objects.filter(enabled=True).exclude(kind__in=list(PERSONAL))
    if obj is None:
        if organisation_id is None:
            return []
        channels = channels.filter(organisation_id=organisation_id)
    rank = SEVERITY_RANK.get(severity, 0)
    sees: dict[int, bool] = {}
    out: list[Channel] = []
    for channel in channels.select_related("organisation"):
        if channel.kinds and kind not in channel.kinds:
            continue
        if rank < SEVERITY_RANK.get(channel.min_severity, 0):
            continue
        if obj is not None:
            org_id = channel.organisation_id
            if org_id not in sees:
                sees[org_id] = scope_contains(organisation_scope(channel.organisation), obj)
            if not sees[org_id]:
                continue
        out.append(channel)
    return out


def personal_channels(organisation_ids: Iterable[int | None]) -> dict[tuple[int, str], Channel]:
    """The e-mail and SMS channel of each organisation (the first enabled one by name)."""
    found: dict[tuple[int, str], Channel] = {}
    ids = [i for i in set(organisation_ids) if i is not None]
    for channel in Channel.objects.filter(
        organisation_id__in=ids, enabled=True, kind__in=["email", "sms"]
    ).order_by("name"):
        found.setdefault((channel.organisation_id, channel.kind), channel)
    return found
