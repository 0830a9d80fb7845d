"""The figures of the home pages, each one aggregate query through the scoped querysets.

Every figure starts from ``WorkPlan.objects.visible_to(user)`` (or another ``visible_to``), so the one
scope rule decides what is counted. Queries group in the database and return one row per pillar, area
or village; Python only merges and sorts those grouped rows, never the activities or progress behind
them. The number of queries is therefore the same for 5 companions as for 500.

Progress is counted per activity and month ("slot"): an activity scheduled in March and June is two
slots. A slot is *reported* when its month has a progress entry and *done* when that entry says done.
Off-schedule entries count towards the quantity achieved but not as reported slots, so the bars never
pass 100 %.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from urllib.parse import urlencode

from django import forms
from django.db import connection
from django.db.models import Count, Exists, ExpressionWrapper, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pillars.models import Activity, MonthlyProgress, MonthlyReport, Pillar, PlanYear, WorkPlan
from pillars.queries import status_counts
from villages.models import Companion, Region, VillageData
from villages.scope import viewer_for, within

# Kemendagri codes have fixed widths: 34 / 34.03 / 34.03.01 / 34.03.01.2001.
CODE_LENGTH = {Region.Level.PROVINCE: 2, Region.Level.REGENCY: 5, Region.Level.DISTRICT: 8, Region.Level.VILLAGE: 13}
PlanVillage = WorkPlan.villages.through
WAITING_SHOWN = 10
LIST_SHOWN = 50


def below(field: str, code: str) -> Q:
    """Villages (or links to villages) strictly below region ``code``.

    The rule is :func:`villages.scope.within`; on SQLite, whose LIKE cannot use an index, the same
    prefix is added as a range so a kabupaten's 150 villages are read through the code index instead
    of a scan of the 90,000 national regions. (PostgreSQL uses its pattern index for the LIKE, and a
    locale collation may not order "." before "/", so the range is left out there.)
    """
    condition = within(f"{field.removesuffix('_id')}__code" if field.endswith("_id") else field, code)
    if connection.vendor == "sqlite":
        condition &= Q(**{f"{field}__gt": f"{code}.", f"{field}__lt": f"{code}/"})
    return condition


def last_complete_month(year: int, today: date) -> int:
    """Months of ``year`` that are over: 12 for a past year, 0 for a future one."""
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    return today.month - 1


def group_level_for(user) -> int:
    """The level the tables group by: one below the viewer's scope (a kabupaten sees kecamatan)."""
    viewer = viewer_for(user)
    if viewer.is_coordinator:
        scope_level = len(viewer.prefix.split("."))
        return min(scope_level + 1, Region.Level.DISTRICT)
    return Region.Level.PROVINCE


class DashboardFilterForm(forms.Form):
    """Year, area one level below the scope, and companion role. Invalid values fall back to defaults."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    area = forms.ModelChoiceField(label=_("Area"), queryset=Region.objects.none(), required=False)
    role = forms.ChoiceField(label=_("Companion role"), required=False)

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
        year = cleaned.get("year") or today.year
        viewer = viewer_for(user)
        return Selection(
            year=year,
            month=last_complete_month(year, today),
            area=cleaned.get("area"),
            role=cleaned.get("role") or "",
            scope_code=viewer.prefix if viewer.is_coordinator else None,
            group_level=group_level_for(user),
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
    """The plans behind every figure: visible to ``user``, of the year, filtered by area and role."""
    plans = WorkPlan.objects.visible_to(user)
    if not any_year:
        plans = plans.filter(year=selection.year)
    if selection.role:
        plans = plans.filter(companion__role=selection.role)
    if selection.area:
        in_area = PlanVillage.objects.filter(below("region_id", selection.area.code), workplan_id=OuterRef("pk"))
        plans = plans.filter(Exists(in_area))
    return plans


# --- Plans by status and the review queue ----------------------------------------------------------


@dataclass
class StatusCard:
    value: str
    label: str
    count: int
    url: str


def status_cards(plans: QuerySet[WorkPlan], selection: Selection) -> list[StatusCard]:
    counts = status_counts(plans)
    return [
        StatusCard(value, label, counts[value], selection.plan_list_url(status=value))
        for value, label in WorkPlan.Status.choices
    ]


def companions_without_plan(user, selection: Selection) -> QuerySet[Companion]:
    """Companions in scope, active in the year, who have not started its plan."""
    companions = Companion.objects.visible_to(user).filter(
        Q(active_from__isnull=True) | Q(active_from__lte=selection.year),
        Q(active_until__isnull=True) | Q(active_until__gte=selection.year),
        role__in=[selection.role] if selection.role else Companion.COMPANION_ROLES,
    )
    code = selection.region_code
    if code:
        assigned = Companion.villages.through.objects.filter(below("region_id", code), companion_id=OuterRef("pk"))
        companions = companions.filter(Exists(assigned))
    has_plan = WorkPlan.objects.filter(companion=OuterRef("pk"), year=selection.year)
    return companions.exclude(Exists(has_plan)).select_related("user").order_by("user__first_name", "user__username")


@dataclass
class Waiting:
    """A plan or monthly report waiting for review, with how long it has waited."""

    obj: WorkPlan | MonthlyReport
    url: str
    days: int


def _days_since(moment, today: date) -> int:
    # The day it happened in Jakarta, not in UTC: 03:00 WIB is still the previous day in UTC.
    return (today - timezone.localdate(moment)).days if moment else 0


def waiting_plans(plans: QuerySet[WorkPlan], today: date) -> tuple[list[Waiting], int]:
    queue = plans.filter(status=WorkPlan.Status.SUBMITTED)
    shown = queue.select_related("companion__user").order_by(F("submitted_at").asc(nulls_first=True), "pk")
    rows = [
        Waiting(plan, plan.get_absolute_url(), _days_since(plan.submitted_at, today)) for plan in shown[:WAITING_SHOWN]
    ]
    return rows, queue.count()


def waiting_reports(user, plans: QuerySet[WorkPlan], today: date) -> tuple[list[Waiting], int]:
    queue = MonthlyReport.objects.visible_to(user).filter(plan__in=plans, status=MonthlyReport.Status.SUBMITTED)
    shown = queue.select_related("plan__companion__user").order_by(F("submitted_at").asc(nulls_first=True), "pk")
    rows = [
        Waiting(report, report_url(report), _days_since(report.submitted_at, today)) for report in shown[:WAITING_SHOWN]
    ]
    return rows, queue.count()


def report_url(report: MonthlyReport) -> str:
    return reverse("pillars:report-detail", args=[report.pk])


# --- Progress against the schedule ----------------------------------------------------------------


@dataclass
class ProgressRow:
    """Scheduled, reported and done slots, target and achieved quantity of one pillar, area or village."""

    key: str
    label: str
    url: str = ""
    parent_label: str = ""
    activities: int = 0
    scheduled: int = 0
    reported: int = 0
    done: int = 0
    target: Decimal = Decimal("0")
    achieved: Decimal = Decimal("0")

    @staticmethod
    def _percent(part, whole) -> int:
        return int(round(100 * part / whole)) if whole else 0

    @property
    def reported_pct(self) -> int:
        return self._percent(self.reported, self.scheduled)

    @property
    def done_pct(self) -> int:
        return self._percent(self.done, self.scheduled)

    @property
    def achieved_pct(self) -> int:
        return self._percent(self.achieved, self.target)

    @property
    def achieved_bar(self) -> int:
        return min(self.achieved_pct, 100)


SORT_KEYS = {
    "name": lambda row: row.label.lower(),
    "activities": lambda row: row.activities,
    "scheduled": lambda row: row.scheduled,
    "reported": lambda row: (row.reported_pct, row.scheduled),
    "done": lambda row: (row.done_pct, row.scheduled),
    "achieved": lambda row: (row.achieved_pct, row.target),
}


def sort_rows(rows: list[ProgressRow], sort: str) -> tuple[list[ProgressRow], str]:
    """Sort by ``name``, ``done``, …; a leading ``-`` reverses. Unknown keys sort by name."""
    key = sort.removeprefix("-")
    if key not in SORT_KEYS:
        return sorted(rows, key=SORT_KEYS["name"]), "name"
    return sorted(rows, key=SORT_KEYS[key], reverse=sort.startswith("-")), sort


def _slot_counts(month: int, activity: str = "", covers: Q | None = None) -> dict:
    """One Count per month that is over; their sum is the number of scheduled slots."""
    covers = covers or Q()
    return {
        f"slot_{m}": Count(f"{activity}pk", filter=covers & Q(**{f"{activity}months__includes": m}))
        for m in range(1, month + 1)
    }


def _in_schedule(activity: str = "activity__", progress: str = "") -> ExpressionWrapper:
    """1 when a progress entry's month is one its activity is scheduled in: one bit test per row."""
    bit = F(f"{activity}months").bitrightshift(F(f"{progress}month") - 1).bitand(1)
    return ExpressionWrapper(bit, output_field=IntegerField())


def _progress_sums(progress: str = "") -> dict:
    """Reported and done slots and the quantity, over rows aliased with ``in_schedule``."""
    done = Q(**{f"{progress}status": MonthlyProgress.Status.DONE})
    return {
        "reported": Count(f"{progress}pk", filter=Q(in_schedule=1)),
        "done": Count(f"{progress}pk", filter=Q(in_schedule=1) & done),
        "achieved": Sum(f"{progress}quantity"),
    }


def approved_activities(plans: QuerySet[WorkPlan], selection: Selection) -> QuerySet[Activity]:
    """Activities of the approved plans, only for villages within the region (or for all villages)."""
    activities = Activity.objects.filter(plan__in=plans.in_force())
    code = selection.region_code
    if code:
        activities = activities.filter(within("village__code", code) | Q(village__isnull=True))
    return activities


def approved_progress(plans: QuerySet[WorkPlan], selection: Selection) -> QuerySet[MonthlyProgress]:
    """Progress entries of those activities in the months that are over."""
    progress = MonthlyProgress.objects.filter(activity__plan__in=plans.in_force())
    code = selection.region_code
    if code:
        progress = progress.filter(within("activity__village__code", code) | Q(activity__village__isnull=True))
    return progress.filter(month__lte=selection.month)


def _add(row: ProgressRow, counts: dict | None, sums: dict | None, month: int) -> ProgressRow:
    if counts:
        row.activities += counts["activities"]
        row.scheduled += sum(counts[f"slot_{m}"] or 0 for m in range(1, month + 1))
        row.target += counts["target"] or Decimal("0")
    if sums:
        row.reported += sums["reported"]
        row.done += sums["done"]
        row.achieved += sums["achieved"] or Decimal("0")
    return row


def _area_of(selection: Selection, village: str, plan: str) -> Substr:
    """An activity's area code: its village's, or for an all-villages activity, its plan's first village's."""
    first = PlanVillage.objects.filter(workplan_id=OuterRef(plan))
    if selection.region_code:
        first = first.filter(below("region_id", selection.region_code))
    first = first.order_by("region_id").values("region_id")[:1]
    return Substr(Coalesce(village, Subquery(first)), 1, CODE_LENGTH[selection.group_level])


@dataclass
class Progress:
    pillars: list[ProgressRow]
    areas: list[ProgressRow]


def progress(
    plans: QuerySet[WorkPlan], selection: Selection, *, sort: str = "name", plan_url: str = "", by_area: bool = True
) -> Progress:
    """Progress per pillar and per area (one level below the scope), from two grouped queries.

    Both queries group by pillar and area together, so each table is a sum over a few dozen grouped
    rows. Active pillars are always listed, inactive ones only when the plans use them. A pillar row
    links to the plans behind it, or to the pillar's section of ``plan_url`` (a companion's one plan).
    ``by_area=False`` groups by pillar only and leaves ``areas`` empty (a companion's home has no area table).
    """
    month = selection.month
    activities = approved_activities(plans, selection)
    entries = approved_progress(plans, selection).alias(in_schedule=_in_schedule())
    if by_area:
        activities = activities.annotate(area=_area_of(selection, "village_id", "plan_id"))
        entries = entries.annotate(area=_area_of(selection, "activity__village_id", "activity__plan_id"))
    group = ("area",) if by_area else ()
    counts = list(
        activities.values("pillar_id", *group)
        .annotate(activities=Count("pk"), target=Sum("target_quantity"), **_slot_counts(month))
        .order_by()
    )
    sums = list(entries.values("activity__pillar_id", *group).annotate(**_progress_sums()).order_by())
    used = {row["pillar_id"] for row in counts}
    url = plan_url or selection.plan_list_url(status=WorkPlan.Status.APPROVED)
    pillars = {
        pillar.pk: ProgressRow(pillar.code, pillar.name, f"{url}#pillar-{pillar.code}" if plan_url else url)
        for pillar in Pillar.objects.order_by("order", "code")
        if pillar.is_active or pillar.pk in used
    }
    codes = {row["area"] for row in counts if row.get("area")}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    areas = {code: ProgressRow(code, names.get(code, code), selection.home_url(area=code)) for code in codes}
    for row in counts:
        _add(pillars[row["pillar_id"]], row, None, month)
        if row.get("area") in areas:
            _add(areas[row["area"]], row, None, month)
    for row in sums:
        if row["activity__pillar_id"] in pillars:
            _add(pillars[row["activity__pillar_id"]], None, row, month)
        if row.get("area") in areas:
            _add(areas[row["area"]], None, row, month)
    return Progress(list(pillars.values()), sort_rows(list(areas.values()), sort)[0])


def village_progress(plans: QuerySet[WorkPlan], selection: Selection, sort: str = "name") -> list[ProgressRow]:
    """One row per village of an approved plan; an all-villages activity counts for each of its villages."""
    month = selection.month
    links = PlanVillage.objects.filter(workplan__in=plans.in_force())
    if selection.region_code:
        links = links.filter(below("region_id", selection.region_code))
    act = "workplan__activities__"
    covers = Q(**{f"{act}village_id": F("region_id")}) | Q(**{f"{act}village__isnull": True})
    counts = links.values("region_id", "region__name", "region__parent_id", "region__parent__name").annotate(
        activities=Count(f"{act}pk", filter=covers),
        target=Sum(f"{act}target_quantity", filter=covers),
        **_slot_counts(month, act, covers),
    )
    entry = f"{act}progress__"
    sums = {
        row["region_id"]: row
        for row in links.filter(covers, **{f"{entry}month__lte": month})
        .alias(in_schedule=_in_schedule(act, entry))
        .values("region_id")
        .annotate(**_progress_sums(entry))
        .order_by()
    }
    rows = [
        _add(
            ProgressRow(
                row["region_id"],
                row["region__name"],
                selection.plan_list_url(status=WorkPlan.Status.APPROVED, kecamatan=row["region__parent_id"]),
                parent_label=row["region__parent__name"],
            ),
            row,
            sums.get(row["region_id"]),
            month,
        )
        for row in counts.order_by()
    ]
    return sort_rows(rows, sort)[0]


def total_of(rows: list[ProgressRow], label: str) -> ProgressRow:
    """The sum of grouped rows (a handful of pillars), for the headline figure."""
    total = ProgressRow("total", label)
    for row in rows:
        total.activities += row.activities
        total.scheduled += row.scheduled
        total.reported += row.reported
        total.done += row.done
        total.target += row.target
        total.achieved += row.achieved
    return total


# --- Coverage: villages without activity, BLT villages without a poor-group activity ------------------


def _covered_villages(activities: QuerySet[Activity]) -> Q:
    """Villages some activity is for: the named ones, and every village of a plan with an all-villages activity."""
    named = activities.filter(village__isnull=False).values("village_id")
    all_villages = PlanVillage.objects.filter(
        workplan__in=activities.filter(village__isnull=True).values("plan_id")
    ).values("region_id")
    return Q(code__in=named) | Q(code__in=all_villages)


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


def villages_without_activity(user, plans: QuerySet[WorkPlan], selection: Selection) -> VillageList:
    """Villages in scope assigned to a companion that no activity of an approved plan is for."""
    roles = [selection.role] if selection.role else Companion.COMPANION_ROLES
    villages = villages_in(user, selection).filter(_assigned("code", roles))
    missing = villages.exclude(_covered_villages(approved_activities(plans, selection)))
    shown = list(missing.select_related("parent").order_by("code")[:LIST_SHOWN])
    for village in shown:
        village.url = selection.plan_list_url(kecamatan=village.parent_id)
    return VillageList(missing.count(), shown)


def unassigned_village_count(user, selection: Selection) -> int:
    return villages_in(user, selection).exclude(_assigned("code", Companion.Role.values)).count()


def poor_group_activities(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    return activities.filter(Q(poor_priority=True) | Q(target_group=Activity.TargetGroup.POOR))


def blt_without_poor_activity(user, plans: QuerySet[WorkPlan], selection: Selection) -> VillageList:
    """Assigned villages with BLT recipients (data of the year or the latest before) and no poor-group activity."""
    covered = _covered_villages(poor_group_activities(approved_activities(plans, selection)))
    roles = [selection.role] if selection.role else Companion.COMPANION_ROLES
    villages = villages_in(user, selection).filter(_assigned("code", roles)).exclude(covered)
    missing = VillageData.objects.filter(village__in=villages).for_year(selection.year).filter(blt_households__gt=0)
    shown = list(missing.select_related("village__parent").order_by("-blt_households", "village_id")[:LIST_SHOWN])
    for data in shown:
        data.url = selection.plan_list_url(kecamatan=data.village.parent_id)
    return VillageList(missing.count(), shown)


@dataclass
class SortColumn:
    key: str
    label: str
    url: str
    state: str  # "ascending", "descending" or "" (the aria-sort value)


def sort_columns(selection: Selection, sort: str, **keep) -> list[SortColumn]:
    """Column headers of the area and village tables; a second click on the sorted column reverses it."""
    labels = {
        "name": _("Name"),
        "activities": _("Activities"),
        "scheduled": _("Scheduled"),
        "reported": _("Reported"),
        "done": _("Done"),
        "achieved": _("Quantity"),
    }
    columns = []
    for key, label in labels.items():
        state = "ascending" if sort == key else "descending" if sort == f"-{key}" else ""
        url = selection.home_url(sort=f"-{key}" if sort == key else key, **keep)
        columns.append(SortColumn(key, label, url, state))
    return columns
