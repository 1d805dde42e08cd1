"""The permission matrix, kept as data in ``data/permissions.toml``.

``allows(role, resource, action)`` is the only question asked of it; the access choke point
(core/access.py), the API permission class and ``User.has_perm`` (so Django's admin too) all
go through it.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from zhiyang.core.choices import Action, Role

ACTIONS = tuple(Action.values)


@cache
def matrix() -> dict[str, dict[str, frozenset[str]]]:
    """The matrix as {role: {resource pattern: actions}}, validated on first load."""
    raw = tomllib.loads(
        resources.files("zhiyang.core").joinpath("data/permissions.toml").read_text()
    )
    table = raw.get("roles", {})
    unknown_roles = set(table) - set(Role.values)
    if unknown_roles:
        raise ValueError(f"permissions.toml names unknown roles: {sorted(unknown_roles)}")
    result: dict[str, dict[str, frozenset[str]]] = {}
    for role in Role.values:
        grants: dict[str, frozenset[str]] = {}
        for pattern, actions in table.get(role, {}).items():
            bad = set(actions) - set(ACTIONS)
            if bad:
                raise ValueError(f"permissions.toml: role {role}, {pattern}: unknown {sorted(bad)}")
            grants[pattern] = frozenset(actions)
        result[role] = grants
    return result


@cache
def explicit_resources() -> frozenset[str]:
    """Pseudo-resources (``works.approval``) granted only by their own entry in the matrix."""
    raw = tomllib.loads(
        resources.files("zhiyang.core").joinpath("data/permissions.toml").read_text()
    )
    return frozenset(raw.get("explicit", ()))


def allows(role: str, resource: str, action: str) -> bool:
    """True if ``role`` may do ``action`` on ``resource`` ("app_label.model_name").

    A pseudo-resource of ``explicit_resources()`` is granted only by its own entry."""
    grants = matrix().get(role, {})
    app_label = resource.split(".", 1)[0]
    patterns = (
        (resource,) if resource in explicit_resources() else (resource, f"{app_label}.*", "*")
    )
    return any(action in grants.get(pattern, frozenset()) for pattern in patterns)


def resource_of(model: type) -> str:
    """The matrix resource name of a model class, e.g. ``network.section``."""
    meta = model._meta  # type: ignore[attr-defined]
    return f"{meta.app_label}.{meta.model_name}"
