"""Time the home pages on a kabupaten of 150 companions × 20 activities × 12 months of progress.

    python bench/home.py [--reuse] [--requests 30] [--scale kabupaten]

Builds the database with bench/generate.py (bulk inserts, the national region list loaded) in
bench/bench-home-<scale>.sqlite3 unless DATABASE_URL names another database, then requests each
home page through Django's test client and prints the median and 95th percentile server time and
the number of queries. The coordinator's home must answer well under 500 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGET_MS = 500


def prepare(scale: str, reuse: bool) -> None:
    if os.environ.get("DATABASE_URL"):
        return
    path = ROOT / "bench" / f"bench-home-{scale}.sqlite3"
    if not reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"


def timed(client, url: str, requests: int) -> tuple[float, float, float, int]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm the template cache and the database pages
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    reset_queries()  # with DEBUG on, a full query log would make the capture look empty
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times, cpu = [], []
    for _ in range(requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    # CPU time of this process (SQLite runs in it too): the figure that holds on a busy machine.
    return statistics.median(times), p95, statistics.median(cpu), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="kabupaten", choices=["kabupaten", "province", "national"])
    parser.add_argument("--reuse", action="store_true", help="keep the database of an earlier run")
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()

    prepare(args.scale, args.reuse)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rkt.settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from bench.generate import SCALES, YEAR, build
    from pillars.models import Activity, MonthlyProgress, WorkPlan

    vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    call_command("migrate", verbosity=0)
    if not WorkPlan.objects.exists():
        world = build(SCALES[args.scale])
        print(f"built the {args.scale} database in {world.seconds:.1f} s")
    print(
        f"== home pages, {args.scale} on {vendor}: {WorkPlan.objects.count():,} plans, "
        f"{Activity.objects.count():,} activities, {MonthlyProgress.objects.count():,} progress entries"
    )

    def client_for(username: str) -> Client:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        return client

    coordinator = client_for("bench-koordinator")
    home = reverse("home")
    pages = [
        ("coordinator: home", coordinator, f"{home}?year={YEAR}"),
        ("coordinator: home, sorted by done", coordinator, f"{home}?year={YEAR}&sort=-done"),
        ("coordinator: home, one kecamatan", coordinator, f"{home}?year={YEAR}&area=34.03.01"),
        ("companion: home", client_for("bench-pendamping-0"), home),
    ]
    print(f"{'page':<40} {'median ms':>10} {'p95 ms':>10} {'CPU ms':>8} {'queries':>8}")
    failed = False
    for label, client, url in pages:
        median, p95, cpu, queries = timed(client, url, args.requests)
        print(f"{label:<40} {median:>10.1f} {p95:>10.1f} {cpu:>8.1f} {queries:>8}")
        failed = failed or (label.startswith("coordinator") and median >= BUDGET_MS)
    load = os.getloadavg()[0]
    print(f"load average {load:.1f} on {os.cpu_count()} CPUs: on a busy machine read the CPU column")
    if failed:
        print(f"a coordinator home took {BUDGET_MS} ms or more (median)")
        sys.exit(1)


if __name__ == "__main__":
    main()
