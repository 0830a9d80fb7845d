"""The plan pages: the lists, starting a plan (or next year's from this one), the plan page, an approved
version, the narrative, and the workflow transitions (submit, approve, return, reopen). Thin: load through
:mod:`pillars.access`, validate with a form, call one service, redirect.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pillars import rules, selectors, services, versions
from pillars.access import PlanAccess, own_plan_for, plan_for, visible_plan
from pillars.changes import FieldDisplay
from pillars.checks import plan_checks
from pillars.filters import PlanReviewFilter, review_order
from pillars.forms.comments import PLAN_PAGE, with_thread_forms
from pillars.forms.plans import (
    ActivityForm,
    PlanHandoverForm,
    PlanNarrativeEditForm,
    PlanReopenForm,
    PlanReviewForm,
    StartPlanForm,
)
from pillars.models import ActivityComment, Pillar, PlanSnapshot, PlanYear, WorkPlan
from pillars.selectors import plan_changes, plan_sections, plan_villages, snapshot_sections, with_pillar_counts
from pillars.views.answers import (
    CONFLICT,
    REFUSED,
    conflict_context,
    error_summary,
    form_status,
    keep_form,
    kept_form_data,
    refused,
)
from rkt.pages import versioned_page
from villages.models import Region
from villages.scope import viewer_for


def _open_years_without_plan(companion) -> list[int]:
    taken = companion.plans.values_list("year", flat=True)
    handed = companion.plans_handed_over.values_list("plan__year", flat=True)
    years = (
        PlanYear.objects.filter(is_open=True)
        .exclude(year__in=taken)
        .exclude(year__in=handed)
        .values_list("year", flat=True)
    )
    return [year for year in years.order_by("year") if companion.is_active_in(year)]


@require_GET
@login_required
def plan_list(request):
    viewer = viewer_for(request.user)
    if viewer.is_companion:
        return _my_plans(request, viewer.companion)
    return versioned_page(request, versions.of_viewer(viewer), lambda: _review_list(request))


def _my_plans(request, companion):
    pillars = list(Pillar.objects.active())
    plans = with_pillar_counts(WorkPlan.objects.visible_to(request.user).order_by("-year"), pillars)
    years = {plan.year for plan in plans}
    open_years = set(PlanYear.objects.filter(is_open=True).values_list("year", flat=True))
    for plan in plans:
        plan.can_start_next = plan.year + 1 in open_years and plan.year + 1 not in years
    start_years = _open_years_without_plan(companion)
    return render(
        request,
        "pillars/plan_list.html",
        {
            "plans": plans,
            "pillars": pillars,
            "start_form": StartPlanForm(years=start_years) if start_years else None,
        },
    )


def _review_list(request):
    plans = (
        WorkPlan.objects.visible_to(request.user)
        .select_related("companion__user")
        .prefetch_related(Prefetch("villages", queryset=Region.objects.select_related("parent")))
    )
    filterset = PlanReviewFilter(request.GET or None, queryset=plans, request=request)
    filtered = filterset.qs if filterset.is_bound and filterset.is_valid() else plans
    pillars = list(Pillar.objects.active())
    page = Paginator(review_order(filtered), settings.RKT_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = with_pillar_counts(page.object_list, pillars)
    for plan in rows:
        plan.kecamatan_names = sorted({village.parent.name for village in plan.villages.all()})
        plan.waiting_since = plan.submitted_at if plan.status == WorkPlan.Status.SUBMITTED else None
    return render(
        request,
        "pillars/review_list.html",
        {
            "page": page,
            "total": page.paginator.count,
            "plans": rows,
            "filter": filterset,
            "pillars": pillars,
        },
    )


@require_POST
@login_required
def plan_start(request):
    viewer = viewer_for(request.user)
    if not viewer.is_companion:
        raise PermissionDenied(_("Only companions write annual plans."))
    form = StartPlanForm(request.POST, years=_open_years_without_plan(viewer.companion))
    if not form.is_valid():
        for error in form.errors.get("year", []):
            messages.error(request, error)
        return redirect("pillars:plan-list")
    try:
        plan = services.plan_create(companion=viewer.companion, year=form.cleaned_data["year"], by=request.user)
    except services.WorkflowError as error:
        for problem in error.problems:
            messages.error(request, problem)
        return redirect("pillars:plan-list")
    messages.success(request, _("Your plan for %(year)s is started as a draft.") % {"year": plan.year})
    return redirect(plan)


@require_POST
@login_required
def plan_start_next(request, pk: int):
    source = own_plan_for(request.user, pk)
    try:
        plan = services.plan_start_next(source=source, by=request.user)
    except services.WorkflowError as error:
        return refused(request, source, error)
    carried = plan.written_activities().filter(carried_forward=True).count()
    messages.success(
        request,
        _("Your %(year)s plan starts from %(source)s; %(carried)s unfinished activities are marked carried forward.")
        % {"year": plan.year, "source": source.year, "carried": carried},
    )
    return redirect(plan)


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() else None


def _plan_page_context(request, plan: WorkPlan, access: PlanAccess, **forms) -> dict:
    # A village official reads the version in force, never a revision's draft (plan_detail shows them the approved
    # version's page; this holds if it has none) and never the review's record: no workflow log, no threads.
    sections = plan_sections(plan, plan.activities_in_force() if access.reads_approved_version else None)
    villages = plan_villages(plan)
    activities = [activity for section in sections for activity in section.activities]
    events = []
    if access.can_read_review:
        events = list(
            plan.events.select_related("actor").prefetch_related(
                Prefetch(
                    "activity_comments",
                    queryset=ActivityComment.objects.select_related("activity"),
                    to_attr="activity_notes",  # a list the templates read as it is
                )
            )[:50]
        )
    checks = plan_checks(sections, villages, selectors.dimension_focus(villages))
    returned_by = next((e for e in events if e.to_status == WorkPlan.Status.RETURNED), None)
    snapshots = list(plan.snapshots.select_related("approved_by"))
    snapshot = snapshots[0] if snapshots else None
    display = FieldDisplay(
        {section.pillar.pk: section.pillar for section in sections},
        {row.village.code: row.village.name for row in villages},
    )
    changes = None
    if snapshot is not None and not access.reads_approved_version and snapshot.is_behind(plan):
        changes = plan_changes(snapshot.data, selectors.plan_snapshot_data(plan, activities), display)
    # The reviewer of a plan sent again after a return sees what the companion changed since.
    answered = selectors.answered_return(plan, events) if access.is_reviewer else None
    since_return = selectors.changes_since_return(plan, answered, activities, display) if answered else None
    context = {
        "plan": plan,
        "handover_lines": handover_lines(plan),
        "sections": sections,
        "villages": villages,
        "events": events,
        "activity_total": len(activities),
        "checks": checks,
        "returned_by": returned_by if plan.status == WorkPlan.Status.RETURNED else None,
        "checks_failing": sum(not check.ok for check in checks),
        "snapshot": snapshot,
        "snapshots": snapshots,
        "changes": changes,
        "answered_return": answered,
        "changes_since_return": since_return,
        "access": access,
        "added": _int_or_none(request.GET.get("added")),
        # The link to the monthly progress: a plan in force, or one with monthly reports already.
        "has_months": plan.is_in_force or plan.reports.exists(),
    }
    if access.can_discuss:
        for activity in activities:
            with_thread_forms(activity.review_comments, PLAN_PAGE)
    if access.can_edit:
        context["submit_problems"] = rules.submit_problems(plan) if activities else None
        context["activity_form"] = forms.get("activity_form") or ActivityForm(plan=plan)
    kept = kept_form_data(request, _kept_key(plan)) if request.method == "GET" else None
    if kept is not None:
        data, extra = kept
        if extra.get("form") == "review" and access.can_review:
            forms["review_form"] = PlanReviewForm(data, activities=activities, returning=extra.get("returning", False))
        elif extra.get("form") == "reopen" and access.can_reopen:
            forms["reopen_form"] = PlanReopenForm(data)
    if access.can_review:
        context["review_form"] = review_form = forms.get("review_form") or PlanReviewForm(activities=activities)
        for activity in activities:
            activity.note_field = review_form[PlanReviewForm.note_name(activity.pk)]
    if access.can_reopen:
        context["reopen_form"] = forms.get("reopen_form") or PlanReopenForm()
    context["error_summary"] = error_summary(context.get("review_form"), context.get("reopen_form"), anchor="review")
    return context


def _kept_key(plan: WorkPlan) -> str:
    return f"plan-{plan.pk}"


@require_GET
@login_required
def plan_detail(request, pk: int):
    plan, access = plan_for(request.user, pk)
    if access.reads_approved_version:
        approved = plan.snapshots.order_by("-revision").values_list("revision", flat=True).first()
        if approved is not None:
            return redirect("pillars:plan-version", pk=plan.pk, revision=approved)
    return versioned_page(
        request,
        versions.of_plan(plan.pk),
        lambda: render(request, "pillars/plan_detail.html", _plan_page_context(request, plan, access)),
    )


@require_GET
@login_required
def plan_version(request, pk: int, revision: int):
    """An approved version as it was, kept beside the revision being worked on."""
    plan, access = plan_for(request.user, pk)
    snapshot = get_object_or_404(PlanSnapshot.objects.select_related("approved_by"), plan=plan, revision=revision)
    pillars = Pillar.objects.in_bulk()
    villages = plan_villages(plan)
    display = FieldDisplay(pillars, {row.village.code: row.village.name for row in villages})
    return render(
        request,
        "pillars/plan_version.html",
        {
            "plan": plan,
            "snapshot": snapshot,
            # What changed since is the draft's: not for a village official.
            "changed_since": access.can_read_review and snapshot.is_behind(plan),
            "villages": villages,
            "sections": snapshot_sections(snapshot.data, pillars, display),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_edit(request, pk: int):
    plan = own_plan_for(request.user, pk)
    if not plan.is_editable:
        return refused(request, plan, services.WorkflowError(_("This plan is locked.")))
    form = PlanNarrativeEditForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update_narrative(
                plan=plan,
                by=request.user,
                priorities=form.cleaned_data["priorities"],
                data_basis=form.cleaned_data["data_basis"],
                version=form.cleaned_data["version"],
                opened=form.cleaned_data["opened"],
            )
        except services.VersionConflict as conflict:
            context = conflict_context(form, conflict.current, ["priorities", "data_basis"], {})
            return render(request, "pillars/plan_edit.html", {"plan": plan, **context}, status=CONFLICT)
        except services.WorkflowError as error:
            return refused(request, plan, error)
        messages.success(request, _("Priorities saved."))
        return redirect(plan)
    return render(request, "pillars/plan_edit.html", {"plan": plan, "form": form}, status=form_status(request))


@require_POST
@login_required
def plan_submit(request, pk: int):
    plan = visible_plan(request.user, pk)
    try:
        services.plan_submit(plan=plan, by=request.user)
    except services.WorkflowError as error:
        return refused(request, plan, error)
    messages.success(request, _("Plan submitted to your coordinator. It is locked until they review it."))
    return redirect(plan)


@require_POST
@login_required
def plan_approve(request, pk: int):
    return _review_decision(request, pk, returning=False)


@require_POST
@login_required
def plan_return(request, pk: int):
    return _review_decision(request, pk, returning=True)


def _review_decision(request, pk: int, *, returning: bool):
    """Approve or return: the one review form, its comment and its notes beside single activities."""
    plan, access = plan_for(request.user, pk)
    activities = list(plan.written_activities().only("pk", "plan_id", "title"))
    form = PlanReviewForm(request.POST, activities=activities, returning=returning)
    if not form.is_valid():
        if access.can_review:
            # Back to the plan page, with what was typed and the error at the top.
            url = plan.get_absolute_url()
            return keep_form(request, _kept_key(plan), form, url, form="review", returning=returning)
        context = _plan_page_context(request, plan, access, review_form=form)
        return render(request, "pillars/plan_detail.html", context, status=REFUSED)
    decide = services.plan_return if returning else services.plan_approve
    try:
        decide(
            plan=plan, by=request.user, comment=form.cleaned_data["comment"], activity_comments=form.activity_comments()
        )
    except services.WorkflowError as error:
        return refused(request, plan, error)
    if returning:
        messages.success(request, _("Plan returned to the companion with your comments."))
    else:
        messages.success(request, _("Plan approved."))
    return redirect(plan)


@require_POST
@login_required
def plan_reopen(request, pk: int):
    plan, access = plan_for(request.user, pk)
    form = PlanReopenForm(request.POST)
    if not form.is_valid():
        if access.can_reopen:
            return keep_form(request, _kept_key(plan), form, plan.get_absolute_url(), form="reopen")
        context = _plan_page_context(request, plan, access, reopen_form=form)
        return render(request, "pillars/plan_detail.html", context, status=REFUSED)
    try:
        services.plan_reopen(plan=plan, by=request.user, reason=form.cleaned_data["comment"])
    except services.WorkflowError as error:
        return refused(request, plan, error)
    messages.success(request, _("Plan reopened as a draft revision; the approved version stays viewable."))
    return redirect(plan)


def handover_lines(plan: WorkPlan) -> list[str]:
    """ "Handed over from X to Y from Juli 2026", one line per handover of the plan, in month order."""
    handovers = plan.handovers.select_related("predecessor__user", "successor__user", "plan")
    return [services.handover_line(handover) for handover in handovers]


@require_http_methods(["GET", "POST"])
@login_required
def plan_handover(request, pk: int):
    """Hand the plan, its villages and its months from one on to another companion (a coordinator in scope, an
    admin)."""
    plan, access = plan_for(request.user, pk)
    if not access.can_hand_over:
        if not access.is_reviewer:
            raise PermissionDenied(_("Only a coordinator may hand a plan over."))
        return refused(request, plan, services.WorkflowError(_("Only a plan in force (approved) can be handed over.")))
    today = rules.local_today(plan)
    # The month a handover is most often from: this one (the form refuses none the service allows).
    initial = {"from_month": max(today.month, 2)} if today.year == plan.year else {}
    form = PlanHandoverForm(request.POST or None, plan=plan, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_hand_over(
                plan=plan,
                successor=form.cleaned_data["successor"],
                from_month=form.cleaned_data["from_month"],
                reason=form.cleaned_data["reason"],
                by=request.user,
                today=today,
            )
        except services.WorkflowError as error:
            for problem in error.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, _("The plan is handed over."))
            return redirect(plan)
    return render(
        request,
        "pillars/plan_handover.html",
        {"plan": plan, "form": form, "handover_lines": handover_lines(plan)},
        status=form_status(request),
    )
