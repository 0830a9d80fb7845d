"""Which reports are owed, sent, late, returned or missing: one cell per companion and month, the rule
:func:`_cell`, for the completeness page, the homes' heat maps, a plan's month chips and the recap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from django.db.models import BooleanField, Case, Count, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Concat, Lower, NullIf, Trim
from django.utils import timezone
from django.utils.translation import gettext_lazy

from pillars import figures
from pillars.models import MonthlyReport, WorkPlan, in_force_condition, plan_province
from pillars.rules import ANSWERED, is_answered, is_late_by, month_is_over, report_deadline
from villages.batches import chunks
from villages.models import Companion
from villages.scope import below
from villages.zones import Zones, default_zone


class Cell:
    SUBMITTED = "submitted"
    ACKNOWLEDGED = "acknowledged"
    RETURNED = "returned"
    REOPENED = "reopened"  # submitted once, reopened by the coordinator for a correction
    OPEN = "open"  # owed, month over, deadline not passed yet: due
    MISSING = "missing"  # owed, deadline passed, nothing submitted
    NOT_DUE = "not_due"  # month not over yet
    NOT_OWED = "not_owed"  # no plan in force: nothing to report


REPORTED = (Cell.SUBMITTED, Cell.ACKNOWLEDGED, Cell.RETURNED, Cell.REOPENED)


WAITING_FOR_COMPANION = (Cell.MISSING, Cell.OPEN, Cell.RETURNED, Cell.REOPENED)


CELL_LABELS = {
    Cell.SUBMITTED: gettext_lazy("submitted"),
    Cell.ACKNOWLEDGED: gettext_lazy("acknowledged"),
    Cell.RETURNED: gettext_lazy("returned"),
    Cell.REOPENED: gettext_lazy("reopened"),
    Cell.OPEN: gettext_lazy("due, deadline not passed"),
    Cell.MISSING: gettext_lazy("missing"),
    Cell.NOT_DUE: gettext_lazy("not due yet"),
    Cell.NOT_OWED: gettext_lazy("no approved plan"),
}


@dataclass
class CompletenessCell:
    month: int
    state: str
    late: bool = False
    report_id: int | None = None

    @property
    def label(self) -> str:
        return CELL_LABELS[self.state]

    @property
    def is_reported(self) -> bool:
        return self.state in REPORTED

    @property
    def needs_correction(self) -> bool:
        """Sent back to the companion: returned, or reopened by the coordinator."""
        return self.state in (Cell.RETURNED, Cell.REOPENED)

    @property
    def shown_late(self) -> bool:
        """Late, said beside a report that was sent (a missing one is late by definition)."""
        return self.late and self.is_reported


@dataclass
class CompletenessRow:
    companion: Companion
    plan_status: str | None
    owes: bool
    cells: list[CompletenessCell]

    @property
    def plan_label(self) -> str:
        return plan_status_label(self.plan_status)

    @property
    def missing(self) -> int:
        return sum(1 for cell in self.cells if cell.state == Cell.MISSING)

    @property
    def revision_label(self) -> str:
        """For a plan in force being revised, the revision's status (draft, submitted, returned); else empty."""
        return self.plan_label if self.owes and self.plan_status != WorkPlan.Status.APPROVED else ""


def plan_status_label(status: str | None) -> str:
    """The plan's status in words; empty without a plan."""
    return WorkPlan.Status(status).label if status else ""


@dataclass(frozen=True)
class _MonthClock:
    """Whether a month of a year is over, and whether its report deadline has passed, at ``now``."""

    year: int
    month: int
    over: bool
    deadline: datetime  # the first late moment (:func:`report_deadline`)
    deadline_passed: bool


def _clocks(year: int, now: datetime, zone: ZoneInfo) -> list[_MonthClock]:
    """The twelve months of ``year`` at ``now`` in the local time ``zone`` (of a plan's kabupaten)."""
    today = timezone.localdate(now, zone)
    clocks = []
    for month in range(1, 13):
        deadline = report_deadline(year, month, zone)
        clocks.append(_MonthClock(year, month, month_is_over(year, month, today), deadline, now >= deadline))
    return clocks


class _ZoneClocks:
    """The months' clocks of each zone a grid's rows lie in (at most three sets of twelve), from the provinces'
    zones read once for the grid."""

    def __init__(self, year: int, now: datetime):
        self.year, self.now, self.zones = year, now, Zones.read()
        self._by_zone: dict[ZoneInfo, list[_MonthClock]] = {}

    def of_zone(self, zone: ZoneInfo) -> list[_MonthClock]:
        if zone not in self._by_zone:
            self._by_zone[zone] = _clocks(self.year, self.now, zone)
        return self._by_zone[zone]

    def of(self, province: str | None) -> list[_MonthClock]:
        """The clocks of a row whose plan lies in ``province`` (:func:`pillars.models.plan_province`)."""
        return self.of_zone(self.zones.of(province))

    def groups(self) -> list[tuple[Q | None, list[_MonthClock]]]:
        """Each zone the provinces are in, with the condition on a ``province`` annotation that picks its rows;
        the app's own zone last, taking the rest (rows of no province or an unknown one): None when that is all."""
        home = default_zone()
        zones = sorted({self.zones.of(code) for code in self.zones.by_province} - {home}, key=str)
        elsewhere = [code for zone in zones for code in self.zones.provinces_in(zone)]
        groups = [(Q(province__in=self.zones.provinces_in(zone)), self.of_zone(zone)) for zone in zones]
        at_home = Q(province__isnull=True) | ~Q(province__in=elsewhere) if elsewhere else None
        return [*groups, (at_home, self.of_zone(home))]


def _cell(
    clock: _MonthClock, owes: bool, status: str | None, report_id: int | None, sent: bool, late: bool
) -> CompletenessCell:
    """The expected-report rule: a companion active in the year with a plan in force owes each month once it is
    over; it is due until the deadline passes, then missing. A report keeps its first submission time, so a
    month reopened after a late report stays late. ``sent``: the report has a first submission time; ``late``:
    that time is past the deadline (:func:`pillars.rules.is_late`)."""
    month = clock.month
    if is_answered(status, sent or None):
        state = Cell.REOPENED if status == MonthlyReport.Status.DRAFT else status
        return CompletenessCell(month, state, late, report_id)
    if not clock.over:
        return CompletenessCell(month, Cell.NOT_DUE, report_id=report_id)
    if not owes:
        return CompletenessCell(month, Cell.NOT_OWED)
    if clock.deadline_passed:
        return CompletenessCell(month, Cell.MISSING, report_id=report_id)
    return CompletenessCell(month, Cell.OPEN, report_id=report_id)


def _cell_of_report(clock: _MonthClock, owes: bool, report: tuple | None) -> CompletenessCell:
    """A cell from the month's report read as (status, pk, first submission time), or from no report."""
    if report is None:
        return _cell(clock, owes, None, None, False, False)
    status, pk, first_sent = report
    return _cell(clock, owes, status, pk, first_sent is not None, is_late_by(first_sent, clock.deadline))


@dataclass
class MonthTotals:
    """One month's column of the grid: how many companions owe it, and in which state."""

    owed: int = 0
    reported: int = 0
    late: int = 0
    due: int = 0
    missing: int = 0
    returned: int = 0

    def count(self, cell: CompletenessCell, companions: int = 1) -> None:
        """Add ``companions`` owing companions whose cell this month is ``cell``."""
        if cell.state in (Cell.NOT_DUE, Cell.NOT_OWED):
            return
        self.owed += companions
        self.reported += companions * cell.is_reported
        self.late += companions * cell.shown_late
        self.due += companions * (cell.state == Cell.OPEN)
        self.missing += companions * (cell.state == Cell.MISSING)
        self.returned += companions * (cell.state == Cell.RETURNED)


class Completeness:
    """Report completeness of a scope's year: the companions in ``user``'s scope active in ``year`` (narrowed by
    role and by an area their villages lie in), a row of twelve cells for any of them, the month totals of all,
    and the ones most behind.

    Whatever the size of the scope, the rows are worked out only for the companions shown (a page, the thirty
    most behind) and the totals are grouped by the database: a cell depends only on the month's one report and
    the clock, so the reports are counted by (month, status, sent, late) and each group's cell is the one rule,
    :func:`_cell`. ``tests`` hold the totals equal to the sum of every row's cells.
    """

    def __init__(self, user, year: int, now: datetime | None = None, *, role: str = "", area_code: str | None = None):
        self.user, self.year, self.role, self.area_code = user, year, role, area_code
        self.now = now or timezone.now()
        self.clocks = _ZoneClocks(year, self.now)

    @cached_property
    def companions(self):
        """The companions, each with ``plan_status`` (their plan of the year, if any) and ``owes`` (it is in
        force), by name. Subqueries rather than a grouping, so a page of a country's companions reads only its
        own plans."""
        plans = WorkPlan.objects.filter(companion=OuterRef("pk"), year=self.year)
        companions = (
            Companion.objects.visible_to(self.user)
            .active_in(self.year)
            .filter(role__in=[self.role] if self.role else Companion.COMPANION_ROLES)
        )
        if self.area_code:
            links = Companion.villages.through.objects.filter(below("region_id", self.area_code))
            companions = companions.filter(Exists(links.filter(companion_id=OuterRef("pk"))))
        return (
            companions.select_related("user")
            .annotate(
                plan_status=Subquery(plans.order_by("pk").values("status")[:1]),
                owes=Exists(plans.filter(in_force_condition())),
                province=plan_province(companion=OuterRef("pk"), year=self.year),
            )
            .order_by("user__last_name", "user__first_name", "user__username", "pk")
        )

    @cached_property
    def owing(self):
        return self.companions.filter(owes=True)

    @cached_property
    def not_owing(self):
        return self.companions.filter(owes=False)

    @cached_property
    def owing_count(self) -> int:
        return self.owing.count()

    def _reports(self):
        """The scope's reports of the year, each with the ``province`` of its plan (whose zone its clocks are)."""
        return (
            MonthlyReport.objects.visible_to(self.user)
            .filter(plan__year=self.year)
            .annotate(province=plan_province(OuterRef("plan_id"), companion=OuterRef("plan__companion_id")))
        )

    def rows(self, companions) -> list[CompletenessRow]:
        """The rows of ``companions`` (annotated as :attr:`companions`: a page of it, or all of it), in order."""
        companions = list(companions)
        found: dict[int, dict[int, tuple]] = {companion.pk: {} for companion in companions}
        for chunk in chunks(list(found), figures.CHUNK):
            reports = MonthlyReport.objects.visible_to(self.user).filter(
                plan__year=self.year, plan__companion__in=chunk
            )
            for companion_id, month, status, pk, first_sent in reports.values_list(
                "plan__companion_id", "month", "status", "pk", "submitted_at"
            ):
                found[companion_id][month] = (status, pk, first_sent)
        rows = []
        for companion in companions:
            owes, reports = bool(companion.owes), found[companion.pk]
            clocks = self.clocks.of(companion.province)
            cells = [_cell_of_report(clock, owes, reports.get(clock.month)) for clock in clocks]
            rows.append(CompletenessRow(companion, companion.plan_status, owes, cells))
        return rows

    def all_rows(self) -> list[CompletenessRow]:
        return self.rows(self.companions)

    @cached_property
    def totals(self) -> list[MonthTotals]:
        """Per month, over the companions who owe reports: reported, late, due, missing and returned."""
        late = Case(
            *[
                When(condition or Q(), month=clock.month, submitted_at__gte=clock.deadline, then=Value(True))
                for condition, clocks in self.clocks.groups()
                for clock in clocks
            ],
            default=Value(False),
            output_field=BooleanField(),
        )
        sent = ExpressionWrapper(Q(submitted_at__isnull=False), output_field=BooleanField())
        groups = (
            self._reports()
            .filter(plan__companion__in=self.owing.values("pk"))
            .annotate(sent=sent, late=late)
            .values_list("province", "month", "status", "sent", "late")
            .annotate(companions=Count("pk"))
            .order_by()
        )
        totals = [MonthTotals() for _ in range(12)]
        # Per zone (the rows' clocks), the owing companions still without a report of each month.
        without_report: dict[ZoneInfo, list[int]] = {}
        for province, count in self.owing.order_by().values_list("province").annotate(companions=Count("pk")):
            zone = self.clocks.zones.of(province)
            counts = without_report.setdefault(zone, [0] * 12)
            without_report[zone] = [owing + count for owing in counts]
        for province, month, status, was_sent, was_late, companions in groups:
            zone = self.clocks.zones.of(province)
            without_report.setdefault(zone, [0] * 12)
            clock = self.clocks.of_zone(zone)[month - 1]
            totals[month - 1].count(_cell(clock, True, status, None, was_sent, was_late), companions)
            without_report[zone][month - 1] -= companions
        for zone, counts in without_report.items():
            for clock, total, count in zip(self.clocks.of_zone(zone), totals, counts, strict=True):
                total.count(_cell(clock, True, None, None, False, False), count)
        return totals

    def most_behind(self, limit: int) -> list[CompletenessRow]:
        """The ``limit`` owing companions with the most missing months, then by name.

        A missing month is one whose deadline has passed (they are the first months of the year, in order, on the
        clocks of the row's zone) without an answered report (:data:`ANSWERED`), so the database orders by how many
        of those months have one, less how many are closed on the row's clocks."""
        groups = self.clocks.groups()
        closed = {condition: sum(1 for clock in clocks if clock.deadline_passed) for condition, clocks in groups}
        closed = Case(
            *[When(condition, then=Value(count)) for condition, count in closed.items() if condition is not None],
            default=Value(closed.get(None, 0)),
        )
        answered = (
            MonthlyReport.objects.visible_to(self.user)
            .filter(ANSWERED, plan__year=self.year, plan__companion=OuterRef("pk"), month__lte=OuterRef("closed"))
            .values("plan__companion")
            .annotate(count=Count("pk"))
            .values("count")
        )
        ordered = self.owing.annotate(closed=closed, answered=Coalesce(Subquery(answered), 0), name=_display_name())
        ordered = ordered.annotate(missing=F("closed") - F("answered")).order_by("-missing", "name", "pk")
        return self.rows(ordered[:limit])


def _display_name():
    """:attr:`Companion.display_name` in lower case, for the database to order by: the full name, else the
    username."""
    full = Trim(Concat("user__first_name", Value(" "), "user__last_name"))
    return Lower(Coalesce(NullIf(full, Value("")), "user__username"))


def completeness(user, year: int, now: datetime | None = None) -> list[CompletenessRow]:
    """Every row of the completeness grid of ``user``'s scope in ``year`` (the recap writes them all)."""
    return Completeness(user, year, now).all_rows()


def plan_cells(plan: WorkPlan, now: datetime | None = None) -> list[CompletenessCell]:
    """One plan's row of the completeness grid from its own reports (at most twelve rows): the companion's
    home shows only this row, so it need not group the whole scope's reports."""
    found = {
        month: (status, pk, sent)
        for month, status, pk, sent in plan.reports.values_list("month", "status", "pk", "submitted_at")
    }
    owes = plan.is_in_force and plan.is_counted
    clocks = _clocks(plan.year, now or timezone.now(), plan.zone)
    return [_cell_of_report(clock, owes, found.get(clock.month)) for clock in clocks]


def owing_month(year: int, month: int, now: datetime | None = None, *, zone: ZoneInfo | None = None) -> list[WorkPlan]:
    """The plans (with their companion's user) whose report for ``month`` is due and not sent at ``now``: whom the
    reminders are for; with ``zone``, only the plans whose kabupaten keeps that local time. The grid's own rule
    decides (:func:`_cell`, an open cell, on the plan's own clock), on every plan in force of a companion active
    in the year that has no answered report for the month."""
    now = now or timezone.now()
    clocks = _ZoneClocks(year, now)
    answered = MonthlyReport.objects.filter(ANSWERED, plan=OuterRef("pk"), month=month)
    plans = [
        plan
        for plan in WorkPlan.objects.filter(year=year, companion__role__in=Companion.COMPANION_ROLES)
        .in_force()
        .counted()
        .exclude(Exists(answered))
        .annotate(province=plan_province(OuterRef("pk"), companion=OuterRef("companion_id")))
        .select_related("companion__user")
        .order_by("pk")
        if zone is None or clocks.zones.of(plan.province) == zone
    ]
    found = {}
    for chunk in chunks([plan.pk for plan in plans], figures.CHUNK):
        reports = MonthlyReport.objects.filter(plan__in=chunk, month=month)
        for plan_id, status, pk, first_sent in reports.values_list("plan_id", "status", "pk", "submitted_at"):
            found[plan_id] = (status, pk, first_sent)
    return [
        plan
        for plan in plans
        if _cell_of_report(clocks.of(plan.province)[month - 1], True, found.get(plan.pk)).state == Cell.OPEN
    ]
