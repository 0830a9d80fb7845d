"""What a month's page, its report and the monthly documents read: each activity of the month with its entry and
figures, in the plan's order, the activities a sent report recorded, and the entry a phone's offline save stored.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import tzinfo
from decimal import Decimal
from functools import cached_property

from pillars import figures
from pillars.models import (
    Activity,
    Evidence,
    MonthlyProgress,
    MonthlyReport,
    MonthNote,
    OfflineSave,
    Pillar,
    WorkPlan,
)
from villages.models import Region


@dataclass
class ActivityMonth:
    """One activity as a month's pages and documents show it: its entry that month and its figures through it."""

    activity: Activity
    month: int
    entry: MonthlyProgress | None
    figures: figures.ActivityFigures
    year: int = 0
    zone: tzinfo | None = None  # the plan's local time (WorkPlan.zone), in which a photo's month is read

    @property
    def scheduled(self) -> bool:
        return self.month in self.activity.months

    @property
    def cumulative(self) -> Decimal:
        return self.figures.achieved

    @property
    def percent(self) -> Decimal | None:
        return self.figures.percent

    @property
    def bar_percent(self) -> int:
        return self.figures.bar

    @property
    def over_target(self) -> bool:
        return self.figures.over_target

    @property
    def planned(self) -> Decimal | None:
        """The month's share of the annual target (:func:`pillars.figures.planned_in_month`)."""
        return figures.planned_in_month(self.activity.target_quantity, self.activity.months, self.month)

    @cached_property
    def evidence(self) -> list[Evidence]:
        """The entry's files (prefetched by :func:`month_rows`); one list, so a document can mark them up. Each
        says ``outside_month``: its photo was taken in another month than the entry's."""
        files = list(self.entry.evidence.all()) if self.entry is not None else []
        for item in files:
            item.outside_month = item.taken_outside(self.year, self.month, self.zone)
        return files


@dataclass
class MonthPage:
    scheduled: list[ActivityMonth] = field(default_factory=list)
    others: list[ActivityMonth] = field(default_factory=list)
    # The report's own record of the plan in force when it was submitted, when it is what the month shows.
    frozen: bool = False

    @property
    def all(self) -> list[ActivityMonth]:
        return self.scheduled + self.others

    @property
    def unreported(self) -> list[Activity]:
        return [row.activity for row in self.scheduled if row.entry is None]

    @property
    def entries(self) -> list[ActivityMonth]:
        return [row for row in self.all if row.entry is not None]


def frozen_activities(report: MonthlyReport) -> list[dict]:
    """What a submitted report records of the plan in force: one dict per activity (see :func:`freeze`)."""
    return list(report.plan_in_force or []) if report is not None and report.is_locked else []


def freeze(plan: WorkPlan) -> list[dict]:
    """The plan's activities in force as plain values, kept with a report when it is submitted so that it
    prints what was in force that month (pillar, village, target), however the plan changes later."""
    rows = []
    for a in plan.activities_in_force().select_related("pillar", "village").in_plan_order():
        rows.append(
            {
                "id": a.pk,
                "pillar": [a.pillar_id, a.pillar.code, a.pillar.name, a.pillar.order],
                "village": [a.village_id, a.village.name] if a.village_id else None,
                "title": a.title,
                "indicator": a.indicator,
                "target_quantity": str(a.target_quantity),
                "unit": a.unit,
                "months": list(a.months),
                "position": a.position,
            }
        )
    return rows


def _as_recorded(activity: Activity, row: dict) -> Activity:
    """``activity`` with the values its report recorded (in memory only; nothing is saved)."""
    pillar_id, code, name, order = row["pillar"]
    activity.pillar = Pillar(pk=pillar_id, code=code, name=name, order=order)
    if row["village"]:
        activity.village = Region(code=row["village"][0], name=row["village"][1], level=Region.Level.VILLAGE)
    else:
        activity.village = None
    activity.title, activity.indicator, activity.unit = row["title"], row["indicator"], row["unit"]
    activity.target_quantity = Decimal(row["target_quantity"])
    activity.months, activity.position = tuple(row["months"]), row["position"]
    return activity


def month_activities(plan: WorkPlan, month: int, report: MonthlyReport | None = None) -> tuple[list[Activity], bool]:
    """The activities a month is about, in the plan's order, and whether they are the report's record.

    A submitted or acknowledged report shows what was in force when it was submitted; an open month shows
    the version in force now.
    """
    activities = plan.activities_in_force().select_related("pillar", "village").in_plan_order()
    recorded = {row["id"]: row for row in frozen_activities(report)}
    if not recorded:
        return list(activities), False
    by_id = {a.pk: a for a in plan.activities.filter(pk__in=recorded)}
    shown = [_as_recorded(by_id[pk], row) for pk, row in recorded.items() if pk in by_id]
    shown.sort(key=lambda activity: activity.plan_order)
    return shown, True


def month_rows(plan: WorkPlan, month: int, activity_ids: list[int] | None = None) -> MonthPage:
    """The activities of ``month``, scheduled ones first, each with its entry and its figures through the month."""
    report = plan.reports.filter(month=month).first()
    activities, frozen = month_activities(plan, month, report)
    if activity_ids is not None:
        activities = [a for a in activities if a.pk in activity_ids]
    page = MonthPage(frozen=frozen)
    for row in _rows(activities, month, plan.year, plan.zone):
        (page.scheduled if row.scheduled else page.others).append(row)
    return page


def _rows(activities: list[Activity], month: int, year: int, zone: tzinfo) -> list[ActivityMonth]:
    entries = {
        entry.activity_id: entry
        for entry in MonthlyProgress.objects.filter(activity__in=[a.pk for a in activities], month=month)
        .select_related("updated_by")
        .prefetch_related("evidence")
    }
    numbers = figures.figures_for(activities, through=month)
    return [ActivityMonth(a, month, entries.get(a.pk), numbers[a.pk], year, zone) for a in activities]


def month_row(plan: WorkPlan, month: int, activity_pk: int) -> ActivityMonth:
    """One activity's card; one the month does not show (not in force) still gets its row, to say why not."""
    page = month_rows(plan, month, [activity_pk])
    if page.all:
        return page.all[0]
    activity = plan.activities.select_related("pillar", "village").get(pk=activity_pk)
    return _rows([activity], month, plan.year, plan.zone)[0]


def offline_saved(user, key: uuid.UUID) -> MonthlyProgress | None:
    """The entry ``user``'s save sent with ``key`` stored (:class:`~pillars.models.OfflineSave`); None: the key is
    new to them, whoever else sent it."""
    saved = OfflineSave.objects.filter(user=user, key=key).select_related("progress").first()
    return saved.progress if saved else None


def next_month_activities(plan: WorkPlan, month: int, report: MonthlyReport | None = None) -> list[Activity]:
    """What the month's report plans for the next month: the activities scheduled then (December: none, the
    next month belongs to next year's plan)."""
    if month == 12:
        return []
    activities, _frozen = month_activities(plan, month, report)
    return [a for a in activities if month + 1 in a.months]


def month_notes(plan: WorkPlan, month: int) -> list[MonthNote]:
    """The village officials' notes on ``month`` of ``plan``, oldest first, each with its author and their office
    loaded (``note.author.village_official.office``)."""
    return list(MonthNote.objects.filter(plan=plan, month=month).select_related("author__village_official__region"))
