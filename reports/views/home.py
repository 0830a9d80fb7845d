"""Home pages: the coordinator's queue and picture of the scope, the companion's next step.

Every figure comes from :mod:`reports.dashboard` (aggregates through the scoped querysets), from
:mod:`pillars.selectors` (report completeness, activities written); the views
pick the filters and assemble, and count only the commented activities of a returned plan for the next step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from pillars import figures, selectors, versions
from pillars.models import ActivityComment, WorkflowEvent, WorkPlan
from pillars.selectors import written_count
from reports import dashboard
from reports.views.chips import MonthChip
from reports.views.official_home import official_context
from rkt.pages import versioned_page
from villages.formats import month_name
from villages.scope import viewer_for
from villages.zones import companion_zone

HEATMAP_ROWS = 30
NOT_OWING_ROWS = 50  # the companions without a plan in force named on the home; the rest counted
VILLAGE_ROWS = 25  # a phone screen or two; the rest behind a link


@require_GET
@login_required
def home(request):
    viewer = viewer_for(request.user)
    if viewer.is_reviewer:
        return versioned_page(
            request,
            versions.of_viewer(viewer),
            lambda: render(request, "reports/home_coordinator.html", _coordinator_context(request, viewer)),
        )
    if viewer.is_companion:
        return render(request, "reports/home_companion.html", _companion_context(request, viewer))
    if viewer.is_village_official:
        return render(request, "reports/home_official.html", official_context(request, viewer))
    return render(request, "reports/home_nobody.html")


def _coordinator_context(request, viewer) -> dict:
    user, today = request.user, timezone.localdate()
    data = request.GET.copy()
    data.setdefault("year", str(today.year))
    form = dashboard.DashboardFilterForm(data, user=user, today=today)
    selection = form.selection(user=user, today=today)
    plans = dashboard.scoped_plans(user, selection)
    every_year = dashboard.scoped_plans(user, selection, any_year=True)
    sort = request.GET.get("sort", "name")
    numbers = dashboard.progress(plans, selection, sort=sort)
    show_all = request.GET.get("villages") == "all"
    return {
        "form": form,
        "selection": selection,
        "year": selection.year,
        "scope": viewer.companion.scope_region if viewer.is_coordinator else None,
        "plan_queue": dashboard.waiting_plans(plans, every_year, selection, today),
        "report_queue": dashboard.waiting_reports(user, plans, every_year, today),
        "status_cards": dashboard.status_cards(plans, selection),
        "in_force": dashboard.in_force_count(plans),
        "without_plan": _shown_and_count(dashboard.companions_without_plan(user, selection)),
        "total": numbers.total,
        "pillars": numbers.pillars,
        "areas": numbers.areas,
        "total_url": selection.plan_list_url(status=WorkPlan.Status.APPROVED),
        "villages": numbers.villages if show_all else numbers.villages[:VILLAGE_ROWS],
        "village_count": len(numbers.villages),
        "all_villages_url": selection.home_url(sort=sort, villages="all"),
        "sort_columns": dashboard.sort_columns(
            selection, dashboard.sort_rows([], sort)[1], villages="all" if show_all else ""
        ),
        "without_activity": dashboard.villages_without_activity(user, selection, plans),
        "unassigned_villages": dashboard.unassigned_village_count(user, selection),
        "blt_gaps": dashboard.blt_without_poor_activity(user, selection, plans),
        "heatmap": _heatmap(_grid(user, selection, selection.year), selection.month),
        "last_year": _still_open(user, selection, today),
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
    cells: list[HeatCell]


@dataclass
class Heatmap:
    rows: list[HeatRow]
    owing: int
    month: int
    missing: int
    due: int
    late: int
    returned: int
    not_owing: list  # (name, the plan's status or "no plan") of the first companions without a plan in force
    not_owing_count: int = 0

    @property
    def more(self) -> int:
        return self.owing - len(self.rows)

    @property
    def not_owing_more(self) -> int:
        return self.not_owing_count - len(self.not_owing)


def _heat_row(row) -> HeatRow:
    """One companion's months with their colour and a label spelled out (the cells are many: no template logic)."""
    cells = []
    for cell in row.cells:
        title = f"{month_name(cell.month)}: {cell.label}" + (f", {_('late')}" if cell.shown_late else "")
        cells.append(HeatCell(f"heat-{cell.state}" + (" heat-late" if cell.shown_late else ""), title))
    return HeatRow(row.companion.display_name, cells)


def _grid(user, selection: dashboard.Selection, year: int) -> selectors.Completeness:
    """The completeness of ``year`` (:class:`pillars.selectors.completeness.Completeness`, the one
    implementation), narrowed by the selection's role and area."""
    area = selection.area.code if selection.area else None
    return selectors.Completeness(user, year, role=selection.role, area_code=area)


def _heatmap(grid: selectors.Completeness, month: int) -> Heatmap:
    """Report completeness of the companions who owe reports, the ones most behind first; companions without a
    plan in force owe none and are listed apart."""
    totals = grid.totals
    not_owing = grid.not_owing
    return Heatmap(
        rows=[_heat_row(row) for row in grid.most_behind(HEATMAP_ROWS)],
        owing=grid.owing_count,
        month=month,
        missing=totals[month - 1].missing if month else 0,
        due=totals[month - 1].due if month else 0,
        late=sum(total.late for total in totals),
        returned=sum(total.returned for total in totals),
        not_owing=[
            (companion.display_name, selectors.plan_status_label(companion.plan_status) or _("no plan"))
            for companion in not_owing[:NOT_OWING_ROWS]
        ],
        not_owing_count=not_owing.count(),
    )


@dataclass
class StillOpen:
    """Last year's reports still owed: December due in January, months missing. Shown until they are sent."""

    year: int
    due: int
    missing: int

    def __bool__(self) -> bool:
        return bool(self.due or self.missing)


def _still_open(user, selection: dashboard.Selection, today) -> StillOpen | None:
    year = today.year - 1
    if (
        selection.year != today.year
        or not dashboard.scoped_plans(user, selection, any_year=True).filter(year=year).in_force().exists()
    ):
        return None
    totals = _grid(user, selection, year).totals
    return StillOpen(year, due=sum(total.due for total in totals), missing=sum(total.missing for total in totals))


@dataclass
class LegendEntry:
    """One colour of the month chips and its meaning in words (a phone has no hover to show a title)."""

    css: str
    label: str


def _chip_legend(months: list[MonthChip], this_month: MonthChip | None) -> list[LegendEntry]:
    """The states the chips on the page show, in the grid's order, then "late" when a chip is late and
    the mark of the month under way."""
    chips = months + ([this_month] if this_month else [])
    shown = {m.state: m.label for m in chips}
    legend = [LegendEntry(f"heat-{state}", str(shown[state])) for state in selectors.CELL_LABELS if state in shown]
    if any(m.late for m in chips):
        legend.append(LegendEntry("heat-late", _("late")))
    if this_month:
        legend.append(LegendEntry("this-month", _("this month")))
    return legend


@dataclass
class NextStep:
    """What the companion's home asks of them, ready to show."""

    text: str
    button: str
    url: str
    primary: bool = True
    quote: str = ""
    note: str = ""
    lead: str = field(default_factory=lambda: _("Next step:"))


def _companion_context(request, viewer) -> dict:
    user, today = request.user, timezone.localdate(timezone.now(), companion_zone(viewer.companion))
    year = today.year
    plans = WorkPlan.objects.visible_to(user)
    # With their companion: whether a plan is counted is their companion's being active in its year.
    my_plans = list(plans.select_related("companion").annotate(activity_count=written_count()).order_by("-year"))
    current = next((plan for plan in my_plans if plan.year == year), None)
    previous = next((plan for plan in my_plans if plan.year == year - 1), None)
    selection = dashboard.Selection(year=year, month=figures.last_complete_month(year, today))
    numbers = dashboard.progress(
        plans.counted().filter(year=year),
        selection,
        plan_url=current.get_absolute_url() if current else "",
        by_area=False,
        held_by=viewer.companion.pk,
    )
    me = viewer.companion.pk
    this_year = _my_months(current, today.month, me) if current else []
    months = [m for m in this_year if m.month <= selection.month]
    # The month under way: progress is written as it happens, so the home opens it in one tap.
    this_month = next((m for m in this_year if m.month == today.month), None)
    # Last year's months still owed stay on the home until they are sent (December is due in January).
    earlier = (
        [m for m in _my_months(previous, 12, me) if m.state in selectors.WAITING_FOR_COMPANION] if previous else []
    )
    return {
        "year": year,
        "plans": my_plans,
        "current": current,
        "in_force": current is not None and current.is_in_force,
        "pillars": numbers.pillars,
        "total": numbers.total,
        "selection": selection,
        "months": months,
        "this_month": this_month,
        "earlier_months": earlier,
        "chip_legend": _chip_legend(earlier + months, this_month),
        "next_step": _handed_over_step(current, me) or _next_step(current, earlier + months, year),
    }


def _my_months(plan: WorkPlan, last_month: int, companion_id: int) -> list[MonthChip]:
    """The companion's own row of the completeness grid, months that are over, each linking to its month (of a
    plan handed over, only the months they held it are theirs)."""
    if not (plan.is_in_force and plan.is_counted):
        return []
    return [
        MonthChip.of(plan, cell)
        for cell in selectors.plan_cells(plan, companion_id=companion_id)
        if cell.month <= last_month
    ]


def next_report_month(months: list[MonthChip]) -> MonthChip | None:
    """The earliest month over that still needs the companion: missing, due, returned or reopened."""
    return next((m for m in months if m.state in selectors.WAITING_FOR_COMPANION), None)


def _handed_over_step(plan: WorkPlan | None, companion_id: int) -> NextStep | None:
    """For a companion whose plan of the year was handed to another: nothing more to do in it, only to read it."""
    if plan is None or plan.companion_id == companion_id:
        return None
    handover = plan.handovers.filter(predecessor_id=companion_id).select_related("successor__user").first()
    return NextStep(
        _("your plan was handed over to %(name)s from %(month)s; you can still read it.")
        % {"name": handover.successor.display_name, "month": month_name(handover.from_month)},
        _("Open the plan"),
        plan.get_absolute_url(),
        primary=False,
    )


def _next_step(plan: WorkPlan | None, months: list[MonthChip], year: int) -> NextStep:
    waiting = next_report_month(months)
    if waiting is not None:
        text = _("report %(month)s %(year)s.") % {"month": month_name(waiting.month), "year": waiting.year}
        note = ""
        if waiting.state == selectors.Cell.RETURNED:
            note = _("Your coordinator returned it with a note.")
        elif waiting.state == selectors.Cell.REOPENED:
            note = _("Your coordinator reopened it for a correction.")
        label = _("Report %(month)s") % {"month": month_name(waiting.month)}
        return NextStep(text, label, waiting.url, note=note)
    if plan is None:
        return NextStep(
            _("start your plan for %(year)s.") % {"year": year}, _("Start the plan"), reverse("pillars:plan-list")
        )
    url = plan.get_absolute_url()
    if plan.status == WorkPlan.Status.DRAFT:
        text = (
            _("finish the revision and submit it to your coordinator.")
            if plan.under_revision
            else _("finish the draft and submit it to your coordinator.")
        )
        return NextStep(text, _("Open the revision") if plan.under_revision else _("Finish the draft"), url)
    if plan.status == WorkPlan.Status.RETURNED:
        event = (
            WorkflowEvent.objects.filter(plan=plan, report__isnull=True, to_status=WorkPlan.Status.RETURNED)
            .order_by("-created_at", "-pk")
            .first()
        )
        # The threads still open, oldest first: the button opens the first of them on the plan page.
        threads = list(
            ActivityComment.objects.filter(activity__in=plan.written_activities(), parent=None, resolved_at=None)
            .order_by("created_at", "pk")
            .values_list("pk", "activity_id")
        )
        commented = len({activity for _pk, activity in threads})
        note = (
            ngettext("%(count)s activity has a comment.", "%(count)s activities have a comment.", commented)
            % {"count": commented}
            if commented
            else ""
        )
        return NextStep(
            _("answer your coordinator's comments and submit again."),
            _("Answer the comments"),
            f"{url}#comment-{threads[0][0]}" if threads else url,
            quote=event.comment if event else "",
            note=note,
        )
    if plan.status == WorkPlan.Status.SUBMITTED:
        return NextStep(_("Waiting for your coordinator's review."), _("Open the plan"), url, primary=False, lead="")
    return NextStep(
        _("Approved, and every month that is over has been reported."), _("Open the plan"), url, primary=False, lead=""
    )
