"""Admin of the road network (audited, scoped), for administrators."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zhiyang.core import admin as core_admin
from zhiyang.core.actors import user_of
from zhiyang.core.admin import AuditedAdmin
from zhiyang.core.models import Organisation
from zhiyang.network import services
from zhiyang.network.forms import RouteAdminForm
from zhiyang.network.models import District, Route, Section


@admin.register(District)
class DistrictAdmin(AuditedAdmin):
    list_display = ["code", "name", "name_en"]
    search_fields = ["code", "name", "name_en"]


class SectionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Section
    fields = ["direction", "start_m", "end_m", "lanes", "width_m", "pavement", "district"]
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Route)
class RouteAdmin(AuditedAdmin):
    list_display = ["code", "name", "admin_level", "tech_class", "pavement", "start_m", "end_m"]
    list_filter = ["admin_level", "tech_class", "pavement"]
    search_fields = ["code", "name", "name_en"]
    inlines = [SectionInline]
    form = RouteAdminForm

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if change and {"geometry", "start_m", "end_m"} & set(form.changed_data):
            services.rederive_sections(actor=user_of(request), route=form.instance)


@admin.register(Section)
class SectionAdmin(AuditedAdmin):
    list_display = ["__str__", "route", "direction", "lanes", "width_m", "pavement", "district"]
    list_filter = ["direction", "pavement", "district", "route"]
    search_fields = ["route__code", "district__name"]
    list_select_related = ["route", "district"]
    exclude = ["geometry"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.geometry = services.section_geometry(obj.route, obj.start_m, obj.end_m)
        super().save_model(request, obj, form, change)


class OrganisationDistrictInline(admin.TabularInline):  # type: ignore[type-arg]
    model = District.organisations.through
    extra = 0
    verbose_name = _("district")
    verbose_name_plural = _("districts")


class OrganisationRouteInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Route.organisations.through
    extra = 0
    verbose_name = _("route")
    verbose_name_plural = _("routes")


# The organisation's districts and routes are network relations (core knows no network
# model): the organisation admin gets them here, audited with the organisation.
admin.site.unregister(Organisation)


@admin.register(Organisation)
class OrganisationAdmin(core_admin.OrganisationAdmin):
    inlines = [OrganisationDistrictInline, OrganisationRouteInline]
