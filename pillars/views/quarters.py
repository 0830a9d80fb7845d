"""A plan's quarter (triwulan) and year reports: the page of plan against realisation, the companion's narrative of
the quarter and the coordinator's decision on it. Every plan is loaded through ``visible_to`` (404 outside scope);
writes are :mod:`pillars.services`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pillars import selectors, services, versions
from pillars.access import plan_for, quarter_access, quarter_or_404, require_quarter_holder, require_reviewer
from pillars.forms.months import AcknowledgeForm, ReportReturnForm
from pillars.forms.quarters import QuarterNarrativeForm
from pillars.rules import local_today
from pillars.services import WorkflowError
from rkt.pages import versioned_page


def _quarter_url(pk: int, quarter: int) -> str:
    return reverse("pillars:plan-quarter", args=[pk, quarter])


def _page(request, pk: int, quarter: int | None, loaded: tuple | None = None, **forms) -> HttpResponse:
    plan, access = loaded or plan_for(request.user, pk)
    context = {"plan": plan, "access": access, "doc": selectors.period_report(plan, quarter)}
    if quarter is not None:
        quarter_rights = quarter_access(request.user, plan, quarter, local_today(plan))
        report = quarter_rights.report
        context |= {
            "quarter_access": quarter_rights,
            "trail": selectors.quarter_trail(report),
            "narrative_form": forms.get("narrative_form") or QuarterNarrativeForm(instance=report),
            "acknowledge_form": forms.get("acknowledge_form") or AcknowledgeForm(),
            "return_form": forms.get("return_form") or ReportReturnForm(),
        }
    status = 422 if forms else 200
    return render(request, "pillars/period_detail.html", context, status=status)


@require_GET
@login_required
def quarter_detail(request, pk: int, quarter: int):
    quarter = quarter_or_404(quarter)
    loaded = plan_for(request.user, pk)  # a person who may not read the plan gets 404, never a kept page
    return versioned_page(request, versions.of_plan(pk), lambda: _page(request, pk, quarter, loaded))


@require_GET
@login_required
def year_detail(request, pk: int):
    loaded = plan_for(request.user, pk)
    return versioned_page(request, versions.of_plan(pk), lambda: _page(request, pk, None, loaded))


@require_POST
@login_required
def quarter_submit(request, pk: int, quarter: int):
    quarter_or_404(quarter)
    plan, _access = plan_for(request.user, pk)
    require_quarter_holder(plan, quarter, request.user)
    form = QuarterNarrativeForm(request.POST)
    if not form.is_valid():
        return _page(request, pk, quarter, narrative_form=form)
    try:
        services.quarter_submit(
            plan=plan, quarter=quarter, narrative=form.cleaned_data["narrative"], by=request.user, now=timezone.now()
        )
    except WorkflowError as refusal:
        for problem in refusal.problems:
            messages.error(request, problem)
    else:
        messages.success(request, _("The quarter's narrative is submitted to the coordinator."))
    return redirect(_quarter_url(plan.pk, quarter))


def _decision(request, pk: int, quarter: int, form_class, form_name: str, action) -> HttpResponse:
    quarter_or_404(quarter)
    plan, _access = plan_for(request.user, pk)
    require_reviewer(plan, request.user)  # 403 for the companion before any form is read
    form = form_class(request.POST)
    if not form.is_valid():
        return _page(request, pk, quarter, **{form_name: form})
    report = plan.quarter_reports.filter(quarter=quarter).first()
    if report is None:
        messages.error(request, _("This quarter's narrative has not been submitted."))
        return redirect(_quarter_url(plan.pk, quarter))
    try:
        action(report, form.cleaned_data)
    except WorkflowError as refusal:
        for problem in refusal.problems:
            messages.error(request, problem)
    return redirect(_quarter_url(plan.pk, quarter))


@require_POST
@login_required
def quarter_acknowledge(request, pk: int, quarter: int):
    def act(report, data):
        services.quarter_acknowledge(report=report, by=request.user, now=timezone.now(), comment=data["comment"])
        messages.success(request, _("Quarter acknowledged."))

    return _decision(request, pk, quarter, AcknowledgeForm, "acknowledge_form", act)


@require_POST
@login_required
def quarter_return(request, pk: int, quarter: int):
    def act(report, data):
        services.quarter_return(report=report, by=request.user, now=timezone.now(), note=data["note"])
        messages.success(request, _("Quarter returned to the companion with your note."))

    return _decision(request, pk, quarter, ReportReturnForm, "return_form", act)
