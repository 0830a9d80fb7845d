"""The home of a village official (Kepala Desa, Lurah, Camat): their village or kecamatan, and for each plan in force
there its companion, its villages, its progress to date and its twelve months, each linking to the month (where its
documents are) and to the plan's PDF.

Plans come from ``WorkPlan.objects.visible_to`` (the official's scope, plans in force only); the figures from
:mod:`pillars.figures`, the months from :func:`pillars.selectors.plans_cells`: a fixed number of queries however
many plans the kecamatan has.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from pillars import figures, selectors
from pillars.models import Activity, WorkPlan
from reports.views.chips import MonthChip
from villages.models import Region
from villages.scope import is_within
from villages.zones import zone_of

YEAR_RANGE = range(2000, 2101)


@dataclass
class PlanRow:
    plan: WorkPlan
    villages: list[str]  # the plan's villages by name, those of the official's area first
    tally: figures.Tally
    months: list[MonthChip]

    @property
    def companion(self) -> str:
        return self.plan.companion.display_name


def _year(request, today) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and int(value) in YEAR_RANGE else today.year


def official_context(request, viewer) -> dict:
    user, official = request.user, viewer.official
    today = timezone.localdate(timezone.now(), zone_of(official.region_id))  # the official's own local day
    year = _year(request, today)
    through = figures.last_complete_month(year, today)
    visible = WorkPlan.objects.visible_to(user)
    plans = list(
        visible.filter(year=year)
        .select_related("companion__user")
        .prefetch_related(Prefetch("villages", queryset=Region.objects.order_by("name")))
        .order_by("companion__user__first_name", "companion__user__last_name", "pk")
    )
    activities = list(
        Activity.objects.in_force().filter(plan__in=plans).only("pk", "plan_id", "target_quantity", "months")
    )
    found = figures.figures_for(activities, through)
    tallies: dict[int, figures.Tally] = defaultdict(figures.Tally)
    for activity in activities:
        tallies[activity.plan_id].add(found[activity.pk])
    cells = selectors.plans_cells(plans)
    rows = []
    for plan in plans:
        villages = sorted(plan.villages.all(), key=lambda v: not is_within(v.code, official.region_id))
        months = [MonthChip.of(plan, cell) for cell in cells[plan.pk]]
        rows.append(PlanRow(plan, [v.name for v in villages], tallies[plan.pk], months))
    return {
        "official": official,
        "region": official.region,
        "villages": list(Region.objects.visible_to(user).villages().order_by("name")),
        "year": year,
        "through": through,
        "rows": rows,
        "years": sorted(set(visible.values_list("year", flat=True)) | {today.year}, reverse=True),
    }
