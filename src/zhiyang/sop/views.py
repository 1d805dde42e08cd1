"""Pages of the work instructions: list, detail (printable), publishing a new version, the
phone checklist run on a work order (offline-capable), run detail with sign-off, NCRs."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhiyang.core import offline
from zhiyang.core.access import access_object, may, require, restrict
from zhiyang.core.actors import user_of
from zhiyang.core.forms import add_service_errors
from zhiyang.core.pagination import page_of
from zhiyang.sop import content as sop_content
from zhiyang.sop import services
from zhiyang.sop.choices import NcrStatus, VersionStatus
from zhiyang.sop.filters import NcrFilter, RunFilter
from zhiyang.sop.forms import (
    NcrStepForm,
    PublishForm,
    RaiseNcrForm,
    SignOffForm,
    checklist_sections,
    context_fields,
    context_rows,
    role_label,
)
from zhiyang.sop.models import (
    ChecklistRun,
    InstructionVersion,
    NonConformance,
    SignOff,
    StepResult,
    WorkInstruction,
)
from zhiyang.works.choices import WorkOrderStatus
from zhiyang.works.models import WorkOrder


def _lang() -> str:
    return get_language() or "en"


# =========================================================================== instructions


@require_GET
def instruction_list(request: HttpRequest) -> HttpResponse:
    require(request, "sop.workinstruction")
    versions = restrict(
        InstructionVersion.objects.select_related("instruction").filter(
            status=VersionStatus.PUBLISHED
        ),
        request.user,
    ).order_by("instruction__code")
    lang = _lang()
    rows = [
        {
            "code": v.instruction.code,
            "name": sop_content.text_in(v.content.get("name"), lang),
            "purpose": sop_content.text_in(v.content.get("purpose"), lang),
            "version": v.version,
            **sop_content.summary(v.content),
        }
        for v in versions
    ]
    return render(request, "sop/instruction_list.html", {"rows": rows})


@require_GET
def instruction_detail(request: HttpRequest, code: str) -> HttpResponse:
    require(request, "sop.workinstruction")
    instruction = access_object(WorkInstruction.objects.all(), request.user, code=code)
    versions = list(
        restrict(instruction.versions.select_related("published_by"), request.user).order_by(
            "-version"
        )
    )
    wanted = request.GET.get("version")
    version = next((v for v in versions if str(v.version) == wanted), None) or next(
        (v for v in versions if v.status == VersionStatus.PUBLISHED),
        versions[0] if versions else None,
    )
    if version is None:
        raise PermissionDenied
    lang = _lang()
    c = version.content
    t = sop_content.text_in
    steps = []
    for n, s in enumerate(c.get("steps", []), 1):
        steps.append(
            {
                "number": n,
                "code": s["code"],
                "text": t(s["text"], lang),
                "hold_point": s.get("hold_point"),
                "sign_off_role": role_label(s.get("sign_off_role", "")),
                "measurements": [
                    {
                        "label": t(m["label"], lang),
                        "spec": m.get("spec", ""),
                        "range": ""
                        if m.get("spec")
                        else f"{m.get('min'):g}–{m.get('max'):g} {m.get('unit', '')}",
                        "source": m.get("source", ""),
                    }
                    for m in s.get("measurements", [])
                ],
                "photos": [
                    {"label": t(p["label"], lang), "required": p["required"]}
                    for p in s.get("photos", [])
                ],
            }
        )
    context = {
        "instruction": instruction,
        "version": version,
        "versions": versions,
        "name": t(c.get("name"), lang),
        "purpose": t(c.get("purpose"), lang),
        "scope": t(c.get("scope"), lang),
        "lists": [
            (gettext_lazy("Prerequisites"), [t(x, lang) for x in c.get("prerequisites", [])]),
            (gettext_lazy("Materials"), [t(x, lang) for x in c.get("materials", [])]),
            (gettext_lazy("Equipment"), [t(x, lang) for x in c.get("equipment", [])]),
        ],
        "safety": [t(x, lang) for x in c.get("safety", [])],
        "references": c.get("references", []),
        "steps": steps,
        "can_publish": may(request.user, InstructionVersion, "add"),
    }
    return render(request, "sop/instruction_detail.html", context)


@require_http_methods(["GET", "POST"])
def instruction_publish(request: HttpRequest, code: str) -> HttpResponse:
    require(request, "sop.instructionversion", "add")
    instruction = access_object(WorkInstruction.objects.all(), request.user, code=code)
    current = instruction.published()
    if request.method == "POST":
        form = PublishForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                version = services.publish_version(
                    actor=user_of(request),
                    instruction=instruction,
                    content=form.cleaned_data["data"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Version %(version)d published.") % {"version": version.version},
                )
                return redirect("sop:instruction-detail", code=instruction.code)
    else:
        text = json.dumps(current.content if current else {}, ensure_ascii=False, indent=2)
        form = PublishForm(initial={"content": text})
    return render(
        request,
        "sop/instruction_publish.html",
        {"form": form, "instruction": instruction, "current": current},
    )


# =========================================================================== runs


def _work_order(request: HttpRequest, pk: int) -> WorkOrder:
    return access_object(
        WorkOrder.objects.select_related("project", "project__route"), request.user, pk=pk
    )


@require_GET
def run_start_list(request: HttpRequest) -> HttpResponse:
    """Open work orders the user may run a checklist on (the phone's starting point)."""
    require(request, "sop.checklistrun", "add")
    orders = (
        restrict(WorkOrder.objects.select_related("project", "project__route"), request.user)
        .exclude(status=WorkOrderStatus.CLOSED)
        .order_by("planned_start", "project__code", "sequence", "id")
    )
    page = page_of(request, orders)
    return render(request, "sop/run_start_list.html", {"page_obj": page})


def _run_page(
    request: HttpRequest,
    work_order: WorkOrder,
    version: InstructionVersion,
    *,
    posted: Any = None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    errors = errors or {}
    lang = _lang()
    if posted is not None:
        ctx_values = {k: posted.get(f"ctx-{k}", "") for k in version.content.get("context", [])}
    else:
        ctx_values = services.default_context(version=version, work_order=work_order)
    try:
        ranges = services.measurement_specs(
            version=version,
            context=ctx_values,
            organisation_id=work_order.project.organisation_id,
        )
    except ValidationError as exc:
        ranges = {}
        errors.setdefault("__all__", []).extend(exc.messages)
    data = posted if posted is not None else {}
    context = {
        "work_order": work_order,
        "version": version,
        "name": sop_content.text_in(version.content.get("name"), lang),
        "context_fields": context_fields(version, ctx_values, errors),
        "sections": checklist_sections(
            version=version, ranges=ranges, language=lang, posted=data, errors=errors
        ),
        "errors": errors,
        "form_errors": errors.get("__all__", []),
        "other_errors": {
            k: v for k, v in errors.items() if k in ("version", "client_uuid", "lon", "lat") and v
        },
        "client_uuid": (data.get("client_uuid") if data else "") or uuid.uuid4(),
        "lon": data.get("lon", "") if data else "",
        "lat": data.get("lat", "") if data else "",
        "note": data.get("note", "") if data else "",
        "ranges_url": reverse("sop:run-ranges", args=[work_order.pk]),
        "locate_url": reverse("network:locate"),
    }
    return render(request, "sop/run_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def run_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The phone checklist for a work order: one form, every step; works offline (the
    outbox re-posts it with Accept: application/json; a repeat client_uuid answers the first
    run)."""
    require(request, "sop.checklistrun", "add")
    work_order = _work_order(request, pk)
    json_client = offline.wants_json(request)
    if request.method == "POST":
        try:
            version = services.version_for(
                work_order=work_order, version_id=request.POST.get("version")
            )
            submission = services.parse_submission(
                version=version, post=request.POST, files=request.FILES
            )
            run, created = services.submit_run(
                actor=user_of(request), work_order=work_order, submission=submission
            )
        except ValidationError as exc:
            if json_client:
                return offline.errors_response(exc)
            errors = _error_map(exc)
            published = services.published_version(work_order.process)
            shown = _version_or(request.POST.get("version"), work_order, published)
            if shown is None:
                raise
            return _run_page(request, work_order, shown, posted=request.POST, errors=errors)
        if created:
            messages.success(request, _("Checklist recorded."))
        if json_client:
            return offline.saved_response(run, created=created, url=run.get_absolute_url())
        return redirect("sop:run-detail", pk=run.pk)
    if work_order.status == WorkOrderStatus.CLOSED:
        messages.warning(request, _("The work order is closed."))
    published = services.published_version(work_order.process)
    if published is None:
        messages.error(request, _("No published work instruction for this process."))
        return redirect("sop:instruction-list")
    return _run_page(request, work_order, published)


def _version_or(
    version_id: Any, work_order: WorkOrder, fallback: InstructionVersion | None
) -> InstructionVersion | None:
    try:
        return services.version_for(work_order=work_order, version_id=version_id)
    except ValidationError:
        return fallback


def _error_map(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            field: [str(m) for e in errs for m in e.messages]
            for field, errs in exc.error_dict.items()
        }
    return {"__all__": [str(m) for m in exc.messages]}


@require_GET
def run_ranges(request: HttpRequest, pk: int) -> JsonResponse:
    """The acceptance ranges for the context in the query (``ctx-<key>``), for the page's
    instant check when the context changes."""
    require(request, "sop.checklistrun", "add")
    work_order = _work_order(request, pk)
    try:
        version = services.version_for(work_order=work_order, version_id=request.GET.get("version"))
        context = {k: request.GET.get(f"ctx-{k}", "") for k in version.content.get("context", [])}
        ranges = services.measurement_specs(
            version=version, context=context, organisation_id=work_order.project.organisation_id
        )
    except ValidationError as exc:
        return offline.errors_response(exc)
    return JsonResponse(
        {
            f"step-{step}-m-{m.code}": m.to_dict() | {"label": ""}
            for step, rows in ranges.items()
            for m in rows
        }
    )


@require_GET
def run_list(request: HttpRequest) -> HttpResponse:
    require(request, "sop.checklistrun")
    base = restrict(
        ChecklistRun.objects.select_related(
            "version__instruction", "work_order__project", "started_by"
        ),
        request.user,
    )
    flt = RunFilter(request.GET or None, queryset=base, request=request)
    page = page_of(request, flt.qs.order_by("-submitted_at", "-id"))
    lang = _lang()
    rows = [
        {"run": r, "name": sop_content.text_in(r.version.content.get("name"), lang)}
        for r in page.object_list
    ]
    return render(request, "sop/run_list.html", {"filter": flt, "page_obj": page, "rows": rows})


def _run(request: HttpRequest, pk: int) -> ChecklistRun:
    return access_object(
        ChecklistRun.objects.select_related(
            "version__instruction", "work_order__project", "started_by"
        ),
        request.user,
        pk=pk,
    )


@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A run's results, photos, the sign-offs (with buttons for the user's role) and NCRs."""
    require(request, "sop.checklistrun")
    run = _run(request, pk)
    lang = _lang()
    results = {r.step_code: r for r in run.results.prefetch_related("photos")}
    signed = {s.step_code: s for s in run.sign_offs.select_related("user")}
    ncrs: dict[str, list[NonConformance]] = {}
    for ncr in run.ncrs.order_by("raised_at", "id"):
        ncrs.setdefault(ncr.step_code, []).append(ncr)
    needed = dict(services.required_sign_offs(run))
    role = services.role_of(request.user)
    can_sign = may(request.user, SignOff, "add")
    can_raise = may(request.user, NonConformance, "add")
    steps = []
    for n, step in enumerate(run.version.steps, 1):
        result = results.get(step["code"])
        code = step["code"]
        open_ncr = any(x.status != NcrStatus.APPROVED for x in ncrs.get(code, []))
        steps.append(
            {
                "number": n,
                "code": code,
                "text": sop_content.text_in(step["text"], lang),
                "hold_point": step.get("hold_point"),
                "result": result,
                "values": [
                    {
                        "label": sop_content.text_in(m["label"], lang),
                        **(result.values.get(m["code"], {}) if result else {}),
                    }
                    for m in step.get("measurements", [])
                ],
                "sign_off_role": role_label(needed.get(code, "")),
                "signed": signed.get(code),
                "may_sign": can_sign
                and code in needed
                and code not in signed
                and role in (needed[code], "admin"),
                "ncrs": ncrs.get(code, []),
                "may_raise": can_raise
                and result is not None
                and not result.passed
                and not open_ncr,
            }
        )
    run_role = needed.get("", "")
    return render(
        request,
        "sop/run_detail.html",
        {
            "run": run,
            "name": sop_content.text_in(run.version.content.get("name"), lang),
            "steps": steps,
            "run_sign_off_role": role_label(run_role),
            "context_rows": context_rows(run.context),
            "run_signed": signed.get(""),
            "may_sign_run": can_sign and "" not in signed and role in (run_role, "admin"),
            "blockers": _blockers(run),
        },
    )


def _blockers(run: ChecklistRun) -> list[str]:
    from zhiyang.sop.guards import failed_hold_points

    return failed_hold_points(run.work_order)


@require_POST
def run_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "sop.signoff", "add")
    run = _run(request, pk)
    form = SignOffForm(request.POST)
    if form.is_valid():
        try:
            services.sign_off(
                actor=user_of(request),
                run=run,
                step_code=form.cleaned_data["step_code"] or "",
                note=form.cleaned_data["note"] or "",
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Signed off."))
    return redirect("sop:run-detail", pk=run.pk)


@require_POST
def ncr_raise(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "sop.nonconformance", "add")
    run = _run(request, pk)
    form = RaiseNcrForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect("sop:run-detail", pk=run.pk)
    result = access_object(
        StepResult.objects.all(), request.user, run=run, step_code=form.cleaned_data["step_code"]
    )
    try:
        ncr = services.raise_ncr(
            actor=user_of(request), result=result, description=form.cleaned_data["description"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("sop:run-detail", pk=run.pk)
    messages.success(request, _("Non-conformance report raised."))
    return redirect("sop:ncr-detail", pk=ncr.pk)


# =========================================================================== NCRs


@require_GET
def ncr_list(request: HttpRequest) -> HttpResponse:
    require(request, "sop.nonconformance")
    base = restrict(
        NonConformance.objects.select_related(
            "run__version__instruction", "run__work_order__project", "raised_by"
        ),
        request.user,
    )
    flt = NcrFilter(request.GET or None, queryset=base, request=request)
    page = page_of(request, flt.qs.order_by("-raised_at", "-id"))
    return render(request, "sop/ncr_list.html", {"filter": flt, "page_obj": page})


NCR_ACTIONS = {
    "rectify": (gettext_lazy("Report as rectified"), gettext_lazy("Corrective action")),
    "approve": (gettext_lazy("Approve the rectification"), gettext_lazy("Review note")),
    "reject": (gettext_lazy("Reject the rectification"), gettext_lazy("Why it is rejected")),
}


@require_http_methods(["GET", "POST"])
def ncr_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An NCR with its rectify / approve / reject forms for whoever may take them."""
    require(request, "sop.nonconformance")
    ncr = access_object(
        NonConformance.objects.select_related(
            "run__version__instruction",
            "run__work_order__project",
            "raised_by",
            "rectified_by",
            "approved_by",
        ),
        request.user,
        pk=pk,
    )
    error = ""
    if request.method == "POST":
        require(request, "sop.nonconformance", "change")
        form = NcrStepForm(request.POST)
        if form.is_valid():
            action, text = form.cleaned_data["action"], form.cleaned_data["text"] or ""
            try:
                if action == "rectify":
                    services.rectify_ncr(actor=user_of(request), ncr=ncr, corrective_action=text)
                elif action == "approve":
                    services.approve_ncr(actor=user_of(request), ncr=ncr, note=text)
                else:
                    services.reject_ncr(actor=user_of(request), ncr=ncr, note=text)
            except (ValidationError, PermissionDenied) as exc:
                error = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("sop:ncr-detail", pk=ncr.pk)
        else:
            error = _("Check the form.")
    may_change = may(request.user, NonConformance, "change")
    reviewer = services.role_of(request.user) in services.NCR_REVIEWERS
    actions = []
    if may_change and ncr.status in (NcrStatus.RAISED, NcrStatus.REJECTED):
        actions.append("rectify")
    if may_change and reviewer and ncr.status == NcrStatus.RECTIFIED:
        actions += ["approve", "reject"]
    step = ncr.run.version.step(ncr.step_code) or {}
    return render(
        request,
        "sop/ncr_detail.html",
        {
            "ncr": ncr,
            "step_text": sop_content.text_in(step.get("text"), _lang()),
            "hold_point": step.get("hold_point"),
            "actions": [
                {"action": a, "label": NCR_ACTIONS[a][0], "text_label": NCR_ACTIONS[a][1]}
                for a in actions
            ],
            "error": error,
        },
    )
