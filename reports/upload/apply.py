"""Applying a previewed upload: all rows or none, through the plan's own services.

The preview is built again under the plan's row lock and must match the fingerprint the companion confirmed, so
history and the plan's version record the upload exactly as if the companion had typed it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from pillars import access, services
from pillars.models import WorkPlan
from reports.upload.preview import Preview, build_preview, fingerprint
from reports.upload.sheet import ParsedRow, UploadError


def require_upload_allowed(plan: WorkPlan, user) -> None:
    """Only the plan's companion, and only while the plan is a draft or returned."""
    access.require_owner(plan, user)
    if not plan.is_editable:
        raise UploadError(_("This plan is locked; a workbook can be uploaded only into a draft or returned plan."))


@transaction.atomic
def plan_upload_apply(*, plan: WorkPlan, by, rows: list[ParsedRow], expected: str) -> Preview:
    """Apply a previewed upload: all rows or none. ``expected`` is the preview's fingerprint."""
    plan = WorkPlan.objects.select_for_update().select_related("companion__user").get(pk=plan.pk)
    require_upload_allowed(plan, by)
    if fingerprint(plan) != expected:
        raise UploadError(_("The plan changed after the preview. Upload the workbook again to see the new preview."))
    preview = build_preview(plan, rows)
    if preview.errors:
        raise UploadError(_("The workbook has errors; nothing was saved. Correct them and upload it again."))
    changed = {change.activity.pk for change in preview.changes}
    for form, instance in preview.forms:
        if instance is None or instance.pk in changed:
            services.activity_save(activity=form.save(commit=False), by=by)
    for activity in preview.removals:
        services.activity_delete(activity=activity, by=by)
    return preview
