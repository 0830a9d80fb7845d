"""Read models shared by the plan page and the exports: a plan laid out by pillar."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from pillars.models import Activity, ActivityComment, Pillar, WorkPlan
from villages.models import Region, VillageData


@dataclass
class PillarSection:
    pillar: Pillar
    activities: list[Activity] = field(default_factory=list)


@dataclass
class VillageRow:
    village: Region
    data: VillageData | None
    plan_year: int

    @property
    def data_is_older(self) -> bool:
        """The plan's year has no data yet and an earlier year's is shown."""
        return self.data is not None and self.data.year < self.plan_year


def load_plan(queryset, pk: int) -> WorkPlan:
    """One plan with what its header needs, in one query."""
    return queryset.select_related("companion__user").get(pk=pk)


def plan_sections(plan: WorkPlan) -> list[PillarSection]:
    """Every active pillar (empty ones too) and any inactive pillar the plan still uses."""
    activities = (
        plan.activities.select_related("village")
        .prefetch_related(Prefetch("comments", queryset=ActivityComment.objects.select_related("author")))
        .order_by("pillar__order", "pillar__code", "position", "pk")
    )
    by_pillar: dict[int, list[Activity]] = {}
    for activity in activities:
        by_pillar.setdefault(activity.pillar_id, []).append(activity)
    pillars = Pillar.objects.filter(is_active=True) | Pillar.objects.filter(pk__in=list(by_pillar))
    return [
        PillarSection(pillar, by_pillar.get(pillar.pk, [])) for pillar in pillars.distinct().order_by("order", "code")
    ]


def plan_villages(plan: WorkPlan) -> list[VillageRow]:
    """The plan's villages with their data for the plan's year, or the latest earlier year."""
    villages = list(plan.villages.select_related("parent__parent").order_by("code"))
    data = {row.village_id: row for row in VillageData.objects.filter(village__in=villages).for_year(plan.year)}
    return [VillageRow(village, data.get(village.code), plan.year) for village in villages]


def status_counts(plans: QuerySet[WorkPlan]) -> dict[str, int]:
    """Plans per status in one aggregate query."""
    return plans.aggregate(**{value: Count("pk", filter=Q(status=value)) for value in WorkPlan.Status.values})
