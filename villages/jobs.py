"""The village-data import as a background job: a whole country's file takes longer than a request may.

The page keeps the uploaded file with the job; the job reads it, checks every row and, unless it is a dry run,
writes it all or nothing (:func:`villages.village_data.import_village_data`). A checked file is saved by a second
job on the same file, started from the first one's page, without choosing the file again."""

from __future__ import annotations

from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from jobs import runner
from jobs.models import Job
from rkt.storage import open_stream
from villages.scope import viewer_for
from villages.village_data import ImportReport, VillageDataFileError, import_village_data, read_table

KIND = "village_import"
# Reading a whole-country file (83,762 rows), measured on 2026-12-01: as .xlsx 5.5 MB in 10.7 s, as CSV 8.4 MB in
# 0.4 s; the bar moves through the reading at that pace.
SECONDS_PER_MEGABYTE = {"xlsx": 2.0, "csv": 0.05}


def start(user, form) -> Job:
    """The import (or, ticked, the check) of the file of a valid :class:`~villages.forms.VillageDataImportForm`."""
    upload, year, dry_run = (form.cleaned_data[name] for name in ("file", "year", "dry_run"))
    return runner.start(
        owner=user,
        kind=KIND,
        title=_title(year, dry_run),
        params={"year": year, "dry_run": dry_run, "file": getattr(upload, "name", "")},
        input_file=upload,
    )


def save_checked(user, checked: Job) -> Job:
    """Import for real the file that ``checked`` (a dry run without errors) read, once: a second press of the button
    gives the import already started."""
    with transaction.atomic():
        checked = Job.objects.select_for_update().get(pk=checked.pk)
        if checked.params.get("saved_as"):
            return Job.objects.get(pk=checked.params["saved_as"])
        # Its own copy, streamed: the check's file may expire while the import waits for a worker.
        source = open_stream(checked.input_file.storage, checked.input_file.name)
        try:
            copy = File(source, name=checked.params.get("file") or "village-data")
            job = runner.start(
                owner=user,
                kind=KIND,
                title=_title(checked.params["year"], False),
                params={**checked.params, "dry_run": False, "checked": str(checked.pk)},
                input_file=copy,
            )
        finally:
            source.close()
        checked.params["saved_as"] = str(job.pk)
        checked.save(update_fields=["params"])
    return job


def _title(year: int, dry_run: bool) -> str:
    if dry_run:
        return _("Village data %(year)s: check of the file") % {"year": year}
    return _("Village data %(year)s: import") % {"year": year}


def may_be_saved(job: Job) -> bool:
    """A dry run that found no error, whose file is still kept: its page offers to save it."""
    data = job.result_data or {}
    return (
        job.kind == KIND
        and job.status == Job.Status.DONE
        and bool(job.params.get("dry_run"))
        and not data.get("errors")
        and bool(job.input_file)
        and not job.is_expired
        and not job.params.get("saved_as")
    )


def present(job: Job) -> dict:
    saved_as = job.params.get("saved_as")
    return {
        "saved_url": reverse("jobs:detail", args=[saved_as]) if saved_as else "",
        "report": ImportReport.from_stored(job.result_data),
        "save_url": reverse("villages:data-import-confirm") if may_be_saved(job) else "",
        "upload_url": reverse("villages:data-import"),
    }


@runner.register(KIND, result_template="villages/_import_job_result.html", present=present)
def run(job: Job, progress: runner.Progress) -> runner.Outcome:
    if not viewer_for(job.owner).is_reviewer:  # asked for when they were; the rule is read again as it runs
        raise runner.JobFailed(_("You may no longer import village data."))
    try:
        with job.input_file.open("rb") as handle:
            kind = "xlsx" if handle.read(4) == b"PK\x03\x04" else "csv"
            handle.seek(0)
            seconds = 0.5 + SECONDS_PER_MEGABYTE[kind] * job.input_file.size / 1_000_000
            progress.during(2, 28, seconds, _("Reading the file"))
            table = read_table(handle)
    except VillageDataFileError as error:
        raise runner.JobFailed(str(error)) from None
    report = import_village_data(
        table,
        year=job.params["year"],
        user=job.owner,
        dry_run=job.params["dry_run"],
        language=job.params.get("language", "id"),
        progress=progress,
    )
    return runner.Outcome(data=report.stored())
