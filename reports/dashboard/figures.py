"""Progress of a selection against the schedule: the total, per pillar, per area and per village, every row a
tally of the per-activity figures of :mod:`pillars.figures` (one definition of every figure), added up one of
three ways that tests hold equal: one activity at a time, in one PostgreSQL statement, or from the plans' stored
tallies (:mod:`pillars.tallies`).

An area row counts each activity with a village in the area once, so an area's row is the same whether the page
is filtered to that area or not. The queries are the same in number for 5 companions as for 500.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import QuerySet

from pillars import figures, tallies
from pillars.figures import Tally
from pillars.models import PILLAR_ORDER, Activity, Handover, Pillar, WorkPlan
from reports.dashboard.filters import PlanVillage, ScopeActivity, Selection, activities_in_force
from reports.dashboard.table import ProgressRow, area_rows, sort_rows, village_rows
from villages.models import Region


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
    # Per companion, each counting the months they held a plan handed over (read one activity at a time).
    companions: dict[int, Tally] = field(default_factory=dict)
    holders: dict[int, set[int]] = field(default_factory=dict)  # per plan, the companions who held it this year


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
    companions: dict[int, Tally] = field(default_factory=lambda: defaultdict(Tally))
    holders: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))


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
    held_by: int | None = None,
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

    Per companion (``companions``, and every figure with ``held_by``, a companion's id: their home) a plan handed
    over counts for each holder the months they held it (:func:`pillars.figures.held_parts`); these are read one
    activity at a time, the stored tallies and the one-statement sum being per plan.
    """
    villages_too = by_area and shows_villages(selection)
    if per_activity or held_by is not None or not tallies.available():
        counted = _counted_one_by_one(plans, selection, by_area=by_area, villages_too=villages_too, held_by=held_by)
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
        areas=sort_rows(area_rows(counted.areas, selection), sort)[0] if by_area else [],
        villages=sort_rows(village_rows(counted.villages, selection), sort)[0] if villages_too else [],
        activities=counted.activities,
        figures=counted.figures,
        plans=counted.plans,
        companions=counted.companions,
        holders=counted.holders,
    )


def _counted_one_by_one(
    plans, selection: Selection, *, by_area: bool, villages_too: bool, held_by: int | None = None
) -> Counted:
    counted = Counted()
    counted.activities = activities = activities_in_force(plans, selection)
    counted.figures = numbers = figures.figures_for(activities, through=selection.month)
    holdings = Handover.objects.filter(plan__in=plans).holdings({a.plan_id: a.companion_id for a in activities})
    mine = []
    for activity, companion_id, part in figures.held_parts(activities, numbers, holdings):
        counted.companions[companion_id].add(part)
        counted.holders[activity.plan_id].add(companion_id)
        if companion_id == held_by:
            mine.append((activity, part))
    if held_by is None:
        mine = [(activity, numbers[activity.pk]) for activity in activities]
    else:
        counted.activities = [activity for activity, _part in mine]
        counted.figures = {activity.pk: part for activity, part in mine}
    width = Region.CODE_LENGTH[selection.group_level]
    for activity, one in mine:
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
stored (pillar_id, area, {columns}) AS MATERIALIZED (
  -- The rows of the plans whose tallies hold, for the region's total and its areas, summed in one pass (two
  -- filtered passes over a country's rows spilled them to disk): a few rows per pillar and area.
  SELECT t.pillar_id, t.area, {sums}
  FROM pillars_plantally t JOIN pillars_plantallystate s ON s.plan_id = t.plan_id
  WHERE t.through = %s AND s.tallied_through = %s AND t.plan_id IN (SELECT id FROM sel)
    AND (t.area = %s OR (LENGTH(t.area) = %s {in_area}))
  GROUP BY t.pillar_id, t.area
)
SELECT pillar_id, area, {sums} FROM (
  SELECT * FROM live
  UNION ALL SELECT pillar_id, '', {columns} FROM stored WHERE area = %s
  UNION ALL SELECT * FROM stored WHERE LENGTH(area) = %s
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
