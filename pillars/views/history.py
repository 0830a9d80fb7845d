"""The history of a plan and of one of its activities: who changed what, when. The companion's and the reviewers'
working record: a village official, who reads only the plan in force, is answered 404 (PlanAccess.can_read_review)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pillars.access import plan_for
from pillars.models import Activity, WorkPlan
from pillars.selectors.history import history_page


def _plan_with_history(user, pk: int) -> WorkPlan:
    """The plan if ``user`` may read its history, else 404: the page's very existence is not theirs to know."""
    plan, access = plan_for(user, pk)
    if not access.can_read_review:
        raise Http404
    return plan


@require_GET
@login_required
def plan_history(request, pk: int):
    plan = _plan_with_history(request.user, pk)
    page, entries = history_page(plan, request.GET.get("page"))
    return render(request, "pillars/history.html", {"plan": plan, "page": page, "entries": entries})


@require_GET
@login_required
def activity_history(request, pk: int, activity_pk: int):
    plan = _plan_with_history(request.user, pk)
    activity = plan.activities.filter(pk=activity_pk).first()
    if activity is None:
        # A deleted activity keeps its history: look it up among the plan's recorded activities.
        activity = Activity.history.filter(plan_id=plan.pk, id=activity_pk).order_by("-history_id").first()
        if activity is None:
            raise Http404
    page, entries = history_page(plan, request.GET.get("page"), activity_id=activity_pk)
    return render(
        request,
        "pillars/history.html",
        {
            "plan": plan,
            "page": page,
            "entries": entries,
            "activity": activity,
            "activity_exists": isinstance(activity, Activity),
        },
    )
