"""Writing a plan's activities while it is a draft or returned: save, delete, move; each moves the plan's version."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from pillars.errors import WorkflowError
from pillars.models import Activity, MonthlyProgress, WorkPlan
from pillars.services.locking import check_version
from pillars.services.plans import _require_editable, locked_plan, save_plan


def _current_activity(plan: WorkPlan, activity: Activity, version: int | None) -> Activity:
    current = plan.written_activities().select_for_update().filter(pk=activity.pk).first()
    if current is None:
        raise PermissionDenied(_("This activity belongs to another plan."))
    check_version(current, version)
    return current


@transaction.atomic
def activity_save(*, activity: Activity, by, version: int | None = None) -> Activity:
    """Add or change an activity of an editable plan; a new one goes last under its pillar.

    ``version`` is the activity's version when its form was opened; a save on an older one is
    refused with :class:`VersionConflict` and writes nothing.
    """
    plan = locked_plan(activity.plan)
    _require_editable(plan, by)
    if activity.pk is None:
        last = plan.written_activities().filter(pillar_id=activity.pillar_id).aggregate(last=Max("position"))["last"]
        activity.position = 0 if last is None else last + 1
        # Added in a revision: in force once the revision is approved.
        activity.pending = plan.under_revision
    else:
        _current_activity(plan, activity, version)
        activity.version = F("version") + 1
    activity.full_clean(exclude=["version"])
    activity._history_user = by
    activity.save()
    activity.refresh_from_db(fields=["version"])
    save_plan(plan, by=by)
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity, by, version: int | None = None) -> None:
    """Delete an activity without progress; refused (:class:`VersionConflict`) if it changed since ``version``."""
    plan = locked_plan(activity.plan)
    _require_editable(plan, by)
    current = _current_activity(plan, activity, version)
    # In a revision, the approved activity may have progress; removing it on approval would cascade it away.
    if MonthlyProgress.objects.filter(activity_id=current.approved_id).exists():
        raise WorkflowError(
            _("“%(title)s” already has monthly progress recorded; change it instead of deleting it.")
            % {"title": activity.title}
        )
    # Deleted through the instance so the history row carries the user even outside a request.
    current._history_user = by
    current.delete()
    save_plan(plan, by=by)


@transaction.atomic
def activity_move(*, activity: Activity, by, offset: int) -> None:
    """Move an activity ``offset`` places up (negative) or down within its pillar."""
    plan = locked_plan(activity.plan)
    _require_editable(plan, by)
    siblings = list(plan.written_activities().filter(pillar_id=activity.pillar_id).order_by("position", "pk"))
    index = next((i for i, a in enumerate(siblings) if a.pk == activity.pk), None)
    if index is None:
        raise PermissionDenied(_("This activity belongs to another plan."))
    target = max(0, min(len(siblings) - 1, index + offset))
    siblings.insert(target, siblings.pop(index))
    moved = []
    for position, sibling in enumerate(siblings):
        if sibling.position != position:
            sibling.position = position
            moved.append(sibling)
    # bulk_update alone would leave no history row for the new positions.
    bulk_update_with_history(moved, Activity, ["position"], default_user=by)
    save_plan(plan, by=by)
