"""Sign-off of a step or a whole run by the role the instruction names."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.core import services
from zhiyang.core.access import may
from zhiyang.core.actors import Actor, audit_user, is_system
from zhiyang.core.choices import Role
from zhiyang.sop.choices import RunStatus
from zhiyang.sop.models import (
    ChecklistRun,
    SignOff,
)


def role_of(actor: Actor | AnonymousUser) -> str:
    """The actor's role for sign-off and review (the system and superusers act as
    administrators)."""
    if is_system(actor):
        return Role.ADMIN
    return Role.ADMIN if getattr(actor, "is_superuser", False) else str(getattr(actor, "role", ""))


def required_sign_offs(run: ChecklistRun) -> list[tuple[str, str]]:
    """(step code, role) of every signature the run needs: each hold point's, then the
    whole run's (step code blank)."""
    needed = [
        (s["code"], s["sign_off_role"])
        for s in run.version.steps
        if s.get("hold_point") and s.get("sign_off_role")
    ]
    needed.append(("", run.version.content.get("sign_off_role") or Role.QC_INSPECTOR))
    return needed


def _refresh_status(run: ChecklistRun) -> None:
    """failed if any step failed; passed when every sign-off is in; else awaiting."""
    if run.results.filter(passed=False).exists():
        status = RunStatus.FAILED
    else:
        signed = set(run.sign_offs.values_list("step_code", flat=True))
        complete = all(code in signed for code, _role in required_sign_offs(run))
        status = RunStatus.PASSED if complete else RunStatus.IN_PROGRESS
    if status != run.status:
        ChecklistRun.objects.filter(pk=run.pk).update(status=status)
        run.status = status


def sign_off(*, actor: Actor, run: ChecklistRun, step_code: str = "", note: str = "") -> SignOff:
    """Sign a hold point (``step_code``) or the whole run as the role the instruction
    names (administrators may sign for any role). The whole run is signed last."""
    if not may(actor, SignOff, "add"):
        raise PermissionDenied(_("You may not sign off checklist runs."))
    needed = dict(required_sign_offs(run))
    if step_code not in needed:
        raise ValidationError({"step_code": _("This step needs no sign-off.")})
    role = needed[step_code]
    mine = role_of(actor)
    if mine != role and mine != Role.ADMIN:
        raise PermissionDenied(_("Only a %(role)s may sign this off.") % {"role": Role(role).label})
    if run.sign_offs.filter(step_code=step_code).exists():
        raise ValidationError({"step_code": _("This is already signed off.")})
    if step_code == "":
        missing = [
            c
            for c, _r in required_sign_offs(run)
            if c and c not in set(run.sign_offs.values_list("step_code", flat=True))
        ]
        if missing:
            raise ValidationError(
                {"step_code": _("Sign off every hold point before the whole run.")}
            )
    with transaction.atomic():
        row = services.create_object(
            actor=actor,
            model=SignOff,
            data={
                "run": run,
                "step_code": step_code,
                "role": role,
                "user": audit_user(actor),
                "at": timezone.now(),
                "note": note[:500],
            },
        )
        _refresh_status(run)
    return row
