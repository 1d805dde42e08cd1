"""Row-level access: the one choke point between a user and the rows they may touch.

Every view, viewset, export and command that acts for a user gets its rows from
``restrict(queryset, user, action)`` or one object from ``access_object``. A scoped model
declares how, once: ``scope_q = scoped_through(route="route", district="district")`` (or
``project=``, ``organisation=``, ``machine=``; a model with a rule of its own writes
``scope_q(scope) -> Q``); what the user's role may do comes from the permission
matrix (core/roles.py). A missing object and a forbidden one raise the same ``Http404``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import F, Q
from django.http import Http404

from zhiyang.core import actors
from zhiyang.core.roles import resource_of

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Scope:
    """What part of the network a user's organisation covers, and which organisation it is.

    Rows placed on the network (sections, condition units, hazards) are scoped by district
    and route; rows owned by an organisation (workers, machines) by ``organisation_ids``.
    """

    everything: bool
    district_ids: frozenset[int]
    route_ids: frozenset[int]
    organisation_ids: frozenset[int] = frozenset()

    @classmethod
    def nothing(cls) -> Scope:
        return cls(everything=False, district_ids=frozenset(), route_ids=frozenset())


def scope_of(user: Any) -> Scope:
    """The scope of ``user``: everything for superusers and the system (``SYSTEM``), their
    organisation's otherwise.

    Cached on the user object, so one request computes it once.
    """
    if actors.is_system(user):
        return Scope(everything=True, district_ids=frozenset(), route_ids=frozenset())
    cached = getattr(user, "_zhiyang_scope", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        scope = Scope.nothing()
    elif user.is_superuser:
        scope = Scope(everything=True, district_ids=frozenset(), route_ids=frozenset())
    elif user.organisation_id is None:
        scope = Scope.nothing()
    else:
        scope = organisation_scope(user.organisation)
    user._zhiyang_scope = scope
    return scope


def organisation_scope(org: Any) -> Scope:
    """The scope an organisation covers (its users' scope, e.g. for a group channel)."""
    return Scope(
        everything=org.whole_network,
        district_ids=frozenset(org.districts.values_list("pk", flat=True)),
        route_ids=frozenset(org.routes.values_list("pk", flat=True)),
        organisation_ids=frozenset({org.pk}),
    )


def scope_contains(scope: Scope, obj: models.Model) -> bool:
    """True if the (saved) object lies inside ``scope`` (role permissions aside)."""
    if scope.everything:
        return True
    model = type(obj)
    scope_q = getattr(model, "scope_q", None)
    if scope_q is None:
        return True
    return model._default_manager.filter(scope_q(scope), pk=obj.pk).exists()


def may(user: Any, model: type[models.Model], action: str) -> bool:
    """``actors.may`` for a model: the role allows ``action`` on it at all (ignoring scope);
    the system may everything."""
    return actors.may(user, resource_of(model), action)


def restrict(queryset: models.QuerySet[M], user: Any, action: str = "view") -> models.QuerySet[M]:
    """The rows of ``queryset`` that ``user`` may ``action``: role first, then scope."""
    if not may(user, queryset.model, action):
        return queryset.none()
    return within_scope(queryset, user)


def within_scope(queryset: models.QuerySet[M], user: Any) -> models.QuerySet[M]:
    """The rows of ``queryset`` inside ``user``'s organisation scope, whatever their role
    (the API looks an id up here first: outside the scope is 404 before any 403)."""
    model = queryset.model
    scope = scope_of(user)
    if scope.everything:
        return queryset
    scope_q = getattr(model, "scope_q", None)
    if scope_q is None:
        # Unscoped models (users, organisations, audit) are for roles granted them outright.
        return queryset
    condition: Q = scope_q(scope)
    return queryset.filter(condition).distinct()


def _at(path: str, lookup: str) -> str:
    """``path__lookup``, or ``lookup`` alone for the row itself (``path=""``)."""
    return f"{path}__{lookup}" if path else lookup


def _id(path: str) -> str:
    return f"{path}_id" if path else "pk"


def scope_condition(
    scope: Scope,
    *,
    route: str | None = None,
    district: str | None = None,
    project: str | None = None,
    organisation: str | tuple[str, ...] | None = None,
    machine: str | None = None,
) -> Q:
    """The rows inside ``scope`` of a model scoped through one of these (each the lookup path
    from the model to it; ``""`` for the row itself):

    - ``route`` and ``district``: placed on the network by both fields: either in scope;
    - ``route`` alone: its route is in scope, or passes through a district in scope;
    - ``district`` alone: its district is in scope, or holds a section of a route in scope;
    - ``project``: the project's route is in scope, it crosses a district in scope between
      its chainages, or the user's organisation owns it;
    - ``organisation``: owned by the user's organisation (a path, or several: any of them);
    - ``machine``: a machine (``fleet.Equipment``) of the user's organisation.

    ``scoped_through`` declares it on a model; use this function to filter by hand.
    """
    given = [
        k
        for k, v in {"project": project, "organisation": organisation, "machine": machine}.items()
        if v is not None
    ]
    if len(given) + (route is not None or district is not None) != 1:
        raise TypeError("scope through one of: route/district, project, organisation, machine")
    if route is not None and district is not None:
        return Q(**{f"{_id(route)}__in": scope.route_ids}) | Q(
            **{f"{_id(district)}__in": scope.district_ids}
        )
    if route is not None:
        return Q(**{f"{_id(route)}__in": scope.route_ids}) | Q(
            **{_at(route, "sections__district_id__in"): scope.district_ids}
        )
    if district is not None:
        return Q(**{f"{_id(district)}__in": scope.district_ids}) | Q(
            **{_at(district, "sections__route_id__in"): scope.route_ids}
        )
    if project is not None:
        p = _at(project, "")
        return (
            Q(**{f"{p}route_id__in": scope.route_ids})
            | Q(
                **{
                    f"{p}route__sections__district_id__in": scope.district_ids,
                    f"{p}route__sections__start_m__lt": F(f"{p}end_m"),
                    f"{p}route__sections__end_m__gt": F(f"{p}start_m"),
                }
            )
            | Q(**{f"{p}organisation_id__in": scope.organisation_ids})
        )
    if machine is not None:
        organisation = _at(machine, "organisation")
    paths = (organisation,) if isinstance(organisation, str) else tuple(organisation or ())
    condition = Q(**{f"{_id(paths[0])}__in": scope.organisation_ids})
    for path in paths[1:]:
        condition |= Q(**{f"{_id(path)}__in": scope.organisation_ids})
    return condition


def scoped_through(**through: Any) -> Any:
    """Declare how a model is scoped, once, in its class body::

        scope_q = scoped_through(route="route", district="district")   # a hazard
        scope_q = scoped_through(route="survey__route")                # a survey unit
        scope_q = scoped_through(project="report__project")            # a daily-report line
        scope_q = scoped_through(machine="device__equipment")          # a reading
        scope_q = scoped_through(organisation="worker__organisation")  # a certificate

    The keywords are those of ``scope_condition``; ``restrict`` calls the result.
    """
    scope_condition(Scope.nothing(), **through)  # refuse a bad declaration at import time

    def scope_q(scope: Scope) -> Q:
        return scope_condition(scope, **through)

    scope_q.__doc__ = f"Scoped through {through}."
    return staticmethod(scope_q)


def restrict_for_totals(
    queryset: models.QuerySet[M], user: Any, action: str = "view"
) -> models.QuerySet[M]:
    """``restrict`` as a queryset that is safe to aggregate.

    A scope condition may join across relations (a route is in scope through its sections)
    and then adds DISTINCT; a SUM over that join would count a row once per joined row. The
    rows are the same, selected by primary key instead.
    """
    restricted = restrict(queryset, user, action)
    if not restricted.query.distinct:
        return restricted
    return queryset.model._default_manager.filter(pk__in=restricted.values("pk"))


def in_scope(user: Any, obj: models.Model, action: str = "view") -> bool:
    """True if ``user`` may ``action`` this (saved) object."""
    return restrict(type(obj)._default_manager.filter(pk=obj.pk), user, action).exists()


def access_object(
    queryset: models.QuerySet[M], user: Any, action: str = "view", **lookup: Any
) -> M:
    """One object the user may ``action``; missing and forbidden both raise Http404."""
    try:
        return restrict(queryset, user, action).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def require(request: Any, resource: str, action: str = "view") -> None:
    """For a page: 403 unless the user's role may ``action`` on ``resource`` at all (which
    rows then comes from ``restrict``/``access_object``)."""
    if not actors.may(request.user, resource, action):
        raise PermissionDenied
