from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from villages.models import Companion, Region, VillageData


class ScopedAdmin(admin.ModelAdmin):
    """Admin lists go through the same ``visible_to`` rule as every page."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ["code", "name", "kind", "parent"]
    list_filter = ["level", "kind"]
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
        return queryset, may_have_duplicates


@admin.register(Companion)
class CompanionAdmin(ScopedAdmin):
    list_display = ["user", "display_name", "role", "phone", "scope_region", "active_from", "active_until"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "phone"]
    autocomplete_fields = ["user", "villages", "scope_region"]
    list_select_related = ["user", "scope_region"]

    @admin.display(description=_("name"))
    def display_name(self, obj: Companion) -> str:
        return obj.display_name


@admin.register(VillageData)
class VillageDataAdmin(ScopedAdmin):
    list_display = [
        "village",
        "year",
        "idm_score",
        "idm_status",
        "poor_households",
        "blt_households",
        "dana_desa",
        "bumdes_status",
        "is_demo",
    ]
    list_filter = ["year", "idm_status", "bumdes_status", "is_demo"]
    search_fields = ["village__code", "village__name"]
    autocomplete_fields = ["village"]
    list_select_related = ["village"]
    show_full_result_count = False
