"""The home pages' picture of a scope: plans by status, waiting reviews, progress per pillar, area and
village, coverage. The arithmetic is :mod:`pillars.figures` (one definition of every figure); this module
picks the activities a selection is about and groups their figures.

What counts: the plans visible to the user, of the selected year, whose companion is active that year
(``WorkPlan.objects.counted()``), narrowed by area and role; their progress is that of the version in force
(``activities_in_force``), through the last month that is over. An activity counts in every village it covers
(its own, or each of its plan's villages when it is for all of them); an area row counts each activity with a
village in the area once, so an area's row is the same whether the page is filtered to that area or not.
The queries are the same in number for 5 companions as for 500.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple
from urllib.parse import urlencode

from django import forms
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pillars import figures, tallies
from pillars.figures import Tally, last_complete_month
from pillars.models import PILLAR_ORDER, Activity, MonthlyReport, Pillar, PlanYear, WorkPlan, under_revision_condition
from pillars.queries import status_counts
from villages.models import Companion, Region, VillageData
from villages.scope import below, is_within, viewer_for, within

PlanVillage = WorkPlan.villages.through
WAITING_SHOWN = 10
WAITING_TOO_LONG = 7  # days after which a waiting plan or report is marked as old
LIST_SHOWN = 50


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


# --- Plans by status and the review queue ----------------------------------------------------------


@dataclass
class StatusCard:
    value: str
    label: str
    count: int
    url: str


def status_cards(plans: QuerySet[WorkPlan], selection: Selection) -> list[StatusCard]:
    """Plans by workflow status: a revision under way counts by the revision's status (it is also in force)."""
    counts = status_counts(plans)
    return [
        StatusCard(value, label, counts[value], selection.plan_list_url(status=value))
        for value, label in WorkPlan.Status.choices
    ]


@dataclass(frozen=True)
class InForce:
    """How many plans of the selection have a version in force, and how many of those are being revised."""

    count: int
    under_revision: int


def in_force_count(plans: QuerySet[WorkPlan]) -> InForce:
    counts = plans.in_force().aggregate(count=Count("pk"), revising=Count("pk", filter=under_revision_condition()))
    return InForce(counts["count"], counts["revising"])


def companions_without_plan(user, selection: Selection) -> QuerySet[Companion]:
    """Companions in scope, active in the year, who have not started its plan."""
    companions = (
        Companion.objects.visible_to(user)
        .active_in(selection.year)
        .filter(role__in=[selection.role] if selection.role else Companion.COMPANION_ROLES)
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

    @property
    def is_old(self) -> bool:
        """Waited longer than a review should take."""
        return self.days > WAITING_TOO_LONG


@dataclass
class Queue:
    """What waits for review in the selection, the oldest first, and how much more waits in other years."""

    shown: list[Waiting]
    count: int
    other_years: int
    url: str = ""  # the list of everything waiting in the selection

    @property
    def more(self) -> int:
        return self.count - len(self.shown)


def _days_since(moment, today: date) -> int:
    # The day it happened in Jakarta, not in UTC: 03:00 WIB is still the previous day in UTC.
    return (today - timezone.localdate(moment)).days if moment else 0


def waiting_plans(
    plans: QuerySet[WorkPlan], every_year: QuerySet[WorkPlan], selection: Selection, today: date
) -> Queue:
    queue = plans.filter(status=WorkPlan.Status.SUBMITTED)
    shown = queue.select_related("companion__user").order_by(F("submitted_at").asc(nulls_first=True), "pk")
    rows = [
        Waiting(plan, plan.get_absolute_url(), _days_since(plan.submitted_at, today)) for plan in shown[:WAITING_SHOWN]
    ]
    count = queue.count()
    others = every_year.filter(status=WorkPlan.Status.SUBMITTED).count() - count
    return Queue(rows, count, others, selection.plan_list_url(status=WorkPlan.Status.SUBMITTED))


def waiting_reports(user, plans: QuerySet[WorkPlan], every_year: QuerySet[WorkPlan], today: date) -> Queue:
    submitted = MonthlyReport.objects.visible_to(user).filter(status=MonthlyReport.Status.SUBMITTED)
    queue = submitted.filter(plan__in=plans)
    shown = queue.select_related("plan__companion__user").order_by(F("submitted_at").asc(nulls_first=True), "pk")
    rows = [
        Waiting(report, report_url(report), _days_since(report.submitted_at, today)) for report in shown[:WAITING_SHOWN]
    ]
    count = queue.count()
    return Queue(rows, count, submitted.filter(plan__in=every_year).count() - count, reverse("pillars:report-queue"))


def report_url(report: MonthlyReport) -> str:
    return reverse("pillars:report-detail", args=[report.pk])


# --- The activities in force of a selection ---------------------------------------------------------


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


# --- Progress against the schedule ----------------------------------------------------------------


@dataclass
class ProgressRow:
    """One pillar, area or village: a :class:`pillars.figures.Tally` of its activities, with a label and a link."""

    key: str
    label: str
    url: str = ""
    parent_label: str = ""
    tally: Tally = field(default_factory=Tally)

    def __getattr__(self, name: str):
        # The tally's figures read as the row's own: row.scheduled, row.done_pct, row.achievement_pct, ...
        if name == "tally":
            raise AttributeError(name)
        return getattr(self.tally, name)


def _sortable(value: Decimal | None) -> Decimal:
    return Decimal("-1") if value is None else value


SORT_KEYS = {
    "name": lambda row: row.label.lower(),
    "activities": lambda row: row.tally.activities,
    "scheduled": lambda row: row.tally.scheduled,
    "reported": lambda row: (_sortable(row.tally.reported_pct), row.tally.scheduled),
    "done": lambda row: (_sortable(row.tally.done_pct), row.tally.scheduled),
    "achieved": lambda row: (_sortable(row.tally.achievement_pct), row.tally.activities),
}


def sort_rows(rows: list[ProgressRow], sort: str) -> tuple[list[ProgressRow], str]:
    """Sort by ``name``, ``done``, …; a leading ``-`` reverses. Unknown keys sort by name."""
    key = sort.removeprefix("-")
    if key not in SORT_KEYS:
        return sorted(rows, key=SORT_KEYS["name"]), "name"
    return sorted(rows, key=SORT_KEYS[key], reverse=sort.startswith("-")), sort


@dataclass
class Progress:
    total: Tally
    pillars: list[ProgressRow]
    areas: list[ProgressRow]
    villages: list[ProgressRow]
    # Read one activity at a time (``per_activity=True``): the recap writes a row for each.
    activities: list[ScopeActivity] = field(default_factory=list)
    figures: dict[int, figures.ActivityFigures] = field(default_factory=dict)
    plans: dict[int, Tally] = field(default_factory=dict)


@dataclass
class Counted:
    """The tallies of a selection, however they were added up."""

    total: Tally = field(default_factory=Tally)
    pillars: dict[int, Tally] = field(default_factory=lambda: defaultdict(Tally))
    areas: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    villages: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    activities: list[ScopeActivity] = field(default_factory=list)
    figures: dict[int, figures.ActivityFigures] = field(default_factory=dict)
    plans: dict[int, Tally] = field(default_factory=lambda: defaultdict(Tally))


def shows_villages(selection: Selection) -> bool:
    """A table of villages is for a kabupaten or narrower; a province or the country has thousands."""
    code = selection.region_code
    return code is not None and len(code) >= Region.CODE_LENGTH[Region.Level.REGENCY]


def progress(
    plans: QuerySet[WorkPlan],
    selection: Selection,
    *,
    sort: str = "name",
    plan_url: str = "",
    by_area: bool = True,
    per_activity: bool = False,
) -> Progress:
    """Progress through the selection's last complete month: the total, per pillar, per area (one level below
    the scope) and per village (a kabupaten or narrower), every row a tally of the same per-activity figures.

    On PostgreSQL the tallies are added up in the database in one statement (the set form of the figures), and a
    province or the country (an area table, no village table) sums its plans' stored tallies
    (:mod:`pillars.tallies`); elsewhere, or with ``per_activity`` (the recap, which writes a row per activity),
    one activity at a time.
    Active pillars are always listed, inactive ones only when the activities use them. A pillar row links to
    the plans behind it, or to the pillar's section of ``plan_url`` (a companion's one plan).
    ``by_area=False`` leaves out the area and village tables (a companion's home has none).
    """
    villages_too = by_area and shows_villages(selection)
    if per_activity or not tallies.available():
        counted = _counted_one_by_one(plans, selection, by_area=by_area, villages_too=villages_too)
    elif by_area and not villages_too:
        counted = _counted_from_stored_tallies(plans, selection)
    else:
        counted = _counted_in_the_database(plans, selection, by_area=by_area, villages_too=villages_too)
    url = plan_url or selection.plan_list_url(status=WorkPlan.Status.APPROVED)
    pillars = [
        ProgressRow(
            pillar.code,
            pillar.name,
            f"{url}#pillar-{pillar.code}" if plan_url else url,
            tally=counted.pillars.get(pillar.pk, Tally()),
        )
        for pillar in Pillar.objects.order_by(*PILLAR_ORDER)
        if pillar.is_active or pillar.pk in counted.pillars
    ]
    return Progress(
        total=counted.total,
        pillars=pillars,
        areas=sort_rows(_area_rows(counted.areas, selection), sort)[0] if by_area else [],
        villages=sort_rows(_village_rows(counted.villages, selection), sort)[0] if villages_too else [],
        activities=counted.activities,
        figures=counted.figures,
        plans=counted.plans,
    )


def _counted_one_by_one(plans, selection: Selection, *, by_area: bool, villages_too: bool) -> Counted:
    counted = Counted()
    counted.activities = activities = activities_in_force(plans, selection)
    counted.figures = numbers = figures.figures_for(activities, through=selection.month)
    width = Region.CODE_LENGTH[selection.group_level]
    for activity in activities:
        one = numbers[activity.pk]
        counted.total.add(one)
        counted.plans[activity.plan_id].add(one)
        counted.pillars[activity.pillar_id].add(one)
        if by_area:
            for area in {village[:width] for village in activity.villages}:
                counted.areas[area].add(one)
        if villages_too:
            for village in activity.villages:
                counted.villages[village].add(one)
    return counted


def _counted_in_the_database(plans, selection: Selection, *, by_area: bool, villages_too: bool) -> Counted:
    """The same tallies as :func:`_counted_one_by_one`, added up by PostgreSQL in one statement."""
    activity_sql, activity_params = figures.activities_sql(Activity.objects.filter(plan__in=plans))
    link_sql, link_params = (
        PlanVillage.objects.filter(workplan__in=plans)
        .values_list("workplan_id", "region_id")
        .order_by()
        .query.sql_with_params()
    )
    code = selection.region_code
    region_filter, region_params = ("WHERE village LIKE %s", [f"{code}.%"]) if code else ("", [])
    parts = [
        f"SELECT 'total', NULL, {figures.TALLY_SQL} FROM scope f",
        f"SELECT 'pillar', CAST(f.pillar_id AS TEXT), {figures.TALLY_SQL} FROM scope f GROUP BY f.pillar_id",
    ]
    tail_params: list = []
    if by_area:
        parts.append(
            f"""SELECT 'area', c.area, {figures.TALLY_SQL}
                FROM (SELECT DISTINCT id, SUBSTR(village, 1, %s) AS area FROM in_region) c
                JOIN figures f ON f.id = c.id GROUP BY c.area"""
        )
        tail_params.append(Region.CODE_LENGTH[selection.group_level])
    if villages_too:
        parts.append(
            f"""SELECT 'village', c.village, {figures.TALLY_SQL}
                FROM in_region c JOIN figures f ON f.id = c.id GROUP BY c.village"""
        )
    # (activity, village) pairs are unique by construction: a named village once, a plan's villages once each.
    scope = "SELECT * FROM figures WHERE id IN (SELECT id FROM in_region)" if code else "SELECT * FROM figures"
    sql = f"""
WITH activity (id, plan_id, pillar_id, target, months, village_id) AS ({activity_sql}),
plan_village (plan_id, village) AS ({link_sql}),{figures.COVERED_SQL},
in_region AS (SELECT id, village FROM covered {region_filter}),
{figures.PER_ACTIVITY_SQL},
scope AS ({scope})
{" UNION ALL ".join(parts)}"""
    params = [
        *activity_params,
        *link_params,
        *region_params,
        selection.month,
        figures.through_mask(selection.month),
        *tail_params,
    ]
    counted = Counted()
    with transaction.atomic(), connection.cursor() as cursor:
        # Room to group a province's entries in memory rather than on disk, for this statement only.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, params)
        for kind, key, *tally in cursor.fetchall():
            if kind == "total":
                counted.total = figures.tally_of(tally)
            elif kind == "pillar":
                counted.pillars[int(key)] = figures.tally_of(tally)
            elif kind == "area":
                counted.areas[key] = figures.tally_of(tally)
            elif kind == "village":
                counted.villages[key] = figures.tally_of(tally)
    return counted


# A request adds up again at most this many stale plans before it sums; the sum reads any others from their
# activities (exact, only slower), and ``manage.py tally_plans`` adds up everything ahead of a new month.
STALE_FILLED_PER_REQUEST = 3000


def _counted_from_stored_tallies(plans, selection: Selection) -> Counted:
    """The tallies of a province or the country: the stored tallies of its plans (:mod:`pillars.tallies`) for
    the total, the pillars and the areas one level below, summed in one statement with any plan that is still
    stale added up from its activities in the same snapshot, so the sum is exact whatever was written meanwhile.
    """
    through = selection.month
    tallies.fill_stale(plans, through, limit=STALE_FILLED_PER_REQUEST)
    plans_sql, plans_params = plans.in_force().values("pk").order_by().query.sql_with_params()
    activity_sql, activity_params = figures.activities_sql(Activity.objects.all())
    code = selection.region_code or ""
    width = Region.CODE_LENGTH[selection.group_level]
    region_filter, region_params = ("WHERE village LIKE %s", [f"{code}.%"]) if code else ("", [])
    in_area = "AND (area = %s OR area LIKE %s)" if code else ""
    area_params = [code, f"{code}.%"] if code else []
    columns = tallies.STORED_COLUMNS
    sums = ", ".join(f"SUM({name})" for name in figures.TALLY_COUNTS)
    sql = f"""
WITH sel (id) AS NOT MATERIALIZED ({plans_sql}),
stale (id) AS MATERIALIZED (
  SELECT sel.id FROM sel LEFT JOIN pillars_plantallystate s ON s.plan_id = sel.id
  WHERE s.tallied_through IS DISTINCT FROM %s
),
activity (id, plan_id, pillar_id, target, months, village_id) AS (
  SELECT * FROM ({activity_sql}) a WHERE a.plan_id IN (SELECT id FROM stale)
),
plan_village (plan_id, village) AS (
  SELECT workplan_id, region_id FROM pillars_workplan_villages WHERE workplan_id IN (SELECT id FROM stale)
),{figures.COVERED_SQL},
in_region AS (SELECT id, village FROM covered {region_filter}),
{figures.PER_ACTIVITY_SQL},
live (pillar_id, area, {columns}) AS (
  SELECT f.pillar_id, c.area, {figures.TALLY_SQL}
  FROM (SELECT DISTINCT id, '' AS area FROM in_region
        UNION ALL SELECT DISTINCT id, SUBSTR(village, 1, %s) FROM in_region) c
  JOIN figures f ON f.id = c.id GROUP BY f.pillar_id, c.area
),
stored AS MATERIALIZED (
  -- The rows of the plans whose tallies hold, for the region's total and its areas.
  SELECT t.* FROM pillars_plantally t JOIN pillars_plantallystate s ON s.plan_id = t.plan_id
  WHERE t.through = %s AND s.tallied_through = %s AND t.plan_id IN (SELECT id FROM sel)
    AND (t.area = %s OR (LENGTH(t.area) = %s {in_area}))
)
SELECT pillar_id, area, {sums} FROM (
  SELECT * FROM live
  UNION ALL SELECT pillar_id, '', {sums} FROM stored WHERE area = %s GROUP BY pillar_id
  UNION ALL SELECT pillar_id, area, {sums} FROM stored WHERE LENGTH(area) = %s GROUP BY pillar_id, area
) x GROUP BY pillar_id, area"""
    params = [
        *plans_params,
        through,
        *activity_params,
        *region_params,
        through,
        figures.through_mask(through),
        width,
        through,
        through,
        code,
        width,
        *area_params,
        code,
        width,
    ]
    counted = Counted()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, params)
        for pillar_id, area, *numbers in cursor.fetchall():
            tally = figures.tally_of(numbers)
            if area:
                counted.areas[area].merge(tally)
            else:
                counted.pillars[pillar_id].merge(tally)
                counted.total.merge(tally)
    return counted


def _area_rows(areas: dict[str, Tally], selection: Selection) -> list[ProgressRow]:
    names = dict(Region.objects.filter(code__in=list(areas)).values_list("code", "name")) if areas else {}
    return [
        ProgressRow(code, names.get(code, code), selection.home_url(area=code), tally=tally)
        for code, tally in areas.items()
    ]


def _village_rows(villages: dict[str, Tally], selection: Selection) -> list[ProgressRow]:
    rows = []
    if villages:
        regions = Region.objects.filter(code__in=list(villages)).select_related("parent")
        for region in regions:
            url = selection.plan_list_url(status=WorkPlan.Status.APPROVED, kecamatan=region.parent_id)
            parent = region.parent.name if region.parent_id else ""
            rows.append(ProgressRow(region.code, region.name, url, parent_label=parent, tally=villages[region.code]))
    return rows


# --- Coverage: villages without activity, BLT villages without a poor-group activity ------------------


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


@dataclass
class SortColumn:
    key: str
    label: str
    url: str
    state: str  # "ascending", "descending" or "" (the aria-sort value)

    @property
    def is_ascending(self) -> bool:
        return self.state == "ascending"

    @property
    def is_descending(self) -> bool:
        return self.state == "descending"


def sort_columns(selection: Selection, sort: str, **keep) -> list[SortColumn]:
    """Column headers of the area and village tables; a second click on the sorted column reverses it."""
    labels = {
        "name": _("Name"),
        "activities": _("Activities"),
        "scheduled": _("Scheduled"),
        "reported": _("Reported"),
        "done": _("Done"),
        "achieved": _("Achievement"),
    }
    columns = []
    for key, label in labels.items():
        state = "ascending" if sort == key else "descending" if sort == f"-{key}" else ""
        url = selection.home_url(sort=f"-{key}" if sort == key else key, **keep)
        columns.append(SortColumn(key, label, url, state))
    return columns
