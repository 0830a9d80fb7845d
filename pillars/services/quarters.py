"""Quarter (triwulan) reports: the companion submits the quarter's narrative, the coordinator acknowledges it or
returns it with a note. Keyword-only functions in a transaction; each first locks the plan row, then checks who acts
on which quarter in which state (the same rules :class:`pillars.access.QuarterAccess` shows as flags), and once the
row is written tells the other side (:func:`notifications.notify.quarter_report`; the e-mails go after the commit).
The time is an input: a quarter can be submitted once its last month is over."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from notifications import notify
from pillars.access import require_quarter_holder, require_reviewer
from pillars.errors import WorkflowError
from pillars.figures import is_quarter
from pillars.models import QuarterReport, WorkPlan
from pillars.rules import local_today, quarter_submit_refusal


def _save(report: QuarterReport, by, *fields: str) -> None:
    report._history_user = by  # the history says who acted, in a request or not
    report.version = F("version") + 1
    report.save(update_fields=[*fields, "version"])
    report.refresh_from_db(fields=["version"])


@transaction.atomic
def quarter_submit(*, plan: WorkPlan, quarter: int, narrative: str, by, now: datetime) -> QuarterReport:
    """Submit the narrative of ``quarter``; the first submission's time is kept."""
    if not is_quarter(quarter):
        raise WorkflowError(_("There is no quarter %(quarter)s; a year has quarters 1 to 4.") % {"quarter": quarter})
    plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
    require_quarter_holder(plan, quarter, by)
    narrative = (narrative or "").strip()
    if len(narrative) > QuarterReport.NARRATIVE_LENGTH:
        raise WorkflowError(
            _("The narrative has %(count)s characters; at most %(limit)s are kept.")
            % {"count": len(narrative), "limit": QuarterReport.NARRATIVE_LENGTH}
        )
    report = QuarterReport.objects.filter(plan=plan, quarter=quarter).first()
    refusal = quarter_submit_refusal(plan, quarter, report, local_today(plan, now))
    if refusal:
        raise WorkflowError(refusal)
    if report is None:
        report = QuarterReport(
            plan=plan, quarter=quarter, status=QuarterReport.Status.SUBMITTED, narrative=narrative, submitted_at=now
        )
        report._history_user = by  # the history says who acted, in a request or not
        report.save()
    else:
        report.status = QuarterReport.Status.SUBMITTED
        report.narrative = narrative
        _save(report, by, "status", "narrative")  # the first submission's time is kept
    notify.quarter_report(report, by=by)
    return report


def _locked_submitted(report: QuarterReport, by, refusal: str) -> QuarterReport:
    WorkPlan.objects.select_for_update().get(pk=report.plan_id)
    report = QuarterReport.objects.select_related("plan").get(pk=report.pk)
    require_reviewer(report.plan, by)
    if not report.is_waiting:
        raise WorkflowError(refusal)
    return report


@transaction.atomic
def quarter_acknowledge(*, report: QuarterReport, by, now: datetime, comment: str = "") -> QuarterReport:
    report = _locked_submitted(report, by, _("Only a submitted quarter can be acknowledged."))
    report.status = QuarterReport.Status.ACKNOWLEDGED
    # The note is the acknowledgement's comment or nothing: an earlier return note stays in the history only.
    report.reviewed_at, report.reviewed_by, report.note = now, by, comment.strip()
    _save(report, by, "status", "reviewed_at", "reviewed_by", "note")
    notify.quarter_report(report, by=by, comment=comment.strip())
    return report


@transaction.atomic
def quarter_return(*, report: QuarterReport, by, now: datetime, note: str) -> QuarterReport:
    report = _locked_submitted(report, by, _("Only a submitted quarter can be returned."))
    note = (note or "").strip()
    if not note:
        raise WorkflowError(_("Say what must change: a note is required to return a quarter."))
    report.status = QuarterReport.Status.RETURNED
    report.reviewed_at, report.reviewed_by, report.note = now, by, note
    _save(report, by, "status", "reviewed_at", "reviewed_by", "note")
    notify.quarter_report(report, by=by, comment=note)
    return report
