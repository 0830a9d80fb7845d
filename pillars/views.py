"""Plan pages. Views stay thin: load through the scoped queryset, call a service, redirect."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from pillars.models import WorkPlan
from pillars.queries import plan_sections, plan_villages
from villages.scope import viewer_for


def get_plan_for(user, pk: int) -> WorkPlan:
    """The plan if ``user`` may see it, else 404: guessing an id reveals nothing."""
    return get_object_or_404(WorkPlan.objects.visible_to(user).select_related("companion__user"), pk=pk)


@require_GET
@login_required
def plan_list(request):
    plans = (
        WorkPlan.objects.visible_to(request.user)
        .select_related("companion__user")
        .annotate(activity_count=Count("activities"))
        .order_by("-year", "companion__user__username")
    )
    status = request.GET.get("status")
    if status in WorkPlan.Status.values:
        plans = plans.filter(status=status)
    page = Paginator(plans, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "pillars/plan_list.html",
        {"page": page, "status": status, "statuses": WorkPlan.Status.choices, "viewer": viewer_for(request.user)},
    )


@require_GET
@login_required
def plan_detail(request, pk: int):
    plan = get_plan_for(request.user, pk)
    sections = plan_sections(plan)
    return render(
        request,
        "pillars/plan_detail.html",
        {
            "plan": plan,
            "sections": sections,
            "villages": plan_villages(plan),
            "events": plan.events.select_related("actor").all()[:50],
            "activity_total": sum(len(s.activities) for s in sections),
        },
    )
