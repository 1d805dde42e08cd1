"""People pages written by hand: the phone check-in, attendance by day, the worker list and
detail (certificate alerts per row), adding records on the detail page, protected files and
crews (members nested per row)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from zhiyang.core import actors, offline
from zhiyang.core import services as core_services
from zhiyang.core.access import access_object, require, restrict
from zhiyang.core.actors import user_of
from zhiyang.core.forms import add_service_errors
from zhiyang.core.pagination import page_of
from zhiyang.people import identity, services
from zhiyang.people.choices import CertificateType
from zhiyang.people.filters import CheckInFilter, CrewFilter, WorkerFilter
from zhiyang.people.forms import (
    CertificateForm,
    CheckInForm,
    TrainingForm,
    service_values,
)
from zhiyang.people.models import Briefing, Certificate, CheckIn, Crew, Worker


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # NaN


# --------------------------------------------------------------------------------------------
# Check-in


@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest) -> HttpResponse:
    """The phone page: position from the browser, nearest active work zones, one button."""
    require(request, "people.checkin", "add")
    user = user_of(request)
    if request.method == "POST":
        form = CheckInForm(request.POST, user=user)

        def save(form: CheckInForm) -> tuple[CheckIn, bool]:
            data = form.cleaned_data
            result = services.check_in(
                actor=user,
                worker=data["worker"],
                work_zone=data["work_zone"],
                lon=data["lon"],
                lat=data["lat"],
                accuracy_m=data.get("accuracy_m"),
                client_uuid=data.get("client_uuid"),
            )
            return result.checkin, result.created

        def checked_in(record: CheckIn, _created: bool) -> HttpResponse:
            values = {"worker": record.worker.name, "zone": record.work_zone}
            if record.inside_geofence:
                messages.success(request, _("%(worker)s checked in at %(zone)s.") % values)
            else:
                values["distance"] = f"{record.distance_m:.0f}"
                messages.warning(
                    request,
                    _(
                        "%(worker)s checked in at %(zone)s, but %(distance)s m outside "
                        "the work zone: the check-in is flagged."
                    )
                    % values,
                )
            return redirect("people:checkin")

        # A phone re-posting from its offline outbox gets JSON (core.offline).
        answer = offline.handle_post(request, form, save=save, success=checked_in)
        if answer is not None:
            return answer
    else:
        form = CheckInForm(user=user)
    today = timezone.localdate()
    own = Worker.objects.filter(user=user).first() if user.is_authenticated else None
    todays = restrict(
        CheckIn.objects.filter(date=today, recorded_by=user.pk).select_related(
            "worker", "work_zone"
        ),
        user,
        "view",
    )
    context = {
        "form": form,
        "own_worker": own,
        "todays": todays,
        "has_workers": form.fields["worker"].queryset.exists(),  # type: ignore[attr-defined]
        "has_zones": form.fields["work_zone"].queryset.exists(),  # type: ignore[attr-defined]
    }
    return render(request, "people/checkin.html", context)


@require_GET
def checkin_zones(request: HttpRequest) -> JsonResponse:
    """Active zones the user may check in at, nearest first, for the check-in page."""
    require(request, "people.checkin", "add")
    lon, lat = _float(request.GET.get("lon")), _float(request.GET.get("lat"))
    if (lon is not None and not -180 <= lon <= 180) or (lat is not None and not -90 <= lat <= 90):
        lon = lat = None
    zones = services.zones_by_distance(services.checkin_zones(request.user), lon, lat)
    return JsonResponse(
        {
            "zones": [
                {
                    "id": zone.pk,
                    "name": str(zone),
                    "distance_m": None if distance is None else round(distance, 1),
                    "inside": distance is not None and distance <= 0,
                }
                for zone, distance in zones
            ]
        }
    )


@require_GET
def checkin_list(request: HttpRequest) -> HttpResponse:
    """Attendance of one day (today by default), flagged check-ins outside the geofence."""
    require(request, "people.checkin", "view")
    params = request.GET.copy()
    day = parse_date(params.get("date") or "") if params.get("date") else None
    if day is None:
        day = timezone.localdate()
        params["date"] = day.isoformat()
    rows = restrict(
        CheckIn.objects.select_related("worker", "work_zone", "recorded_by"), request.user, "view"
    )
    filterset = CheckInFilter(params, queryset=rows, request=request)
    if not actors.may(request.user, "people.worker", "view"):  # type: ignore[union-attr]
        filterset.form.fields.pop("worker", None)  # nobody to choose from
    queryset = filterset.qs.order_by("work_zone_id", "checked_in_at")
    page = page_of(request, queryset, per_page=50)
    totals = {
        "all": queryset.count(),
        "outside": queryset.filter(inside_geofence=False).count(),
    }
    context = {
        "filter": filterset,
        "page_obj": page,
        "rows": page.object_list,
        "day": day,
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        "totals": totals,
    }
    return render(request, "people/checkin_list.html", context)


# --------------------------------------------------------------------------------------------
# Workers


def _worker_rows(user: Any, workers: list[Worker], today: dt.date) -> list[dict[str, Any]]:
    rows = []
    for worker in workers:
        certs = list(worker.certificates.all())
        alerts = [
            services.Alert(c, level, c.days_left(today))
            for c in certs
            if (level := services.alert_level(c, today)) is not None
        ]
        rows.append(
            {
                "worker": worker,
                "id_number": identity.display_id_number(user, worker),
                "missing": [
                    CertificateType(t).label for t in services.missing_certificates(worker, today)
                ],
                "alerts": sorted(alerts, key=lambda a: a.days_left),
                "induction": services.induction_status(worker.training.all()),
            }
        )
    return rows


@require_GET
def worker_list(request: HttpRequest) -> HttpResponse:
    """Workers with certificate alerts (30/7 days, expired), missing certificates of their
    trade, and whether their 三级安全教育 is complete."""
    require(request, "people.worker", "view")
    today = timezone.localdate()
    workers = restrict(Worker.objects.all(), request.user, "view")
    filterset = WorkerFilter(request.GET, queryset=workers, request=request)
    queryset = filterset.qs.select_related("organisation").prefetch_related(
        "certificates", "training"
    )
    page = page_of(request, queryset.order_by("name", "pk"))
    alerts = services.certificate_alerts(
        restrict(Certificate.objects.all(), request.user, "view"), today=today
    )
    context = {
        "filter": filterset,
        "page_obj": page,
        "rows": _worker_rows(request.user, list(page.object_list), today),
        "alerts": alerts,
        "alert_count": len(alerts),
        "expired_count": sum(1 for a in alerts if a.level == "expired"),
        "today": today,
        "can_add": actors.may(request.user, "people.worker", "add"),  # type: ignore[union-attr]
    }
    return render(request, "people/worker_list.html", context)


@require_GET
def worker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    worker = access_object(
        Worker.objects.select_related("organisation", "user").prefetch_related(
            "certificates", "training", "crews"
        ),
        request.user,
        "view",
        pk=pk,
    )
    today = timezone.localdate()
    row = _worker_rows(request.user, [worker], today)[0]
    certificates = [
        {"certificate": c, "alert": services.alert_level(c, today), "days_left": c.days_left(today)}
        for c in worker.certificates.all()
    ]
    checkins = restrict(
        CheckIn.objects.filter(worker=worker).select_related("work_zone"), request.user, "view"
    )[:10]
    context = {
        "worker": worker,
        "row": row,
        "certificates": certificates,
        "training": worker.training.all(),
        "crews": worker.crews.all(),
        "checkins": checkins,
        "identity_visible": identity.may_see_identity(request.user),
        "can_edit": actors.may(request.user, "people.worker", "change"),  # type: ignore[union-attr]
        "certificate_form": CertificateForm()
        if actors.may(request.user, "people.certificate", "add")
        else None,
        "training_form": TrainingForm()
        if actors.may(request.user, "people.trainingrecord", "add")
        else None,
    }
    return render(request, "people/worker_detail.html", context)


@require_http_methods(["POST"])
def worker_add_record(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Add a certificate or a training record to a worker (forms on the detail page)."""
    model_form: Any = {"certificate": CertificateForm, "training": TrainingForm}.get(kind)
    if model_form is None:
        raise Http404
    resource = "people.certificate" if kind == "certificate" else "people.trainingrecord"
    require(request, resource, "add")
    worker = access_object(Worker.objects.all(), request.user, "view", pk=pk)
    form = model_form(request.POST, request.FILES)
    if form.is_valid():
        data = {**service_values(form), "worker": worker}
        try:
            core_services.create_object(actor=user_of(request), model=form._meta.model, data=data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("people:worker-detail", pk=worker.pk)
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
    return redirect("people:worker-detail", pk=worker.pk)


# Uploaded files are personal data: served only through the scope, never from /media/.
_FILES: dict[str, tuple[type[Any], str]] = {
    "worker-photo": (Worker, "photo"),
    "certificate-scan": (Certificate, "scan"),
    "briefing-photo": (Briefing, "photo"),
}


@require_GET
def protected_file(request: HttpRequest, kind: str, pk: int) -> FileResponse:
    """A worker's photo, a certificate scan or a briefing photo, for users who may view it."""
    if kind not in _FILES:
        raise Http404
    model, field = _FILES[kind]
    obj = access_object(model._default_manager.all(), request.user, "view", pk=pk)
    stored = getattr(obj, field)
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, filename=stored.name.rsplit("/", 1)[-1])
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --------------------------------------------------------------------------------------------
# Crews and briefings


@require_GET
def crew_list(request: HttpRequest) -> HttpResponse:
    require(request, "people.crew", "view")
    today = timezone.localdate()
    crews = restrict(Crew.objects.all(), request.user, "view")
    filterset = CrewFilter(request.GET, queryset=crews, request=request)
    members = Worker.objects.prefetch_related("certificates").order_by("name")
    queryset = filterset.qs.select_related("leader").prefetch_related(
        Prefetch("members", queryset=members)
    )
    page = page_of(request, queryset.order_by("name", "pk"))
    rows = []
    for crew in page.object_list:
        people = [
            {
                "worker": m,
                "missing": [
                    CertificateType(t).label for t in services.missing_certificates(m, today)
                ],
            }
            for m in crew.members.all()
        ]
        rows.append(
            {"crew": crew, "members": people, "flagged": sum(1 for p in people if p["missing"])}
        )
    return render(
        request, "people/crew_list.html", {"filter": filterset, "page_obj": page, "rows": rows}
    )
