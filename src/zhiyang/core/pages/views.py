"""Generic scoped pages: list, detail, create/edit, delete, declared per model.

The page twin of ``core/api/viewsets.py``. Rows come only through ``core.access``; lists
filter with the app's FilterSet (the same class the API uses) and draw a declarative
``Table`` (sortable, paginated, exported to Excel with ``?export=xlsx``); writes go through
``service_create`` / ``service_update`` / ``service_delete`` hooks that default to the
generic audited services (``core.services``) and are overridden with the app's own
services, exactly like the viewsets; every form is drawn by one field template.

Checks run in one order on every object page: authentication (middleware) → scope (an
object outside the user's scope, or missing, is 404) → permission (the role may not do
the action at all: 403) → state and validation (the service: errors on the form).

A page is a declaration::

    class IncidentList(ObjectListView):
        model = Incident
        table_class = IncidentTable
        filterset_class = IncidentFilter
        title = _("Incidents")
        tabs, tab = "safety", "incidents"
        actions = (Link(_("Record incident"), "safety:incident-create", "safety.incident", "add"),)

See docs/adding-a-model.md.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models.deletion import ProtectedError, RestrictedError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from zhiyang.core import actors, offline, services
from zhiyang.core.access import access_object, restrict
from zhiyang.core.forms import add_service_errors
from zhiyang.core.models import User
from zhiyang.core.pages.links import Link, bind_all, tabs_named
from zhiyang.core.pages.tables import Table
from zhiyang.core.roles import resource_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_PARAM = "export"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """An Excel download (every export of the platform answers through this)."""
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class PageView(View):
    """What every frame page shares: the model, its resource in the permission matrix, the
    rows the user may see, the page chrome (title, tabs, app stylesheet)."""

    model: ClassVar[type[models.Model]]
    #: The permission matrix resource (default: the model's ``app.model``).
    resource: ClassVar[str | None] = None
    #: The action this page needs ("view", "add", "change", "delete").
    action: ClassVar[str] = "view"
    template_name: ClassVar[str] = ""
    title: ClassVar[Any] = ""
    #: A line under the title (what the page is for, what happens on save).
    intro: ClassVar[Any] = ""
    #: Registered ``Tabs`` name and the current tab's key.
    tabs: ClassVar[str | None] = None
    tab: ClassVar[str] = ""
    #: ``body_class`` for the page's CSS scope, and the app's stylesheet include.
    body_class: ClassVar[str] = ""
    head_template: ClassVar[str | None] = None
    select_related: ClassVar[tuple[str, ...]] = ()
    prefetch_related: ClassVar[tuple[str, ...]] = ()
    http_method_names: ClassVar[list[str]] = ["get", "head"]  # type: ignore[misc]

    request: HttpRequest

    # ------------------------------------------------------------------ access
    @classmethod
    def resource_name(cls) -> str:
        return cls.resource or resource_of(cls.model)

    @property
    def actor(self) -> User:
        """The signed-in user: the actor of the page's writes (``core.actors``)."""
        return actors.user_of(self.request)

    def may(self, action: str, resource: str | None = None) -> bool:
        return actors.may(self.actor, resource or self.resource_name(), action)

    def require(self, action: str) -> None:
        """403 unless the user's role may ``action`` on this page's resource at all."""
        if not self.may(action):
            raise PermissionDenied

    def base_queryset(self) -> models.QuerySet[Any]:
        """The model's rows before the user's restriction (add select/prefetch here)."""
        queryset = self.model._default_manager.all()
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset

    def restricted(self, action: str = "view") -> models.QuerySet[Any]:
        return restrict(self.base_queryset(), self.actor, action)

    def get_object(self, action: str | None = None) -> Any:
        """The object of the URL's ``pk``: 404 when missing or outside the scope, then 403
        when the role may not ``action`` it, then 404 if it is outside the scope for that
        action (scopes per action are the same today, but the order is the contract)."""
        action = action or self.action
        obj = access_object(self.base_queryset(), self.actor, "view", pk=self.kwargs.get("pk"))
        if action != "view":
            self.require(action)
            obj = access_object(self.base_queryset(), self.actor, action, pk=obj.pk)
        return obj

    # ------------------------------------------------------------------ drawing
    def get_title(self, obj: Any = None) -> Any:
        return self.title

    def page_context(self, obj: Any = None) -> dict[str, Any]:
        return {
            "view": self,
            "title": self.get_title(obj),
            "page_tabs": tabs_named(self.tabs).for_user(self.actor, self.tab) if self.tabs else [],
            "body_class": self.body_class,
            "head_template": self.head_template,
        }

    def render(self, context: Mapping[str, Any], status: int = 200) -> HttpResponse:
        return render(self.request, self.template_name, {**context}, status=status)


class ObjectListView(PageView):
    """A filtered, sorted, paginated table of the rows the user may see, with an Excel export
    of every filtered row (``?export=xlsx``) and header actions shown when permitted."""

    template_name = "core/pages/list.html"
    table_class: ClassVar[type[Table]]
    filterset_class: ClassVar[type[Any] | None] = None
    actions: ClassVar[tuple[Link, ...]] = ()
    #: Excel export of the filtered rows (False for lists that are not ledgers).
    export: ClassVar[bool] = True
    export_limit: ClassVar[int] = 50_000
    export_name: ClassVar[str | None] = None

    def get_rows(self, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        """Hook: annotate the filtered rows (counts, sums) before the table sorts them."""
        return queryset

    def extra_context(self) -> dict[str, Any]:
        return {}

    def filter_data(self) -> Any:
        """Hook: the FilterSet's data (the query string; a page may fill in defaults the
        API does not have, e.g. open alarms only)."""
        return self.request.GET or None

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require("view")
        rows = self.restricted("view")
        filterset = None
        if self.filterset_class is not None:
            filterset = self.filterset_class(self.filter_data(), queryset=rows, request=request)
            rows = filterset.qs
        table = self.table_class(self.get_rows(rows), request=request)
        if self.export and request.GET.get(EXPORT_PARAM) == "xlsx":
            return self.export_xlsx(table)
        context = {
            **self.page_context(),
            "filter": filterset,
            "table": table,
            "page_obj": table.page,
            "actions": bind_all(self.actions, self.actor),
            "export_query": self._export_query() if self.export else "",
            **self.extra_context(),
        }
        return self.render(context)

    def _export_query(self) -> str:
        query = self.request.GET.copy()
        query.pop("page", None)
        query[EXPORT_PARAM] = "xlsx"
        return query.urlencode()

    def export_xlsx(self, table: Table) -> HttpResponse:
        title = str(self.get_title())
        name = self.export_name or self.model._meta.model_name or "export"
        stamp = timezone.localdate().isoformat()
        content = table.xlsx(title=title, limit=self.export_limit)
        return xlsx_response(content, f"{name}-{stamp}.xlsx")


class ObjectDetailView(PageView):
    """One object the user may see, with its edit/delete (and other) actions when allowed.

    ``fields`` (column declarations, as in a Table) draw a generic definition list in the
    default template; most detail pages give their own ``template_name`` and extend
    ``core/pages/detail.html``.
    """

    template_name = "core/pages/detail.html"
    fields: ClassVar[tuple[Any, ...]] = ()
    actions: ClassVar[tuple[Link, ...]] = ()

    def get_context_data(self, obj: Any) -> dict[str, Any]:
        """Hook: what the page needs besides the object."""
        return {}

    def get_title(self, obj: Any = None) -> Any:
        return self.title or (str(obj) if obj is not None else "")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object("view")
        context = {
            **self.page_context(obj),
            "object": obj,
            "fields": [
                {"label": f.label, "value": f.html(obj, f.value(obj)), "url": f.url(obj)}
                for f in self.fields
            ],
            "actions": bind_all(self.actions, self.actor, obj),
            **self.get_context_data(obj),
        }
        return self.render(context)


def _accepts(callable_: Any, name: str) -> bool:
    try:
        return name in inspect.signature(callable_).parameters
    except (TypeError, ValueError):
        return False


class ObjectEditView(PageView):
    """Create (no ``pk`` in the URL: needs "add") or edit (``pk``: needs "change") one object
    through the app's services, errors shown on the form by field.

    Phone forms that must work offline set ``offline = True``: the form then carries a
    ``client_uuid`` and posts from the outbox are answered with the JSON contract of
    ``core.offline`` (no duplicates on a retry).
    """

    template_name = "core/pages/form.html"
    form_class: ClassVar[type[Any]]
    success_message: ClassVar[Any] = gettext_lazy("Saved.")
    #: URL name to go to after saving (given the object's pk); default: its absolute URL.
    success_url_name: ClassVar[str | None] = None
    #: Service error field → form field, when their names differ.
    error_aliases: ClassVar[dict[str, str]] = {}
    offline: ClassVar[bool] = False
    submit_label: ClassVar[Any] = gettext_lazy("Save")
    create_title: ClassVar[Any] = ""
    edit_title: ClassVar[Any] = ""
    http_method_names: ClassVar[list[str]] = ["get", "head", "post"]  # type: ignore[misc]

    @property
    def creating(self) -> bool:
        return "pk" not in self.kwargs

    def get_title(self, obj: Any = None) -> Any:
        return (self.create_title if obj is None else self.edit_title) or self.title

    # ------------------------------------------------------------------ hooks
    def get_initial(self) -> dict[str, Any]:
        return {}

    def get_form_kwargs(self, obj: Any) -> dict[str, Any]:
        kwargs: dict[str, Any] = {}
        if _accepts(self.form_class, "instance") or hasattr(self.form_class, "_meta"):
            kwargs["instance"] = obj
        if _accepts(self.form_class.__init__, "user"):
            kwargs["user"] = self.actor
        return kwargs

    def get_form(self, obj: Any) -> Any:
        kwargs = self.get_form_kwargs(obj)
        if self.request.method == "POST":
            return self.form_class(self.request.POST, self.request.FILES, **kwargs)
        initial = self.get_initial()
        if self.offline:
            initial.setdefault("client_uuid", offline.new_client_uuid())
        return self.form_class(initial=initial, **kwargs)

    def form_data(self, form: Any) -> dict[str, Any]:
        """What the service receives: ``form.service_data()`` if the form has it."""
        getter = getattr(form, "service_data", None)
        return dict(getter() if getter else form.cleaned_data)

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        return services.create_object(actor=self.actor, model=self.model, data=data)

    def service_update(self, *, obj: Any, data: dict[str, Any]) -> models.Model:
        return services.update_object(actor=self.actor, obj=obj, data=data)

    def get_success_url(self, obj: Any) -> str:
        if self.success_url_name:
            return reverse(self.success_url_name, args=[obj.pk])
        return str(obj.get_absolute_url())

    def extra_context(self, obj: Any, form: Any) -> dict[str, Any]:
        return {}

    # ------------------------------------------------------------------ flow
    def current_object(self) -> Any:
        if self.creating:
            self.require("add")
            return None
        return self.get_object("change")

    def save(self, obj: Any, form: Any) -> tuple[models.Model, bool]:
        """Save through the service hooks: (object, created). An idempotent create service
        (offline forms) may itself return ``(object, created)``."""
        data = self.form_data(form)
        if obj is None:
            result: Any = self.service_create(data=data)
            return result if isinstance(result, tuple) else (result, True)
        return self.service_update(obj=obj, data=data), False

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.current_object()
        return self.render_form(obj, self.get_form(obj))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.current_object()
        form = self.get_form(obj)
        if self.offline:
            answer = offline.handle_post(
                request,
                form,
                save=lambda form: self.save(obj, form),
                success=lambda saved, _created: self.saved(saved),
                aliases=self.error_aliases,
            )
            if answer is not None:
                return answer
            return self.render_form(obj, form)
        if form.is_valid():
            try:
                saved, _created = self.save(obj, form)
            except ValidationError as exc:
                add_service_errors(form, exc, self.error_aliases)
            else:
                return self.saved(saved)
        return self.render_form(obj, form)

    def saved(self, obj: Any) -> HttpResponse:
        if self.success_message:
            messages.success(self.request, str(self.success_message))
        return HttpResponseRedirect(self.get_success_url(obj))

    def render_form(self, obj: Any, form: Any) -> HttpResponse:
        context = {
            **self.page_context(obj),
            "object": obj,
            "form": form,
            "form_id": f"{self.model._meta.model_name}-form",
            "offline_kind": self.model._meta.model_name if self.offline else "",
            "submit_label": self.submit_label,
            **self.extra_context(obj, form),
        }
        return self.render(context)


class ObjectDeleteView(PageView):
    """Ask, then delete through the service (audited); an object still referenced by others
    is kept and the page says why."""

    template_name = "core/pages/confirm_delete.html"
    action = "delete"
    success_url_name: ClassVar[str]
    success_message: ClassVar[Any] = gettext_lazy("Deleted.")
    http_method_names: ClassVar[list[str]] = ["get", "head", "post"]  # type: ignore[misc]

    def service_delete(self, *, obj: Any) -> None:
        services.delete_object(actor=self.actor, obj=obj)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object("delete")
        return self.render({**self.page_context(obj), "object": obj})

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object("delete")
        try:
            self.service_delete(obj=obj)
        except (ProtectedError, RestrictedError):
            messages.error(request, _("It is still used by other records and was kept."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, str(self.success_message))
            return HttpResponseRedirect(reverse(self.success_url_name))
        getter = getattr(obj, "get_absolute_url", None)
        if getter is None:
            raise Http404
        return HttpResponseRedirect(getter())
