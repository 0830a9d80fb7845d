"""Home pages: the coordinator's queue and picture of the scope, the companion's next step.

Every figure comes from :mod:`reports.dashboard` (aggregates through the scoped querysets) or from
:mod:`pillars.progress` (report completeness); the views only pick the filters and assemble.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pillars import progress
from pillars.models import MonthlyReport, WorkflowEvent, WorkPlan
from reports import dashboard
from villages.models import Companion
from villages.scope import viewer_for, within

HEATMAP_ROWS = 30


@require_GET
@login_required
def home(request):
    viewer = viewer_for(request.user)
    if viewer.is_coordinator or viewer.is_admin:
        return render(request, "reports/home_coordinator.html", _coordinator_context(request, viewer))
    if viewer.is_companion:
        return render(request, "reports/home_companion.html", _companion_context(request, viewer))
    return render(request, "reports/home_nobody.html")


def _coordinator_context(request, viewer) -> dict:
    user, today = request.user, timezone.localdate()
    data = request.GET.copy()
    data.setdefault("year", str(today.year))
    form = dashboard.DashboardFilterForm(data, user=user, today=today)
    selection = form.selection(user=user, today=today)
    plans = dashboard.scoped_plans(user, selection)
    waiting_scope = dashboard.scoped_plans(user, selection, any_year=True)
    waiting_plans, waiting_plan_count = dashboard.waiting_plans(waiting_scope, today)
    waiting_reports, waiting_report_count = dashboard.waiting_reports(user, waiting_scope, today)
    pillars = dashboard.pillar_progress(plans, selection)
    sort = request.GET.get("sort", "name")
    return {
        "form": form,
        "selection": selection,
        "year": selection.year,
        "scope": viewer.companion.scope_region if viewer.is_coordinator else None,
        "waiting_plans": waiting_plans,
        "waiting_plan_count": waiting_plan_count,
        "waiting_reports": waiting_reports,
        "waiting_report_count": waiting_report_count,
        "status_cards": dashboard.status_cards(plans, selection),
        "without_plan": _shown_and_count(dashboard.companions_without_plan(user, selection)),
        "pillars": pillars,
        "total": dashboard.total_of(pillars, _("All pillars")),
        "areas": dashboard.area_progress(plans, selection, sort),
        "villages": dashboard.village_progress(plans, selection, sort),
        "sort_columns": dashboard.sort_columns(selection, dashboard.sort_rows([], sort)[1]),
        "without_activity": dashboard.villages_without_activity(user, plans, selection),
        "unassigned_villages": dashboard.unassigned_village_count(user, selection),
        "blt_gaps": dashboard.blt_without_poor_activity(user, plans, selection),
        "heatmap": _heatmap(user, selection),
        "deadline_day": settings.RKT_REPORT_DEADLINE_DAY,
    }


def _shown_and_count(queryset, limit: int = dashboard.LIST_SHOWN) -> dashboard.VillageList:
    return dashboard.VillageList(queryset.count(), list(queryset[:limit]))


@dataclass
class Heatmap:
    rows: list
    total: int
    month: int
    missing: int
    late: int
    returned: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def _heatmap(user, selection: dashboard.Selection) -> Heatmap:
    """Report completeness of the companions in the selection, the ones most behind first.

    The completeness itself is :func:`pillars.progress.completeness` (one implementation); the area
    and role filters narrow its rows, one per companion, which the page shows anyway.
    """
    rows = progress.completeness(user, selection.year)
    if selection.role:
        rows = [row for row in rows if row.companion.role == selection.role]
    if selection.area:
        in_area = set(
            Companion.objects.filter(
                within("villages__code", selection.area.code), pk__in=[row.companion.pk for row in rows]
            ).values_list("pk", flat=True)
        )
        rows = [row for row in rows if row.companion.pk in in_area]
    month = selection.month
    last = [row.cells[month - 1] for row in rows] if month else []
    late = sum(1 for row in rows for cell in row.cells if cell.late and cell.state != progress.Cell.MISSING)
    returned = sum(1 for row in rows for cell in row.cells if cell.state == progress.Cell.RETURNED)

    def behind(row) -> tuple:
        missing = sum(1 for cell in row.cells if cell.state == progress.Cell.MISSING)
        return (-missing, row.companion.display_name.lower())

    return Heatmap(
        rows=sorted(rows, key=behind)[:HEATMAP_ROWS],
        total=len(rows),
        month=month,
        missing=sum(1 for cell in last if cell.state == progress.Cell.MISSING),
        late=late,
        returned=returned,
    )


def _companion_context(request, viewer) -> dict:
    user, today = request.user, timezone.localdate()
    year = today.year
    plans = WorkPlan.objects.visible_to(user)
    my_plans = list(plans.annotate(activity_count=Count("activities")).order_by("-year"))
    current = next((plan for plan in my_plans if plan.year == year), None)
    selection = dashboard.Selection(year=year, month=dashboard.last_complete_month(year, today))
    pillars = dashboard.pillar_progress(
        plans.filter(year=year), selection, current.get_absolute_url() if current else ""
    )
    context = {
        "year": year,
        "plans": my_plans,
        "current": current,
        "pillars": pillars,
        "total": dashboard.total_of(pillars, _("All pillars")),
        "selection": selection,
        "months": [],
        "return_event": None,
        "comment_count": 0,
        "next_month": None,
    }
    if current is None:
        return context
    if current.status == WorkPlan.Status.RETURNED:
        context["return_event"] = (
            WorkflowEvent.objects.filter(plan=current, report__isnull=True, to_status=WorkPlan.Status.RETURNED)
            .order_by("-created_at", "-pk")
            .first()
        )
        context["comment_count"] = current.activities.filter(comments__isnull=False).distinct().count()
    if current.status == WorkPlan.Status.APPROVED:
        context["months"] = _my_months(user, current, selection.month)
        context["next_month"] = next_report_month(context["months"])
    return context


@dataclass
class MyMonth:
    month: int
    state: str
    label: str
    late: bool
    url: str


def _my_months(user, plan: WorkPlan, last_month: int) -> list[MyMonth]:
    """The companion's own row of the completeness grid, months that are over, each linking to its month."""
    rows = [row for row in progress.completeness(user, plan.year) if row.companion.pk == plan.companion_id]
    if not rows:
        return []
    return [
        MyMonth(
            cell.month,
            cell.state,
            cell.label,
            cell.late and cell.state != progress.Cell.MISSING,
            reverse("pillars:plan-month", args=[plan.pk, cell.month]),
        )
        for cell in rows[0].cells
        if cell.month <= last_month
    ]


def next_report_month(months: list[MyMonth]) -> MyMonth | None:
    """The earliest month over that still needs the companion: missing, open or returned."""
    waiting = (progress.Cell.MISSING, progress.Cell.OPEN, MonthlyReport.Status.RETURNED)
    return next((m for m in months if m.state in waiting), None)
