"""Village data import pages for coordinators and admins: the blank template and the upload.

Both go through the scope rule: the template holds only villages the user may see, and the import
refuses rows of villages outside the user's area. Anyone else gets 404, as for any object outside scope.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from villages.forms import TemplateForm, VillageDataImportForm
from villages.models import Region
from villages.scope import viewer_for
from villages.village_data import import_village_data
from villages.village_data_template import template_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_importer(user) -> None:
    viewer = viewer_for(user)
    if not (viewer.is_admin or viewer.is_coordinator):
        raise Http404


@require_http_methods(["GET", "POST"])
@login_required
def data_import(request):
    _require_importer(request.user)
    report = None
    if request.method == "POST":
        form = VillageDataImportForm(request.POST, request.FILES)
        if form.is_valid():
            report = import_village_data(
                form.table, year=form.cleaned_data["year"], user=request.user, dry_run=form.cleaned_data["dry_run"]
            )
            if report.ok and report.dry_run:
                # The next step is the real import of the same file: offer it unticked.
                form = VillageDataImportForm(initial={"year": report.year, "dry_run": False})
    else:
        form = VillageDataImportForm()
    # Rendered, not redirected, after a real import too: the report is the point, and importing
    # the same file again (a refresh) changes nothing.
    return render(
        request,
        "villages/data_import.html",
        {"form": form, "report": report, "template_form": TemplateForm(user=request.user, auto_id="template_%s")},
    )


@require_GET
@login_required
def data_template(request):
    _require_importer(request.user)
    form = TemplateForm(request.GET, user=request.user)
    if not form.is_valid():
        raise Http404
    area: Region = form.cleaned_data["region"]
    year = form.cleaned_data["year"]
    villages = (
        Region.objects.visible_to(request.user)
        .villages()
        .under(area.code)
        .order_by("code")
        .values_list("code", "parent__name", "name")
    )
    content = template_workbook(villages.iterator(chunk_size=5000), year=year, area=str(area))
    response = HttpResponse(content, content_type=XLSX)
    filename = f"data-desa-{year}-{area.code}-{slugify(area.name)}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
