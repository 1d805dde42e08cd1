"""Raising events: who is told (roles, scope, named users, never the actor), what each gets
(role defaults from subscriptions.toml, personal overrides, quiet hours, the digest),
idempotent keys, group channels filtered by kind, severity and organisation scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from zhiyang.core.actors import SYSTEM
from zhiyang.notify import delivery, services
from zhiyang.notify.digest import send_due_digests
from zhiyang.notify.events import raise_event
from zhiyang.notify.kinds import get_kind, register_kind
from zhiyang.notify.models import Delivery, Event, InboxItem, Preference
from zhiyang.notify.subscriptions import default_channels, quiet_until

pytestmark = pytest.mark.django_db


def raise_on(obj: Any, **kwargs: Any) -> Event:
    kwargs.setdefault("kind", "telemetry.alarm")
    kwargs.setdefault("title", "Paving temperature low")
    kwargs.setdefault("roles", ["engineer"])
    return raise_event(actor=kwargs.pop("actor", SYSTEM), obj=obj, **kwargs)


def test_only_people_who_may_see_the_object(two_districts, make_user) -> None:
    east = make_user(role="engineer", organisation=two_districts["org_east"])
    west = make_user(role="engineer", organisation=two_districts["org_west"])
    head = make_user(role="engineer", organisation=two_districts["org_all"])
    viewer = make_user(role="viewer", organisation=two_districts["org_east"])
    raise_on(two_districts["sec_east"], roles=["engineer", "viewer"])
    told = set(InboxItem.objects.values_list("user_id", flat=True))
    assert told == {east.pk, head.pk, viewer.pk}
    assert west.pk not in told


def test_role_permission_is_checked(two_districts, make_user, site_alarm) -> None:
    viewer = make_user(role="viewer", organisation=site_alarm["org"])
    engineer = make_user(role="engineer", organisation=site_alarm["org"])
    raise_on(site_alarm["alarm"], roles=["viewer", "engineer"])
    assert set(InboxItem.objects.values_list("user_id", flat=True)) == {engineer.pk}
    assert viewer.pk  # viewers may not view telemetry.alarm: not told


def test_named_users_and_never_the_actor(two_districts, make_user) -> None:
    actor = make_user(role="engineer", organisation=two_districts["org_east"])
    named = make_user(role="worker", organisation=two_districts["org_east"])
    outsider = make_user(role="worker", organisation=two_districts["org_west"])
    raise_on(
        two_districts["sec_east"],
        kind="works.approval",
        roles=["engineer"],
        users=[named, outsider],
        actor=actor,
    )
    assert set(InboxItem.objects.values_list("user_id", flat=True)) == {named.pk}


def test_key_makes_it_idempotent_and_messages_in_both_languages(two_districts, make_user) -> None:
    make_user(role="engineer", organisation=two_districts["org_east"])
    first = raise_on(two_districts["sec_east"], key="k1", title="Live alarm")
    again = raise_on(two_districts["sec_east"], key="k1", title="Live alarm")
    assert first.pk == again.pk
    assert Event.objects.count() == 1 and InboxItem.objects.count() == 1
    assert set(first.title) == {"zh-hans", "en"}


def test_unknown_kind_and_severity_fail_loudly(two_districts) -> None:
    with pytest.raises(LookupError):
        raise_on(two_districts["sec_east"], kind="nope.nothing")
    with pytest.raises(ValueError, match="severity"):
        raise_on(two_districts["sec_east"], severity="urgent")


def test_a_new_kind_plugs_in_with_one_call(two_districts, make_user) -> None:
    register_kind("patrol.deadline", "Patrol deadline", roles=("engineer",))
    user = make_user(role="engineer", organisation=two_districts["org_east"])
    raise_on(two_districts["sec_east"], kind="patrol.deadline", roles=None)
    assert InboxItem.objects.get().user == user
    assert get_kind("patrol.deadline").roles == ("engineer",)


def test_role_defaults_by_severity() -> None:
    assert default_channels("engineer", "telemetry.alarm", "critical") == ("inbox", "email", "sms")
    assert default_channels("engineer", "telemetry.alarm", "warning") == ("inbox", "email")
    assert default_channels("engineer", "telemetry.alarm", "info") == ("inbox",)
    assert default_channels("viewer", "anything.else", "critical") == ("inbox",)


def test_personal_override_quiet_hours_and_digest(two_districts, make_user, settings) -> None:
    settings.EMAIL_HOST = "smtp.example.org"  # the site's mail: e-mail without a channel
    org = two_districts["org_east"]
    muted = make_user(role="engineer", organisation=org, email="m@example.org")
    quiet = make_user(role="engineer", organisation=org, email="q@example.org")
    digest = make_user(role="engineer", organisation=org, email="d@example.org")
    services.save_preferences(
        actor=muted, user=muted, preference={}, subscriptions={"telemetry.alarm": {"channels": []}}
    )
    services.save_preferences(
        actor=quiet,
        user=quiet,
        preference={"quiet_start": dt.time(0, 0), "quiet_end": dt.time(23, 59)},
        subscriptions={},
    )
    services.save_preferences(
        actor=digest,
        user=digest,
        preference={"digest_hour": 8},
        subscriptions={"telemetry.alarm": {"channels": ["inbox", "email"], "digest": True}},
    )
    raise_on(two_districts["sec_east"], severity="warning")
    assert not InboxItem.objects.filter(user=muted).exists()
    assert not Delivery.objects.filter(recipient=muted).exists()
    held = Delivery.objects.get(recipient=quiet)
    assert held.status == "pending"
    if quiet_until(dt.time(0, 0), dt.time(23, 59), timezone.now()):
        assert held.next_attempt_at > timezone.now()
    row = Delivery.objects.get(recipient=digest)
    assert row.status == "digest" and row.next_attempt_at > timezone.now()
    # When the digest hour comes, one e-mail event lists what was held.
    Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert send_due_digests() == 1
    assert send_due_digests() == 0
    row.refresh_from_db()
    assert row.status == "digested"
    digest_event = Event.objects.get(kind="notify.digest")
    assert "Paving temperature low" in digest_event.body_in("en")
    assert Delivery.objects.get(event=digest_event).address == "d@example.org"


def test_quiet_hours_over_midnight() -> None:
    tz = dt.timezone(dt.timedelta(hours=8))
    late = dt.datetime(2026, 5, 1, 23, 30, tzinfo=tz)
    end = quiet_until(dt.time(22, 0), dt.time(7, 0), late)
    assert end == dt.datetime(2026, 5, 2, 7, 0, tzinfo=end.tzinfo)
    assert quiet_until(dt.time(22, 0), dt.time(7, 0), late.replace(hour=12)) is None


def test_group_channels_by_scope_kind_and_severity(two_districts, receiver) -> None:
    def robot(org: Any, name: str, **values: Any) -> Any:
        return services.save_channel(
            actor=SYSTEM,
            organisation=org,
            kind="wecom",
            values={"name": name, "url": receiver.url("/wecom", "key=" + name), **values},
        )

    east = robot(two_districts["org_east"], "east")
    robot(two_districts["org_west"], "west")  # cannot see the east section
    head = robot(two_districts["org_all"], "head", min_severity="critical")
    hazards = robot(two_districts["org_east"], "hazards", kinds=["safety.hazard_new"])
    raise_on(two_districts["sec_east"], severity="warning")
    assert set(Delivery.objects.values_list("channel_id", flat=True)) == {east.pk}
    raise_on(two_districts["sec_east"], severity="critical", key="c")
    raise_on(two_districts["sec_east"], kind="safety.hazard_new", key="h")
    assert delivery.deliver_due()["sent"] == 5  # east 3, head 1 (critical), hazards 1
    assert {r.query["key"] for r in receiver.received} == {"east", "head", "hazards"}
    assert head.pk and hazards.pk


def test_no_object_means_the_organisation(two_districts, make_user) -> None:
    east = make_user(role="safety_officer", organisation=two_districts["org_east"])
    make_user(role="safety_officer", organisation=two_districts["org_west"])
    raise_event(
        actor=SYSTEM,
        kind="safety.hazard_overdue",
        organisation=two_districts["org_east"],
        title="Weekly check",
    )
    assert list(InboxItem.objects.values_list("user_id", flat=True)) == [east.pk]


def test_preferences_are_audited(two_districts, make_user) -> None:
    from zhiyang.core.models import AuditLog

    user = make_user(role="engineer", organisation=two_districts["org_east"])
    services.save_preferences(
        actor=user,
        user=user,
        preference={"language": "en"},
        subscriptions={"sop.signoff": {"channels": ["inbox"]}},
    )
    log = AuditLog.objects.get(resource="notify.preference")
    assert log.after["language"] == "en"
    assert log.after["subscriptions"]["sop.signoff"]["channels"] == ["inbox"]
    assert Preference.objects.get(user=user).language == "en"
