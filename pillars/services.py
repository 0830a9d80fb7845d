"""Workflow transitions of annual plans.

Each transition is one function with keyword-only arguments, run in a transaction: it re-reads the
plan under a row lock, checks who may act from which state, changes the plan, writes one
:class:`WorkflowEvent`, and nothing else. Views only call these.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from pillars.models import Activity, ActivityComment, PlanSnapshot, PlanYear, WorkflowEvent, WorkPlan
from villages.models import Companion
from villages.scope import viewer_for


class WorkflowError(Exception):
    """A transition that is not possible in the plan's state; ``problems`` says why."""

    def __init__(self, problems: str | list[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class SubmitProblem:
    message: str
    activity_id: int | None = None

    def __str__(self) -> str:
        return self.message


def _locked(plan: WorkPlan) -> WorkPlan:
    return WorkPlan.objects.select_for_update().get(pk=plan.pk)


def _require_owner(plan: WorkPlan, by) -> None:
    viewer = viewer_for(by)
    if viewer.companion is None or plan.companion_id != viewer.companion.pk:
        raise PermissionDenied(_("Only the plan's own companion may do this."))


def _require_reviewer(plan: WorkPlan, by) -> None:
    viewer = viewer_for(by)
    if not (viewer.is_admin or viewer.is_coordinator):
        raise PermissionDenied(_("Only a coordinator may review plans."))
    if not WorkPlan.objects.visible_to(by).filter(pk=plan.pk).exists():
        raise PermissionDenied(_("This plan is outside your scope."))


def _log(plan: WorkPlan, *, by, from_status: str, comment: str = "") -> WorkflowEvent:
    return WorkflowEvent.objects.create(
        plan=plan, actor=by, from_status=from_status, to_status=plan.status, comment=comment
    )


def _save(plan: WorkPlan, *fields: str) -> None:
    plan.version = F("version") + 1
    plan.save(update_fields=[*fields, "version", "updated_at"])
    plan.refresh_from_db(fields=["version"])


def plan_create(*, companion: Companion, year: int, by) -> WorkPlan:
    """Start an empty draft for ``year`` with the companion's assigned villages."""
    if viewer_for(by).companion != companion:
        raise PermissionDenied(_("You can only start your own plan."))
    if companion.is_coordinator:
        raise WorkflowError(_("Coordinators do not write annual plans."))
    if not PlanYear.objects.filter(year=year, is_open=True).exists():
        raise WorkflowError(_("The year %(year)s is not open for planning.") % {"year": year})
    villages = list(companion.villages.all())
    if not villages:
        raise WorkflowError(_("You have no assigned villages yet; ask an admin to assign them."))
    try:
        with transaction.atomic():
            plan = WorkPlan.objects.create(companion=companion, year=year)
            plan.villages.set(villages)
            WorkflowEvent.objects.create(plan=plan, actor=by, from_status="", to_status=plan.status)
    except IntegrityError:
        raise WorkflowError(_("You already have a plan for %(year)s.") % {"year": year}) from None
    return plan


def submit_problems(plan: WorkPlan) -> list[SubmitProblem]:
    """What stops ``plan`` from being submitted; empty when it may be."""
    activities = list(plan.activities.only("pk", "title", "months", "target_quantity"))
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


@transaction.atomic
def plan_submit(*, plan: WorkPlan, by) -> WorkPlan:
    plan = _locked(plan)
    _require_owner(plan, by)
    if plan.status not in WorkPlan.EDITABLE:
        raise WorkflowError(_("Only a draft or returned plan can be submitted."))
    problems = submit_problems(plan)
    if problems:
        raise WorkflowError([p.message for p in problems])
    before = plan.status
    plan.status = WorkPlan.Status.SUBMITTED
    plan.submitted_at = timezone.now()
    _save(plan, "status", "submitted_at")
    _log(plan, by=by, from_status=before)
    return plan


@transaction.atomic
def plan_return(*, plan: WorkPlan, by, comment: str, activity_comments: dict[int, str] | None = None) -> WorkPlan:
    plan = _locked(plan)
    _require_reviewer(plan, by)
    if plan.status != WorkPlan.Status.SUBMITTED:
        raise WorkflowError(_("Only a submitted plan can be returned."))
    comment = (comment or "").strip()
    if not comment:
        raise WorkflowError(_("Say what must change: a comment is required to return a plan."))
    before = plan.status
    plan.status = WorkPlan.Status.RETURNED
    _save(plan, "status")
    event = _log(plan, by=by, from_status=before, comment=comment)
    notes = {pk: text.strip() for pk, text in (activity_comments or {}).items() if text and text.strip()}
    if notes:
        known = set(Activity.objects.filter(plan=plan, pk__in=notes).values_list("pk", flat=True))
        unknown = set(notes) - known
        if unknown:
            raise WorkflowError(_("A comment names an activity that is not in this plan."))
        ActivityComment.objects.bulk_create(
            ActivityComment(activity_id=pk, event=event, author=by, text=text) for pk, text in notes.items()
        )
    return plan


@transaction.atomic
def plan_approve(*, plan: WorkPlan, by, comment: str = "") -> WorkPlan:
    plan = _locked(plan)
    _require_reviewer(plan, by)
    if plan.status != WorkPlan.Status.SUBMITTED:
        raise WorkflowError(_("Only a submitted plan can be approved."))
    before = plan.status
    plan.status = WorkPlan.Status.APPROVED
    plan.approved_at = timezone.now()
    _save(plan, "status", "approved_at")
    PlanSnapshot.objects.update_or_create(
        plan=plan,
        revision=plan.revision,
        defaults={"approved_at": plan.approved_at, "approved_by": by, "data": plan_snapshot_data(plan)},
    )
    _log(plan, by=by, from_status=before, comment=(comment or "").strip())
    return plan


@transaction.atomic
def plan_reopen(*, plan: WorkPlan, by, reason: str) -> WorkPlan:
    """Reopen an approved plan as a draft revision; the approved snapshot stays."""
    plan = _locked(plan)
    _require_reviewer(plan, by)
    if plan.status != WorkPlan.Status.APPROVED:
        raise WorkflowError(_("Only an approved plan can be reopened."))
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("A reason is required to reopen a plan."))
    before = plan.status
    plan.status = WorkPlan.Status.DRAFT
    plan.revision += 1
    _save(plan, "status", "revision")
    _log(plan, by=by, from_status=before, comment=reason)
    return plan


SNAPSHOT_FIELDS = (
    "pillar_id",
    "village_id",
    "title",
    "objective",
    "target_group",
    "sdg_goal",
    "indicator",
    "target_quantity",
    "unit",
    "budget",
    "budget_source",
    "partners",
    "poor_priority",
)


def plan_snapshot_data(plan: WorkPlan) -> dict:
    """A plain-JSON picture of the plan's activities, for comparing a revision with it."""
    activities = []
    for activity in plan.activities.order_by("pillar__order", "position", "pk"):
        row = {"id": activity.pk, "months": list(activity.months)}
        for field in SNAPSHOT_FIELDS:
            value = getattr(activity, field)
            row[field] = str(value) if value is not None and field in ("target_quantity", "budget") else value
        activities.append(row)
    return {
        "priorities": plan.priorities,
        "data_basis": plan.data_basis,
        "villages": sorted(plan.villages.values_list("code", flat=True)),
        "activities": activities,
    }
