"""The row-level access choke point: role first, then organisation scope; 404 for both."""

from __future__ import annotations

import pytest
from django.http import Http404

from zhiyang.core.access import access_object, restrict, scope_of
from zhiyang.network.models import District, Route, Section

pytestmark = pytest.mark.django_db


def codes(queryset) -> set[str]:
    return {str(obj) for obj in queryset}


def test_district_scope_limits_every_network_model(two_districts, make_user):
    net = two_districts
    user = make_user(role="engineer", organisation=net["org_east"])
    assert set(restrict(Section.objects.all(), user)) == {net["sec_east"]}
    assert set(restrict(Route.objects.all(), user)) == {net["s1"]}
    assert set(restrict(District.objects.all(), user)) == {net["east"]}


def test_route_scope_reaches_the_districts_it_crosses(two_districts, make_user):
    net = two_districts
    net["org_east"].districts.clear()
    net["org_east"].routes.add(net["g1"])
    user = make_user(role="viewer", organisation=net["org_east"])
    assert set(restrict(Section.objects.all(), user)) == {net["sec_west"]}
    assert set(restrict(District.objects.all(), user)) == {net["west"]}


def test_whole_network_and_superuser_see_everything(two_districts, make_user):
    net = two_districts
    branch = make_user(role="manager", organisation=net["org_all"])
    root = make_user(role="viewer", is_superuser=True)
    for user in (branch, root):
        assert restrict(Section.objects.all(), user).count() == 2


def test_no_organisation_or_inactive_means_nothing(two_districts, make_user):
    lost = make_user(role="admin")
    inactive = make_user(role="admin", organisation=two_districts["org_all"], is_active=False)
    for user in (lost, inactive):
        assert not restrict(Section.objects.all(), user).exists()


def test_role_without_the_action_gets_nothing(two_districts, make_user):
    viewer = make_user(role="viewer", organisation=two_districts["org_all"])
    assert restrict(Section.objects.all(), viewer, "view").count() == 2
    assert not restrict(Section.objects.all(), viewer, "change").exists()


def test_missing_and_forbidden_are_the_same_404(two_districts, make_user):
    net = two_districts
    user = make_user(role="engineer", organisation=net["org_east"])
    assert access_object(Section.objects.all(), user, pk=net["sec_east"].pk) == net["sec_east"]
    with pytest.raises(Http404):
        access_object(Section.objects.all(), user, pk=net["sec_west"].pk)
    with pytest.raises(Http404):
        access_object(Section.objects.all(), user, pk=999_999)
    with pytest.raises(Http404):
        access_object(Section.objects.all(), user, pk="not-a-number")


def test_scope_is_computed_once_per_user_object(
    two_districts, make_user, django_assert_num_queries
):
    user = make_user(role="viewer", organisation=two_districts["org_east"])
    scope_of(user)
    with django_assert_num_queries(0):
        scope_of(user)


def test_totals_count_each_row_once_even_through_joins(two_districts, make_user):
    from django.db.models import F, Sum

    from zhiyang.core.access import restrict_for_totals

    net = two_districts
    Section.objects.create(
        route=net["s1"],
        start_m=0,
        end_m=5_000,
        width_m=9,
        lanes=2,
        pavement="asphalt",
        district=net["east"],
        direction="down",
    )
    user = make_user(role="viewer", organisation=net["org_east"])
    length = Sum(F("end_m") - F("start_m"))
    assert restrict_for_totals(Route.objects.all(), user).aggregate(m=length)["m"] == 5_000
    assert restrict_for_totals(Route.objects.all(), user).count() == 1
