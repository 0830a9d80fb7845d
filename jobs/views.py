"""A job's page (polled by htmx while it runs), its download and its retry; the owner's list of jobs.

Everything goes through ``Job.objects.visible_to``: another user's job is 404, whatever its id."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from jobs import runner
from jobs.models import Job
from rkt.storage import open_stream

# How often a running job's page asks again, in seconds.
POLL_SECONDS = 1


def _job(request, pk) -> Job:
    return get_object_or_404(Job.objects.visible_to(request.user), pk=pk)


def _context(job: Job) -> dict:
    kind = runner.KINDS.get(job.kind)
    result = kind.present(job) if kind and kind.present and job.status == Job.Status.DONE else {}
    return {
        "job": job,
        "result_template": kind.result_template if kind and job.status == Job.Status.DONE else "",
        "result": result,
        "poll_seconds": POLL_SECONDS,
        "expired": job.is_expired,
        "kept_hours": settings.RKT_JOB_RESULT_HOURS,
    }


@require_GET
@login_required
def job_detail(request, pk):
    job = _job(request, pk)
    if not job.is_finished and runner.recover(job):  # its worker or its message is gone: sent again, or failed
        job.refresh_from_db()
    context = _context(job)
    if request.headers.get("HX-Request") == "true":
        return render(request, "jobs/_status.html", context)
    return render(request, "jobs/detail.html", context)


@require_GET
@login_required
def job_download(request, pk):
    job = _job(request, pk)
    if not job.has_download or job.is_expired:
        raise Http404
    try:
        # Streamed as it is read, from the disk or the bucket (whichever app server or worker made it).
        handle = open_stream(job.result_file.storage, job.result_file.name)
    except FileNotFoundError:
        raise Http404("file missing") from None
    response = FileResponse(handle, as_attachment=True, filename=job.result_name, content_type=job.result_type or None)
    response.setdefault("Content-Length", str(handle.size))
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def job_retry(request, pk):
    job = _job(request, pk)
    if job.can_retry:
        runner.retry(job)
    return redirect(job)


@require_GET
@login_required
def job_list(request):
    jobs = Job.objects.visible_to(request.user).defer("params", "result_data")
    page = Paginator(jobs, settings.RKT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "jobs/list.html",
        {"page": page, "jobs": page.object_list, "kept_hours": settings.RKT_JOB_RESULT_HOURS},
    )
