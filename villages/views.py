"""Village data import pages for coordinators and admins: the blank template and the upload.

Both go through the scope rule: the template holds only villages the user may see, and the import
refuses rows of villages outside the user's area. Anyone else gets 404, as for any object outside scope.
"""

from __future__ import annotations

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jobs.models import Job
from villages import jobs as village_jobs
from villages.forms import ConfirmImportForm, TemplateForm, VillageDataImportForm
from villages.models import Region
from villages.scope import viewer_for
from villages.village_data_template import template_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_importer(user) -> None:
    viewer = viewer_for(user)
    if not viewer.is_reviewer:
        raise Http404


@require_http_methods(["GET", "POST"])
@login_required
def data_import(request):
    """The upload: the file is kept with a job that checks (or imports) it; the job's page shows the report."""
    _require_importer(request.user)
    form = VillageDataImportForm(request.POST, request.FILES) if request.method == "POST" else VillageDataImportForm()
    if form.is_bound and form.is_valid():
        job = village_jobs.start(request.user, form)
        return redirect(job)
    return render(
        request,
        "villages/data_import.html",
        {"form": form, "template_form": TemplateForm(user=request.user, auto_id="template_%s")},
        status=HTTPStatus.UNPROCESSABLE_ENTITY if form.is_bound else HTTPStatus.OK,
    )


@require_POST
@login_required
def data_import_confirm(request):
    """Save the file a check of the user's found without errors, without choosing it again; checked once more."""
    _require_importer(request.user)
    form = ConfirmImportForm(request.POST)
    checked = None
    if form.is_valid():
        checked = Job.objects.visible_to(request.user).filter(pk=form.cleaned_data["job"]).first()
    if checked is None or not village_jobs.may_be_saved(checked):
        messages.error(request, _("There is no checked file waiting to be saved; upload it again."))
        return redirect("villages:data-import")
    return redirect(village_jobs.save_checked(request.user, checked))


@require_GET
@login_required
def data_template(request):
    _require_importer(request.user)
    if not request.GET:
        # The area and year are chosen on the import page.
        return redirect("villages:data-import")
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
