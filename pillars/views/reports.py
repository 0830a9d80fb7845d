"""Monthly reports for the coordinator: the queue of reports waiting, a report, and the decisions on it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pillars import rules, selectors, services, versions
from pillars.access import report_access, require_reviewer
from pillars.forms.months import AcknowledgeForm, ReportReopenForm, ReportReturnForm
from pillars.models import MonthlyReport
from pillars.services import WorkflowError
from pillars.views.answers import error_summary, keep_form, kept_form_data
from rkt.pages import versioned_page
from villages.scope import viewer_for

# The decision forms of a report's page, by the name the page's context gives them.
DECISION_FORMS = {
    "acknowledge_form": AcknowledgeForm,
    "return_form": ReportReturnForm,
    "reopen_form": ReportReopenForm,
}


def _reports(user):
    return MonthlyReport.objects.visible_to(user).select_related("plan__companion__user")


@require_GET
@login_required
def report_queue(request):
    return versioned_page(request, versions.of_viewer(viewer_for(request.user)), lambda: _report_queue(request))


def _report_queue(request):
    waiting = _reports(request.user).filter(status=MonthlyReport.Status.SUBMITTED).order_by("submitted_at", "pk")
    page = Paginator(waiting, settings.RKT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "pillars/report_queue.html", {"page": page, "total": page.paginator.count})


def _report_page_context(request, report: MonthlyReport, **forms) -> dict:
    plan = report.plan
    context = {
        "report": report,
        "plan": plan,
        "month": report.month,
        "page": selectors.month_rows(plan, report.month),
        "next_activities": selectors.next_month_activities(plan, report.month, report),
        "events": report.events.select_related("actor")[:50],
        "access": report_access(request.user, report),
        "late": rules.is_late(plan.year, report.month, report.submitted_at, plan.zone),
        **{name: form_class() for name, form_class in DECISION_FORMS.items()},
    }
    kept = kept_form_data(request, _kept_key(report)) if request.method == "GET" else None
    if kept is not None and kept[1].get("form") in DECISION_FORMS:
        name = kept[1]["form"]
        context[name] = DECISION_FORMS[name](kept[0])
        context["error_summary"] = error_summary(context[name], anchor="decide")
    context.update(forms)
    return context


def _kept_key(report: MonthlyReport) -> str:
    return f"report-{report.pk}"


@require_GET
@login_required
def report_detail(request, pk: int):
    report = get_object_or_404(_reports(request.user), pk=pk)
    return render(request, "pillars/report_detail.html", _report_page_context(request, report))


def _report_decision(request, pk: int, form_name: str, action) -> HttpResponse:
    """A decision posted to its own URL answers with the report's page, never drawn at that URL (a reload or the
    language switch there would ask for it with GET): a form with errors is kept for the page, a refusal said."""
    report = get_object_or_404(_reports(request.user), pk=pk)
    require_reviewer(report.plan, request.user)  # 403 for the companion before any form is read
    form = DECISION_FORMS[form_name](request.POST)
    if not form.is_valid():
        return keep_form(request, _kept_key(report), form, report.get_absolute_url(), form=form_name)
    try:
        action(report, form.cleaned_data)
    except WorkflowError as refusal:
        for problem in refusal.problems:
            messages.error(request, problem)
    return redirect(report.get_absolute_url())


@require_POST
@login_required
def report_acknowledge(request, pk: int):
    def act(report, data):
        services.report_acknowledge(report=report, by=request.user, comment=data["comment"])
        messages.success(request, _("Report acknowledged."))

    return _report_decision(request, pk, "acknowledge_form", act)


@require_POST
@login_required
def report_return(request, pk: int):
    def act(report, data):
        services.report_return(report=report, by=request.user, note=data["note"])
        messages.success(request, _("Report returned to the companion with your note."))

    return _report_decision(request, pk, "return_form", act)


@require_POST
@login_required
def report_reopen(request, pk: int):
    def act(report, data):
        services.report_reopen(report=report, by=request.user, reason=data["reason"])
        messages.success(request, _("The month is reopened for the companion."))

    return _report_decision(request, pk, "reopen_form", act)
