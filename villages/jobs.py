"""The village-data import as a background job: a whole country's file takes longer than a request may.

The page keeps the uploaded file with the job; the job reads it, checks every row and, unless it is a dry run,
writes it all or nothing (:func:`villages.village_data.import_village_data`). A checked file is saved by a second
job on the same file, started from the first one's page, without choosing the file again."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.translation import gettext as _

from jobs import runner
from jobs.models import Job
from villages.village_data import ImportReport, VillageDataFileError, import_village_data, read_table

KIND = "village_import"
# Reading a spreadsheet, measured on the bench's whole-country file (83,762 rows, 6.1 MB .xlsx): about 2.5 s a MB.
SECONDS_PER_MEGABYTE = 2.5


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
    """Import for real the file that ``checked`` (a dry run without errors) read."""
    with checked.input_file.open("rb") as handle:
        copy = ContentFile(handle.read(), name=checked.params.get("file") or "village-data")
    return runner.start(
        owner=user,
        kind=KIND,
        title=_title(checked.params["year"], False),
        params={**checked.params, "dry_run": False, "checked": str(checked.pk)},
        input_file=copy,
    )


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
    )


def present(job: Job) -> dict:
    return {
        "report": ImportReport.from_stored(job.result_data),
        "save_url": reverse("villages:data-import-confirm") if may_be_saved(job) else "",
        "upload_url": reverse("villages:data-import"),
    }


@runner.register(KIND, result_template="villages/_import_job_result.html", present=present)
def run(job: Job, progress: runner.Progress) -> runner.Outcome:
    size = job.input_file.size
    progress.during(2, 28, 0.5 + SECONDS_PER_MEGABYTE * size / 1_000_000, _("Reading the file"))
    try:
        with job.input_file.open("rb") as handle:
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
