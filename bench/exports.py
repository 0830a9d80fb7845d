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
        url = reverse("reports:recap-xlsx", args=[plan.year])
        bench.page(label, client, url, floor="bare openpyxl", n=max(1, n // 2))
        bench.memory(label, client, url)


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
