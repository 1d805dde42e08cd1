"""Users, organisations (the unit of row-level scope), the audit log and login attempts."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiyang.core import roles
from zhiyang.core.choices import AuditAction, Role


class Organisation(models.Model):
    """A maintenance organisation; its districts and routes are the scope of its users.

    A user sees a row when it lies in one of the organisation's districts or on one of its
    routes (each model declares how with ``core.access.scoped_through``). ``whole_network``
    is for a head office or a provincial bureau that oversees everything.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    whole_network = models.BooleanField(
        _("whole network"),
        default=False,
        help_text=_("Its users see every district and route."),
    )
    # Its districts and routes (``organisation.districts`` / ``.routes``) are declared by the
    # network app (``District.organisations``, ``Route.organisations``): core knows no network
    # model. Written and audited like fields of the organisation (``core.services``, ``audit``).
    audited_relations = ("districts", "routes")

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person using Zhiyang, with one role and one organisation."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.VIEWER)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("organisation"),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Administrators use Django's admin site; nobody else needs staff status.
        self.is_staff = self.is_superuser or self.role == Role.ADMIN
        super().save(*args, **kwargs)

    def may(self, resource: str, action: str) -> bool:
        """True if the permission matrix lets this user do ``action`` on ``resource``."""
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        return roles.allows(self.role, resource, action)

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        """Django's permission check (the admin site uses it) answered by the matrix."""
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        app_label, _dot, codename = perm.partition(".")
        action, _sep, model_name = codename.partition("_")
        return roles.allows(self.role, f"{app_label}.{model_name}", action)

    def has_module_perms(self, app_label: str) -> bool:
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        grants = roles.matrix().get(self.role, {})
        return any(
            actions and (pattern == "*" or pattern.partition(".")[0] == app_label)
            for pattern, actions in grants.items()
        )


class AuditLog(models.Model):
    """One row per create, update or delete: who, when, and the object before and after."""

    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("user")
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    resource = models.CharField(_("resource"), max_length=100, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, db_index=True)
    object_repr = models.CharField(_("object"), max_length=200)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        ordering = ["-time", "-id"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_repr}"

    def resource_label(self) -> str:
        """The resource as people name it (the model's translated name), e.g. 路段."""
        try:
            model = apps.get_model(self.resource)
        except (LookupError, ValueError):
            return self.resource
        return str(model._meta.verbose_name)

    def changed_fields(self) -> list[str]:
        """Names of the fields an update changed (empty for a creation or deletion)."""
        if self.before is None or self.after is None:
            return []
        before, after = self.before, self.after
        return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


class LoginAttempt(models.Model):
    """A login attempt, kept to limit guessing (see core/login.py)."""

    time = models.DateTimeField(auto_now_add=True, db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    succeeded = models.BooleanField(default=False)

    class Meta:
        ordering = ["-time"]
        verbose_name = _("login attempt")
        verbose_name_plural = _("login attempts")

    def __str__(self) -> str:
        outcome = "ok" if self.succeeded else "failed"
        return f"{self.time:%Y-%m-%d %H:%M} {self.username} {outcome}"


class OrganisationOwned(models.Model):
    """Base for rows that belong to an organisation rather than to a place on the network.

    Workers, crews and machines are seen by the users of their organisation (and by
    whole-network users); ``scope_q`` says so to ``core.access.restrict``.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_set",
        verbose_name=_("organisation"),
    )

    class Meta:
        abstract = True

    @staticmethod
    def scope_q(scope: Any) -> models.Q:
        from zhiyang.core.access import scope_condition  # access imports this module

        return scope_condition(scope, organisation="organisation")


class Job(models.Model):
    """A long-running background job (an import, a recomputation) and its progress.

    The task running it updates ``progress`` (0–100) and ``message`` through core/jobs.py;
    pages poll ``core:job-status``. ``errors`` is a list of ``{row, column, message, sheet}``
    dicts (a rejected import), ``result`` whatever the job reports when it succeeds.

    Who sees a job: its creator, superusers, and users whose role may view ``resource`` and
    whose scope contains the related object (``resource`` + ``object_id``, e.g. the survey an
    import writes into). A job without a related object is its creator's only.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=60)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    resource = models.CharField(_("resource"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)
