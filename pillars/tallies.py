"""Plans' figures kept added up, so that a province or the country sums thousands of rows instead of millions of
progress entries.

A plan's stored tallies (:class:`pillars.models.PlanTally`) are the :class:`pillars.figures.Tally` of its
activities in force per pillar and per area (the whole plan, each province and each kabupaten it works in)
through a cut-off month. They hold while the plan's state (:class:`pillars.models.PlanTallyState`) names that
month; the database clears it in the same transaction as any write to the plan's activities, progress entries
or villages, whatever wrote them: a service, the admin, an import, a bulk update (triggers, migration ``0008``).
So a stored tally is never stale: a plan whose tallies do not hold is added up again by :func:`fill`, and any
sum taken before that reads the plan from its activities (:func:`reports.dashboard.progress`).

:func:`fill` first locks the plans' state rows (skipping any a write holds at that moment), then adds them up
in a statement that starts after the locks are held: every write that committed before is seen, and every write
after waits for the fill to commit and then clears the state again.

PostgreSQL only, like the set form of the figures: SQLite (the embedded default, a kabupaten's worth of data)
adds up one activity at a time. ``manage.py tally_plans`` adds up every counted plan in force ahead of the first visit
of a month (run it from cron or the job scheduler shortly after midnight on the 1st).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet

from pillars import figures
from pillars.models import Activity, PlanTallyState, WorkPlan
from villages.batches import chunks
from villages.models import Region

FILL_CHUNK = 2000  # plans per statement: a province's first visit of a month in one or two statements
# The areas a plan is added up for besides the whole plan: its provinces and its kabupaten.
AREA_WIDTHS = (Region.CODE_LENGTH[Region.Level.PROVINCE], Region.CODE_LENGTH[Region.Level.REGENCY])
STORED_COLUMNS = ", ".join(figures.TALLY_COUNTS)


def available() -> bool:
    return connection.vendor == "postgresql"


def stale(plans: QuerySet[WorkPlan], through: int) -> list[int]:
    """The plans of ``plans`` whose stored tallies do not hold through ``through`` (changed since, another month,
    never added up)."""
    holding = PlanTallyState.objects.filter(plan_id=OuterRef("pk"), tallied_through=through)
    return list(plans.exclude(Exists(holding)).order_by().values_list("pk", flat=True))


def _fill_sql() -> tuple[str, tuple]:
    activity_sql, activity_params = figures.activities_sql(Activity.objects.all())
    prefixes = [f"SELECT id, SUBSTR(village, 1, {width}) FROM covered" for width in AREA_WIDTHS]
    areas = "\n  UNION ".join(["SELECT id, '' FROM covered", *prefixes])
    sql = f"""
WITH activity (id, plan_id, pillar_id, target, months, village_id) AS (
  SELECT * FROM ({activity_sql}) a WHERE a.plan_id = ANY(%s)
),
plan_village (plan_id, village) AS (
  SELECT workplan_id, region_id FROM pillars_workplan_villages WHERE workplan_id = ANY(%s)
),{figures.COVERED_SQL},
{figures.PER_ACTIVITY_SQL},
areas (id, area) AS (
  {areas}
)
INSERT INTO pillars_plantally (plan_id, through, pillar_id, area, {STORED_COLUMNS})
SELECT f.plan_id, %s, f.pillar_id, a.area, {figures.TALLY_SQL}
FROM areas a JOIN figures f ON f.id = a.id
GROUP BY f.plan_id, f.pillar_id, a.area"""
    return sql, activity_params


def fill(plan_ids: Iterable[int], through: int) -> int:
    """Add up ``plan_ids`` again through ``through``, :data:`FILL_CHUNK` plans per statement; a plan a write
    holds at that moment is left for the next time. Returns how many were added up."""
    ids = sorted(set(plan_ids))
    if not ids:
        return 0
    sql, activity_params = _fill_sql()
    done = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '64MB'")
        mask = figures.through_mask(through)
        for chunk in chunks(ids, FILL_CHUNK):
            # A plan without its state row (the database gives every plan one) gets it here; the NOT EXISTS keeps
            # the insert from waiting on a row a write holds.
            cursor.execute(
                "INSERT INTO pillars_plantallystate (plan_id) SELECT id FROM pillars_workplan w WHERE id = ANY(%s)"
                " AND NOT EXISTS (SELECT 1 FROM pillars_plantallystate s WHERE s.plan_id = w.id)"
                " ON CONFLICT DO NOTHING",
                [chunk],
            )
            cursor.execute(
                "SELECT plan_id FROM pillars_plantallystate WHERE plan_id = ANY(%s) ORDER BY plan_id"
                " FOR UPDATE SKIP LOCKED",
                [chunk],
            )
            locked = [plan_id for (plan_id,) in cursor.fetchall()]
            if not locked:
                continue
            # No write to these plans can commit until this transaction does: the three see the same data.
            cursor.execute("DELETE FROM pillars_plantally WHERE plan_id = ANY(%s)", [locked])
            cursor.execute(sql, [*activity_params, locked, locked, through, mask, through])
            cursor.execute(
                "UPDATE pillars_plantallystate SET tallied_through = %s WHERE plan_id = ANY(%s)", [through, locked]
            )
            done += len(locked)
    return done


def fill_stale(plans: QuerySet[WorkPlan], through: int, *, limit: int | None = None) -> int:
    """Add up again the stale plans of ``plans`` (at most ``limit`` of them: a request bounds its share of the
    work; the sum reads the rest from their activities). Returns how many were added up."""
    ids = stale(plans.in_force(), through)
    return fill(ids[:limit] if limit is not None else ids, through)
