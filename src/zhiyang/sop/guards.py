"""What the sop app plugs into others: the work-order close guard and the post-migrate load."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zhiyang.core.actors import SYSTEM

if TYPE_CHECKING:
    from zhiyang.works.models import WorkOrder


def failed_hold_points(work_order: WorkOrder) -> list[str]:
    """Reasons that block closing ``work_order``: each failed hold point of its checklist
    runs that has no approved NCR."""
    from zhiyang.sop.choices import NcrStatus
    from zhiyang.sop.content import text_in
    from zhiyang.sop.models import NonConformance, StepResult

    approved = NonConformance.objects.filter(
        run=OuterRef("run"), step_code=OuterRef("step_code"), status=NcrStatus.APPROVED
    )
    blocking = (
        StepResult.objects.filter(run__work_order=work_order, hold_point=True, passed=False)
        .exclude(Exists(approved))
        .select_related("run__version__instruction")
        .order_by("run__submitted_at", "run_id", "position")
    )
    reasons = []
    for result in blocking:
        step = result.run.version.step(result.step_code) or {}
        reasons.append(
            _(
                "Hold point “%(step)s” of checklist run %(run)s failed and has no approved "
                "non-conformance report."
            )
            % {
                "step": text_in(step.get("text"), get_language() or "en")[:60] or result.step_code,
                "run": f"#{result.run_id}",
            }
        )
    return reasons


def load_after_migrate(sender: Any = None, **kwargs: Any) -> None:
    """post_migrate: make sure the packaged instructions exist (idempotent)."""
    from zhiyang.sop.services import load_instructions

    load_instructions(actor=SYSTEM, using=kwargs.get("using") or "default", audited=False)
