"""Time and peak memory of the exports: plan PDF, monthly PDF, plan workbook, recap workbook.

    python bench/exports.py [--scale kabupaten] [--reuse] [--requests 5]

Standalone, it builds (or reuses) the benchmark database of ``bench/run.py`` and prints one table.
``measure_exports(bench, args)`` is the same measure for ``bench/measures.py`` to register, so that
``make bench`` reports these lines beside the pages. Each export is requested through the test client
as its user would (scope checks included); time is the median over ``--requests`` runs, memory is the
peak Python allocation of one more request (tracemalloc), queries are counted on one request.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EXPORT_REQUESTS = 5


def _busiest_month(plan) -> int:
    from django.db.models import Count

    from pillars.models import MonthlyProgress

    row = (
        MonthlyProgress.objects.filter(activity__plan=plan)
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("-n", "month")
        .first()
    )
    return row["month"] if row else 1


def export_plan():
    """The plan every export measure uses: the first approved one, with ``companion__user`` loaded."""
    from pillars.models import WorkPlan

    plans = WorkPlan.objects.select_related("companion__user").order_by("pk")
    return plans.filter(status=WorkPlan.Status.APPROVED).first() or plans.first()


def recap_workbook(out) -> None:
    """Write the recap the widest coordinator downloads for the export plan's year to ``out``."""
    from django.utils import timezone

    from reports.recap import write_recap

    write_recap(client_user(_coordinator_username()), year=export_plan().year, today=timezone.localdate(), out=out)


def recap_through_its_job(client, year: int) -> bytes:
    """The recap as its reader gets it: the button pressed (the job run inside the request here, so that the time
    is the job's work), then the download from the job's page."""
    from django.conf import settings
    from django.urls import reverse

    from jobs.models import Job

    saved, settings.RKT_JOBS = settings.RKT_JOBS, "eager"
    try:
        answer = client.post(reverse("reports:recap-xlsx", args=[year]))
    finally:
        settings.RKT_JOBS = saved
    job = Job.objects.get(pk=answer["Location"].rstrip("/").rsplit("/", 1)[-1])
    if not job.has_download:
        raise RuntimeError(f"the recap job failed: {job.error}")
    response = client.get(reverse("jobs:download", args=[job.pk]))
    content = b"".join(response.streaming_content)
    job.result_file.delete(save=False)
    job.delete()
    return content


def copy_activities(base, plan, count: int) -> None:
    """``count`` activities in ``plan``, copies of the approved activities of ``base`` in turn."""
    from pillars.models import Activity

    rows = list(base.activities.filter(pending=False).order_by("pk"))
    copies = []
    for position in range(count):
        model = rows[position % len(rows)]
        copy = Activity(plan=plan, position=position, months=model.months)
        for field in ("pillar_id", "village_id", "title", "target_group", "target_quantity", "unit"):
            setattr(copy, field, getattr(model, field))
        copies.append(copy)
    Activity.objects.bulk_create(copies)


def measure_exports(bench, args) -> None:
    """Each export through the test client; plan PDF and recap beside their floors when measured before."""
    from django.urls import reverse

    from pillars.models import WorkPlan

    n = min(getattr(args, "requests", EXPORT_REQUESTS), EXPORT_REQUESTS)
    plan = export_plan()
    activities = plan.activities.count()
    companion = bench.client(plan.companion.user.username)
    month = _busiest_month(plan)
    lines = (
        (
            f"export: plan PDF ({activities} activities)",
            reverse("reports:plan-pdf", args=[plan.pk]),
            "bare WeasyPrint (same plan HTML)",
        ),
        (f"export: monthly PDF (month {month})", reverse("reports:month-pdf", args=[plan.pk, month]), None),
        (f"export: plan workbook ({activities} activities)", reverse("reports:plan-xlsx", args=[plan.pk]), None),
    )
    for label, url, floor in lines:
        bench.page(label, companion, url, floor=floor, n=n)
        bench.memory(label, companion, url)
    coordinator = _coordinator_username()
    if coordinator:
        client = bench.client(coordinator)
        scope_plans = WorkPlan.objects.visible_to(client_user(coordinator)).filter(year=plan.year)
        label = f"export: recap workbook ({scope_plans.count()} plans)"
        row = bench.timed(
            label, lambda: recap_through_its_job(client, plan.year), floor="bare openpyxl", n=max(1, n // 2)
        )
        tracemalloc.start()
        recap_through_its_job(client, plan.year)
        row["peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 1024 / 1024, 1)
        tracemalloc.stop()
        row["note"] = "a background job's work: the request that asks for it only records it"


# Gunicorn's worker timeout is 30 s; a plan PDF should be served well within it.
PDF_SECONDS = 10


def measure_pdf_per_activity(bench, args) -> None:
    """The plan PDF of the export plan's companion at 20, 100 and 200 activities (copies of its own, in plans made
    inside a transaction that is rolled back): the time each activity adds, and the largest plan served within
    ``PDF_SECONDS``. Larger plans are for the background jobs (the PDF moves out of the request there)."""
    from django.conf import settings
    from django.db import transaction
    from django.urls import reverse

    from pillars.models import WorkPlan

    base = export_plan()
    client = bench.client(base.companion.user.username)
    sizes = (20, 100, 200)
    seconds: dict[int, float] = {}

    class RollBack(Exception):
        pass

    # The PDF itself at every size, in the request: what the threshold of the background job is set from.
    saved, settings.RKT_PDF_JOB_ACTIVITIES = settings.RKT_PDF_JOB_ACTIVITIES, 10**6
    try:
        with transaction.atomic():
            for offset, size in enumerate(sizes):
                plan = WorkPlan.objects.create(
                    companion=base.companion, year=2090 + offset, status=WorkPlan.Status.APPROVED
                )
                plan.villages.set(base.villages.all())
                copy_activities(base, plan, size)
                url = reverse("reports:plan-pdf", args=[plan.pk])
                client.get(url)  # warm
                runs = []
                for _ in range(2):
                    started = time.perf_counter()
                    response = client.get(url)
                    runs.append(time.perf_counter() - started)
                    if response.status_code != 200:
                        raise RuntimeError(f"{url} answered {response.status_code}")
                seconds[size] = min(runs)
            raise RollBack
    except RollBack:
        pass
    finally:
        settings.RKT_PDF_JOB_ACTIVITIES = saved
    # Least squares over the three sizes: seconds = fixed + per_activity × activities.
    n = len(sizes)
    mean_x, mean_y = sum(sizes) / n, sum(seconds.values()) / n
    per_activity = sum((x - mean_x) * (seconds[x] - mean_y) for x in sizes) / sum((x - mean_x) ** 2 for x in sizes)
    fixed = mean_y - per_activity * mean_x
    largest = int((PDF_SECONDS - fixed) / per_activity) if per_activity > 0 else 0
    timings = ", ".join(f"{size}: {seconds[size]:.2f} s" for size in sizes)
    bench.results["export: plan PDF, time per activity"] = {
        "value": (
            f"{per_activity * 1000:.1f} ms per activity + {fixed:.2f} s ({timings}); "
            f"largest plan within {PDF_SECONDS} s: {largest:,} activities"
        ),
        "per_activity_ms": round(per_activity * 1000, 1),
        "largest_within_s": largest,
    }


def client_user(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def _coordinator_username() -> str | None:
    """The coordinator with the widest scope (the bench's kabupaten coordinator)."""
    from villages.models import Companion

    coordinator = (
        Companion.objects.filter(role__in=Companion.COORDINATOR_ROLES)
        .select_related("user", "scope_region")
        .order_by("scope_region__level", "pk")
        .first()
    )
    return coordinator.user.username if coordinator else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--scale", default=os.environ.get("SCALE", "kabupaten"), choices=["kabupaten", "province", "national"]
    )
    parser.add_argument("--reuse", action="store_true", help="keep the database of an earlier run")
    parser.add_argument("--requests", type=int, default=EXPORT_REQUESTS)
    args = parser.parse_args()

    from bench.run import Bench, prepare_database

    prepare_database(args.scale, args.reuse)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rkt.settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()
    from django.core.management import call_command

    from bench.generate import SCALES, build
    from pillars.models import WorkPlan

    call_command("migrate", verbosity=0)
    bench = Bench(args.requests)
    if not WorkPlan.objects.exists():
        world = build(SCALES[args.scale])
        bench.results["build database"] = {"value": f"{world.seconds:.1f} s"}
    measure_exports(bench, args)
    print(bench.table())


if __name__ == "__main__":
    main()
