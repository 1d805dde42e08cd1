"""The permission matrix data and its use by User.has_perm (Django admin)."""

from __future__ import annotations

import pytest

from zhiyang.core import roles
from zhiyang.core.choices import Role


def test_matrix_names_every_role_and_only_known_actions():
    matrix = roles.matrix()
    assert set(matrix) == set(Role.values)
    for grants in matrix.values():
        for actions in grants.values():
            assert actions <= set(roles.ACTIONS)


@pytest.mark.parametrize(
    ("role", "resource", "action", "expected"),
    [
        ("admin", "core.user", "delete", True),
        ("admin", "anything.new", "view", True),
        ("engineer", "network.section", "change", True),
        ("engineer", "core.user", "view", False),
        ("manager", "network.route", "view", True),
        ("manager", "network.route", "change", False),
        ("viewer", "network.section", "view", True),
        ("viewer", "network.section", "add", False),
        ("worker", "core.auditlog", "view", False),
    ],
)
def test_allows(role, resource, action, expected):
    assert roles.allows(role, resource, action) is expected


@pytest.mark.django_db
def test_has_perm_follows_the_matrix(make_user):
    engineer = make_user(role="engineer")
    assert engineer.has_perm("network.change_section")
    assert not engineer.has_perm("core.change_user")
    assert engineer.has_module_perms("network")
    assert not engineer.has_module_perms("core")
    admin = make_user(role="admin")
    assert admin.is_staff and admin.has_perm("core.delete_user")
    assert not engineer.is_staff
