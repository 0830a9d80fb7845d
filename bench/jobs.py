"""The long work as background jobs: the recap of the widest scope, a 1,000-activity plan PDF, a whole-country
village-data import. Each is started through its page as a user would (in a thread of the app, RKT_JOBS=thread, so
the request only records the job), then its page is polled every quarter second until it is done.

Reported per job: the starting request's time (the web worker held), the job's time, and the distinct values its
bar showed (a bar that moves shows several)."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.urls import reverse

POLL_SECONDS = 0.25
LIMIT_SECONDS = 900


def follow(bench, label: str, client, start) -> dict:
    """``start()`` makes the request that starts a job (timed); then its page is polled until the job ends."""
    from jobs.models import Job

    before = set(Job.objects.values_list("pk", flat=True))
    began = time.perf_counter()
    response = start()
    held = time.perf_counter() - began
    if response.status_code != 302:
        raise RuntimeError(f"{label}: the start answered {response.status_code}")
    job = Job.objects.exclude(pk__in=before).get()
    shown, polls = [], []
    deadline = time.perf_counter() + LIMIT_SECONDS
    while time.perf_counter() < deadline:
        asked = time.perf_counter()
        page = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true")
        polls.append(time.perf_counter() - asked)
        job.refresh_from_db()
        if not shown or shown[-1] != job.progress:
            shown.append(job.progress)
        if job.is_finished:
            break
        time.sleep(POLL_SECONDS)
    seconds = (job.finished_at - job.created_at).total_seconds() if job.finished_at else float("inf")
    row = {
        "median_ms": round(held * 1000, 1),
        "n": 1,
        "note": (
            f"request {held * 1000:.0f} ms; job {seconds:.1f} s, {job.get_status_display().lower()}"
            f"{': ' + job.error if job.error else ''}; bar showed {len(shown)} values "
            f"({', '.join(map(str, shown[:12]))}{' …' if len(shown) > 12 else ''}); "
            f"status poll median {statistics.median(polls) * 1000:.1f} ms"
        ),
        "request_ms": round(held * 1000, 1),
        "job_seconds": round(seconds, 1),
        "bar_values": len(shown),
        "done": job.status == Job.Status.DONE,
        "page_status": page.status_code,
    }
    bench.results[f"job: {label}"] = row
    print(f"job: {label}: {row['note']}")
    return row


def measure_jobs(bench, args) -> None:
    from django.contrib.auth import get_user_model

    from bench.generate import WIDE_VIEWERS
    from bench.village_data import write_file
    from pillars.models import WorkPlan
    from villages.models import Region, VillageData

    settings.RKT_JOBS = "thread"
    admin = bench.client(WIDE_VIEWERS["national admin"])
    year = WorkPlan.objects.order_by("-year").values_list("year", flat=True).first()
    follow(bench, f"recap workbook, national scope ({year})", admin,
           lambda: admin.post(reverse("reports:recap-xlsx", args=[year])))  # fmt: skip

    # A plan of 1,000 activities, copies of a real plan's, committed (the job reads it on its own connection) and
    # removed afterwards.
    from bench.exports import copy_activities, export_plan

    base = export_plan()
    plan = WorkPlan.objects.create(companion=base.companion, year=2091, status=WorkPlan.Status.APPROVED)
    try:
        plan.villages.set(base.villages.all())
        copy_activities(base, plan, 1000)
        companion = bench.client(base.companion.user.username)
        follow(bench, "plan PDF, 1,000 activities", companion,
               lambda: companion.post(reverse("reports:plan-pdf-job", args=[plan.pk])))  # fmt: skip
    finally:
        plan.delete()

    # Every village of the country, in a year no page of the bench reads, removed afterwards.
    data_year = 2098
    villages = list(Region.objects.villages().values_list("code", "parent__name", "name").order_by("code"))
    with tempfile.TemporaryDirectory(prefix="rkt-bench-jobs-") as folder:
        path = Path(folder) / "village-data.csv"
        write_file(path, villages)
        content = path.read_bytes()
    from django.core.files.uploadedfile import SimpleUploadedFile

    try:
        follow(
            bench,
            f"village-data import, whole country ({len(villages):,} villages, {len(content) / 1e6:.1f} MB)",
            admin,
            lambda: admin.post(
                reverse("villages:data-import"),
                {"file": SimpleUploadedFile("data-desa.csv", content, "text/csv"), "year": data_year},
            ),
        )
    finally:
        VillageData.objects.filter(year=data_year).delete()
    get_user_model().objects.get(username=WIDE_VIEWERS["national admin"]).jobs.all().delete()
