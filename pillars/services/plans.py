"""Annual plans: their workflow transitions, starting one, and writing the narrative.

Each transition (submit, return, approve, reopen) is one function with keyword-only arguments, run in a
transaction: it re-reads the plan under a row lock, checks who may act from which state, changes the plan and
writes one :class:`WorkflowEvent` (an approval also keeps the approved version's :class:`PlanSnapshot`, a reopening
makes the revision's copies of the activities). The plan pages write through these alone; the admin saves its
own rows, then moves the plan's version with :func:`plan_touch`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from notifications import notify
from pillars import figures
from pillars.access import require_owner, require_reviewer
from pillars.errors import WorkflowError
from pillars.models import (
    Activity,
    ActivityComment,
    Handover,
    MonthlyProgress,
    PlanSnapshot,
    PlanYear,
    WorkflowEvent,
    WorkPlan,
)
from pillars.rules import narrative_digest, plan_lock_reason, submit_problems
from pillars.selectors.snapshots import CONTENT_FIELDS, REVISED_FIELDS, plan_snapshot_data
from pillars.services.locking import check_version
from villages.models import Companion
from villages.scope import viewer_for


def plan_touch(*, plan: WorkPlan, by) -> None:
    """Move the plan's version after one of its activities changed outside the plan's pages (the admin), as
    every activity change on the pages does, so a form opened on the plan before is refused."""
    save_plan(plan, by=by)


def locked_plan(plan: WorkPlan) -> WorkPlan:
    return WorkPlan.objects.select_for_update().get(pk=plan.pk)


def log_plan_event(plan: WorkPlan, *, by, from_status: str, comment: str = "") -> WorkflowEvent:
    """Log the transition, and tell the other side of it (:func:`notifications.notify.workflow_event`)."""
    event = WorkflowEvent.objects.create(
        plan=plan, actor=by, from_status=from_status, to_status=plan.status, comment=comment
    )
    notify.workflow_event(event)
    return event


def save_plan(plan: WorkPlan, *fields: str, by=None) -> None:
    """Save ``fields`` and bump the version; with no field, only the version moves (an activity changed).

    A version-only save leaves no history row of the plan: the activity's own row says what changed.
    """
    plan.version = F("version") + 1
    if by is not None:
        plan._history_user = by
    if not fields:
        plan.skip_history_when_saving = True
    try:
        plan.save(update_fields=[*fields, "version", "updated_at"])
    finally:
        if not fields:
            del plan.skip_history_when_saving
    plan.refresh_from_db(fields=["version"])


def plan_create(*, companion: Companion, year: int, by) -> WorkPlan:
    """Start an empty draft for ``year`` with the companion's assigned villages."""
    if viewer_for(by).companion != companion:
        raise PermissionDenied(_("You can only start your own plan."))
    if companion.is_coordinator:
        raise WorkflowError(_("Coordinators do not write annual plans."))
    if not PlanYear.objects.filter(year=year, is_open=True).exists():
        raise WorkflowError(_("The year %(year)s is not open for planning.") % {"year": year})
    if Handover.objects.filter(predecessor=companion, plan__year=year).exists():
        raise WorkflowError(
            _("Your plan for %(year)s was handed over; a companion holds one plan a year.") % {"year": year}
        )
    villages = list(companion.villages.all())
    if not villages:
        raise WorkflowError(_("You have no assigned villages yet; ask an admin to assign them."))
    try:
        with transaction.atomic():
            plan = WorkPlan(companion=companion, year=year)
            plan._history_user = by
            plan.save()
            plan.villages.set(villages)
            WorkflowEvent.objects.create(plan=plan, actor=by, from_status="", to_status=plan.status)
    except IntegrityError:
        raise WorkflowError(_("You already have a plan for %(year)s.") % {"year": year}) from None
    return plan


@transaction.atomic
def plan_submit(*, plan: WorkPlan, by) -> WorkPlan:
    plan = locked_plan(plan)
    require_owner(plan, by)
    if plan.status not in WorkPlan.EDITABLE:
        raise WorkflowError(_("Only a draft or returned plan can be submitted."))
    problems = submit_problems(plan)
    if problems:
        raise WorkflowError([p.message for p in problems])
    before = plan.status
    plan.status = WorkPlan.Status.SUBMITTED
    plan.submitted_at = timezone.now()
    save_plan(plan, "status", "submitted_at", by=by)
    log_plan_event(plan, by=by, from_status=before)
    return plan


@transaction.atomic
def plan_return(*, plan: WorkPlan, by, comment: str, activity_comments: dict[int, str] | None = None) -> WorkPlan:
    plan = locked_plan(plan)
    require_reviewer(plan, by)
    if plan.status != WorkPlan.Status.SUBMITTED:
        raise WorkflowError(_("Only a submitted plan can be returned."))
    comment = (comment or "").strip()
    if not comment:
        raise WorkflowError(_("Say what must change: a comment is required to return a plan."))
    before = plan.status
    plan.status = WorkPlan.Status.RETURNED
    save_plan(plan, "status", by=by)
    event = log_plan_event(plan, by=by, from_status=before, comment=comment)
    _comment_activities(plan, by, activity_comments, event=event)
    return plan


def _notes_by_activity(
    plan: WorkPlan, activity_comments: dict[int, str] | None, *, approving: bool = False
) -> dict[int, str]:
    """The reviewer's notes beside single activities of the version being reviewed, by the activity each stays
    with: the one written, or, ``approving`` a revision, the approved activity its copy is folded into
    (:func:`_apply_revision`). Refused if a note names an activity of another plan."""
    notes = {pk: text.strip() for pk, text in (activity_comments or {}).items() if text and text.strip()}
    if not notes:
        return {}
    kept_as = dict(plan.written_activities().filter(pk__in=notes).values_list("pk", "revises_id"))
    if set(notes) - set(kept_as):
        raise WorkflowError(_("A comment names an activity that is not in this plan."))
    return {(kept_as[pk] if approving else None) or pk: text for pk, text in notes.items()}


def _comment_activities(plan: WorkPlan, by, activity_comments: dict[int, str] | None, event: WorkflowEvent) -> None:
    """The reviewer's notes beside single activities, kept with the decision they came with."""
    notes = _notes_by_activity(plan, activity_comments)
    ActivityComment.objects.bulk_create(
        ActivityComment(activity_id=pk, event=event, author=by, text=text) for pk, text in notes.items()
    )


@transaction.atomic
def plan_approve(*, plan: WorkPlan, by, comment: str = "", activity_comments: dict[int, str] | None = None) -> WorkPlan:
    """Approve a submitted plan; a revision's changes take effect now (:func:`_apply_revision`). Notes beside
    single activities are kept with the approval, as with a return."""
    plan = locked_plan(plan)
    require_reviewer(plan, by)
    if plan.status != WorkPlan.Status.SUBMITTED:
        raise WorkflowError(_("Only a submitted plan can be approved."))
    # Read on the version reviewed, before a revision's copies become the rows in force.
    notes = _notes_by_activity(plan, activity_comments, approving=True)
    if plan.under_revision:
        _apply_revision(plan, by)
    before = plan.status
    plan.status = WorkPlan.Status.APPROVED
    plan.approved_at = timezone.now()
    save_plan(plan, "status", "approved_at", by=by)
    PlanSnapshot.objects.update_or_create(
        plan=plan,
        revision=plan.revision,
        defaults={"approved_at": plan.approved_at, "approved_by": by, "data": plan_snapshot_data(plan)},
    )
    event = log_plan_event(plan, by=by, from_status=before, comment=(comment or "").strip())
    ActivityComment.objects.bulk_create(
        ActivityComment(activity_id=pk, event=event, author=by, text=text) for pk, text in notes.items()
    )
    return plan


def _apply_revision(plan: WorkPlan, by) -> None:
    """The revision becomes the version in force: each copy's values onto the activity it revises, new ones
    kept, approved ones the revision removed deleted. Progress and review comments stay with the approved rows.
    """
    approved = {a.pk: a for a in plan.activities.filter(pending=False)}
    copies = list(plan.activities.filter(pending=True))
    kept = {copy.revises_id for copy in copies if copy.revises_id}
    removed = [a for pk, a in approved.items() if pk not in kept]
    reported = set(
        MonthlyProgress.objects.filter(activity__in=removed).values_list("activity_id", flat=True).distinct()
    )
    if reported:
        titles = ", ".join(f"“{a.title}”" for a in removed if a.pk in reported)
        raise WorkflowError(
            _("The revision removes %(titles)s, which have monthly progress recorded; return it to keep them.")
            % {"titles": titles}
        )
    reason = _("Revision %(revision)s approved") % {"revision": plan.revision}
    for copy in copies:
        if copy.revises_id is None:
            copy.pending = False
            copy._history_user, copy._change_reason = by, reason
            copy.save(update_fields=["pending", "updated_at"])
            continue
        original = approved[copy.revises_id]
        changed = [name for name in REVISED_FIELDS if getattr(original, name) != getattr(copy, name)]
        ActivityComment.objects.filter(activity=copy).update(activity=original)
        copy.delete()
        if changed:
            for name in changed:
                setattr(original, name, getattr(copy, name))
            original.version = F("version") + 1
            original._history_user, original._change_reason = by, reason
            original.save()
    for activity in removed:
        activity._history_user, activity._change_reason = by, reason
        activity.delete()


@transaction.atomic
def plan_reopen(*, plan: WorkPlan, by, reason: str) -> WorkPlan:
    """Reopen an approved plan for a revision: the approved version stays in force, and the companion works on
    a copy of each of its activities (``pending``, ``revises``) until the revision is approved."""
    plan = locked_plan(plan)
    require_reviewer(plan, by)
    if plan.status != WorkPlan.Status.APPROVED:
        raise WorkflowError(_("Only an approved plan can be reopened."))
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("A reason is required to reopen a plan."))
    before = plan.status
    plan.status = WorkPlan.Status.DRAFT
    plan.revision += 1
    save_plan(plan, "status", "revision", by=by)
    copies = []
    for activity in plan.activities.filter(pending=False):
        # The copy starts at the activity's version, so a form opened on the approved activity saves into it.
        copy = Activity(plan=plan, pending=True, revises=activity, version=activity.version)
        for name in REVISED_FIELDS:
            setattr(copy, name, getattr(activity, name))
        copies.append(copy)
    # The copies' creation is bookkeeping: history shows what the companion changes in them, then what the
    # approval changed in force (the history page leaves a copy's creation and removal out).
    bulk_create_with_history(copies, Activity, default_user=by)
    log_plan_event(plan, by=by, from_status=before, comment=reason)
    return plan


def _require_editable(plan: WorkPlan, by) -> None:
    require_owner(plan, by)
    reason = plan_lock_reason(plan)
    if reason:
        raise WorkflowError(reason)


@transaction.atomic
def plan_start_next(*, source: WorkPlan, by) -> WorkPlan:
    """Next year's draft from ``source``: its activities (the approved version's, once there is one) copied
    with their months kept. An activity whose achievement for the year is below its target
    (:func:`figures.is_unfinished`) is flagged ``carried_forward`` so the companion sees what is left over.
    """
    require_owner(source, by)
    plan = plan_create(companion=source.companion, year=source.year + 1, by=by)
    plan.priorities, plan.data_basis = source.priorities, source.data_basis
    plan._history_user = by
    plan.save(update_fields=["priorities", "data_basis", "updated_at"])
    activities = source.activities_in_force() if source.is_in_force else source.written_activities()
    activities = list(activities.in_plan_order())
    numbers = figures.figures_for(activities, through=12)
    villages = set(plan.villages.values_list("code", flat=True))
    copies = []
    for position, old in enumerate(activities):
        unfinished = figures.is_unfinished(numbers[old.pk].achieved, old.target_quantity)
        copy = Activity(plan=plan, position=position, carried_forward=unfinished, months=old.months)
        for field in CONTENT_FIELDS:
            setattr(copy, field, getattr(old, field))
        # A village no longer assigned falls back to "all villages" rather than leaking out of scope.
        if copy.village_id and copy.village_id not in villages:
            copy.village_id = None
        copies.append(copy)
    # bulk_create alone would leave the copies without a history row.
    bulk_create_with_history(copies, Activity, default_user=by)
    return plan


@transaction.atomic
def plan_update_narrative(
    *, plan: WorkPlan, by, priorities: str, data_basis: str, version: int | None = None, opened: str = ""
) -> WorkPlan:
    """Save the narrative; refused (:class:`VersionConflict`) if it changed since the form was opened.

    ``version`` is the plan's version when the form was opened. The version also moves when an
    activity changes or the plan is reviewed, so a moved version with the narrative still as it was
    (``opened``: its :func:`narrative_digest` then) is not a conflict: only these two fields are written.
    """
    plan = locked_plan(plan)
    _require_editable(plan, by)
    if not (opened and narrative_digest(plan) == opened):
        check_version(plan, version)
    plan.priorities, plan.data_basis = priorities, data_basis
    save_plan(plan, "priorities", "data_basis", by=by)
    return plan
