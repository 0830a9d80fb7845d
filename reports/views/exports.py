"""Downloads of plans, months and recaps, and the plan workbook's upload. Thin: load through the scoped queryset,
build (or read and check), send."""

from __future__ import annotations

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jobs import runner
from pillars.access import quarter_or_404, require_owner, visible_plan
from pillars.models import WorkPlan
from reports import documents, pdf, periods, upload, word, workbook
from reports import jobs as report_jobs
from villages import pending
from villages.formats import month_name
from villages.scope import viewer_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file_stem(plan: WorkPlan, *parts: object) -> str:
    return "-".join(str(p) for p in ("rkt", plan.year, slugify(plan.companion.display_name) or plan.pk, *parts))


def _pdf_response(request, template: str, doc, filename: str, inline=None) -> HttpResponse:
    try:
        content = pdf.render_pdf(template, {"doc": doc}, inline=inline, zone=doc.plan.zone)
    except pdf.PdfUnavailable:
        return render(request, "reports/pdf/unavailable.html", {"message": pdf.unavailable_message()}, status=503)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
@login_required
def plan_pdf(request, pk: int):
    plan = visible_plan(request.user, pk)
    doc = documents.plan_document(plan)
    if report_jobs.plan_is_large(doc):
        count = report_jobs.activity_count(doc)
        return _background_page(
            request,
            _("This plan has %(count)s activities; its PDF is made in the background.") % {"count": count},
            reverse("reports:plan-pdf-job", args=[plan.pk]),
        )
    return _pdf_response(
        request, "reports/pdf/plan.html", doc, f"{_file_stem(plan)}.pdf", inline=doc.letterhead.inline()
    )


@require_POST
@login_required
def plan_pdf_job(request, pk: int):
    plan = visible_plan(request.user, pk)
    job = runner.start(
        owner=request.user,
        kind="plan_pdf",
        title=_("Plan PDF: %(plan)s") % {"plan": plan},
        params={"plan": plan.pk, "filename": f"{_file_stem(plan)}.pdf"},
    )
    return redirect(job)


@require_GET
@login_required
def month_pdf(request, pk: int, month: int):
    if not 1 <= month <= 12:
        raise Http404
    plan = visible_plan(request.user, pk)
    doc = documents.month_document(plan, month)
    if report_jobs.month_is_large(doc):
        count = report_jobs.photo_count(doc)
        return _background_page(
            request,
            ngettext(
                "This month has %(count)s photo; its PDF is made in the background.",
                "This month has %(count)s photos; its PDF is made in the background.",
                count,
            )
            % {"count": count},
            reverse("reports:month-pdf-job", args=[plan.pk, month]),
        )
    inline = pdf.attach_thumbnails(item for row in doc.rows for item in row.evidence) | doc.letterhead.inline()
    return _pdf_response(
        request, "reports/pdf/monthly.html", doc, f"{_file_stem(plan, f'{month:02d}')}.pdf", inline=inline
    )


@require_POST
@login_required
def month_pdf_job(request, pk: int, month: int):
    if not 1 <= month <= 12:
        raise Http404
    plan = visible_plan(request.user, pk)
    job = runner.start(
        owner=request.user,
        kind="month_pdf",
        title=_("Monthly report PDF: %(plan)s, %(month)s") % {"plan": plan, "month": month_name(month)},
        params={"plan": plan.pk, "month": month, "filename": f"{_file_stem(plan, f'{month:02d}')}.pdf"},
    )
    return redirect(job)


def _background_page(request, why: str, start_url: str) -> HttpResponse:
    """What a large document's link opens: why it is made in the background, and the button that starts it."""
    return render(request, "jobs/start.html", {"why": why, "start_url": start_url, "title": _("A large document")})


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@require_GET
@login_required
def month_docx(request, pk: int, month: int):
    """The month as a Word file, in the layout of the plan's office when it has one."""
    if not 1 <= month <= 12:
        raise Http404
    plan = visible_plan(request.user, pk)
    doc = documents.month_document(plan, month)
    office = documents.office_for(doc.identity.villages)
    template = None
    if office is not None and office.monthly_template:
        try:
            with office.monthly_template.open("rb") as handle:
                template = handle.read()
        except OSError:  # the file is gone from storage: the app's own layout instead
            template = None
    response = HttpResponse(word.monthly_docx(doc, template), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{_file_stem(plan, f"{month:02d}")}.docx"'
    return response


@require_GET
@login_required
def plan_xlsx(request, pk: int):
    plan = visible_plan(request.user, pk)
    content = workbook.plan_workbook(documents.plan_document(plan))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_file_stem(plan)}.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def recap_xlsx(request, year: int):
    """The recap of the viewer's scope, always made in the background: a province's or the country's takes longer
    than a request may. GET says so, with the button; POST starts it and opens the job's page."""
    viewer = viewer_for(request.user)
    if not viewer.is_reviewer or not 2000 <= year <= 2100:
        raise Http404
    if request.method == "GET":
        return render(
            request,
            "jobs/start.html",
            {
                "title": _("Recap %(year)s") % {"year": year},
                "why": _("The recap of your whole area is made in the background; its page shows how far it is."),
                "start_url": request.path,
            },
        )
    scope = viewer.prefix or "all"
    job = runner.start(
        owner=request.user,
        kind="recap",
        title=_("Recap %(year)s (Excel)") % {"year": year},
        params={
            "year": year,
            "today": timezone.localdate().isoformat(),
            "filename": f"rekap-rkt-{year}-{scope}.xlsx",
        },
    )
    return redirect(job)


def _upload_key(plan: WorkPlan) -> str:
    return f"rkt-upload-{plan.pk}"


@require_http_methods(["GET", "POST"])
@login_required
def plan_upload(request, pk: int):
    """Step 1: choose the file; it is read and checked, and a preview of its changes is shown."""
    plan = visible_plan(request.user, pk)
    try:
        upload.require_upload_allowed(plan, request.user)
    except upload.UploadError as error:
        messages.error(request, str(error))
        return redirect(plan)
    form = upload.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            content = upload.read_workbook(form.cleaned_data["file"].read(), plan)
        except upload.UploadError as error:
            form.add_error("file", str(error))
        else:
            rows = content.rows
            preview = upload.build_preview(plan, rows, content.errors, content.origin)
            pending.drop(request.session, _upload_key(plan))
            if not preview.errors and preview.has_changes:
                # Confirmed with the plan's fingerprint: the rows apply only to the plan as it was previewed.
                pending.keep(
                    request.session,
                    _upload_key(plan),
                    [row.as_json() for row in rows],
                    fingerprint=preview.fingerprint,
                )
            confirm = upload.ConfirmUploadForm(initial={"fingerprint": preview.fingerprint})
            return render(
                request, "reports/upload_preview.html", {"plan": plan, "preview": preview, "confirm": confirm}
            )
    # Back at the form after a POST: the file was refused, with the message beside the field.
    status = HTTPStatus.UNPROCESSABLE_ENTITY if request.method == "POST" else HTTPStatus.OK
    return render(request, "reports/upload_form.html", {"plan": plan, "form": form}, status=status)


@require_POST
@login_required
def plan_upload_confirm(request, pk: int):
    """Step 2: apply the previewed rows, all or nothing."""
    plan = visible_plan(request.user, pk)
    require_owner(plan, request.user)
    form = upload.ConfirmUploadForm(request.POST)
    expected = form.cleaned_data["fingerprint"] if form.is_valid() else None
    stored = pending.read(request.session, _upload_key(plan), expected)
    if stored is None:
        messages.error(request, _("There is no upload waiting for confirmation; choose the workbook again."))
        return redirect("reports:plan-upload", pk=plan.pk)
    rows = [upload.ParsedRow.from_json(row) for row in stored]
    pending.drop(request.session, _upload_key(plan))
    try:
        preview = upload.plan_upload_apply(plan=plan, by=request.user, rows=rows, expected=expected)
    except upload.UploadError as error:
        messages.error(request, str(error))
        return redirect("reports:plan-upload", pk=plan.pk)
    messages.success(
        request,
        _("Workbook uploaded: %(added)s added, %(changed)s changed, %(removed)s removed.")
        % {"added": len(preview.additions), "changed": len(preview.changes), "removed": len(preview.removals)},
    )
    return redirect(plan)


def _period(request, pk: int, quarter: int | None):
    if quarter is not None:
        quarter_or_404(quarter)
    plan = visible_plan(request.user, pk)
    return plan, periods.period_document(plan, quarter), f"q{quarter}" if quarter else "tahunan"


def _period_pdf(request, pk: int, quarter: int | None) -> HttpResponse:
    plan, doc, part = _period(request, pk, quarter)
    return _pdf_response(
        request, "reports/pdf/period.html", doc, f"{_file_stem(plan, part)}.pdf", inline=doc.letterhead.inline()
    )


def _period_xlsx(request, pk: int, quarter: int | None) -> HttpResponse:
    plan, doc, part = _period(request, pk, quarter)
    response = HttpResponse(periods.period_workbook(doc), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_file_stem(plan, part)}.xlsx"'
    return response


@require_GET
@login_required
def quarter_pdf(request, pk: int, quarter: int):
    return _period_pdf(request, pk, quarter)


@require_GET
@login_required
def quarter_xlsx(request, pk: int, quarter: int):
    return _period_xlsx(request, pk, quarter)


@require_GET
@login_required
def year_pdf(request, pk: int):
    return _period_pdf(request, pk, None)


@require_GET
@login_required
def year_xlsx(request, pk: int):
    return _period_xlsx(request, pk, None)
