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
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from villages import pending
from villages.forms import ConfirmImportForm, TemplateForm, VillageDataImportForm
from villages.models import Region
from villages.scope import viewer_for
from villages.village_data import Table, import_village_data
from villages.village_data_template import template_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PENDING_IMPORT = "villages:pending-import"
PENDING_MAX_ROWS = 10_000


def _require_importer(user) -> None:
    viewer = viewer_for(user)
    if not viewer.is_reviewer:
        raise Http404


@require_http_methods(["GET", "POST"])
@login_required
def data_import(request):
    _require_importer(request.user)
    report = confirm = None
    if request.method == "POST":
        form = VillageDataImportForm(request.POST, request.FILES)
        if form.is_valid():
            report = import_village_data(
                form.table,
                year=form.cleaned_data["year"],
                user=request.user,
                dry_run=form.cleaned_data["dry_run"],
                language=get_language(),
            )
            if report.ok and report.dry_run:
                confirm = _keep_for_confirmation(request, form.table, report.year, get_language())
                # Without a kept file, the next step is the real import of the same file: offer it unticked.
                form = VillageDataImportForm(initial={"year": report.year, "dry_run": confirm is not None})
    else:
        form = VillageDataImportForm()
    return _import_page(request, form, report, confirm)


@require_POST
@login_required
def data_import_confirm(request):
    """Save the file checked by the last dry run, without choosing it again; checked once more."""
    _require_importer(request.user)
    form = ConfirmImportForm(request.POST)
    data = pending.read(request.session, PENDING_IMPORT, form.cleaned_data["digest"] if form.is_valid() else None)
    if data is None:
        messages.error(request, _("There is no checked file waiting to be saved; upload it again."))
        return redirect("villages:data-import")
    table = Table(data["header_row"], data["headers"], [(number, cells) for number, cells in data["rows"]])
    # Read in the language the file was checked in, whatever the page is in now.
    report = import_village_data(table, year=data["year"], user=request.user, language=data.get("language", "id"))
    if report.applied:
        pending.drop(request.session, PENDING_IMPORT)
    return _import_page(request, VillageDataImportForm(initial={"year": report.year}), report)


def _import_page(request, form, report, confirm: ConfirmImportForm | None = None):
    # Rendered, not redirected, after a real import too: the report is the point, and importing
    # the same file again (a refresh) changes nothing.
    invalid = form.is_bound and bool(form.errors)
    return render(
        request,
        "villages/data_import.html",
        {
            "form": form,
            "report": report,
            "confirm": confirm,
            "template_form": TemplateForm(user=request.user, auto_id="template_%s"),
        },
        status=HTTPStatus.UNPROCESSABLE_ENTITY if invalid else HTTPStatus.OK,
    )


def _keep_for_confirmation(request, table: Table, year: int, language: str) -> ConfirmImportForm | None:
    """Keep a checked file's cells in the session so that saving it needs no second upload.

    Files past a province's size are not kept (the session would carry megabytes); those are
    chosen again. The digest ties the confirmation to the very cells that were checked.
    """
    if len(table.rows) > PENDING_MAX_ROWS:
        pending.drop(request.session, PENDING_IMPORT)
        return None
    digest = pending.keep(
        request.session,
        PENDING_IMPORT,
        {
            "year": year,
            "language": language,
            "header_row": table.header_row,
            "headers": table.headers,
            "rows": table.rows,
        },
    )
    return ConfirmImportForm(initial={"digest": digest})


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
