"""Standards pages: the list of standards and one standard with every value, its source and
confirmed flag, and the overrides applied for an organisation (administrators add and
deactivate overrides there)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhiyang.core import actors
from zhiyang.core.access import access_object, restrict, scope_of
from zhiyang.core.actors import user_of
from zhiyang.core.forms import add_service_errors
from zhiyang.core.models import Organisation
from zhiyang.standards import registry, services
from zhiyang.standards.forms import OverrideForm
from zhiyang.standards.models import ParameterOverride
from zhiyang.standards.provenance import shown_standard

RESOURCE = "standards.parameteroverride"


def _require(request: HttpRequest, action: str) -> None:
    if not actors.may(request.user, RESOURCE, action):  # type: ignore[union-attr]
        raise PermissionDenied


def _organisations(user: Any) -> QuerySet[Organisation]:
    """Organisations whose values the user may look at (and, as admin, override)."""
    if scope_of(user).everything:
        return Organisation.objects.order_by("name")
    return Organisation.objects.filter(pk=user.organisation_id)


def _viewed_organisation(request: HttpRequest) -> Organisation | None:
    """The organisation whose values are shown: the user's own; whole-network users choose
    with ``?organisation=<id>`` (empty: only the overrides for every organisation)."""
    own: Organisation | None = getattr(request.user, "organisation", None)
    wanted = request.GET.get("organisation")
    if wanted is None or not scope_of(request.user).everything:
        return own
    if wanted.isdigit() and len(wanted) < 19:
        return Organisation.objects.filter(pk=int(wanted)).first()
    return None


@require_GET
def standard_list(request: HttpRequest) -> HttpResponse:
    """Every standard with its version, unconfirmed values and active overrides."""
    _require(request, "view")
    organisation = getattr(request.user, "organisation", None)
    rows = []
    for standard in registry.standards():
        document = registry.read_document(standard.file)
        rows.append(
            {
                "standard": standard,
                "document": document,
                "overrides": services.active_overrides(standard.code, organisation)
                if standard.overridable
                else [],
            }
        )
    return render(request, "standards/list.html", {"rows": rows, "organisation": organisation})


@require_http_methods(["GET", "POST"])
def standard_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One standard's values with provenance; POST (administrators): a new override."""
    _require(request, "view")
    standard = registry.get(code)
    if standard is None:
        raise Http404
    user: Any = request.user
    organisation = _viewed_organisation(request)
    can_edit = standard.overridable and actors.may(user, RESOURCE, "add")
    whole_network = scope_of(user).everything
    form = None
    if can_edit:
        choices = _organisations(user)
        if request.method == "POST":
            form = OverrideForm(request.POST, organisations=choices)
            if form.is_valid():
                try:
                    services.create_override(
                        actor=user,
                        standard=standard.code,
                        organisation=form.cleaned_data["organisation"],
                        overrides=form.cleaned_data["overrides"],
                        reason=form.cleaned_data["reason"],
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("The override was saved."))
                    return redirect(request.get_full_path())
        else:
            form = OverrideForm(
                initial={"organisation": organisation},
                organisations=choices,
            )
    elif request.method == "POST":
        raise PermissionDenied
    broken = ""
    if standard.overridable:
        try:
            standard.load(services.overrides_for(standard.code, organisation))
        except registry.OverrideError as exc:
            broken = str(exc)
    history = restrict(
        ParameterOverride.objects.filter(standard=standard.code), user, "view"
    ).select_related("organisation", "created_by")
    context = {
        "shown": shown_standard(standard, organisation),
        "standard": standard,
        "organisation": organisation,
        "organisations": _organisations(user) if whole_network else None,
        "history": history,
        "broken": broken,
        "form": form,
        "can_edit": can_edit,
        "can_change": actors.may(user, RESOURCE, "change"),
    }
    return render(request, "standards/detail.html", context)


@require_POST
def override_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop applying an override (kept as history)."""
    _require(request, "change")
    if pk >= 2**63:
        raise Http404
    row = access_object(ParameterOverride.objects.all(), request.user, "change", pk=pk)
    try:
        services.deactivate_override(actor=user_of(request), obj=row)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The override was deactivated."))
    return redirect("standards:detail", code=row.standard)
