"""The figures the app shows, each defined once: every page, document, workbook and dashboard calls these.

- **In force**: a plan's last approved version (``WorkPlan.objects.in_force()``, ``Activity.objects.in_force()``);
  a revision counts only once approved. Only plans whose companion is active in the plan's year count
  (``WorkPlan.objects.counted()``).
- **Achievement** of an activity through month M: the sum of its quantities in months up to M. A page about a
  month uses that month; "to date" figures use :func:`last_complete_month`.
- **Percent**: :func:`percent`, one decimal place rounded half up. An activity's own percent is not capped;
  an aggregate (pillar, area, village, companion, kabupaten) is the mean of its activities' shares, each capped
  at 100 %, never a sum of quantities in different units. An activity without a target, or cancelled, has no
  share and is left out of the mean (and the surfaces say how many were left out).
- **Slots**: an activity in force × a month it is scheduled in, up to the cut-off, and before the month it
  was cancelled (the first month whose entry says cancelled). A slot is *reported* when that month has an
  entry and *done* when the entry says done. Entries outside the schedule count towards the quantity only.
- **A period** (a quarter, the year): :class:`PeriodFigures`. What an activity plans in it is the sum of its months'
  :func:`planned_in_month` (the whole target when the period holds all its months); what it achieved is the sum of
  its quantities in those months. An aggregate's percent is the mean of the capped shares of the period's plan, as
  above, leaving out activities not scheduled in the period and cancelled ones (:class:`PeriodTally`).

The progress of the activities given is read in one grouped query per :data:`CHUNK` of them
(:func:`progress_through`), whatever the size of the scope, and Python adds the figures up (:class:`Tally`), so
every aggregate is a sum over the same per-activity figures. On PostgreSQL a wide scope is added up by the
database instead, in the set form at the end of this module (and kept added up by :mod:`pillars.tallies`), which
tests hold equal to that sum.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Min, Q, Sum, Value

from pillars.models import MonthlyProgress
from villages.batches import chunks

HUNDRED = Decimal("100")
ONE_PLACE = Decimal("0.1")
ONE = Decimal("1")
ZERO = Decimal("0")
CHUNK = 2000  # activity ids per progress query: well under SQLite's limit of bound parameters


def last_complete_month(year: int, today: date) -> int:
    """The "to date" cut-off: the months of ``year`` that are over (12 for a past year, 0 for a future one)."""
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    return today.month - 1


def percent(part, whole) -> Decimal | None:
    """``part`` of ``whole`` in percent, one decimal place, half up (2 of 3 → 66.7); None without a whole."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def share(achieved, target) -> Decimal | None:
    """How much of its target an activity achieved, as a fraction capped at 1: what an aggregate averages."""
    if not target:
        return None
    return min(Decimal(achieved) / Decimal(target), ONE)


def mean_percent(shares: Iterable[Decimal]) -> Decimal | None:
    """The mean of capped shares, in percent (one decimal, half up); None when there is none."""
    shares = list(shares)
    return percent(sum(shares, ZERO), len(shares))


def planned_in_month(target, months: tuple[int, ...], month: int) -> Decimal | None:
    """What an activity plans for one month: its annual target spread evenly over its scheduled months (two
    decimal places, half up); None in a month it is not scheduled in."""
    if month not in months:
        return None
    return (Decimal(target) / len(months)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def is_unfinished(achieved, target) -> bool:
    """Carried into next year's plan: achieved for the year below its target, whatever the months say."""
    return Decimal(achieved) < Decimal(target or 0)


@dataclass(frozen=True, slots=True)
class Progress:
    """An activity's entries up to a cut-off month, as the figures need them."""

    achieved: Decimal = ZERO
    entry_months: frozenset[int] = frozenset()
    done_months: frozenset[int] = frozenset()
    cancelled_from: int | None = None


NO_PROGRESS = Progress()


@dataclass(frozen=True, slots=True)
class ActivityFigures:
    """One activity's figures through month ``through`` (0: nothing is over yet), worked out once by :meth:`of`:
    an aggregate adds thousands of them."""

    target: Decimal
    months: tuple[int, ...]
    through: int
    progress: Progress
    slots: tuple[int, ...]  # scheduled months up to the cut-off, before the month the activity was cancelled
    reported: int
    done: int
    share: Decimal | None  # what it adds to an aggregate's mean; None (left out) without a target or once cancelled

    @classmethod
    def of(cls, target, months: tuple[int, ...], through: int, progress: Progress = NO_PROGRESS) -> ActivityFigures:
        end = min(through, (progress.cancelled_from or 13) - 1)
        slots = tuple(m for m in months if m <= end)
        entries, done = progress.entry_months, progress.done_months
        cancelled = progress.cancelled_from is not None
        return cls(
            target=target,
            months=months,
            through=through,
            progress=progress,
            slots=slots,
            reported=sum(1 for m in slots if m in entries),
            done=sum(1 for m in slots if m in done),
            share=None if cancelled else share(progress.achieved, target),
        )

    def part(self, months: range | frozenset[int], achieved: Decimal) -> ActivityFigures:
        """The part of these figures of a companion who held the activity's plan in ``months`` only (a plan handed
        over): ``achieved`` is its quantity in those months, its slots the scheduled ones among them. The parts of
        a plan's holders add up to the whole in quantity, slots, reported and done."""
        progress = Progress(
            achieved,
            frozenset(m for m in self.progress.entry_months if m in months),
            frozenset(m for m in self.progress.done_months if m in months),
            self.progress.cancelled_from,
        )
        slots = tuple(m for m in self.slots if m in months)
        return ActivityFigures(
            target=self.target,
            months=self.months,
            through=self.through,
            progress=progress,
            slots=slots,
            reported=sum(1 for m in slots if m in progress.entry_months),
            done=sum(1 for m in slots if m in progress.done_months),
            share=None if self.is_cancelled else share(achieved, self.target),
        )

    @property
    def percent(self) -> Decimal | None:
        """The activity's own achievement, not capped: 150 % shows as 150 %."""
        return percent(self.progress.achieved, self.target)

    @property
    def achieved(self) -> Decimal:
        return self.progress.achieved

    @property
    def is_cancelled(self) -> bool:
        return self.progress.cancelled_from is not None

    @property
    def scheduled(self) -> int:
        return len(self.slots)

    @property
    def over_target(self) -> bool:
        return bool(self.target) and self.achieved > self.target

    @property
    def bar(self) -> int:
        """The width of its progress bar, 0–100."""
        return Tally.bar_width(self.percent)


def progress_through(activity_ids: Iterable[int], through: int) -> dict[int, Progress]:
    """Each activity's :class:`Progress` up to month ``through``, one grouped query per ``CHUNK`` activities."""
    ids = list(activity_ids)
    if through < 1 or not ids:
        return {}
    bit = Value(1).bitleftshift(F("month") - 1)
    found: dict[int, Progress] = {}
    for chunk in chunks(ids, CHUNK):
        rows = (
            MonthlyProgress.objects.filter(activity_id__in=chunk, month__lte=through)
            .values("activity_id")
            .annotate(
                achieved=Sum("quantity"),
                entries=Sum(bit),
                done=Sum(bit, filter=Q(status=MonthlyProgress.Status.DONE)),
                cancelled_from=Min("month", filter=Q(status=MonthlyProgress.Status.CANCELLED)),
            )
            .values_list("activity_id", "achieved", "entries", "done", "cancelled_from")
            .order_by()
        )
        for activity_id, achieved, entries, done, cancelled_from in rows:
            found[activity_id] = Progress(
                achieved or ZERO, MONTH_SETS[entries or 0], MONTH_SETS[done or 0], cancelled_from
            )
    return found


def quantities_by_month(activity_ids: Iterable[int], through: int) -> dict[int, dict[int, Decimal]]:
    """Each activity's quantity per month up to ``through``: for the parts of plans handed over (few), whose
    holders each count their own months."""
    ids = list(activity_ids)
    found: dict[int, dict[int, Decimal]] = {}
    if through < 1:
        return found
    for chunk in chunks(ids, CHUNK):
        rows = MonthlyProgress.objects.filter(activity_id__in=chunk, month__lte=through)
        for activity_id, month, quantity in rows.values_list("activity_id", "month", "quantity"):
            found.setdefault(activity_id, {})[month] = quantity or ZERO
    return found


def held_parts(activities: Iterable, numbers: dict[int, ActivityFigures], holdings: dict) -> Iterable[tuple]:
    """``(activity, companion_id, figures)`` for each holder of each activity (anything with ``pk`` and
    ``plan_id``): the whole figures for a plan one companion held all year, each holder's part
    (:meth:`ActivityFigures.part`) for a plan handed over (``holdings``: :class:`pillars.models.Holding` per plan)."""
    activities = list(activities)
    shared = [a.pk for a in activities if holdings[a.plan_id].is_shared]
    through = max((numbers[pk].through for pk in shared), default=0)
    quantities = quantities_by_month(shared, through) if shared else {}
    for activity in activities:
        holding, whole = holdings[activity.plan_id], numbers[activity.pk]
        if not holding.is_shared:
            yield activity, holding.spans[0].companion_id, whole
            continue
        months = quantities.get(activity.pk, {})
        # One part per holder, of every month they held it (a plan handed back to them: two spans, one part).
        for companion_id in dict.fromkeys(span.companion_id for span in holding.spans):
            held = holding.months_of(companion_id)
            achieved = sum((q for m, q in months.items() if m in held), ZERO)
            yield activity, companion_id, whole.part(held, achieved)


# The set of months of each 12-bit mask, made once: a scope's progress is thousands of masks.
MONTH_SETS = tuple(frozenset(m for m in range(1, 13) if mask & (1 << (m - 1))) for mask in range(1 << 12))


def figures_for(activities: Iterable, through: int) -> dict[int, ActivityFigures]:
    """:class:`ActivityFigures` of each activity (anything with ``pk``, ``target_quantity``, ``months``)."""
    activities = list(activities)
    found = progress_through((a.pk for a in activities), through)
    return {
        a.pk: ActivityFigures.of(a.target_quantity, tuple(a.months), through, found.get(a.pk, NO_PROGRESS))
        for a in activities
    }


# --- A period of months: a quarter (triwulan) or the year ------------------------------------------------

QUARTERS = {1: (1, 2, 3), 2: (4, 5, 6), 3: (7, 8, 9), 4: (10, 11, 12)}
YEAR = tuple(range(1, 13))


def quarter_months(quarter: int) -> tuple[int, ...]:
    """The months of ``quarter`` (1–4): the second quarter is April, May and June."""
    return QUARTERS[quarter]


def is_quarter(number: int) -> bool:
    """``number`` names a quarter (1–4)."""
    return number in QUARTERS


def quarter_of(month: int) -> int:
    """The quarter ``month`` lies in."""
    return (month - 1) // 3 + 1


def planned_in_months(target, months: tuple[int, ...], period: tuple[int, ...]) -> Decimal | None:
    """What an activity plans for the months of ``period``: the sum of :func:`planned_in_month` over them; None when
    it is scheduled in none of them. A period that holds every scheduled month plans the whole target (the months'
    rounded shares may add up to a hundredth less)."""
    scheduled = [m for m in period if m in months]
    if not scheduled:
        return None
    if len(scheduled) == len(months):
        return Decimal(target)
    return sum((planned_in_month(target, months, m) for m in scheduled), ZERO)


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    """One activity's figures for a period of months: what it planned then (:func:`planned_in_months`), what it
    achieved then (the sum of its quantities in those months: its achievement through the period's last month less
    its achievement before the first), and its :class:`ActivityFigures` through the period's last month."""

    period: tuple[int, ...]
    planned: Decimal | None
    achieved: Decimal
    to_date: ActivityFigures

    @property
    def percent(self) -> Decimal | None:
        """The period's realisation against the period's plan, not capped."""
        return percent(self.achieved, self.planned)

    @property
    def share(self) -> Decimal | None:
        """What it adds to a pillar's or the plan's mean for the period: capped at 1; None (left out) when not
        scheduled in the period, or cancelled."""
        return None if self.to_date.is_cancelled else share(self.achieved, self.planned)

    @property
    def over_plan(self) -> bool:
        return bool(self.planned) and self.achieved > self.planned


def period_figures_for(activities: Iterable, period: tuple[int, ...]) -> dict[int, PeriodFigures]:
    """:class:`PeriodFigures` of each activity for ``period`` (consecutive months): two grouped progress reads per
    :data:`CHUNK` activities (one for a period starting in January)."""
    activities = list(activities)
    first, last = period[0], period[-1]
    through_end = figures_for(activities, last)
    before = progress_through((a.pk for a in activities), first - 1)
    return {
        a.pk: PeriodFigures(
            period=period,
            planned=planned_in_months(a.target_quantity, tuple(a.months), period),
            achieved=through_end[a.pk].achieved - before.get(a.pk, NO_PROGRESS).achieved,
            to_date=through_end[a.pk],
        )
        for a in activities
    }


@dataclass
class PeriodTally:
    """An aggregate (a pillar, a plan) for a period: the mean of its activities' capped period shares, and the
    :class:`Tally` of their figures through the period's last month."""

    to_date: Tally
    shares: list[Decimal]
    left_out: int = 0

    @classmethod
    def of(cls, rows: Iterable[PeriodFigures]) -> PeriodTally:
        total = cls(Tally(), [])
        for row in rows:
            total.to_date.add(row.to_date)
            if row.share is None:
                total.left_out += 1
            else:
                total.shares.append(row.share)
        return total

    @property
    def activities(self) -> int:
        return self.to_date.activities

    @property
    def achievement_pct(self) -> Decimal | None:
        """The period's realisation against its plan: the mean of the capped shares."""
        return mean_percent(self.shares)

    @property
    def achievement_bar(self) -> int:
        return Tally.bar_width(self.achievement_pct)


@dataclass
class Tally:
    """An aggregate of activities (a pillar, an area, a village, a companion, the whole scope): the set form of
    :class:`ActivityFigures`, added up one activity at a time (:meth:`add`) or, on PostgreSQL, read from the database
    in one statement (:data:`TALLY_SQL`, through :mod:`reports.dashboard` and :mod:`pillars.tallies`), which a test
    holds equal to the sum of its twins."""

    activities: int = 0
    scheduled: int = 0
    reported: int = 0
    done: int = 0
    share_sum: Decimal = ZERO  # the sum of the capped shares of the activities that have one
    share_count: int = 0
    without_target: int = 0
    cancelled: int = 0
    over_target: int = 0

    def add(self, figures: ActivityFigures) -> None:
        self.activities += 1
        self.scheduled += len(figures.slots)
        self.reported += figures.reported
        self.done += figures.done
        if figures.share is not None:
            self.share_sum += figures.share
            self.share_count += 1
            self.over_target += figures.progress.achieved > figures.target
        elif figures.progress.cancelled_from is not None:
            self.cancelled += 1
        else:
            self.without_target += 1

    def merge(self, other: Tally) -> None:
        for name in TALLY_COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def reported_pct(self) -> Decimal | None:
        return percent(self.reported, self.scheduled)

    @property
    def done_pct(self) -> Decimal | None:
        return percent(self.done, self.scheduled)

    @property
    def achievement_pct(self) -> Decimal | None:
        """The mean of the activities' capped shares of their targets."""
        return percent(self.share_sum, self.share_count)

    @property
    def left_out(self) -> int:
        """Activities the achievement mean leaves out: no target, or cancelled."""
        return self.without_target + self.cancelled

    @staticmethod
    def bar_width(value: Decimal | None) -> int:
        """A bar's width, 0–100: a drawing, not a figure (whole units, so no decimal sign reaches the markup)."""
        return 0 if value is None else int(min(value, HUNDRED))

    @property
    def reported_bar(self) -> int:
        return self.bar_width(self.reported_pct)

    @property
    def done_bar(self) -> int:
        return self.bar_width(self.done_pct)

    @property
    def achievement_bar(self) -> int:
        return self.bar_width(self.achievement_pct)


TALLY_COUNTS = (
    "activities",
    "scheduled",
    "reported",
    "done",
    "share_sum",
    "share_count",
    "without_target",
    "cancelled",
    "over_target",
)


def tally(figures: Iterable[ActivityFigures]) -> Tally:
    total = Tally()
    for one in figures:
        total.add(one)
    return total


# --- The set form in SQL: a scope's tallies in one statement ---------------------------------------------
#
# The same definitions as ActivityFigures.of and Tally.add, written once more for the database so that a wide
# scope (a province, the country) is added up where its millions of entries are, instead of being read into
# Python. PostgreSQL only: its numeric type divides exactly enough for the shares; tests hold every tally of
# this form equal to the sum of its activities' ActivityFigures (tests/test_figures_agreement.py). PostgreSQL
# divides to 20 decimal places and Python's Decimal to 28 significant digits: the share sums differ beyond the
# 15th decimal, far below the one decimal place of a percent.


def _bits(expression: str) -> str:
    """How many of the 12 month bits of ``expression`` are set."""
    return "(" + " + ".join(f"((({expression}) >> {k}) & 1)" for k in range(12)) + ")"


# The villages each activity covers (Activity.covers): the one it names, or each of its plan's villages when it is
# for all of them. Needs CTEs ``activity`` (id, plan_id, pillar_id, target, months, village_id) and
# ``plan_village`` (plan_id, village); the (activity, village) pairs are unique by construction.
COVERED_SQL = """
covered (id, village) AS (
  SELECT id, village_id FROM activity WHERE village_id IS NOT NULL
  UNION ALL
  SELECT a.id, pv.village FROM activity a JOIN plan_village pv ON pv.plan_id = a.plan_id WHERE a.village_id IS NULL
)"""


def activities_sql(activities) -> tuple[str, tuple]:
    """The SQL of the activities in force of ``activities`` (a queryset) as the ``activity`` CTE's columns."""
    return (
        activities.in_force()
        .annotate(target=F("target_quantity"))
        .values_list("id", "plan_id", "pillar_id", "target", "months", "village_id")
        .order_by()
        .query.sql_with_params()
    )


# Per activity: its progress up to the cut-off (the first parameter, the month) and its slots (scheduled months up
# to the cut-off, the second parameter being its :func:`through_mask`, and before the month of its first
# "cancelled" entry).
PER_ACTIVITY_SQL = """
progress AS (
  SELECT mp.activity_id,
         SUM(mp.quantity) AS achieved,
         SUM(1 << (mp.month - 1)) AS entries,
         SUM(CASE WHEN mp.status = 'done' THEN 1 << (mp.month - 1) ELSE 0 END) AS done,
         MIN(CASE WHEN mp.status = 'cancelled' THEN mp.month END) AS cancelled_from
  FROM pillars_monthlyprogress mp JOIN activity ON activity.id = mp.activity_id
  WHERE mp.month <= %s
  GROUP BY mp.activity_id
),
figures AS (
  SELECT activity.*,
         COALESCE(progress.achieved, 0) AS achieved,
         COALESCE(progress.entries, 0) AS entries,
         COALESCE(progress.done, 0) AS done_months,
         progress.cancelled_from,
         activity.months & %s
           & CASE WHEN progress.cancelled_from IS NULL THEN 4095 ELSE (1 << (progress.cancelled_from - 1)) - 1 END
           AS slots
  FROM activity LEFT JOIN progress ON progress.activity_id = activity.id
)"""

_HAS_SHARE = "f.cancelled_from IS NULL AND f.target > 0"
TALLY_SQL = f"""
  COUNT(*),
  SUM({_bits("f.slots")}),
  SUM({_bits("f.slots & f.entries")}),
  SUM({_bits("f.slots & f.done_months")}),
  COALESCE(SUM(CASE WHEN {_HAS_SHARE} THEN LEAST(f.achieved / f.target, 1) END), 0),
  COUNT(CASE WHEN {_HAS_SHARE} THEN 1 END),
  COUNT(CASE WHEN f.cancelled_from IS NULL AND NOT f.target > 0 THEN 1 END),
  COUNT(CASE WHEN f.cancelled_from IS NOT NULL THEN 1 END),
  COUNT(CASE WHEN {_HAS_SHARE} AND f.achieved > f.target THEN 1 END)"""


def through_mask(through: int) -> int:
    """The month bits up to the cut-off: 0 for none, 4095 for the whole year."""
    return (1 << max(0, min(through, 12))) - 1


def tally_of(row) -> Tally:
    """A :class:`Tally` from the columns of :data:`TALLY_SQL` (counts as integers, the share sum as a Decimal)."""
    values = {name: int(value or 0) for name, value in zip(TALLY_COUNTS, row, strict=True)}
    values["share_sum"] = Decimal(row[TALLY_COUNTS.index("share_sum")] or 0)
    return Tally(**values)
