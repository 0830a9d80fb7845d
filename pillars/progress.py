"""Monthly progress and monthly reports: the rules, the transitions and the read models.

Transitions (save an entry, mark entries postponed, submit, acknowledge, return, reopen) are
keyword-only functions run in a transaction. Each first locks the plan row, so a save and a
submission of the same month cannot interleave, then checks who acts on which month in which
state; report transitions write one :class:`WorkflowEvent`. Views only call these.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Lower, NullIf, Trim
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pillars import evidence as evidence_rules
from pillars import figures
from pillars.access import require_owner, require_reviewer
from pillars.evidence import CheckedFile
from pillars.models import (
    EVIDENCE_EXTENSIONS,
    Activity,
    Evidence,
    MonthlyProgress,
    MonthlyReport,
    Pillar,
    WorkflowEvent,
    WorkPlan,
    in_force_condition,
)
from pillars.services import WorkflowError
from villages.models import Companion, Region
from villages.scope import below

ENTRY_FIELDS = ("status", "quantity", "description", "problems", "follow_up")


class ProgressConflict(Exception):
    """The entry changed since the form was opened; ``current`` is what is saved now."""

    def __init__(self, current: MonthlyProgress):
        self.current = current
        super().__init__(f"progress {current.pk} is at version {current.version}")


# ---------------------------------------------------------------------------------------------
# Rules


def month_start(year: int, month: int) -> date:
    return date(year, month, 1)


def report_deadline(year: int, month: int) -> datetime:
    """The first moment a report for ``month`` counts as late: the day after the deadline day of
    the next month, local time (the deadline day is clamped to the length of that month)."""
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    day = min(settings.RKT_REPORT_DEADLINE_DAY, calendar.monthrange(next_year, next_month)[1])
    last_day = date(next_year, next_month, day)
    return timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min))


def is_late(year: int, month: int, first_sent: datetime | None) -> bool:
    """A report is late when first submitted after the deadline day of the next month (local time)."""
    return is_late_by(first_sent, report_deadline(year, month))


def is_late_by(first_sent: datetime | None, deadline: datetime) -> bool:
    """:func:`is_late` with the month's deadline already worked out (a grid has thousands of cells)."""
    return first_sent is not None and first_sent >= deadline


def month_is_over(year: int, month: int, today: date) -> bool:
    return (year, month) < (today.year, today.month)


def why_not_reportable(plan: WorkPlan, month: int, today: date | None = None) -> str | None:
    """Why ``month`` of ``plan`` cannot be reported now; None when it can."""
    today = today or timezone.localdate()
    if not plan.is_in_force:
        return _("The plan is not approved, so its months cannot be reported yet.")
    if month_start(plan.year, month) > today:
        return _("This month has not started yet; it cannot be reported.")
    return None


def month_lock_reason(plan: WorkPlan, month: int, report: MonthlyReport | None) -> str | None:
    """Why the entries of ``month`` cannot change now (it cannot be reported, or its report is submitted or
    acknowledged); None when they can. ``report`` is the month's report, if any."""
    reason = why_not_reportable(plan, month)
    if reason is None and report is not None and report.is_locked:
        reason = _("This month's report is submitted, so the month is locked.")
    return reason


def entry_lock_reason(entry: MonthlyProgress) -> str | None:
    """:func:`month_lock_reason` for the month of one progress entry."""
    plan = entry.activity.plan
    return month_lock_reason(plan, entry.month, MonthlyReport.objects.filter(plan=plan, month=entry.month).first())


def report_lock_reason(report: MonthlyReport) -> str | None:
    """Why a monthly report cannot change now: it is submitted or acknowledged (only its transitions move it)."""
    if not report.is_locked:
        return None
    return _("This report is %(status)s and locked; the coordinator returns or reopens it.") % {
        "status": report.get_status_display().lower()
    }


def _lock_month(plan: WorkPlan, month: int, by) -> tuple[WorkPlan, MonthlyReport | None]:
    """Lock the plan row, then check the owner may still change ``month``."""
    plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
    require_owner(plan, by)
    report = MonthlyReport.objects.filter(plan=plan, month=month).first()
    reason = month_lock_reason(plan, month, report)
    if reason:
        raise WorkflowError(reason)
    return plan, report


# ---------------------------------------------------------------------------------------------
# Progress entries


@transaction.atomic
def progress_save(
    *,
    activity: Activity,
    month: int,
    values: dict,
    version: int,
    files: list[CheckedFile] = (),
    by,
) -> MonthlyProgress:
    """Create or update the entry of ``activity`` for ``month`` and attach ``files``.

    ``version`` is the entry's version when the form was opened (0: there was none); if the entry
    has moved on since, nothing is written and :class:`ProgressConflict` carries the current entry.
    """
    _lock_month(activity.plan, month, by)
    if activity.pending:
        raise WorkflowError(
            _("This activity is part of a revision not approved yet; progress is recorded on the approved plan.")
        )
    entry = MonthlyProgress.objects.select_for_update().filter(activity=activity, month=month).first()
    if entry is None:
        if version:
            raise WorkflowError(_("This entry no longer exists; reload the month."))
        try:
            with transaction.atomic():
                entry = MonthlyProgress.objects.create(
                    activity=activity, month=month, updated_by=by, **_entry_values(values)
                )
        except IntegrityError:
            # Another tab created it between our read and our insert.
            raise ProgressConflict(MonthlyProgress.objects.get(activity=activity, month=month)) from None
    else:
        if entry.version != version:
            raise ProgressConflict(entry)
        for name, value in _entry_values(values).items():
            setattr(entry, name, value)
        entry.updated_by = by
        entry.version = F("version") + 1
        entry.save()
        entry.refresh_from_db()
    _attach(entry, files, by)
    return entry


def _attach(entry: MonthlyProgress, files: list[CheckedFile], by) -> None:
    """Store ``files`` with ``entry``. Called with the plan row locked, so the count of files checked here is the
    count two saves at once both see in turn: the form's count, made before the lock, can be raced."""
    if not files:
        return
    try:
        evidence_rules.check_room(already=entry.evidence.count(), added=len(files))
    except ValidationError as refusal:
        raise WorkflowError(refusal.messages) from None
    stored = []
    try:
        for checked in files:
            evidence = Evidence(
                progress=entry,
                original_name=checked.original_name,
                content_type=checked.content_type,
                size=checked.size,
                uploaded_by=by,
            )
            # upload_to builds the stored name from the content type, so set it before saving the file.
            content = checked.upload if checked.content is None else ContentFile(checked.content)
            evidence.file.save("upload", content, save=False)
            stored.append(evidence.file)
            if checked.content is not None and settings.RKT_EVIDENCE_KEEP_ORIGINALS:
                extension = EVIDENCE_EXTENSIONS.get(checked.original_type, "bin")
                evidence.original.save(f"original.{extension}", checked.upload, save=False)
                stored.append(evidence.original)
            evidence.save()
    except Exception:
        # The rows roll back with the transaction; the files written so far must go with them.
        for file in stored:
            file.storage.delete(file.name)
        raise


def _entry_values(values: dict) -> dict:
    return {name: values[name] for name in ENTRY_FIELDS if name in values}


@transaction.atomic
def evidence_delete(*, evidence: Evidence, by) -> None:
    entry = evidence.progress
    _lock_month(entry.activity.plan, entry.month, by)
    stored = [file for file in (evidence.file, evidence.original) if file]
    evidence.delete()
    # Remove the files only once the row is gone for good.
    transaction.on_commit(lambda: [file.storage.delete(file.name) for file in stored])


@transaction.atomic
def mark_postponed(*, plan: WorkPlan, month: int, activities: list[Activity], by) -> int:
    """Record "postponed" for scheduled activities that have no entry for ``month`` yet."""
    plan, _report = _lock_month(plan, month, by)
    ids = [a.pk for a in activities if a.plan_id == plan.pk and not a.pending and month in a.months]
    have = set(MonthlyProgress.objects.filter(activity_id__in=ids, month=month).values_list("activity_id", flat=True))
    missing = [pk for pk in ids if pk not in have]
    # One create per row (a handful at most) so each gets its history record.
    for pk in missing:
        MonthlyProgress.objects.create(
            activity_id=pk,
            month=month,
            status=MonthlyProgress.Status.POSTPONED,
            follow_up=_("Postponed when the monthly report was submitted."),
            updated_by=by,
        )
    return len(missing)


# ---------------------------------------------------------------------------------------------
# Monthly report transitions


def _log(report: MonthlyReport, *, by, from_status: str, comment: str = "") -> WorkflowEvent:
    return WorkflowEvent.objects.create(
        plan_id=report.plan_id,
        report=report,
        actor=by,
        from_status=from_status,
        to_status=report.status,
        comment=comment,
    )


def _save_report(report: MonthlyReport, *fields: str) -> None:
    report.version = F("version") + 1
    report.save(update_fields=[*fields, "version"])
    report.refresh_from_db(fields=["version"])


@transaction.atomic
def report_submit(*, plan: WorkPlan, month: int, by, summary: str = "", next_month_plan: str = "") -> MonthlyReport:
    """Submit ``month`` and lock it. The first submission's time is kept: lateness is judged on it."""
    plan, report = _lock_month(plan, month, by)
    if report is None:
        report = MonthlyReport.objects.create(plan=plan, month=month)
    before = report.status
    report.status = MonthlyReport.Status.SUBMITTED
    report.summary = summary.strip()
    report.next_month_plan = next_month_plan.strip()
    report.submitted_at = report.submitted_at or timezone.now()
    report.plan_in_force = freeze(plan)
    _save_report(report, "status", "summary", "next_month_plan", "submitted_at", "plan_in_force")
    _log(report, by=by, from_status=before)
    return report


def _locked_report(report: MonthlyReport, by) -> MonthlyReport:
    WorkPlan.objects.select_for_update().get(pk=report.plan_id)
    report = MonthlyReport.objects.select_related("plan").get(pk=report.pk)
    require_reviewer(report.plan, by)
    return report


@transaction.atomic
def report_acknowledge(*, report: MonthlyReport, by, comment: str = "") -> MonthlyReport:
    report = _locked_report(report, by)
    if report.status != MonthlyReport.Status.SUBMITTED:
        raise WorkflowError(_("Only a submitted report can be acknowledged."))
    before = report.status
    report.status = MonthlyReport.Status.ACKNOWLEDGED
    report.reviewed_at, report.reviewed_by = timezone.now(), by
    comment = comment.strip()
    if comment:
        report.coordinator_note = comment
    _save_report(report, "status", "reviewed_at", "reviewed_by", "coordinator_note")
    _log(report, by=by, from_status=before, comment=comment)
    return report


@transaction.atomic
def report_return(*, report: MonthlyReport, by, note: str) -> MonthlyReport:
    report = _locked_report(report, by)
    if report.status != MonthlyReport.Status.SUBMITTED:
        raise WorkflowError(_("Only a submitted report can be returned."))
    note = (note or "").strip()
    if not note:
        raise WorkflowError(_("Say what must change: a note is required to return a report."))
    before = report.status
    report.status = MonthlyReport.Status.RETURNED
    report.reviewed_at, report.reviewed_by, report.coordinator_note = timezone.now(), by, note
    _save_report(report, "status", "reviewed_at", "reviewed_by", "coordinator_note")
    _log(report, by=by, from_status=before, comment=note)
    return report


@transaction.atomic
def report_reopen(*, report: MonthlyReport, by, reason: str) -> MonthlyReport:
    """Unlock an acknowledged month for the companion to correct."""
    report = _locked_report(report, by)
    if report.status != MonthlyReport.Status.ACKNOWLEDGED:
        raise WorkflowError(_("Only an acknowledged report can be reopened."))
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("A reason is required to reopen a month."))
    before = report.status
    report.status = MonthlyReport.Status.DRAFT
    report.coordinator_note = reason
    _save_report(report, "status", "coordinator_note")
    _log(report, by=by, from_status=before, comment=reason)
    return report


# ---------------------------------------------------------------------------------------------
# Read models


@dataclass
class ActivityMonth:
    """One activity as a month's pages and documents show it: its entry that month and its figures through it."""

    activity: Activity
    month: int
    entry: MonthlyProgress | None
    figures: figures.ActivityFigures

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
        """The entry's files (prefetched by :func:`month_rows`); one list, so a document can mark them up."""
        return list(self.entry.evidence.all()) if self.entry is not None else []


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
    for row in _rows(activities, month):
        (page.scheduled if row.scheduled else page.others).append(row)
    return page


def _rows(activities: list[Activity], month: int) -> list[ActivityMonth]:
    entries = {
        entry.activity_id: entry
        for entry in MonthlyProgress.objects.filter(activity__in=[a.pk for a in activities], month=month)
        .select_related("updated_by")
        .prefetch_related("evidence")
    }
    numbers = figures.figures_for(activities, through=month)
    return [ActivityMonth(a, month, entries.get(a.pk), numbers[a.pk]) for a in activities]


def month_row(plan: WorkPlan, month: int, activity_pk: int) -> ActivityMonth:
    """One activity's card; one the month does not show (not in force) still gets its row, to say why not."""
    page = month_rows(plan, month, [activity_pk])
    if page.all:
        return page.all[0]
    return _rows([plan.activities.select_related("pillar", "village").get(pk=activity_pk)], month)[0]


def next_month_activities(plan: WorkPlan, month: int, report: MonthlyReport | None = None) -> list[Activity]:
    """What the month's report plans for the next month: the activities scheduled then (December: none, the
    next month belongs to next year's plan)."""
    if month == 12:
        return []
    activities, _frozen = month_activities(plan, month, report)
    return [a for a in activities if month + 1 in a.months]


# ---------------------------------------------------------------------------------------------
# Expected reports and completeness


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


def _clocks(year: int, now: datetime) -> list[_MonthClock]:
    today = timezone.localdate(now)
    clocks = []
    for month in range(1, 13):
        deadline = report_deadline(year, month)
        clocks.append(_MonthClock(year, month, month_is_over(year, month, today), deadline, now >= deadline))
    return clocks


def is_answered(status: str | None, first_sent: datetime | None) -> bool:
    """A month whose report was sent: submitted, acknowledged or returned, or a draft again after a reopening
    (it keeps its first submission time). Anything else still owes the month. Twin of :data:`ANSWERED`."""
    return status is not None and (status != MonthlyReport.Status.DRAFT or first_sent is not None)


# The reports :func:`is_answered` accepts, for the database (the grid's "most behind first" order).
ANSWERED = ~Q(status=MonthlyReport.Status.DRAFT) | Q(submitted_at__isnull=False)


def _cell(
    clock: _MonthClock, owes: bool, status: str | None, report_id: int | None, sent: bool, late: bool
) -> CompletenessCell:
    """The expected-report rule: a companion active in the year with a plan in force owes each month once it is
    over; it is due until the deadline passes, then missing. A report keeps its first submission time, so a
    month reopened after a late report stays late. ``sent``: the report has a first submission time; ``late``:
    that time is past the deadline (:func:`is_late`)."""
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
        self.clocks = _clocks(year, self.now)

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
        found: dict[int, dict[int, tuple]] = {companion.pk: {} for companion in companions}
        for chunk in figures.chunks(list(found), figures.CHUNK):
            reports = self._reports().filter(plan__companion__in=chunk)
            for companion_id, month, status, pk, first_sent in reports.values_list(
                "plan__companion_id", "month", "status", "pk", "submitted_at"
            ):
                found[companion_id][month] = (status, pk, first_sent)
        rows = []
        for companion in companions:
            owes, reports = bool(companion.owes), found[companion.pk]
            cells = [_cell_of_report(clock, owes, reports.get(clock.month)) for clock in self.clocks]
            rows.append(CompletenessRow(companion, companion.plan_status, owes, cells))
        return rows

    def all_rows(self) -> list[CompletenessRow]:
        return self.rows(self.companions)

    @cached_property
    def totals(self) -> list[MonthTotals]:
        """Per month, over the companions who owe reports: reported, late, due, missing and returned."""
        late = Case(
            *[When(month=clock.month, submitted_at__gte=clock.deadline, then=Value(True)) for clock in self.clocks],
            default=Value(False),
            output_field=BooleanField(),
        )
        sent = ExpressionWrapper(Q(submitted_at__isnull=False), output_field=BooleanField())
        groups = (
            self._reports()
            .filter(plan__companion__in=self.owing.values("pk"))
            .annotate(sent=sent, late=late)
            .values_list("month", "status", "sent", "late")
            .annotate(companions=Count("pk"))
            .order_by()
        )
        totals = [MonthTotals() for _ in self.clocks]
        without_report = [self.owing_count] * len(self.clocks)
        for month, status, was_sent, was_late, companions in groups:
            clock = self.clocks[month - 1]
            totals[month - 1].count(_cell(clock, True, status, None, was_sent, was_late), companions)
            without_report[month - 1] -= companions
        for clock, total, count in zip(self.clocks, totals, without_report, strict=True):
            total.count(_cell(clock, True, None, None, False, False), count)
        return totals

    def most_behind(self, limit: int) -> list[CompletenessRow]:
        """The ``limit`` owing companions with the most missing months, then by name.

        A missing month is one whose deadline has passed (they are the first months of the year, in order)
        without an answered report (:data:`ANSWERED`), so the database orders by how many of those months
        have one."""
        closed = sum(1 for clock in self.clocks if clock.deadline_passed)
        answered = (
            self._reports()
            .filter(ANSWERED, plan__companion=OuterRef("pk"), month__lte=closed)
            .values("plan__companion")
            .annotate(count=Count("pk"))
            .values("count")
        )
        ordered = self.owing.annotate(answered=Coalesce(Subquery(answered), 0), name=_display_name()).order_by(
            "answered", "name", "pk"
        )
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
    return [_cell_of_report(clock, owes, found.get(clock.month)) for clock in _clocks(plan.year, now or timezone.now())]
