"""Which reports are owed, sent, late, returned or missing: one cell per companion and month, the rule
:func:`_cell`, for the completeness page, the homes' heat maps, a plan's month chips and the recap.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property, reduce
from zoneinfo import ZoneInfo

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Lower, NullIf, Trim
from django.utils import timezone
from django.utils.translation import gettext_lazy

from pillars import figures
from pillars.models import Handover, MonthlyReport, Span, WorkPlan, in_force_condition, plan_province
from pillars.rules import ANSWERED, is_answered, is_late_by, month_is_over, report_deadline
from pillars.selectors.holders import holders_in_scope
from villages.batches import chunks
from villages.models import Companion
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
    NOT_HELD = "not_held"  # the plan was handed over: another companion held it this month


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
    Cell.NOT_HELD: gettext_lazy("held by another companion"),
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

    def __init__(self, year: int, now: datetime, zones: Zones | None = None):
        self.year, self.now, self.zones = year, now, zones or Zones.read()
        self._by_zone: dict[ZoneInfo, list[_MonthClock]] = {}

    def of_zone(self, zone: ZoneInfo) -> list[_MonthClock]:
        if zone not in self._by_zone:
            self._by_zone[zone] = _clocks(self.year, self.now, zone)
        return self._by_zone[zone]

    def of(self, province: str | None) -> list[_MonthClock]:
        """The clocks of a row whose plan lies in ``province`` (:func:`pillars.models.plan_province`)."""
        return self.of_zone(self.zones.of(province))

    def groups(self) -> list[tuple[ZoneInfo, Q | None]]:
        """Each zone the provinces are in, with the condition on a ``province`` annotation that picks its rows;
        the app's own zone last, taking the rest (rows of no province or an unknown one): None when that is all."""
        home = default_zone()
        zones = sorted({self.zones.of(code) for code in self.zones.by_province} - {home}, key=str)
        elsewhere = [code for zone in zones for code in self.zones.provinces_in(zone)]
        groups = [(zone, Q(province__in=self.zones.provinces_in(zone))) for zone in zones]
        at_home = Q(province__isnull=True) | ~Q(province__in=elsewhere) if elsewhere else None
        return [*groups, (home, at_home)]


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


def _held_cells(
    clocks: list[_MonthClock], owes: bool, reports: dict[int, tuple], span: Span | frozenset[int] | None
) -> list:
    """A companion's twelve cells of a plan they held in ``span`` (the months; None: all year): another holder's
    months are not theirs (:attr:`Cell.NOT_HELD`), whatever was reported in them."""
    return [
        _cell_of_report(clock, owes, reports.get(clock.month))
        if span is None or clock.month in span
        else CompletenessCell(clock.month, Cell.NOT_HELD)
        for clock in clocks
    ]


def _held_plans(companions, year: int):
    """The plans of ``year`` the ``companions`` (ids, or a queryset of them) held in some month: their own, and
    the ones they handed over."""
    handed = Handover.objects.filter(predecessor__in=companions).values("plan_id")
    return WorkPlan.objects.filter(Q(companion__in=companions) | Q(pk__in=handed), year=year)


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
        if cell.state in (Cell.NOT_DUE, Cell.NOT_OWED, Cell.NOT_HELD):
            return
        self.owed += companions
        self.reported += companions * cell.is_reported
        self.late += companions * cell.shown_late
        self.due += companions * (cell.state == Cell.OPEN)
        self.missing += companions * (cell.state == Cell.MISSING)
        self.returned += companions * (cell.state == Cell.RETURNED)


@dataclass
class _Handed:
    """The plans handed over in a scope's year, their holdings and reports, and the owing companions who held them
    with the province of the plan they held (their row's clocks)."""

    clocks: _ZoneClocks
    holdings: dict
    holders: dict[int, str]
    reports: dict[int, dict[int, tuple]]

    def cells(self):
        """(companion, their cells of a plan they held) for each owing holder's span, on their row's clocks."""
        for plan_id, holding in self.holdings.items():
            for span in holding.spans:
                if span.companion_id in self.holders:
                    clocks = self.clocks.of(self.holders[span.companion_id])
                    yield span.companion_id, _held_cells(clocks, True, self.reports[plan_id], span)


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
        # Their plan of the year: their own, else the one they handed over (a companion holds one plan a year).
        # Two subqueries, each on its own index: one OR of the two had the database test every plan of the year
        # for each companion (3 s for a kabupaten's home in a country's database).
        own = WorkPlan.objects.filter(companion=OuterRef("pk"), year=self.year)
        handed = WorkPlan.objects.filter(
            pk__in=Handover.objects.filter(predecessor=OuterRef(OuterRef("pk"))).values("plan_id"), year=self.year
        ).exclude(companion=OuterRef("pk"))
        companions = (
            holders_in_scope(self.user, self.year, area_code=self.area_code)
            .active_in(self.year)
            .filter(role__in=[self.role] if self.role else Companion.COMPANION_ROLES)
        )
        return (
            companions.select_related("user")
            .annotate(
                plan_status=Coalesce(
                    Subquery(own.order_by("pk").values("status")[:1]),
                    Subquery(handed.order_by("pk").values("status")[:1]),
                ),
                owes=Exists(own.filter(in_force_condition())) | Exists(handed.filter(in_force_condition())),
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
        return MonthlyReport.objects.visible_to(self.user).filter(plan__year=self.year)

    def rows(self, companions) -> list[CompletenessRow]:
        """The rows of ``companions`` (annotated as :attr:`companions`: a page of it, or all of it), in order."""
        companions = list(companions)
        held: dict[int, tuple[int, frozenset[int] | None]] = {}  # companion -> (their plan, the months they held it)
        found: dict[int, dict[int, tuple]] = {}  # plan -> month -> report
        for chunk in chunks([companion.pk for companion in companions], figures.CHUNK):
            plans = _held_plans(chunk, self.year)
            for plan_id, holding in Handover.objects.filter(plan__in=plans).holdings().items():
                for span in holding.spans:
                    held[span.companion_id] = (plan_id, holding.months_of(span.companion_id))
            reports = self._reports().filter(plan__in=plans)
            for plan_id, companion_id, month, status, pk, first_sent in reports.values_list(
                "plan_id", "plan__companion_id", "month", "status", "pk", "submitted_at"
            ):
                held.setdefault(companion_id, (plan_id, None))
                found.setdefault(plan_id, {})[month] = (status, pk, first_sent)
        rows = []
        for companion in companions:
            plan_id, span = held.get(companion.pk, (None, None))
            clocks = self.clocks.of(companion.province)  # the row's own zone: of the plan it held
            cells = _held_cells(clocks, bool(companion.owes), found.get(plan_id, {}), span)
            rows.append(CompletenessRow(companion, companion.plan_status, bool(companion.owes), cells))
        return rows

    def all_rows(self) -> list[CompletenessRow]:
        return self.rows(self.companions)

    @cached_property
    def totals(self) -> list[MonthTotals]:
        """Per month, over the companions who owe reports: reported, late, due, missing and returned."""
        sent = ExpressionWrapper(Q(submitted_at__isnull=False), output_field=BooleanField())
        holdings, owing_holders = self._handed.holdings, self._handed.holders
        totals = [MonthTotals() for _ in range(12)]
        # Per zone (the rows' clocks), the owing companions still without a report of each month.
        without_report: dict[ZoneInfo, list[int]] = {}
        others = self.owing.exclude(pk__in=list(owing_holders)).order_by()
        reports = self._reports().exclude(plan__in=list(holdings))
        if self._zones_agree(reports):
            # Every zone's clocks give the same cells: one set of clocks for all, no row's zone looked up.
            without_report[default_zone()] = [others.count()] * 12
        else:
            for province, count in others.values_list("province").annotate(companions=Count("pk")):
                zone = self.clocks.zones.of(province)
                counts = without_report.setdefault(zone, [0] * 12)
                without_report[zone] = [owing + count for owing in counts]
        # Their reports grouped by (month, status, sent, late), a query per zone they are in (late is on the zone's
        # clocks; one query when the zones agree): a zone is told by the province of a companion's plan, not of
        # each report.
        present = [(zone, condition) for zone, condition in self.clocks.groups() if zone in without_report]
        for zone, condition in present:
            companions = others if len(present) == 1 or condition is None else others.filter(condition)
            clocks = self.clocks.of_zone(zone)
            late = Case(
                *[When(month=clock.month, submitted_at__gte=clock.deadline, then=Value(True)) for clock in clocks],
                default=Value(False),
                output_field=BooleanField(),
            )
            groups = (
                reports.filter(plan__companion__in=companions.values("pk"))
                .annotate(sent=sent, late=late)
                .values_list("month", "status", "sent", "late")
                .annotate(companions=Count("pk"))
                .order_by()
            )
            zone_counts = without_report[zone]
            for month, status, was_sent, was_late, count in groups:
                clock = clocks[month - 1]
                totals[month - 1].count(_cell(clock, True, status, None, was_sent, was_late), count)
                zone_counts[month - 1] -= count
        for zone, counts in without_report.items():
            for clock, total, count in zip(self.clocks.of_zone(zone), totals, counts, strict=True):
                total.count(_cell(clock, True, None, None, False, False), count)
        for _companion_id, cells in self._handed.cells():
            for cell in cells:
                totals[cell.month - 1].count(cell)
        return totals

    @cached_property
    def _handed(self) -> _Handed:
        """The plans of the year an owing companion handed over or took over (few), read once for the totals and
        the most behind."""
        holdings = Handover.objects.filter(plan__in=_held_plans(self.owing.values("pk"), self.year)).holdings()
        holders = {span.companion_id for holding in holdings.values() for span in holding.spans}
        # The owing holders, each with the province of the plan they held: their row's clocks.
        owing_holders = dict(self.owing.filter(pk__in=holders).values_list("pk", "province")) if holders else {}
        reports: dict[int, dict[int, tuple]] = {plan_id: {} for plan_id in holdings}
        if holdings:
            rows = self._reports().filter(plan__in=list(holdings))
            for plan_id, month, status, pk, first_sent in rows.values_list(
                "plan_id", "month", "status", "pk", "submitted_at"
            ):
                reports[plan_id][month] = (status, pk, first_sent)
        return _Handed(self.clocks, holdings, owing_holders, reports)

    def _zones_agree(self, reports) -> bool:
        """Whether the clocks of every zone give ``reports``' months the same cells: each month over in all zones
        or in none, its deadline passed in all or in none, and no report first sent between the first zone's
        deadline and the last one's (late in one zone, on time in another). All but a few hours of the year they
        do, and the rows' zones need not be looked up."""
        between = []
        for clocks in zip(*(self.clocks.of_zone(zone) for zone, _condition in self.clocks.groups()), strict=True):
            if len({(clock.over, clock.deadline_passed) for clock in clocks}) > 1:
                return False
            first, last = min(clock.deadline for clock in clocks), max(clock.deadline for clock in clocks)
            if first != last:
                between.append(Q(month=clocks[0].month, submitted_at__gte=first, submitted_at__lt=last))
        return not between or not reports.filter(reduce(operator.or_, between)).exists()

    def most_behind(self, limit: int) -> list[CompletenessRow]:
        """The ``limit`` owing companions with the most missing months, then by name.

        A missing month is one whose deadline has passed (they are the first months of the year, in order, on the
        clocks of the row's zone) without an answered report (:data:`ANSWERED`). Of a companion who never handed
        a plan over nor took one over (nearly all), that is the months closed less their answered reports of
        those months, counted by the database for all of them in one grouping; of the few who did, the missing
        cells of the months they held (:meth:`_handed`). The companions come from the database in name order
        and are sorted by missing months keeping it (a correlated count per companion took a country 1.2 s)."""
        holdings, owing_holders = self._handed.holdings, self._handed.holders
        closed = {
            zone: sum(1 for clock in self.clocks.of_zone(zone) if clock.deadline_passed)
            for zone, _condition in self.clocks.groups()
        }
        others = self.owing.exclude(pk__in=list(owing_holders)).order_by()
        answered = (
            self._reports()
            .exclude(plan__in=list(holdings))
            .filter(ANSWERED, plan__companion__in=others.values("pk"), month__lte=max(closed.values(), default=0))
            .order_by()
        )
        missing: dict[int, int] = {}
        if len(set(closed.values())) <= 1:
            # Every zone has as many months closed (all but a few hours of the year): no row's zone is looked up.
            count = next(iter(closed.values()), 0)
            for companion_id, reported in answered.values_list("plan__companion_id").annotate(n=Count("pk")):
                missing[companion_id] = count - reported
            default = count
        else:
            zone_closed = {
                pk: closed[self.clocks.zones.of(province)] for pk, province in others.values_list("pk", "province")
            }
            for companion_id, month in answered.values_list("plan__companion_id", "month"):
                if month <= zone_closed[companion_id]:
                    missing[companion_id] = missing.get(companion_id, zone_closed[companion_id]) - 1
            missing = {pk: missing.get(pk, count) for pk, count in zone_closed.items()}
            default = 0
        for companion_id, cells in self._handed.cells():
            missing[companion_id] = missing.get(companion_id, 0) + sum(cell.state == Cell.MISSING for cell in cells)
        by_name = self.owing.annotate(name=_display_name()).order_by("name", "pk").values_list("pk", flat=True)
        top = sorted(by_name, key=lambda pk: -missing.get(pk, default))[:limit]
        found = {companion.pk: companion for companion in self.owing.filter(pk__in=top)}
        return self.rows([found[pk] for pk in top])


def _display_name():
    """:attr:`Companion.display_name` in lower case, for the database to order by: the full name, else the
    username."""
    full = Trim(Concat("user__first_name", Value(" "), "user__last_name"))
    return Lower(Coalesce(NullIf(full, Value("")), "user__username"))


def completeness(user, year: int, now: datetime | None = None) -> list[CompletenessRow]:
    """Every row of the completeness grid of ``user``'s scope in ``year`` (the recap writes them all)."""
    return Completeness(user, year, now).all_rows()


def plan_cells(
    plan: WorkPlan, now: datetime | None = None, *, companion_id: int | None = None
) -> list[CompletenessCell]:
    """One plan's row of the completeness grid from its own reports (at most twelve rows): the companion's
    home shows only this row, so it need not group the whole scope's reports. With ``companion_id``, the row of
    that companion: a handed-over plan's months another companion held are not theirs."""
    found = {
        month: (status, pk, sent)
        for month, status, pk, sent in plan.reports.values_list("month", "status", "pk", "submitted_at")
    }
    owes = plan.is_in_force and plan.is_counted
    holding = plan.holding() if companion_id is not None else None
    span = holding.months_of(companion_id) if holding is not None and holding.is_shared else None
    return _held_cells(_clocks(plan.year, now or timezone.now(), plan.zone), owes, found, span)


def plans_cells(plans: list[WorkPlan], now: datetime | None = None) -> dict[int, list[CompletenessCell]]:
    """:func:`plan_cells` of many plans (their companions loaded) from one read of their reports and their
    provinces, each on its own zone's clocks: a village official's home shows a row for each plan in force there."""
    found: dict[int, dict] = {plan.pk: {} for plan in plans}
    provinces: dict[int, str | None] = {}
    for chunk in chunks(list(found), figures.CHUNK):
        rows = MonthlyReport.objects.filter(plan__in=chunk).values_list(
            "plan_id", "month", "status", "pk", "submitted_at"
        )
        for plan_id, month, status, pk, sent in rows:
            found[plan_id][month] = (status, pk, sent)
        province = plan_province(OuterRef("pk"), companion=OuterRef("companion_id"))
        located = WorkPlan.objects.filter(pk__in=chunk).annotate(province=province)
        provinces |= dict(located.values_list("pk", "province"))
    now, zones = now or timezone.now(), Zones.read()
    clocks = {year: _ZoneClocks(year, now, zones) for year in {plan.year for plan in plans}}
    cells = {}
    for plan in plans:
        owes = plan.is_in_force and plan.is_counted
        cells[plan.pk] = [
            _cell_of_report(clock, owes, found[plan.pk].get(clock.month))
            for clock in clocks[plan.year].of(provinces.get(plan.pk))
        ]
    return cells


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
        # A month before a handover is the predecessor's, who no longer writes in the plan: nobody to remind.
        .exclude(Exists(Handover.objects.filter(plan=OuterRef("pk"), from_month__gt=month)))
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
