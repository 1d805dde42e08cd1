"""The server side of offline phone forms (see docs/offline.md and web/static/web/offline.js).

A phone form that must work without a connection is ``<form data-offline="<kind>">`` with a
hidden ``client_uuid``. When the phone was offline, offline.js keeps the submission in its
outbox and later re-POSTs the same fields (multipart, fresh CSRF token) to the same URL with
``Accept: application/json``. The form view then answers JSON instead of a redirect or a page:

- ``201 {"id": <pk>, "created": true, "url": ...}``: the record was created;
- ``200 {"id": <pk>, "created": false, "url": ...}``: the same ``client_uuid`` was sent before,
  this is the first record (the create service is idempotent by ``client_uuid``);
- ``400 {"errors": {field: [message, ...]}}``: translated messages, ``"__all__"`` for errors
  of the whole form; the phone shows them as a conflict to edit or discard.

Every app's phone form view uses :func:`handle_post` so they all answer the same way::

    if request.method == "POST":
        form = HazardReportForm(request.POST, request.FILES, user=request.user)
        answer = offline.handle_post(
            request,
            form,
            save=lambda form: services.report_hazard(user=request.user, data=form.service_data()),
            success=lambda hazard, created: redirect("safety:hazard-detail", pk=hazard.pk),
            aliases={"chainage_m": "chainage"},
        )
        if answer is not None:
            return answer
    ...render the form (with its errors)...
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _

from zhiyang.core.access import restrict
from zhiyang.core.actors import Actor
from zhiyang.core.forms import add_service_errors

# The header offline.js sends with every re-post (besides Accept), so a view or a log can tell
# a replay from the outbox from a live submission.
REPLAY_HEADER = "X-Zhiyang-Offline"


def previous_submission(model: Any, actor: Actor, client_uuid: Any) -> Any:
    """The record an earlier post with ``client_uuid`` created, or None.

    This is what makes the create services idempotent for retries from the phone's outbox.
    A malformed id, or one already used by a record the user may not see (someone else's),
    is a ValidationError on ``client_uuid``; the other record is never revealed.
    """
    try:
        key = uuid.UUID(str(client_uuid))
    except ValueError as exc:
        raise ValidationError({"client_uuid": _("Not a valid client id.")}) from exc
    existing = model.objects.filter(client_uuid=key).first()
    if existing is None:
        return None
    if not restrict(model.objects.filter(pk=existing.pk), actor).exists():
        raise ValidationError({"client_uuid": _("This client id is already used.")})
    return existing


def new_client_uuid() -> uuid.UUID:
    """The client id a phone form carries from the moment it is drawn."""
    return uuid.uuid4()


def wants_json(request: HttpRequest) -> bool:
    """True if the client asked for a JSON answer (offline.js always does)."""
    accept = request.headers.get("Accept", "")
    return "application/json" in accept


def is_replay(request: HttpRequest) -> bool:
    """True for a submission re-posted from the phone's outbox."""
    return bool(request.headers.get(REPLAY_HEADER))


def error_dict(form: Any) -> dict[str, list[str]]:
    """The form's errors as ``{field: [translated message, ...]}`` (``"__all__"`` for the form)."""
    return {
        field: [str(message) for message in messages] for field, messages in form.errors.items()
    }


def errors_response(errors: Any, status: int = 400) -> JsonResponse:
    """``400 {"errors": {...}}`` from a bound form, a ValidationError or a plain mapping."""
    if isinstance(errors, ValidationError):
        if hasattr(errors, "error_dict"):
            body = {
                field: [str(m) for e in errs for m in e.messages]
                for field, errs in errors.error_dict.items()
            }
        else:
            body = {"__all__": [str(m) for m in errors.messages]}
    elif isinstance(errors, Mapping):
        body = {
            str(k): [str(m) for m in (v if isinstance(v, list | tuple) else [v])]
            for k, v in errors.items()
        }
    else:
        body = error_dict(errors)
    return JsonResponse({"errors": body}, status=status)


def saved_response(obj: Any, *, created: bool, url: str | None = None) -> JsonResponse:
    """``201 {"id", "created": true, "url"}`` for a new record, ``200`` with ``false`` for a
    repeat; ``url`` (the page to show next) defaults to the record's ``get_absolute_url``."""
    body: dict[str, Any] = {"id": obj.pk, "created": bool(created)}
    if url is None:
        get_url = getattr(obj, "get_absolute_url", None)
        if callable(get_url):
            with contextlib.suppress(NoReverseMatch):  # a URL is a nicety, never a failure
                url = get_url()
    if url:
        body["url"] = url
    return JsonResponse(body, status=201 if created else 200)


def _answer(request: HttpRequest, obj: Any, created: bool, success: Callable[..., Any]) -> Any:
    """The page's own answer; for a JSON client the same (its flash messages are kept for the
    next page the phone opens) turned into JSON, the redirect's target as ``url``."""
    response = success(obj, created)
    if not wants_json(request):
        return response
    url = response.get("Location") if response.status_code in (301, 302, 303, 307, 308) else None
    return saved_response(obj, created=created, url=url)


def handle_post(
    request: HttpRequest,
    form: Any,
    *,
    save: Callable[[Any], tuple[Any, bool]],
    success: Callable[[Any, bool], HttpResponse],
    aliases: dict[str, str] | None = None,
    existing: Callable[[Any], Any] | None = None,
) -> HttpResponse | None:
    """Run the POST of a phone form that may come from the offline outbox.

    ``save(form)`` is called with the valid form and returns ``(obj, created)``; it may raise
    ``ValidationError`` (shown on the form through ``add_service_errors`` with ``aliases``).
    ``success(obj, created)`` gives the page's usual answer (a redirect) to a browser post.
    ``existing(client_uuid)`` (optional) returns the record an earlier post with this client
    id created, or None: a repeat is then answered before validating the form again (an
    entry sent twice must not turn into a conflict because, say, a zone closed meanwhile).
    It must only find records the user may see.

    Returns the response, or None when the form has errors and the caller should render the
    page again (only for a browser post; a JSON client gets 400 with the errors).
    """
    json_client = wants_json(request)
    if existing is not None:
        client_uuid = (request.POST.get("client_uuid") or "").strip()
        if client_uuid:
            try:
                previous = existing(client_uuid)
            except ValidationError as exc:
                if json_client:
                    return errors_response(exc)
                form.is_valid()  # clean the form first: add_error needs cleaned data
                add_service_errors(form, exc, aliases)
                return None
            if previous is not None:
                return _answer(request, previous, False, success)
    if form.is_valid():
        try:
            obj, created = save(form)
        except ValidationError as exc:
            add_service_errors(form, exc, aliases)
        else:
            return _answer(request, obj, created, success)
    if json_client:
        return errors_response(form)
    return None
