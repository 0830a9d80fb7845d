"""What `make bench` measures, in order; each measure may use the floors measured before it."""

from __future__ import annotations

import time
import traceback

from django.conf import settings
from django.urls import clear_url_caches, reverse
from django.utils import timezone

MEASURES = []


def measure(function):
    MEASURES.append(function)
    return function


def run_all(bench, args) -> None:
    settings.ROOT_URLCONF = "bench.urls"
    clear_url_caches()
    for function in MEASURES:
        try:
            function(bench, args)
        except Exception as exc:  # a broken measure is reported, the others still run
            traceback.print_exc()
            bench.results[function.__name__] = {"error": f"{type(exc).__name__}: {exc}"}


def _plan():
    from pillars.models import WorkPlan

    return WorkPlan.objects.select_related("companion__user").order_by("pk").first()


@measure
def floor_bare_view(bench, args) -> None:
    client = bench.client("bench-koordinator")
    bench.page("bare view", client, "/__bench__/bare/", floor=None, n=max(args.requests, 100))


@measure
def companion_pages(bench, args) -> None:
    plan = _plan()
    client = bench.client(plan.companion.user.username)
    month = min(timezone.localdate().month, 12)
    bench.page("companion: plan page (20 activities)", client, reverse("pillars:plan-detail", args=[plan.pk]))
    bench.page("companion: month view", client, reverse("pillars:plan-month", args=[plan.pk, month]))
    bench.page("companion: home", client, reverse("home"))


@measure
def coordinator_pages(bench, args) -> None:
    client = bench.client("bench-koordinator")
    bench.page("coordinator: home", client, reverse("home"))
    bench.page("coordinator: review list", client, reverse("pillars:plan-list"))
    bench.page("coordinator: completeness", client, reverse("pillars:completeness"))


@measure
def admin_village_search(bench, args) -> None:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if not User.objects.filter(username="bench-admin").exists():
        User.objects.create_superuser("bench-admin", password="bench-pass")
    client = bench.client("bench-admin")
    url = reverse("admin:villages_region_changelist") + "?q=Wonosari"
    bench.page("admin: village list, name search", client, url)


@measure
def region_import_repeated(bench, args) -> None:
    from villages.regions import existing_codes, import_regions, open_region_file, read_regions

    def again():
        with open_region_file(None) as lines:
            rows = read_regions(lines, known_codes=existing_codes)
        result = import_regions(rows)
        assert not result.changed, "a repeated import changed the database"

    started = time.perf_counter()
    again()
    bench.results["region import, repeated (national list)"] = {
        "median_ms": round((time.perf_counter() - started) * 1000, 1),
        "p95_ms": "",
        "n": 1,
    }
