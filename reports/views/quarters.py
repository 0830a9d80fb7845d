"""A coordinator's quarterly recap of the scope: the page (a page of companions at a time) and its workbook, made in
the background like the yearly recap. Reviewers only; anyone else gets 404."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jobs import runner
from pillars import selectors
from pillars.access import quarter_or_404
from reports import quarter_recap
from villages.scope import viewer_for


def _reviewer_scope(request, year: int, quarter: int):
    viewer = viewer_for(request.user)
    if not viewer.is_reviewer or not 2000 <= year <= 2100:
        raise Http404
    quarter_or_404(quarter)
    return viewer


@require_GET
@login_required
def quarter_recap_page(request, year: int, quarter: int):
    _reviewer_scope(request, year, quarter)
    plans = quarter_recap.scope_plans(request.user, year, timezone.localdate())
    page = Paginator(plans, settings.RKT_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "year": year,
        "quarter": quarter,
        "label": selectors.period_label(quarter, year),
        "quarters": selectors.quarter_links(
            lambda number: reverse("reports:quarter-recap", args=[year, number]), quarter
        ),
        "page": page,
        "rows": quarter_recap.recap_rows(page.object_list, quarter),
    }
    return render(request, "reports/quarter_recap.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def quarter_recap_xlsx(request, year: int, quarter: int):
    """GET says the workbook is made in the background, with the button; POST starts it and opens the job's page."""
    viewer = _reviewer_scope(request, year, quarter)
    title = _("Quarterly recap %(period)s (Excel)") % {"period": selectors.period_label(quarter, year)}
    if request.method == "GET":
        return render(
            request,
            "jobs/start.html",
            {
                "title": title,
                "why": _(
                    "The quarterly recap of your whole area is made in the background; its page shows how far it is."
                ),
                "start_url": request.path,
            },
        )
    job = runner.start(
        owner=request.user,
        kind="quarter_recap",
        title=title,
        params={
            "year": year,
            "quarter": quarter,
            "today": timezone.localdate().isoformat(),
            "filename": f"rekap-triwulan-{year}-q{quarter}-{viewer.prefix or 'all'}.xlsx",
        },
    )
    return redirect(job)
