"""The rules of plans and months that every page, service and document asks: when a plan, an activity, a month,
an entry or a report may change, when a month's report is due and late, whether a month was answered, and what
stops a plan being submitted (and the narrative's fingerprint its edit form carries, :func:`narrative_digest`).

Each rule is a function of the object (and the time) that returns a reason or a fact; writing is left to
:mod:`pillars.services`, reading for a page to :mod:`pillars.selectors`.
"""

from __future__ import annotations

import calendar
import hashlib
from datetime import date, datetime, time, timedelta, tzinfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pillars.errors import SubmitProblem
from pillars.figures import quarter_months
from pillars.models import Activity, MonthlyProgress, MonthlyReport, QuarterReport, WorkPlan
from villages.formats import format_date
from villages.zones import default_zone


def plan_lock_reason(plan: WorkPlan) -> str | None:
    """Why the plan's narrative, villages and activities cannot change now; None while it is a draft or returned."""
    if plan.status in WorkPlan.EDITABLE:
        return None
    return _("This plan is %(status)s and locked; it can only change while a draft or returned.") % {
        "status": plan.get_status_display().lower()
    }


def activity_lock_reason(activity: Activity) -> str | None:
    """Why ``activity`` cannot change now: its plan is locked, or it is the approved version in force of a plan
    under revision (the revision's copy is what changes). None when it can."""
    reason = plan_lock_reason(activity.plan)
    if reason is None and not activity.is_written:
        reason = _("This activity is the approved version in force; the revision changes its copy.")
    return reason


def submit_problems(plan: WorkPlan) -> list[SubmitProblem]:
    """What stops ``plan`` from being submitted; empty when it may be."""
    # plan_id too: the related manager sets each row's plan, and a deferred plan_id costs a query per row.
    activities = list(plan.written_activities().only("pk", "plan_id", "title", "months", "target_quantity"))
    if not activities:
        return [SubmitProblem(_("The plan has no activity yet."))]
    problems = []
    for activity in activities:
        if not activity.months:
            problems.append(
                SubmitProblem(_("“%(title)s” has no scheduled month.") % {"title": activity.title}, activity.pk)
            )
        if activity.target_quantity <= 0:
            problems.append(
                SubmitProblem(_("“%(title)s” has no positive target.") % {"title": activity.title}, activity.pk)
            )
    return problems


def narrative_digest(plan: WorkPlan) -> str:
    """A short fingerprint of the plan's narrative, carried by the form beside the version."""
    return hashlib.sha256(f"{plan.priorities}\x00{plan.data_basis}".encode()).hexdigest()


def month_start(year: int, month: int) -> date:
    return date(year, month, 1)


def report_deadline_day(year: int, month: int) -> date:
    """The last day a report for ``month`` is on time: the deadline day of the next month (clamped to the length of
    that month), in local time. What the reminders count down to."""
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    day = min(settings.RKT_REPORT_DEADLINE_DAY, calendar.monthrange(next_year, next_month)[1])
    return date(next_year, next_month, day)


def report_deadline(year: int, month: int, zone: tzinfo | None = None) -> datetime:
    """The first moment a report for ``month`` counts as late: midnight after :func:`report_deadline_day` in
    ``zone``, the plan's local time (:attr:`WorkPlan.zone`); without one, the app's (WIB)."""
    last_day = report_deadline_day(year, month)
    return datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=zone or default_zone())


def is_late(year: int, month: int, first_sent: datetime | None, zone: tzinfo | None = None) -> bool:
    """A report is late when first submitted after the deadline day of the next month, in the plan's local time
    ``zone`` (:func:`report_deadline`)."""
    return is_late_by(first_sent, report_deadline(year, month, zone))


def local_today(plan: WorkPlan, now: datetime | None = None) -> date:
    """The date at ``now`` (the clock's, without one) where ``plan``'s kabupaten is."""
    return timezone.localdate(now or timezone.now(), plan.zone)


def is_late_by(first_sent: datetime | None, deadline: datetime) -> bool:
    """:func:`is_late` with the month's deadline already worked out (a grid has thousands of cells)."""
    return first_sent is not None and first_sent >= deadline


def month_is_over(year: int, month: int, today: date) -> bool:
    return (year, month) < (today.year, today.month)


def submit_warnings(plan: WorkPlan, month: int, unreported: list[Activity], today: date | None = None) -> list[str]:
    """What the companion is asked to confirm before submitting ``month`` (submitting locks it): the month is not
    over yet, or activities scheduled in it (``unreported``, from :func:`pillars.selectors.month_rows`) have no
    entry. Empty when there is nothing to warn about. ``today``: by default the plan's local date."""
    today = today or local_today(plan)
    warnings = []
    if not month_is_over(plan.year, month, today):
        last_day = date(plan.year, month, calendar.monthrange(plan.year, month)[1])
        warnings.append(
            _("The month is not over yet: it ends on %(day)s. Entries made after submitting wait for a reopening.")
            % {"day": format_date(last_day)}
        )
    if unreported:
        warnings.append(
            ngettext(
                "%(count)s scheduled activity has no entry: %(titles)s.",
                "%(count)s scheduled activities have no entry: %(titles)s.",
                len(unreported),
            )
            % {"count": len(unreported), "titles": ", ".join(f"“{a.title}”" for a in unreported)}
        )
    return warnings


def why_not_reportable(plan: WorkPlan, month: int, today: date | None = None) -> str | None:
    """Why ``month`` of ``plan`` cannot be reported now (``today``: by default the plan's local date); None when it
    can. Who may report it (the month's holder, after a handover) is :func:`pillars.access.owns_month`."""
    if not plan.is_in_force:
        return _("The plan is not approved, so its months cannot be reported yet.")
    if month_start(plan.year, month) > (today or local_today(plan)):
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


def is_answered(status: str | None, first_sent: datetime | None) -> bool:
    """A month whose report was sent: submitted, acknowledged or returned, or a draft again after a reopening
    (it keeps its first submission time). Anything else still owes the month. Twin of :data:`ANSWERED`."""
    return status is not None and (status != MonthlyReport.Status.DRAFT or first_sent is not None)


# The reports :func:`is_answered` accepts, for the database (the grid's "most behind first" order).
ANSWERED = ~Q(status=MonthlyReport.Status.DRAFT) | Q(submitted_at__isnull=False)


def quarter_submit_refusal(plan: WorkPlan, quarter: int, report: QuarterReport | None, today: date) -> str | None:
    """Why the companion cannot submit the narrative of ``quarter`` now: the plan is not in force, the quarter's
    last month is not over yet, or it is submitted or acknowledged already. None when they can."""
    if not plan.is_in_force:
        return _("The plan is not approved, so its quarters cannot be reported yet.")
    last = quarter_months(quarter)[-1]
    if not month_is_over(plan.year, last, today):
        last_day = date(plan.year, last, calendar.monthrange(plan.year, last)[1])
        return _("The quarter is not over yet: it can be submitted after %(day)s.") % {"day": format_date(last_day)}
    if report is not None and report.is_locked:
        return _("This quarter's narrative is %(status)s; the coordinator acknowledges or returns it.") % {
            "status": report.get_status_display().lower()
        }
    return None
