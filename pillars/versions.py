"""The plans' side of the data versions (:mod:`villages.versions`, where the counters and the rule are): which
counters a write to a plan, or to anything in it, raises, and what a plan's pages are drawn from.

A plan-side write raises ``plan:<id>`` and ``area:<kabupaten>`` for each kabupaten the plan works in or its
companion is assigned in, in one statement that finds them from the written row itself. One raise per transaction
would do (the rest of its writes commit with it); each save raises its own, so no write path is left out.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from villages.versions import (
    ALL,
    AREA_WIDTH,
    TABLE,
    bump_all,
    bump_areas,
    bump_sql,
    key,
    of_area,
    of_viewer,
    track,
    track_links,
)

__all__ = ["bump_all", "bump_areas", "bump_plans", "bump_row", "connect", "key", "of_area", "of_plan", "of_viewer"]

# Each kind of plan-side row: the SQL that finds its plan from its own id.
PLAN_OF = {
    "plan": "%s",
    "activity": "(SELECT plan_id FROM pillars_activity WHERE id = %s)",
    "progress": "(SELECT a.plan_id FROM pillars_monthlyprogress m JOIN pillars_activity a ON a.id = m.activity_id"
    " WHERE m.id = %s)",
}


def _plan_scopes(plan: str) -> str:
    """The scopes of the plan whose id is the SQL expression ``plan``: itself, the kabupaten of its villages and
    those of its companion's villages."""
    width = AREA_WIDTH
    return (
        f"SELECT 'plan:' || CAST(p.id AS VARCHAR(20)) AS scope FROM pillars_workplan p WHERE p.id = {plan}"
        f" UNION SELECT 'area:' || SUBSTR(v.region_id, 1, {width}) FROM pillars_workplan_villages v"
        f" WHERE v.workplan_id = {plan}"
        f" UNION SELECT 'area:' || SUBSTR(c.region_id, 1, {width}) FROM villages_companion_villages c"
        f" JOIN pillars_workplan p ON p.companion_id = c.companion_id WHERE p.id = {plan}"
    )


def bump_row(kind: str, pk: int) -> None:
    """Raise the counters of the plan that row ``pk`` of ``kind`` (:data:`PLAN_OF`) belongs to."""
    with connection.cursor() as cursor:
        cursor.execute(bump_sql(_plan_scopes(PLAN_OF[kind])), [pk, pk, pk])


def bump_plans(plan_ids: Iterable[int]) -> None:
    for pk in sorted(set(plan_ids)):
        bump_row("plan", pk)


def of_plan(plan_id: int) -> tuple[int, ...]:
    """What a page of one plan is drawn from: the plan, its villages' data, and everything's (one query)."""
    width = AREA_WIDTH
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT scope, version FROM {TABLE} WHERE scope IN (%s, %s) OR scope IN ("
            f"SELECT 'vdata:' || SUBSTR(region_id, 1, {width}) FROM pillars_workplan_villages WHERE workplan_id = %s)"
            " ORDER BY scope",
            [f"plan:{plan_id}", ALL, plan_id],
        )
        return tuple(value for row in cursor.fetchall() for value in row)


def connect() -> None:
    """Follow every write to a plan and what is in it, and to the reference lists plans are written against
    (called once, from the plans app's ``ready``)."""
    from pillars import models

    for model in (models.Activity, models.MonthlyReport, models.QuarterReport, models.WorkflowEvent):
        track(model, lambda row: bump_row("plan", row.plan_id))
    for model in (models.MonthNote, models.PlanSnapshot, models.Handover):
        track(model, lambda row: bump_row("plan", row.plan_id))
    track(models.WorkPlan, lambda plan: bump_row("plan", plan.pk), before=True)  # a new companion: both raised
    track(models.MonthlyProgress, lambda entry: bump_row("activity", entry.activity_id))
    track(models.ActivityComment, lambda comment: bump_row("activity", comment.activity_id))
    track(models.Evidence, lambda evidence: bump_row("progress", evidence.progress_id))
    for model in (models.Pillar, models.PlanYear, models.DimensionFocus):
        track(model, lambda row: bump_all())
    track_links(models.WorkPlan.villages.through, _plan_villages_changed)


def _plan_villages_changed(instance, action: str, codes: Iterable | None) -> None:
    from pillars.models import WorkPlan

    if isinstance(instance, WorkPlan):
        bump_row("plan", instance.pk)
        bump_areas(codes or ())
    else:  # from the village's side: the plans added or removed, and the village's own kabupaten
        bump_plans(codes or ())
        bump_areas([instance.pk])
