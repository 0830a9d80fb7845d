"""The coordinator's review list filters: status, kecamatan, year and companion, all within scope."""

from __future__ import annotations

import django_filters
from django.db.models import Case, DateTimeField, Exists, F, OuterRef, Value, When
from django.utils.translation import gettext_lazy as _

from pillars.models import PlanYear, WorkPlan
from villages.models import Companion, Region


class PlanReviewFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=WorkPlan.Status.choices, empty_label=_("All"))
    kecamatan = django_filters.ModelChoiceFilter(
        label=_("Kecamatan"), queryset=Region.objects.none(), method="filter_kecamatan", empty_label=_("All")
    )
    year = django_filters.ChoiceFilter(label=_("Year"), choices=(), empty_label=_("All"))
    companion = django_filters.ModelChoiceFilter(
        label=_("Companion"), queryset=Companion.objects.none(), empty_label=_("All")
    )

    class Meta:
        model = WorkPlan
        fields = ("status", "kecamatan", "year", "companion")

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        # Only kecamatan and companions that have plans in scope: a short list for a coordinator, and
        # not every kecamatan of the country for an admin.
        plans = self.queryset
        in_plans = WorkPlan.villages.through.objects.filter(workplan__in=plans.values("pk"))
        self.filters["kecamatan"].queryset = Region.objects.filter(
            level=Region.Level.DISTRICT, pk__in=in_plans.values("region__parent_id")
        ).order_by("name")
        self.filters["companion"].queryset = (
            Companion.objects.filter(pk__in=plans.values("companion_id"))
            .select_related("user")
            .order_by("user__first_name", "user__last_name", "user__username")
        )
        self.filters["companion"].field.label_from_instance = lambda companion: companion.display_name
        self.filters["kecamatan"].field.label_from_instance = lambda region: region.name
        years = PlanYear.objects.values_list("year", flat=True).order_by("-year")
        self.filters["year"].extra["choices"] = [(year, str(year)) for year in years]

    def filter_kecamatan(self, queryset, name, value):
        in_district = WorkPlan.villages.through.objects.filter(workplan_id=OuterRef("pk"), region__parent_id=value.pk)
        return queryset.filter(Exists(in_district))


def review_order(plans):
    """Plans waiting for review first, the longest waiting at the top; then the rest, newest year and change first."""
    waiting_since = Case(
        When(status=WorkPlan.Status.SUBMITTED, then=F("submitted_at")),
        default=Value(None),
        output_field=DateTimeField(),
    )
    return plans.annotate(waiting_since=waiting_since).order_by(
        F("waiting_since").asc(nulls_last=True), "-year", "-updated_at", "pk"
    )
