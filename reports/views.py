"""Home pages and, later, dashboards and exports: everything read through the scoped querysets."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from pillars.models import WorkPlan
from pillars.queries import status_counts
from villages.scope import viewer_for


@require_GET
@login_required
def home(request):
    viewer = viewer_for(request.user)
    year = timezone.localdate().year
    plans = WorkPlan.objects.visible_to(request.user)
    if viewer.is_coordinator or viewer.is_admin:
        waiting = (
            plans.filter(status=WorkPlan.Status.SUBMITTED).select_related("companion__user").order_by("submitted_at")
        )
        return render(
            request,
            "reports/home_coordinator.html",
            {
                "year": year,
                "status_cards": _status_cards(plans.filter(year=year)),
                "waiting": waiting[:20],
                "scope": viewer.companion.scope_region if viewer.is_coordinator else None,
            },
        )
    if viewer.is_companion:
        my_plans = plans.annotate(activity_count=Count("activities")).order_by("-year")
        return render(
            request,
            "reports/home_companion.html",
            {"year": year, "plans": my_plans, "current": next((p for p in my_plans if p.year == year), None)},
        )
    return render(request, "reports/home_nobody.html")


def _status_cards(plans) -> list[tuple[str, str, int]]:
    counts = status_counts(plans)
    return [(value, label, counts[value]) for value, label in WorkPlan.Status.choices]
