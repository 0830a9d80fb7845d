"""`make bench`: build a database of a given scale, measure every page and export, print and save the table.

    python bench/run.py [--scale kabupaten|province|national] [--reuse] [--requests 30] [--load-seconds 30]
                        [--only floor_bare_view,companion_pages]

Runs on SQLite (bench/bench-<scale>.sqlite3) unless DATABASE_URL names another database, which is dropped
and recreated. Each figure is the median and 95th percentile over repeated requests through Django's test
client (server time, no network), with the number of SQL queries, and its ratio to a floor measured in the
same run: a bare view with one query and a one-line template, a bare WeasyPrint render of the same HTML,
a bare openpyxl write-only dump of the same cells. Then the imports (regions fresh into a scratch
database and repeated, village data for every village), and gunicorn under load (bench/load.py).
Each figure is printed beside the issue's target with PASS or MISS (bench/targets.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def prepare_database(scale: str, reuse: bool) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        path = ROOT / "bench" / f"bench-{scale}.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        if not reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    elif url.startswith("postgres") and not reuse:
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')


class Bench:
    BUDGET_S = 20  # what one measure's timed requests may take, about

    def __init__(self, requests: int):
        from django.test import Client

        self.requests = requests
        self.results: dict[str, dict] = {}
        self.Client = Client

    def client(self, username: str):
        from django.contrib.auth import get_user_model

        client = self.Client()
        client.force_login(get_user_model().objects.get(username=username))
        return client

    def page(
        self,
        label: str,
        client,
        url: str,
        *,
        floor: str | None = "bare view",
        n: int | None = None,
        before_each: Callable[[], object] | None = None,
    ) -> dict:
        """Median and p95 of ``n`` requests of ``url`` (after three to warm up; fewer, down to one, when they
        would take more than ``BUDGET_S``), its queries and the size of its HTML; ``before_each`` runs untimed
        before every request (a write, for the first view after one)."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        n = n or self.requests
        for _ in range(3):
            response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        html_kb = None if hasattr(response, "streaming_content") else round(len(response.content) / 1024, 1)
        times, cpu = [], []
        query_count = 0
        while len(times) < n:
            if before_each is not None:
                before_each()
            started, started_cpu = time.perf_counter(), time.process_time()
            # The first request measured is also the one whose queries are counted.
            with CaptureQueriesContext(connection) if not times else nullcontext() as queries:
                response = client.get(url)
                if hasattr(response, "streaming_content"):
                    b"".join(response.streaming_content)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            if len(times) == 1:
                query_count = len(queries)
                # A page that takes seconds is measured fewer times, so that a run still ends.
                n = max(1, min(n, int(self.BUDGET_S * 1000 / max(times[0], 1))))
        # CPU time of this process (SQLite runs in it too) is the figure that holds on a busy machine.
        row = {
            "median_ms": round(statistics.median(times), 2),
            "p95_ms": round(percentile(times, 0.95), 2),
            "cpu_ms": round(statistics.median(cpu), 2),
            "queries": query_count,
            "n": n,
        }
        if html_kb is not None:
            row["html_kb"] = html_kb
        self._ratio(row, floor)
        self.results[label] = row
        return row

    def conditional_get(self, label: str, client, url: str, *, n: int | None = None) -> dict:
        """A repeat visit by a browser that holds the page: one request for its ETag, then ``n`` requests that
        send it back in ``If-None-Match``; their status (a 304 when nothing changed), time and body size."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        n = n or self.requests
        client.get(url)  # the first visit sets the CSRF cookie: a page drawn without one is kept nowhere
        first = client.get(url)
        etag = first.get("ETag")
        if first.status_code != 200 or not etag:
            raise RuntimeError(f"{url} answered {first.status_code} with ETag {etag!r}")
        with CaptureQueriesContext(connection) as queries:
            client.get(url, HTTP_IF_NONE_MATCH=etag)
        times, cpu, statuses, sizes = [], [], set(), set()
        for _ in range(n):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, HTTP_IF_NONE_MATCH=etag)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            statuses.add(response.status_code)
            sizes.add(len(response.content))
        row = {
            "median_ms": round(statistics.median(times), 2),
            "p95_ms": round(percentile(times, 0.95), 2),
            "cpu_ms": round(statistics.median(cpu), 2),
            "queries": len(queries),
            "n": n,
            "status": statuses.pop() if len(statuses) == 1 else sorted(statuses),
            "bytes": max(sizes),
            "full_kb": round(len(first.content) / 1024, 1),
        }
        row["note"] = f"answered {row['status']}, {row['bytes']} bytes (the page itself: {row['full_kb']} KB)"
        self._ratio(row, "bare view")
        self.results[label] = row
        return row

    def memory(self, label: str, client, url: str) -> None:
        """Peak Python memory allocated while serving one request (tracemalloc, measured apart from timing)."""
        tracemalloc.start()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        self.results[label]["peak_mb"] = round(peak / 1024 / 1024, 1)

    def timed(self, label: str, function: Callable[[], object], *, n: int = 5, floor: str | None = None) -> dict:
        times, cpu = [], []
        for _ in range(n):
            started, started_cpu = time.perf_counter(), time.process_time()
            function()
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        row = {
            "median_ms": round(statistics.median(times), 2),
            "p95_ms": round(percentile(times, 0.95), 2),
            "cpu_ms": round(statistics.median(cpu), 2),
            "n": n,
        }
        self._ratio(row, floor)
        self.results[label] = row
        return row

    def _ratio(self, row: dict, floor: str | None) -> None:
        """Median to median, and CPU to CPU: on a busy machine the CPU ratio is the one to read."""
        if not floor or floor not in self.results:
            return
        base = self.results[floor]
        row["floor"] = floor
        row["ratio"] = round(row["median_ms"] / base["median_ms"], 2)
        if base.get("cpu_ms") and "cpu_ms" in row:
            row["cpu_ratio"] = round(row["cpu_ms"] / base["cpu_ms"], 2)

    def table(self) -> str:
        lines = [
            f"{'measure':<44} {'median ms':>10} {'p95 ms':>9} {'CPU ms':>8} {'queries':>7} {'× floor':>7} "
            f"{'× CPU':>6} {'peak MB':>7} {'HTML KB':>7}  {'target':<28} verdict / note"
        ]
        for label, row in self.results.items():
            if "error" in row:
                lines.append(f"{label:<44} ERROR {row['error']}")
                continue
            if "value" in row:
                lines.append(f"{label:<44} {row['value']}")
                continue
            note = " ".join(str(part) for part in (row.get("verdict", ""), row.get("note", "")) if part)
            lines.append(
                f"{label:<44} {row.get('median_ms', ''):>10} {row.get('p95_ms', ''):>9} {row.get('cpu_ms', ''):>8} "
                f"{row.get('queries', ''):>7} {row.get('ratio', ''):>7} {row.get('cpu_ratio', ''):>6} "
                f"{row.get('peak_mb', ''):>7} {row.get('html_kb', ''):>7}  "
                f"{row.get('target', ''):<28} {note}"
            )
        return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--scale", default=os.environ.get("SCALE", "kabupaten"), choices=["kabupaten", "province", "national"]
    )
    parser.add_argument("--reuse", action="store_true", help="keep the database of an earlier run")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--load-seconds", type=float, default=30, help="length of each load run; 0 skips it")
    parser.add_argument("--load-port", type=int, default=0, help="gunicorn's port (default: a free one)")
    parser.add_argument("--no-load", action="store_true", help="skip the gunicorn load test (--load-seconds 0)")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated measures to run, e.g. floor_bare_view,companion_pages (prints; writes no results)",
    )
    parser.add_argument(
        "--save-partial",
        default="",
        metavar="NAME",
        help="with --only, write the results as bench/results/<scale>[-<database>]-NAME.json and .md",
    )
    args = parser.parse_args()
    if args.no_load:
        args.load_seconds = 0

    prepare_database(args.scale, args.reuse)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rkt.settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()
    import logging

    from django.conf import settings

    # WeasyPrint says once per PDF that it subsets fonts with fontTools where HarfBuzz-Subset is missing.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)

    # Measure as production runs: no query log kept in memory (CaptureQueriesContext still counts).
    settings.DEBUG = False
    from django.core.management import call_command

    from bench import markdown, measures, targets
    from bench.generate import SCALES, build

    vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"== bench {args.scale} on {vendor}")
    call_command("migrate", verbosity=0)
    from pillars.models import WorkPlan

    bench = Bench(args.requests)
    if not WorkPlan.objects.exists():
        world = build(SCALES[args.scale])
        bench.results["build database"] = {"value": f"{world.seconds:.1f} s"}
    load_at_start = os.getloadavg()
    measures.run_all(bench, args)

    if args.only and not args.save_partial:
        print(bench.table())
        return
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(exist_ok=True)
    name = args.scale if vendor == "sqlite3" else f"{args.scale}-{vendor}"
    if args.only:
        name = f"{name}-{args.save_partial}"  # some measures only: beside the whole run's files, not over them
    targets.html_line(bench.results)
    targets.judge(bench.results, scale=args.scale, others=targets.other_scales(results_dir, args.scale, vendor))
    start, end = (", ".join(f"{v:.1f}" for v in load) for load in (load_at_start, os.getloadavg()))
    print(f"== {args.scale} on {vendor}, {os.cpu_count()} cores, load average {start} at the start, {end} at the end")
    print(bench.table())
    payload = {
        "scale": args.scale,
        "database": vendor,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "when": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "load_average_start": load_at_start,
        "load_average": os.getloadavg(),
        "results": bench.results,
    }
    (results_dir / f"{name}.json").write_text(json.dumps(payload, indent=2) + "\n")
    (results_dir / f"{name}.md").write_text(markdown.table(payload))
    print(f"written to bench/results/{name}.json and {name}.md")


if __name__ == "__main__":
    main()
