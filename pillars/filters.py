"""The coordinator's review list filters: status, kecamatan, year and companion, all within scope."""

from __future__ import annotations

import django_filters
from django.db.models import Case, DateTimeField, Exists, F, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _

from pillars.models import PlanYear, WorkPlan
from villages.models import Companion, Region


class PlanReviewFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=WorkPlan.Status.choices, empty_label=_("All"))
    kecamatan = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=Region.objects.none(), method="filter_kecamatan", empty_label=_("All")
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
        # Only kecamatan and companions that have plans in scope: a short list for a coordinator. A province or
        # the country has thousands of each, so there they are searched by name instead of listed.
        plans = self.queryset
        in_plans = WorkPlan.villages.through.objects.filter(workplan__in=plans.values("pk"))
        kecamatan = Region.objects.filter(level=Region.Level.DISTRICT, pk__in=in_plans.values("region__parent_id"))
        companions = Companion.objects.filter(pk__in=plans.values("companion_id"))
        if _more_than(kecamatan, CHOICES_LISTED):
            self._search("kecamatan", "filter_kecamatan_named", _("Its name or code"))
        else:
            self.filters["kecamatan"].queryset = kecamatan.order_by("name")
            self.filters["kecamatan"].field.label_from_instance = lambda region: region.name
        if _more_than(companions, CHOICES_LISTED):
            self._search("companion", "filter_companion_named", _("Name or username"))
        else:
            self.filters["companion"].queryset = companions.select_related("user").order_by(
                "user__first_name", "user__last_name", "user__username"
            )
            self.filters["companion"].field.label_from_instance = lambda companion: companion.display_name
        years = PlanYear.objects.values_list("year", flat=True).order_by("-year")
        self.filters["year"].extra["choices"] = [(year, str(year)) for year in years]

    def _search(self, name: str, method: str, help_text: str) -> None:
        """Replace the select ``name`` by a text search through ``method``."""
        search = django_filters.CharFilter(
            field_name=name, label=self.filters[name].label, method=method, help_text=help_text, max_length=100
        )
        search.parent = self
        search.model = self.queryset.model
        self.filters[name] = search

    def filter_kecamatan(self, queryset, name, value):
        in_district = WorkPlan.villages.through.objects.filter(workplan_id=OuterRef("pk"), region__parent_id=value.pk)
        return queryset.filter(Exists(in_district))

    def filter_kecamatan_named(self, queryset, name, value):
        """A kecamatan typed by its code (as the home page's links give it) or a part of its name."""
        value = value.strip()
        named = Q(region__parent_id=value) | Q(region__parent__name__icontains=value)
        in_district = WorkPlan.villages.through.objects.filter(named, workplan_id=OuterRef("pk"))
        return queryset.filter(Exists(in_district))

    def filter_companion_named(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(companion__user__first_name__icontains=word)
                | Q(companion__user__last_name__icontains=word)
                | Q(companion__user__username__icontains=word)
            )
        return queryset


CHOICES_LISTED = 200  # a select of up to this many options; past it, a search by name


def _more_than(queryset, limit: int) -> bool:
    return len(queryset.order_by().values_list("pk", flat=True)[: limit + 1]) > limit


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
