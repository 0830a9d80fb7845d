"""A plan's activities while the companion writes it: add, edit, delete, move."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pillars import services
from pillars.access import own_plan_for
from pillars.forms.comments import ACTIVITY_PAGE, with_thread_forms
from pillars.forms.plans import ActivityDeleteForm, ActivityEditForm, ActivityForm, MoveForm
from pillars.models import Activity, WorkPlan
from pillars.selectors import comment_threads
from pillars.views.answers import CONFLICT, INVALID, conflict_context, form_status, is_htmx, refused

# What the "add an activity" link of a check may pre-fill; nothing else is read from the query string.
PREFILL = ("pillar", "village", "target_group", "poor_priority", "months")


def _prefill(request) -> dict:
    initial = {}
    for name in PREFILL:
        values = request.GET.getlist(name)
        if values:
            initial[name] = values if name == "months" else values[0]
    return initial


@require_http_methods(["GET", "POST"])
@login_required
def activity_add(request, pk: int):
    plan = own_plan_for(request.user, pk)
    if not plan.is_editable:
        return refused(request, plan, services.WorkflowError(_("This plan is locked; activities cannot be added.")))
    if request.method == "GET":
        form = ActivityForm(plan=plan, initial=_prefill(request))
        return render(request, "pillars/activity_form.html", {"plan": plan, "form": form})
    form = ActivityForm(request.POST, plan=plan)
    if not form.is_valid():
        if is_htmx(request):
            # Only the form goes back, with its messages; the rest of the page stays as it is.
            response = render(
                request, "pillars/_activity_add.html", {"plan": plan, "activity_form": form}, status=INVALID
            )
            response["HX-Retarget"] = "#add-activity"
            response["HX-Reselect"] = "#add-activity"
            response["HX-Reswap"] = "outerHTML"
            return response
        return render(request, "pillars/activity_form.html", {"plan": plan, "form": form}, status=INVALID)
    try:
        activity = services.activity_save(activity=form.save(commit=False), by=request.user)
    except services.WorkflowError as error:
        return refused(request, plan, error)
    if not is_htmx(request):
        messages.success(request, _("Activity “%(title)s” added.") % {"title": activity.title})
    return redirect(f"{reverse('pillars:plan-detail', args=[plan.pk])}?added={activity.pk}#activity-{activity.pk}")


def _own_activity(request, pk: int, activity_pk: int) -> tuple[WorkPlan, Activity]:
    """An activity of the version being written; in a revision, an approved activity's id finds its copy."""
    plan = own_plan_for(request.user, pk)
    activity = get_object_or_404(plan.written_activities().filter(Q(pk=activity_pk) | Q(revises_id=activity_pk)))
    return plan, activity


@require_http_methods(["GET", "POST"])
@login_required
def activity_edit(request, pk: int, activity_pk: int):
    plan, activity = _own_activity(request, pk, activity_pk)
    if not plan.is_editable:
        return refused(request, plan, services.WorkflowError(_("This plan is locked; activities cannot change.")))
    form = ActivityEditForm(request.POST or None, plan=plan, instance=activity)
    comments = with_thread_forms(list(comment_threads().filter(activity=activity)), ACTIVITY_PAGE)
    context = {"plan": plan, "form": form, "activity": activity, "comments": comments}
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_save(
                activity=form.save(commit=False), by=request.user, version=form.cleaned_data["version"]
            )
        except services.VersionConflict as conflict:
            villages = dict(plan.villages.values_list("code", "name"))
            context.update(conflict_context(form, conflict.current, list(ActivityForm.Meta.fields), villages))
            # htmx and a plain POST both get the form back; 409 tells a script the save was refused.
            return render(request, "pillars/activity_form.html", context, status=CONFLICT)
        except services.WorkflowError as error:
            return refused(request, plan, error)
        messages.success(request, _("Activity “%(title)s” saved.") % {"title": activity.title})
        return redirect(activity)
    return render(request, "pillars/activity_form.html", context, status=form_status(request))


@require_POST
@login_required
def activity_delete(request, pk: int, activity_pk: int):
    plan, activity = _own_activity(request, pk, activity_pk)
    form = ActivityDeleteForm(request.POST)
    if not form.is_valid():
        return refused(request, plan, services.WorkflowError(_("The page was out of date; nothing was deleted.")))
    try:
        services.activity_delete(activity=activity, by=request.user, version=form.cleaned_data["version"])
    except services.VersionConflict:
        messages.error(
            request,
            _("“%(title)s” changed after this page was loaded, so it was not deleted. Check it, then delete again.")
            % {"title": activity.title},
        )
        return redirect(activity)
    except services.WorkflowError as error:
        return refused(request, plan, error)
    messages.success(request, _("Activity “%(title)s” deleted.") % {"title": activity.title})
    return redirect(f"{plan.get_absolute_url()}#pillar-{activity.pillar.code}")


@require_POST
@login_required
def activity_move(request, pk: int, activity_pk: int):
    plan, activity = _own_activity(request, pk, activity_pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose up or down."), status=INVALID)
    try:
        services.activity_move(activity=activity, by=request.user, offset=form.cleaned_data["direction"])
    except services.WorkflowError as error:
        return refused(request, plan, error)
    return redirect(activity)
