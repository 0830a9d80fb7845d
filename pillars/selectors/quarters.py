"""What a quarter's (triwulan) or the year's page, PDF and workbook read: each activity in force with the period's
plan and realisation (:func:`pillars.figures.period_figures_for`, the months' own figures added up), by pillar, with
the months' narratives, problems and follow-up; and the same figure per plan for a coordinator's recap."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from pillars import figures
from pillars.figures import PeriodFigures, PeriodTally
from pillars.models import Activity, MonthlyProgress, Pillar, QuarterReport, WorkPlan
from villages.batches import chunks
from villages.formats import month_name


def period_of(quarter: int | None) -> tuple[int, ...]:
    """The months a report covers: a quarter's three, or the year's twelve (``quarter`` None)."""
    return figures.YEAR if quarter is None else figures.quarter_months(quarter)


def period_label(quarter: int | None, year: int) -> str:
    """``Quarter 2 (April–June) 2026``, or ``Year 2026``."""
    if quarter is None:
        return _("Year %(year)s") % {"year": year}
    months = figures.quarter_months(quarter)
    return _("Quarter %(quarter)s (%(first)s–%(last)s) %(year)s") % {
        "quarter": quarter,
        "first": month_name(months[0]),
        "last": month_name(months[-1]),
        "year": year,
    }


@dataclass(frozen=True)
class QuarterLink:
    """One of the year's quarters as a link: its number, its label, where it goes, whether it is the one shown."""

    number: int
    label: str
    url: str
    current: bool


def quarter_links(url_of: Callable[[int], str], current: int | None = None) -> list[QuarterLink]:
    """The year's quarters in order, each linked to ``url_of(number)``; ``current`` is the one shown (None: none)."""
    return [
        QuarterLink(number, _("Quarter %(number)s") % {"number": number}, url_of(number), number == current)
        for number in figures.QUARTERS
    ]


@dataclass(frozen=True)
class MonthWriteUp:
    """What one month's entry of an activity says, for the period's narrative."""

    month: int
    quantity: Decimal
    status: str
    description: str
    problems: str
    follow_up: str

    @property
    def month_name(self) -> str:
        return month_name(self.month)

    @property
    def status_label(self) -> str:
        return str(MonthlyProgress.Status(self.status).label)


@dataclass
class PeriodRow:
    """One activity in a period: its plan and realisation then, its cumulative through the period, its notes."""

    activity: Activity
    figures: PeriodFigures
    notes: list[MonthWriteUp] = field(default_factory=list)

    @property
    def planned(self) -> Decimal | None:
        return self.figures.planned

    @property
    def achieved(self) -> Decimal:
        return self.figures.achieved

    @property
    def percent(self) -> Decimal | None:
        return self.figures.percent

    @property
    def over_plan(self) -> bool:
        return self.figures.over_plan

    @property
    def cumulative(self) -> Decimal:
        return self.figures.to_date.achieved

    @property
    def cumulative_percent(self) -> Decimal | None:
        return self.figures.to_date.percent

    @property
    def is_cancelled(self) -> bool:
        return self.figures.to_date.is_cancelled

    @property
    def written_notes(self) -> list[MonthWriteUp]:
        """The months whose entry says something in words."""
        return [note for note in self.notes if note.description or note.problems or note.follow_up]


@dataclass
class PillarBlock:
    pillar: Pillar
    rows: list[PeriodRow]
    tally: PeriodTally


@dataclass
class PeriodReport:
    """A quarter's (``quarter`` 1–4) or the year's (``quarter`` None) report of one plan."""

    plan: WorkPlan
    quarter: int | None
    period: tuple[int, ...]
    label: str
    pillars: list[PillarBlock]
    total: PeriodTally
    quarter_reports: dict[int, QuarterReport]

    @property
    def is_year(self) -> bool:
        return self.quarter is None

    @property
    def rows(self) -> list[PeriodRow]:
        return [row for block in self.pillars for row in block.rows]

    @property
    def report(self) -> QuarterReport | None:
        """The quarter's narrative and its review (None for the year, or before it is written)."""
        return self.quarter_reports.get(self.quarter) if self.quarter else None

    @property
    def narratives(self) -> list[tuple[int, QuarterReport | None]]:
        """The year's four quarters and their narratives, in order."""
        return [(q, self.quarter_reports.get(q)) for q in figures.QUARTERS]


def period_report(plan: WorkPlan, quarter: int | None) -> PeriodReport:
    """The plan in force against its realisation in ``quarter`` (None: the whole year). A fixed number of queries
    however many activities the plan has."""
    period = period_of(quarter)
    activities = list(plan.activities_in_force().select_related("pillar", "village").in_plan_order())
    numbers = figures.period_figures_for(activities, period)
    notes: dict[int, list[MonthWriteUp]] = defaultdict(list)
    entries = (
        MonthlyProgress.objects.filter(activity__in=[a.pk for a in activities], month__in=period)
        .order_by("month")
        .values_list("activity_id", "month", "quantity", "status", "description", "problems", "follow_up")
    )
    for activity_id, *values in entries:
        notes[activity_id].append(MonthWriteUp(*values))
    blocks: list[PillarBlock] = []
    for activity in activities:
        row = PeriodRow(activity, numbers[activity.pk], notes.get(activity.pk, []))
        if not blocks or blocks[-1].pillar.pk != activity.pillar_id:
            blocks.append(PillarBlock(activity.pillar, [], PeriodTally(figures.Tally(), [])))
        blocks[-1].rows.append(row)
    for block in blocks:
        block.tally = PeriodTally.of(row.figures for row in block.rows)
    return PeriodReport(
        plan=plan,
        quarter=quarter,
        period=period,
        label=period_label(quarter, plan.year),
        pillars=blocks,
        total=PeriodTally.of(numbers.values()),
        quarter_reports={r.quarter: r for r in plan.quarter_reports.select_related("reviewed_by")},
    )


@dataclass(frozen=True)
class TrailStep:
    """One step of a quarter narrative's history: when, by whom, to which status."""

    when: datetime
    who: str
    status: str
    status_label: str


def quarter_trail(report: QuarterReport | None, limit: int = 50) -> list[TrailStep]:
    """Who moved the quarter's narrative to which status, and when, newest first (its history records)."""
    if report is None:
        return []
    records = report.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit]
    return [
        TrailStep(
            when=record.history_date,
            who=(record.history_user.get_full_name() or record.history_user.get_username())
            if record.history_user
            else "–",
            status=record.status,
            status_label=str(QuarterReport.Status(record.status).label),
        )
        for record in records
    ]


def period_tallies(plans: Iterable[WorkPlan], period: tuple[int, ...]) -> dict[int, PeriodTally]:
    """Each plan's :attr:`PeriodReport.total` for ``period``, the same figure its report shows, for many plans at
    once: the activities in force read a chunk of plans at a time. A plan not in force has none."""
    found: dict[int, PeriodTally] = {}
    for chunk in chunks([plan.pk for plan in plans if plan.is_in_force], figures.CHUNK):
        activities = list(
            Activity.objects.in_force().filter(plan_id__in=chunk).only("pk", "plan_id", "target_quantity", "months")
        )
        numbers = figures.period_figures_for(activities, period)
        by_plan: dict[int, list[PeriodFigures]] = defaultdict(list)
        for activity in activities:
            by_plan[activity.plan_id].append(numbers[activity.pk])
        for plan_id in chunk:
            found[plan_id] = PeriodTally.of(by_plan.get(plan_id, []))
    return found
