"""What a dashboard is about: the filters above it (year, area, companion role), the :class:`Selection` they
make, and what the selection picks.

What counts: the plans visible to the user, of the selected year, whose companion is active that year
(``WorkPlan.objects.counted()``), narrowed by area and role (:func:`scoped_plans`); their progress is that of
the version in force (:func:`activities_in_force`), through the last month that is over. An activity counts in
every village it covers (its own, or each of its plan's villages when it is for all of them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple
from urllib.parse import urlencode

from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pillars.figures import last_complete_month
from pillars.models import Activity, PlanYear, WorkPlan
from villages.models import Companion, Region
from villages.scope import below, is_within, viewer_for, within

PlanVillage = WorkPlan.villages.through


def group_level_for(user) -> int:
    """The level the tables group by: one below the viewer's scope (a kabupaten sees kecamatan)."""
    viewer = viewer_for(user)
    if viewer.is_coordinator:
        scope_level = Region.level_of(viewer.prefix)
        return min(scope_level + 1, Region.Level.DISTRICT)
    return Region.Level.PROVINCE


SMALL_SELECT = {"class": "form-select-sm"}  # the filters sit in one row above the figures


class DashboardFilterForm(forms.Form):
    """Year, area one level below the scope, and companion role. Invalid values fall back to defaults."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, widget=forms.Select(attrs=SMALL_SELECT))
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=Region.objects.none(), required=False, widget=forms.Select(attrs=SMALL_SELECT)
    )
    role = forms.ChoiceField(label=_("Companion role"), required=False, widget=forms.Select(attrs=SMALL_SELECT))

    def __init__(self, data=None, *, user, today: date):
        super().__init__(data)
        viewer = viewer_for(user)
        level = group_level_for(user)
        areas = Region.objects.filter(level=level).order_by("name")
        if viewer.is_coordinator:
            areas = areas.filter(within("code", viewer.prefix))
        self.fields["area"].queryset = areas
        self.fields["area"].empty_label = _("All")
        self.fields["area"].label_from_instance = lambda region: region.name
        self.fields["area"].label = Region.Level(level).label
        years = set(PlanYear.objects.values_list("year", flat=True)) | {today.year}
        self.fields["year"].choices = [(y, str(y)) for y in sorted(years, reverse=True)]
        self.fields["role"].choices = [("", _("All")), *[(r.value, r.label) for r in Companion.COMPANION_ROLES]]

    def selection(self, *, user, today: date) -> Selection:
        cleaned = {}
        if self.is_bound:
            self.is_valid()  # keeps the valid fields; the others show their error and fall back
            cleaned = self.cleaned_data
        return Selection.of_scope(
            user, cleaned.get("year") or today.year, today, area=cleaned.get("area"), role=cleaned.get("role") or ""
        )


@dataclass(frozen=True)
class Selection:
    """What the page is about: a year, its months that are over, and the optional filters."""

    year: int
    month: int
    area: Region | None = None
    role: str = ""
    scope_code: str | None = None
    group_level: int = Region.Level.PROVINCE

    @classmethod
    def of_scope(cls, user, year: int, today: date, *, area: Region | None = None, role: str = "") -> Selection:
        """The user's whole scope in ``year``, "to date" (the months that are over), optionally narrowed."""
        viewer = viewer_for(user)
        return cls(
            year=year,
            month=last_complete_month(year, today),
            area=area,
            role=role,
            scope_code=viewer.prefix if viewer.is_coordinator else None,
            group_level=group_level_for(user),
        )

    @property
    def region_code(self) -> str | None:
        """The narrowest region every figure stays within (None: everywhere)."""
        return self.area.code if self.area else self.scope_code

    def plan_list_url(self, **params) -> str:
        """The plan list showing the rows behind a figure (its filters: status, kecamatan, year, companion)."""
        query = {"year": self.year}
        if self.area and self.area.level == Region.Level.DISTRICT:
            query["kecamatan"] = self.area.code
        query.update({k: v for k, v in params.items() if v not in (None, "")})
        return f"{self._paths['plan-list']}?{urlencode(query)}"

    def home_url(self, **params) -> str:
        query = {"year": self.year, "area": self.area.code if self.area else "", "role": self.role}
        query.update(params)
        return f"{self._paths['home']}?{urlencode({k: v for k, v in query.items() if v not in (None, '')})}"

    @cached_property
    def _paths(self) -> dict[str, str]:
        """Reversed once per selection: a coordinator's page links every village and area row."""
        return {"plan-list": reverse("pillars:plan-list"), "home": reverse("home")}


def scoped_plans(user, selection: Selection, *, any_year: bool = False) -> QuerySet[WorkPlan]:
    """The plans behind every figure: visible to ``user``, counted (companion active in the plan's year), of the
    selected year (any year for ``any_year``), filtered by area and role."""
    plans = WorkPlan.objects.visible_to(user).counted()
    if not any_year:
        plans = plans.filter(year=selection.year)
    if selection.role:
        plans = plans.filter(companion__role=selection.role)
    if selection.area:
        in_area = PlanVillage.objects.filter(below("region_id", selection.area.code), workplan_id=OuterRef("pk"))
        plans = plans.filter(Exists(in_area))
    return plans


class ScopeActivity(NamedTuple):
    """One activity in force, as the tables group it: its pillar, the villages it covers within the region."""

    pk: int
    plan_id: int
    companion_id: int
    pillar_id: int
    target_quantity: Decimal
    months: tuple[int, ...]
    is_poor_group: bool
    villages: tuple[str, ...]


SCOPE_COLUMNS = (
    "pk",
    "plan_id",
    "plan__companion_id",
    "pillar_id",
    "target_quantity",
    "months",
    "poor_priority",
    "target_group",
    "village_id",
)


def activities_in_force(plans: QuerySet[WorkPlan], selection: Selection) -> list[ScopeActivity]:
    """The activities in force of ``plans`` that cover a village within the selection's region.

    Two narrow queries: the activities, and the villages of their plans (for all-villages activities).
    """
    code = selection.region_code
    links = PlanVillage.objects.filter(workplan__in=plans.in_force())
    if code:
        links = links.filter(below("region_id", code))
    plan_villages: dict[int, list[str]] = defaultdict(list)
    for plan_id, village in links.order_by("region_id").values_list("workplan_id", "region_id"):
        plan_villages[plan_id].append(village)
    rows = Activity.objects.in_force().filter(plan__in=plans).order_by("pk").values_list(*SCOPE_COLUMNS)
    found = []
    for pk, plan_id, companion_id, pillar_id, target, months, poor, group, village in rows:
        villages = tuple(plan_villages.get(plan_id, ())) if village is None else (village,)
        if code:
            villages = tuple(v for v in villages if is_within(v, code))
        if not villages:
            continue
        found.append(
            ScopeActivity(
                pk, plan_id, companion_id, pillar_id, target, tuple(months), Activity.poor_group(poor, group), villages
            )
        )
    return found
