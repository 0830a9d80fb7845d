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

from pillars import rules, selectors, services
from pillars.access import report_access, require_reviewer
from pillars.forms.months import AcknowledgeForm, ReportReopenForm, ReportReturnForm
from pillars.models import MonthlyReport
from pillars.services import WorkflowError
from pillars.views.answers import INVALID, REFUSED


def _reports(user):
    return MonthlyReport.objects.visible_to(user).select_related("plan__companion__user")


@require_GET
@login_required
def report_queue(request):
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
        "late": rules.is_late(plan.year, report.month, report.submitted_at),
        "acknowledge_form": AcknowledgeForm(),
        "return_form": ReportReturnForm(),
        "reopen_form": ReportReopenForm(),
    }
    context.update(forms)
    return context


@require_GET
@login_required
def report_detail(request, pk: int):
    report = get_object_or_404(_reports(request.user), pk=pk)
    return render(request, "pillars/report_detail.html", _report_page_context(request, report))


def _report_decision(request, pk: int, form_class, form_name: str, action) -> HttpResponse:
    report = get_object_or_404(_reports(request.user), pk=pk)
    require_reviewer(report.plan, request.user)  # 403 for the companion before any form is read
    form = form_class(request.POST)
    if not form.is_valid():
        context = _report_page_context(request, report, **{form_name: form})
        return render(request, "pillars/report_detail.html", context, status=INVALID)
    try:
        action(report, form.cleaned_data)
    except WorkflowError as refusal:
        context = _report_page_context(request, report, refusal=refusal.problems)
        return render(request, "pillars/report_detail.html", context, status=REFUSED)
    return redirect("pillars:report-detail", pk=report.pk)


@require_POST
@login_required
def report_acknowledge(request, pk: int):
    def act(report, data):
        services.report_acknowledge(report=report, by=request.user, comment=data["comment"])
        messages.success(request, _("Report acknowledged."))

    return _report_decision(request, pk, AcknowledgeForm, "acknowledge_form", act)


@require_POST
@login_required
def report_return(request, pk: int):
    def act(report, data):
        services.report_return(report=report, by=request.user, note=data["note"])
        messages.success(request, _("Report returned to the companion with your note."))

    return _report_decision(request, pk, ReportReturnForm, "return_form", act)


@require_POST
@login_required
def report_reopen(request, pk: int):
    def act(report, data):
        services.report_reopen(report=report, by=request.user, reason=data["reason"])
        messages.success(request, _("The month is reopened for the companion."))

    return _report_decision(request, pk, ReportReopenForm, "reopen_form", act)
