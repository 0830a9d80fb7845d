"""The completeness page: which monthly reports every companion in scope owes, sent, or is late with."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from pillars import selectors, versions
from pillars.forms.months import YearForm
from pillars.models import PlanYear
from rkt.pages import versioned_page
from villages.scope import viewer_for

# Companions per page of the completeness grid, not the lists' RKT_PAGE_SIZE: its totals are read down the
# columns, and a kabupaten's companions fit on one page.
COMPLETENESS_PAGE = 200


@require_GET
@login_required
def completeness(request):
    return versioned_page(request, versions.of_viewer(viewer_for(request.user)), lambda: _completeness(request))


def _completeness(request):
    form = YearForm(request.GET)
    today = timezone.localdate()
    year = (form.cleaned_data["year"] if form.is_valid() else None) or today.year
    grid = selectors.Completeness(request.user, year)
    years = sorted(set(PlanYear.objects.values_list("year", flat=True)) | {year}, reverse=True)
    # A kabupaten fits on one page; a province or the country is shown a page of companions at a time (the
    # totals are of all of them), so no page outgrows a phone or a connection.
    page = Paginator(grid.owing, COMPLETENESS_PAGE).get_page(request.GET.get("page"))
    not_owing = grid.rows(grid.not_owing[:COMPLETENESS_PAGE])
    return render(
        request,
        "pillars/completeness.html",
        {
            "year": year,
            # Shows the year the page is about, also after a year that could not be read.
            "form": YearForm(initial={"year": year}, years=years),
            "rows": grid.rows(page.object_list),
            "page": page,
            "owing": page.paginator.count,
            "not_owing": not_owing,
            "not_owing_count": grid.not_owing.count() if len(not_owing) == COMPLETENESS_PAGE else len(not_owing),
            "totals": grid.totals,
            "deadline_day": settings.RKT_REPORT_DEADLINE_DAY,
        },
    )
