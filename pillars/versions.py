"""The plans' side of the data versions (:mod:`villages.versions`, where the counters and the rule are): which
counter a write to a plan, or to anything in it, raises, and what a plan's and a scope's pages are drawn from.

A write to a plan or anything in it raises the plan's own counter, ``plan:<id>``, alone, in one statement that
finds the plan from the written row. Only the plan's companion (or its coordinator) writes to it, so writes of
different companions never wait for each other's counter: the deadline rush in a kabupaten is not made to queue.

A scope's pages add up the counters of the plans in the scope (those with a village in it, or whose companion is
assigned in it) with the scope's own counters (``area:``, ``vdata:``, ``all``). A plan only ever enters or leaves
a scope through a write that raises the ``area:`` counters of both sides (its villages, its companion, its
deletion), so the pair (the areas' sum, the plans' sum) never comes back to a value it had: a key never repeats.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from villages.versions import (
    ALL,
    AREA_WIDTH,
    TABLE,
    areas_within_sql,
    bump_all,
    bump_areas,
    bump_sql,
    key,
    track,
    track_links,
    within_pattern,
)

__all__ = ["bump_all", "bump_areas", "bump_plans", "bump_row", "connect", "key", "of_area", "of_plan", "of_viewer"]

# Each kind of plan-side row: the SQL that finds its plan from its own id.
PLAN_OF = {
    "plan": "%s",
    "activity": "(SELECT plan_id FROM pillars_activity WHERE id = %s)",
    "progress": "(SELECT a.plan_id FROM pillars_monthlyprogress m JOIN pillars_activity a ON a.id = m.activity_id"
    " WHERE m.id = %s)",
}


def _plan_counter(plan: str) -> str:
    return f"'plan:' || CAST({plan} AS VARCHAR(20))"


def bump_row(kind: str, pk: int) -> None:
    """Raise the counter of the plan that row ``pk`` of ``kind`` (:data:`PLAN_OF`) belongs to."""
    with connection.cursor() as cursor:
        cursor.execute(bump_sql(f"SELECT {_plan_counter(PLAN_OF[kind])} AS scope"), [pk])


def bump_plans(plan_ids: Iterable[int]) -> None:
    for pk in sorted(set(plan_ids)):
        bump_row("plan", pk)


def bump_plan_areas(plan_id: int) -> None:
    """Raise the ``area:`` counters of every kabupaten the plan is in: its villages', its companion's (the plan
    is about to enter or leave their scopes)."""
    width = AREA_WIDTH
    select = (
        f"SELECT 'area:' || SUBSTR(v.region_id, 1, {width}) AS scope FROM pillars_workplan_villages v"
        " WHERE v.workplan_id = %s"
        f" UNION SELECT 'area:' || SUBSTR(c.region_id, 1, {width}) FROM villages_companion_villages c"
        " JOIN pillars_workplan p ON p.companion_id = c.companion_id WHERE p.id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(bump_sql(select), [plan_id, plan_id])


# --- What pages are drawn from.


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


def of_area(prefix: str | None) -> tuple[int, ...]:
    """What a page of a region's scope is drawn from (the whole country for None): the scope's own counters
    (:func:`villages.versions.areas_within_sql`) and the sum of the counters of its plans (one query)."""
    if prefix is None:
        plans = f"SELECT COALESCE(SUM(version), 0) FROM {TABLE} WHERE scope LIKE 'plan:%%'"
        params: list[str] = []
    else:
        plans = (
            f"SELECT COALESCE(SUM(d.version), 0) FROM {TABLE} d WHERE d.scope IN ("
            f"SELECT {_plan_counter('l.workplan_id')} FROM pillars_workplan_villages l WHERE l.region_id LIKE %s"
            f" UNION SELECT {_plan_counter('p.id')} FROM pillars_workplan p"
            " JOIN villages_companion_villages c ON c.companion_id = p.companion_id WHERE c.region_id LIKE %s)"
        )
        params = [within_pattern(prefix)] * 2
    columns, area_params = areas_within_sql(prefix)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}, ({plans})", [*area_params, *params])
        return tuple(int(value) for value in cursor.fetchone())


def of_viewer(viewer) -> tuple[int, ...]:
    """What a page of everything a reviewer or a village official sees is drawn from (:func:`of_area` of their
    scope; the whole country for an admin)."""
    if viewer.is_admin:
        return of_area(None)
    return of_area(viewer.prefix or viewer.watches)


# --- Following the writes.


def connect() -> None:
    """Follow every write to a plan and what is in it, and to the reference lists plans are written against
    (called once, from the plans app's ``ready``)."""
    from django.db.models.signals import pre_delete, pre_save

    from pillars import models

    for model in (models.Activity, models.MonthlyReport, models.QuarterReport, models.WorkflowEvent):
        track(model, lambda row: bump_row("plan", row.plan_id))
    for model in (models.MonthNote, models.PlanSnapshot, models.Handover):
        track(model, lambda row: bump_row("plan", row.plan_id))
    track(models.WorkPlan, lambda plan: bump_row("plan", plan.pk))
    track(models.MonthlyProgress, lambda entry: bump_row("activity", entry.activity_id))
    track(models.ActivityComment, lambda comment: bump_row("activity", comment.activity_id))
    track(models.Evidence, lambda evidence: bump_row("progress", evidence.progress_id))
    for model in (models.Pillar, models.PlanYear, models.DimensionFocus):
        track(model, lambda row: bump_all())
    track_links(models.WorkPlan.villages.through, _plan_villages_changed)
    pre_save.connect(_plan_moving, sender=models.WorkPlan, dispatch_uid="versions-plan-companion")
    pre_delete.connect(_plan_leaving, sender=models.WorkPlan, dispatch_uid="versions-plan-deleted")


def _plan_moving(sender, instance, raw=False, **kwargs) -> None:
    """A plan given to another companion leaves the scopes of the first one's villages for the second's."""
    if raw or instance.pk is None:
        return
    before = sender.objects.filter(pk=instance.pk).values_list("companion_id", flat=True).first()
    if before is not None and before != instance.companion_id:
        bump_plan_areas(instance.pk)  # the old companion's kabupaten
        from villages.models import Companion

        bump_areas(
            Companion.villages.through.objects.filter(companion_id=instance.companion_id).values_list(
                "region_id", flat=True
            )
        )


def _plan_leaving(sender, instance, **kwargs) -> None:
    bump_plan_areas(instance.pk)


def _plan_villages_changed(instance, action: str, codes: Iterable | None) -> None:
    from pillars.models import WorkPlan

    if isinstance(instance, WorkPlan):
        bump_row("plan", instance.pk)
        bump_plan_areas(instance.pk)  # before the change and after: the kabupaten it leaves and enters
        bump_areas(codes or ())
    else:  # from the village's side: the plans added or removed, and the village's own kabupaten
        bump_plans(codes or ())
        bump_areas([instance.pk])
