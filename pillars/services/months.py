"""Monthly progress and monthly reports: the transitions.

Save an entry (a phone's offline save once per key), mark entries postponed, delete evidence, submit, acknowledge,
return, reopen: keyword-only functions run in a transaction. Each first locks the plan row, so a save and a
submission of the same month cannot interleave, then checks who acts on which month in which state; report
transitions write one :class:`WorkflowEvent`. The month and report pages write through these alone, and the day's
round forgets the old offline keys (:func:`offline_saves_prune`).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import notify
from pillars import evidence as evidence_rules
from pillars.access import require_month_owner, require_reviewer
from pillars.errors import ProgressConflict, WorkflowError
from pillars.evidence import CheckedFile
from pillars.models import (
    EVIDENCE_EXTENSIONS,
    Activity,
    Evidence,
    MonthlyProgress,
    MonthlyReport,
    OfflineSave,
    WorkflowEvent,
    WorkPlan,
)
from pillars.rules import month_lock_reason
from pillars.selectors.months import freeze, offline_saved

ENTRY_FIELDS = ("status", "quantity", "description", "problems", "follow_up")


def _lock_plan(plan: WorkPlan, month: int, by) -> WorkPlan:
    """Lock the plan row (its writes run one at a time), then check ``by`` held it in ``month``."""
    plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
    require_month_owner(plan, month, by)
    return plan


def _lock_month(plan: WorkPlan, month: int, by) -> tuple[WorkPlan, MonthlyReport | None]:
    """Lock the plan row, then check the owner may still change ``month``."""
    plan = _lock_plan(plan, month, by)
    return plan, _open_month(plan, month)


def _open_month(plan: WorkPlan, month: int) -> MonthlyReport | None:
    """``month``'s report, after checking the month may still be changed."""
    report = MonthlyReport.objects.filter(plan=plan, month=month).first()
    reason = month_lock_reason(plan, month, report)
    if reason:
        raise WorkflowError(reason)
    return report


@transaction.atomic
def progress_save(
    *,
    activity: Activity,
    month: int,
    values: dict,
    version: int,
    files: list[CheckedFile] = (),
    device_place: tuple[Decimal, Decimal] | None = None,
    by,
    key: uuid.UUID | None = None,
) -> MonthlyProgress:
    """Create or update the entry of ``activity`` for ``month`` and attach ``files``.

    ``device_place`` is where the phone was when the companion asked it (a button, never on its own): it is
    recorded for the photos whose metadata says no place, marked as the phone's.

    ``version`` is the entry's version when the form was opened (0: there was none); if the entry
    has moved on since, nothing is written and :class:`ProgressConflict` carries the current entry.

    ``key`` is a phone's key for a save it queued offline: a save ``by`` already sent with it is not made again,
    its entry is returned as it is now, nothing written. It is looked up with the plan locked, so a key sent twice
    at once is saved once, and before any rule: the first send may have been saved, its answer lost, before the
    version moved on or the month was submitted, and the resend is still answered with that save.
    """
    plan = _lock_plan(activity.plan, month, by)
    if key is not None and (saved := offline_saved(by, key)) is not None:
        if (saved.activity_id, saved.month) != (activity.pk, month):
            raise WorkflowError(_("This save's key was sent before with another entry; nothing was saved."))
        return saved
    _open_month(plan, month)
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
    _attach(entry, files, by, device_place)
    if key is not None:
        OfflineSave.objects.create(user=by, key=key, progress=entry)
    return entry


def offline_saves_prune(*, now: datetime) -> int:
    """Forget the offline saves' keys older than RKT_OFFLINE_KEY_DAYS; a phone resends its queue long before."""
    old = OfflineSave.objects.filter(created_at__lt=now - timedelta(days=settings.RKT_OFFLINE_KEY_DAYS))
    removed, _by_model = old.delete()
    return removed


def _place_of(checked: CheckedFile, device_place: tuple[Decimal, Decimal] | None) -> dict:
    if checked.place is not None:
        latitude, longitude = checked.place
        return {"latitude": latitude, "longitude": longitude, "place_source": Evidence.PlaceSource.PHOTO}
    if device_place is not None and checked.content is not None:
        latitude, longitude = device_place
        return {"latitude": latitude, "longitude": longitude, "place_source": Evidence.PlaceSource.DEVICE}
    return {}


def _attach(
    entry: MonthlyProgress, files: list[CheckedFile], by, device_place: tuple[Decimal, Decimal] | None = None
) -> None:
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
                taken_at=checked.taken_at,
                **_place_of(checked, device_place),
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


def _log_report(report: MonthlyReport, *, by, from_status: str, comment: str = "") -> WorkflowEvent:
    """Log the transition, and tell the other side of it (:func:`notifications.notify.workflow_event`)."""
    event = WorkflowEvent.objects.create(
        plan_id=report.plan_id,
        report=report,
        actor=by,
        from_status=from_status,
        to_status=report.status,
        comment=comment,
    )
    notify.workflow_event(event)
    return event


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
    _log_report(report, by=by, from_status=before)
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
    _log_report(report, by=by, from_status=before, comment=comment)
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
    _log_report(report, by=by, from_status=before, comment=note)
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
    _log_report(report, by=by, from_status=before, comment=reason)
    return report
