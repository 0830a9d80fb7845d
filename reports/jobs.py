"""The reports' background jobs: the recap workbook of a scope, and the PDFs too large to make in a request.

Each reads as its owner: the plan is looked up through the owner's scope again when the job runs, so a job
started before the owner lost the plan makes nothing of it."""

from __future__ import annotations

import tempfile
from datetime import date

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _

from jobs.models import Job
from jobs.runner import JobFailed, Outcome, Progress, register
from pillars.access import visible_plan
from reports import documents, pdf, quarter_recap, recap
from villages.scope import viewer_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What a PDF's layout costs, for the bar (measured: rkt/settings.py RKT_PDF_JOB_*): per activity, per photo.
SECONDS_PER_ACTIVITY = 0.011
SECONDS_PER_PHOTO = 0.006


def plan_is_large(doc: documents.PlanDocument) -> bool:
    return activity_count(doc) > settings.RKT_PDF_JOB_ACTIVITIES


def activity_count(doc: documents.PlanDocument) -> int:
    return sum(len(section.activities) for section in doc.sections)


def photo_count(doc: documents.MonthDocument) -> int:
    return sum(1 for row in doc.rows for item in row.evidence if item.content_type.startswith("image/"))


def month_is_large(doc: documents.MonthDocument) -> bool:
    return photo_count(doc) > settings.RKT_PDF_JOB_PHOTOS or len(doc.rows) > settings.RKT_PDF_JOB_ACTIVITIES


def _plan(job: Job):
    try:
        return visible_plan(job.owner, job.params["plan"])
    except Http404:
        raise JobFailed(_("This plan is no longer yours to see.")) from None


def _render(template: str, doc, *, inline, progress: Progress, seconds: float) -> bytes:
    progress.during(15, 95, seconds, _("Laying out the pages"))
    try:
        return pdf.render_pdf(template, {"doc": doc}, inline=inline, zone=doc.plan.zone)
    except pdf.PdfUnavailable:
        raise JobFailed(pdf.unavailable_message()) from None


@register("recap")
def make_recap(job: Job, progress: Progress) -> Outcome:
    if not viewer_for(job.owner).is_reviewer:  # asked for when they were; the rule is read again as it runs
        raise JobFailed(_("You may no longer make the recap of an area."))
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the runner stores it, then it is closed with the job's file)
    recap.write_recap(
        job.owner, year=job.params["year"], today=date.fromisoformat(job.params["today"]), out=out, progress=progress
    )
    out.seek(0)
    return Outcome(filename=job.params["filename"], content_type=XLSX, content=out)


@register("plan_pdf")
def make_plan_pdf(job: Job, progress: Progress) -> Outcome:
    progress(5, _("Reading the plan"))
    plan = _plan(job)
    doc = documents.plan_document(plan)
    seconds = 0.3 + SECONDS_PER_ACTIVITY * activity_count(doc)
    content = _render("reports/pdf/plan.html", doc, inline=doc.letterhead.inline(), progress=progress, seconds=seconds)
    return Outcome(filename=job.params["filename"], content_type="application/pdf", content=content)


@register("month_pdf")
def make_month_pdf(job: Job, progress: Progress) -> Outcome:
    progress(5, _("Reading the month"))
    plan = _plan(job)
    doc = documents.month_document(plan, job.params["month"])
    progress(10, _("Reading the photos"))
    inline = pdf.attach_thumbnails(item for row in doc.rows for item in row.evidence) | doc.letterhead.inline()
    seconds = 0.3 + SECONDS_PER_ACTIVITY * len(doc.rows) + SECONDS_PER_PHOTO * photo_count(doc)
    content = _render("reports/pdf/monthly.html", doc, inline=inline, progress=progress, seconds=seconds)
    return Outcome(filename=job.params["filename"], content_type="application/pdf", content=content)


@register("quarter_recap")
def make_quarter_recap(job: Job, progress: Progress) -> Outcome:
    if not viewer_for(job.owner).is_reviewer:
        raise JobFailed(_("You may no longer make the recap of an area."))
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the runner stores it, then it is closed with the job's file)
    quarter_recap.write_quarter_recap(
        job.owner,
        year=job.params["year"],
        quarter=job.params["quarter"],
        today=date.fromisoformat(job.params["today"]),
        out=out,
        progress=progress,
    )
    out.seek(0)
    return Outcome(filename=job.params["filename"], content_type=XLSX, content=out)
