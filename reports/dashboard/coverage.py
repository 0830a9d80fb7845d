"""Coverage of a selection's villages: the villages in scope, those no activity in force covers, the BLT villages
without an activity for poor households, and the villages nobody is assigned to."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet

from pillars.models import Activity, WorkPlan
from reports.dashboard.filters import PlanVillage, Selection
from villages.models import Companion, Region, VillageData
from villages.scope import below

LIST_SHOWN = 50


@dataclass
class VillageList:
    count: int
    shown: list = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.shown)


VILLAGE_KINDS = (Region.Kind.DESA, Region.Kind.KELURAHAN, Region.Kind.DESA_ADAT)


def villages_in(user, selection: Selection) -> QuerySet[Region]:
    """Villages visible to ``user`` within the selection's region.

    Below a region, villages are told by their kind rather than ``level``: SQLite would otherwise pick
    the level index (83,000 villages) over the code range (a kabupaten's 150).
    """
    regions = Region.objects.visible_to(user)
    if selection.region_code:
        return regions.filter(below("code", selection.region_code), kind__in=VILLAGE_KINDS)
    return regions.villages()


def _assigned(village: str, roles) -> Exists:
    return Exists(Companion.villages.through.objects.filter(region_id=OuterRef(village), companion__role__in=roles))


def not_covered_by(
    villages: QuerySet[Region], plans: QuerySet[WorkPlan], *, poor_group: bool = False
) -> QuerySet[Region]:
    """The ``villages`` no activity in force of ``plans`` covers (``poor_group``: no activity aimed at poor
    households): none names it, and none is for all its plan's villages in a plan that has it.

    The rule of :meth:`Activity.covers`, answered by the database as two anti-joins (not a list of every covered
    village of the country read into Python, nor an OR of two subqueries, which it would run village by village).
    """
    activities = Activity.objects.in_force().filter(plan__in=plans)
    if poor_group:
        activities = activities.poor_group()
    for_all = activities.filter(village__isnull=True, plan_id=OuterRef("workplan_id"))
    linked = PlanVillage.objects.filter(region_id=OuterRef("code")).filter(Exists(for_all))
    return villages.exclude(Exists(activities.filter(village_id=OuterRef("code")))).exclude(Exists(linked))


def _assigned_villages(user, selection: Selection) -> QuerySet[Region]:
    roles = [selection.role] if selection.role else Companion.COMPANION_ROLES
    return villages_in(user, selection).filter(_assigned("code", roles))


def villages_without_activity(user, selection: Selection, plans: QuerySet[WorkPlan]) -> VillageList:
    """Assigned villages in scope that no activity in force of ``plans`` covers: their codes in one statement
    (with no LIMIT, so the database joins whole sets instead of probing village by village), the first shown."""
    missing = sorted(not_covered_by(_assigned_villages(user, selection), plans).values_list("code", flat=True))
    shown = list(Region.objects.filter(code__in=missing[:LIST_SHOWN]).select_related("parent").order_by("code"))
    for village in shown:
        village.url = selection.plan_list_url(kecamatan=village.parent_id)
    return VillageList(len(missing), shown)


def unassigned_village_count(user, selection: Selection) -> int:
    return villages_in(user, selection).exclude(_assigned("code", Companion.Role.values)).count()


def blt_without_poor_activity(user, selection: Selection, plans: QuerySet[WorkPlan]) -> VillageList:
    """Assigned villages with BLT recipients (data of the year or the latest before) and no poor-group activity in
    force of ``plans``, the most recipients first (found in one statement, the first shown)."""
    gaps = not_covered_by(_assigned_villages(user, selection), plans, poor_group=True)
    found = VillageData.objects.filter(village__in=gaps.values("code")).for_year(selection.year)
    missing = sorted(
        found.filter(blt_households__gt=0).values_list("blt_households", "village_id", "pk"),
        key=lambda row: (-row[0], row[1]),
    )
    shown = list(
        VillageData.objects.filter(pk__in=[row[2] for row in missing[:LIST_SHOWN]])
        .select_related("village__parent")
        .order_by("-blt_households", "village_id")
    )
    for data in shown:
        data.url = selection.plan_list_url(kecamatan=data.village.parent_id)
    return VillageList(len(missing), shown)
