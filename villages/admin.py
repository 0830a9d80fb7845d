from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from villages import jobs as village_jobs
from villages.formats import format_number, format_rupiah
from villages.forms import TemplateForm, VillageDataImportForm
from villages.models import Companion, Region, VillageData, VillageOfficial
from villages.number_fields import NumberFieldsAdmin


class ScopedAdmin(admin.ModelAdmin):
    """Admin lists go through the same ``visible_to`` rule as every page."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ["code", "name", "kind", "parent", "time_zone"]
    list_filter = ["level", "kind", "time_zone"]
    search_fields = ["=code", "code__startswith", "name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    show_full_result_count = False  # a COUNT(*) over 91,599 rows on every page is wasted work
    list_per_page = 50
    ordering = ["code"]

    def get_search_results(self, request, queryset, search_term):
        # Autocomplete for village fields asks for villages only.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.GET.get("field_name") in {"villages", "village"}:
            queryset = queryset.filter(level=Region.Level.VILLAGE)
        elif request.GET.get("field_name") == "scope_region":
            queryset = queryset.filter(level__lte=Region.Level.DISTRICT)
        elif request.GET.get("field_name") == "region":  # a village official's village or kecamatan
            queryset = queryset.filter(level__in=[Region.Level.DISTRICT, Region.Level.VILLAGE])
        return queryset, may_have_duplicates


@admin.register(Companion)
class CompanionAdmin(ScopedAdmin):
    # Five columns: with seven, the last ones were cut off at 1280 px.
    list_display = ["user", "display_name", "role", "scope_region", "period"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "phone"]
    autocomplete_fields = ["user", "villages", "scope_region"]
    list_select_related = ["user", "scope_region"]

    @admin.display(description=_("name"))
    def display_name(self, obj: Companion) -> str:
        return obj.display_name

    @admin.display(description=_("active years"), ordering="active_from")
    def period(self, obj: Companion) -> str:
        """``2024–2026``, ``2024–`` (still active), ``–2026``; ``-`` when neither is set."""
        if obj.active_from is None and obj.active_until is None:
            return "-"
        return f"{obj.active_from or ''}–{obj.active_until or ''}"


@admin.register(VillageOfficial)
class VillageOfficialAdmin(ScopedAdmin):
    """Kepala Desa, Lurah and Camat accounts: they read their village's or kecamatan's plans in force and leave
    notes on months (the user is made first, under Users, with no staff rights)."""

    list_display = ["user", "display_name", "kind", "region", "phone"]
    list_filter = ["kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "region__name", "=region__code"]
    autocomplete_fields = ["user", "region"]
    list_select_related = ["user", "region"]

    @admin.display(description=_("name"))
    def display_name(self, obj: VillageOfficial) -> str:
        return obj.display_name


@admin.register(VillageData)
class VillageDataAdmin(NumberFieldsAdmin, ScopedAdmin):
    list_display = [
        "village",
        "year",
        "score",
        "idm_status",
        "poor",
        "blt",
        "allocation",
        "bumdes_status",
        "is_demo",
    ]
    rupiah_fields = ("dana_desa",)
    list_filter = ["year", "idm_status", "bumdes_status", "is_demo"]
    search_fields = ["village__code", "village__name"]
    autocomplete_fields = ["village"]
    list_select_related = ["village"]
    show_full_result_count = False
    change_list_template = "villages/admin_change_list.html"

    @admin.display(description=_("IDM score"), ordering="idm_score")
    def score(self, obj: VillageData) -> str:
        return format_number(obj.idm_score)

    @admin.display(description=_("poor households"), ordering="poor_households")
    def poor(self, obj: VillageData) -> str:
        return format_number(obj.poor_households)

    @admin.display(description=_("BLT Dana Desa recipient households"), ordering="blt_households")
    def blt(self, obj: VillageData) -> str:
        return format_number(obj.blt_households)

    @admin.display(description=_("Dana Desa allocation (Rp)"), ordering="dana_desa")
    def allocation(self, obj: VillageData) -> str:
        return format_rupiah(obj.dana_desa)

    # The import is the same one as the command line and the coordinators' page: django-import-export
    # would bring a second import path with its own column mapping, row-by-row instance lookups and
    # its own notion of validation, where this one finds villages by dotted or undotted code or by
    # name, reads Indonesian and English headers, warns on a status outside its score band, and
    # imports 83,762 villages in bulk.
    def get_urls(self):
        urls = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="villages_villagedata_import",
            )
        ]
        return urls + super().get_urls()

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = (
            VillageDataImportForm(request.POST, request.FILES) if request.method == "POST" else VillageDataImportForm()
        )
        if form.is_bound and form.is_valid():
            # The same job as the coordinators' page: a whole country's file is read in the background.
            job = village_jobs.start(request.user, form)
            return redirect(job)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import village data"),
            "form": form,
            "template_form": TemplateForm(user=request.user, auto_id="template_%s"),
        }
        return TemplateResponse(request, "villages/admin_import.html", context)
