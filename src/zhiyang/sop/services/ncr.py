"""Non-conformance reports: raised, rectified, then approved or rejected by a reviewer who
is not the rectifier.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.core import services
from zhiyang.core.access import may
from zhiyang.core.actors import Actor, audit_user, is_system
from zhiyang.core.choices import Role
from zhiyang.notify import hooks as notify_hooks
from zhiyang.sop.choices import NcrStatus
from zhiyang.sop.models import (
    NonConformance,
    StepResult,
)
from zhiyang.sop.services.signoff import role_of

#: Roles that may review (approve or reject) a rectified NCR.
NCR_REVIEWERS = (Role.ENGINEER, Role.QC_INSPECTOR, Role.ADMIN)


def raise_ncr(*, actor: Actor, result: StepResult, description: str) -> NonConformance:
    """Raise a non-conformance report on a failed step."""
    if not may(actor, NonConformance, "add"):
        raise PermissionDenied(_("You may not raise non-conformance reports."))
    if result.passed:
        raise ValidationError(_("This step passed: there is nothing to report."))
    if not description.strip():
        raise ValidationError({"description": _("Describe the non-conformance.")})
    open_ncr = NonConformance.objects.filter(
        run_id=result.run_id, step_code=result.step_code
    ).exclude(status=NcrStatus.APPROVED)
    if open_ncr.exists():
        raise ValidationError(_("This step already has an open non-conformance report."))
    ncr = services.create_object(
        actor=actor,
        model=NonConformance,
        data={
            "run": result.run,
            "step_code": result.step_code,
            "description": description.strip(),
            "status": NcrStatus.RAISED,
            "raised_by": audit_user(actor),
            "raised_at": timezone.now(),
        },
    )
    notify_hooks.ncr_raised(ncr, actor=actor)
    return ncr


def _transition(ncr: NonConformance, allowed: tuple[str, ...]) -> None:
    if ncr.status not in allowed:
        raise ValidationError(
            _("Not possible while the report is %(status)s.") % {"status": ncr.get_status_display()}
        )


def rectify_ncr(*, actor: Actor, ncr: NonConformance, corrective_action: str) -> NonConformance:
    """Report the corrective action taken (again after a rejection)."""
    if not may(actor, NonConformance, "change"):
        raise PermissionDenied(_("You may not rectify non-conformance reports."))
    _transition(ncr, (NcrStatus.RAISED, NcrStatus.REJECTED))
    if not corrective_action.strip():
        raise ValidationError({"corrective_action": _("Say what was done to rectify it.")})
    return services.update_object(
        actor=actor,
        obj=ncr,
        data={
            "corrective_action": corrective_action.strip(),
            "status": NcrStatus.RECTIFIED,
            "rectified_by": audit_user(actor),
            "rectified_at": timezone.now(),
        },
    )


def _review(actor: Actor, ncr: NonConformance, status: str, note: str) -> NonConformance:
    if not may(actor, NonConformance, "change") or role_of(actor) not in NCR_REVIEWERS:
        raise PermissionDenied(_("Only an engineer or a QC inspector may review the report."))
    _transition(ncr, (NcrStatus.RECTIFIED,))
    if not is_system(actor) and ncr.rectified_by_id == getattr(actor, "pk", None):
        raise PermissionDenied(_("The rectification must be reviewed by someone else."))
    if status == NcrStatus.REJECTED and not note.strip():
        raise ValidationError({"review_note": _("Say why the rectification is rejected.")})
    return services.update_object(
        actor=actor,
        obj=ncr,
        data={
            "status": status,
            "review_note": note.strip(),
            "approved_by": audit_user(actor),
            "approved_at": timezone.now(),
        },
    )


def approve_ncr(*, actor: Actor, ncr: NonConformance, note: str = "") -> NonConformance:
    """Accept the rectification: a failed hold point with an approved NCR no longer blocks
    closing the work order."""
    return _review(actor, ncr, NcrStatus.APPROVED, note)


def reject_ncr(*, actor: Actor, ncr: NonConformance, note: str) -> NonConformance:
    """Send the rectification back (it must be rectified again)."""
    return _review(actor, ncr, NcrStatus.REJECTED, note)
