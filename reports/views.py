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
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pillars import progress
from pillars.models import MonthlyReport, WorkflowEvent, WorkPlan
from reports import dashboard
from villages.models import Companion
from villages.scope import viewer_for

HEATMAP_ROWS = 30
VILLAGE_ROWS = 25  # a phone screen or two; the rest behind a link


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
    sort = request.GET.get("sort", "name")
    progress_rows = dashboard.progress(plans, selection, sort=sort)
    villages = dashboard.village_progress(plans, selection, sort)
    show_all = request.GET.get("villages") == "all"
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
        "pillars": progress_rows.pillars,
        "total": dashboard.total_of(progress_rows.pillars, _("All pillars")),
        "areas": progress_rows.areas,
        "total_url": selection.plan_list_url(status=WorkPlan.Status.APPROVED),
        "villages": villages if show_all else villages[:VILLAGE_ROWS],
        "village_count": len(villages),
        "all_villages_url": selection.home_url(sort=sort, villages="all"),
        "sort_columns": dashboard.sort_columns(
            selection, dashboard.sort_rows([], sort)[1], villages="all" if show_all else ""
        ),
        "without_activity": dashboard.villages_without_activity(user, plans, selection),
        "unassigned_villages": dashboard.unassigned_village_count(user, selection),
        "blt_gaps": dashboard.blt_without_poor_activity(user, plans, selection),
        "heatmap": _heatmap(user, selection),
        "deadline_day": settings.RKT_REPORT_DEADLINE_DAY,
    }


def _shown_and_count(queryset, limit: int = dashboard.LIST_SHOWN) -> dashboard.VillageList:
    return dashboard.VillageList(queryset.count(), list(queryset[:limit]))


@dataclass
class HeatCell:
    css: str
    title: str


@dataclass
class HeatRow:
    name: str
    plan_note: str
    cells: list[HeatCell]


@dataclass
class Heatmap:
    rows: list[HeatRow]
    total: int
    month: int
    missing: int
    late: int
    returned: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def _heat_row(row) -> HeatRow:
    """One companion's months with their colour and a label spelled out (the cells are many: no template logic)."""
    cells = []
    for cell in row.cells:
        late = cell.late and cell.state != progress.Cell.MISSING
        title = f"{MONTHS[cell.month]}: {cell.label}" + (f", {_('late')}" if late else "")
        cells.append(HeatCell(f"heat-{cell.state}" + (" heat-late" if late else ""), title))
    note = ""
    if row.plan_status != WorkPlan.Status.APPROVED:
        note = _("plan: %(status)s") % {"status": row.plan_label} if row.plan_status else _("no plan")
    return HeatRow(row.companion.display_name, note, cells)


def _heatmap(user, selection: dashboard.Selection) -> Heatmap:
    """Report completeness of the companions in the selection, the ones most behind first.

    The completeness itself is :func:`pillars.progress.completeness` (one implementation); the area
    and role filters narrow its rows, one per companion, which the page shows anyway. Only companions
    with an approved plan can report, so only they count as missing a report.
    """
    rows = progress.completeness(user, selection.year)
    if selection.role:
        rows = [row for row in rows if row.companion.role == selection.role]
    if selection.area:
        links = Companion.villages.through.objects.filter(dashboard.below("region_id", selection.area.code))
        in_area = set(links.values_list("companion_id", flat=True))
        rows = [row for row in rows if row.companion.pk in in_area]
    month = selection.month
    approved = [row for row in rows if row.plan_status == WorkPlan.Status.APPROVED]
    missing = sum(1 for row in approved if month and row.cells[month - 1].state == progress.Cell.MISSING)
    late = sum(1 for row in rows for cell in row.cells if cell.late and cell.state != progress.Cell.MISSING)
    returned = sum(1 for row in rows for cell in row.cells if cell.state == progress.Cell.RETURNED)

    def behind(row) -> tuple:
        gaps = sum(1 for cell in row.cells if cell.state == progress.Cell.MISSING)
        return (row.plan_status != WorkPlan.Status.APPROVED, -gaps, row.companion.display_name.lower())

    shown = sorted(rows, key=behind)[:HEATMAP_ROWS]
    return Heatmap([_heat_row(row) for row in shown], len(rows), month, missing, late, returned)


def _companion_context(request, viewer) -> dict:
    user, today = request.user, timezone.localdate()
    year = today.year
    plans = WorkPlan.objects.visible_to(user)
    my_plans = list(plans.annotate(activity_count=Count("activities")).order_by("-year"))
    current = next((plan for plan in my_plans if plan.year == year), None)
    selection = dashboard.Selection(year=year, month=dashboard.last_complete_month(year, today))
    pillars = dashboard.progress(
        plans.filter(year=year), selection, plan_url=current.get_absolute_url() if current else "", by_area=False
    ).pillars
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
        context["months"] = _my_months(current, selection.month)
        context["next_month"] = next_report_month(context["months"])
    return context


@dataclass
class MyMonth:
    month: int
    state: str
    label: str
    late: bool
    url: str


def _my_months(plan: WorkPlan, last_month: int) -> list[MyMonth]:
    """The companion's own row of the completeness grid, months that are over, each linking to its month."""
    return [
        MyMonth(
            cell.month,
            cell.state,
            cell.label,
            cell.late and cell.state != progress.Cell.MISSING,
            reverse("pillars:plan-month", args=[plan.pk, cell.month]),
        )
        for cell in progress.plan_cells(plan)
        if cell.month <= last_month
    ]


def next_report_month(months: list[MyMonth]) -> MyMonth | None:
    """The earliest month over that still needs the companion: missing, open or returned."""
    waiting = (progress.Cell.MISSING, progress.Cell.OPEN, MonthlyReport.Status.RETURNED)
    return next((m for m in months if m.state in waiting), None)
