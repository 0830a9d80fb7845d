"""What `make bench` measures, in order; each measure may use the floors measured before it."""

from __future__ import annotations

import io
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.urls import clear_url_caches, reverse
from django.utils import timezone

MEASURES = []


def measure(function):
    MEASURES.append(function)
    return function


def run_all(bench, args) -> None:
    settings.ROOT_URLCONF = "bench.urls"
    clear_url_caches()
    only = set(filter(None, (getattr(args, "only", "") or "").split(",")))
    unknown = only - {function.__name__ for function in MEASURES}
    if unknown:
        raise SystemExit(f"--only: no measure named {', '.join(sorted(unknown))}")
    for function in MEASURES:
        if only and function.__name__ not in only:
            continue
        try:
            function(bench, args)
        except Exception as exc:  # a broken measure is reported, the others still run
            traceback.print_exc()
            bench.results[function.__name__] = {"error": f"{type(exc).__name__}: {exc}"}


def _plan():
    from pillars.models import WorkPlan

    return WorkPlan.objects.select_related("companion__user").order_by("pk").first()


@measure
def machine_speed(bench, args) -> None:
    """How fast this machine runs plain Python, to compare runs on different machines (best of three)."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        total = 0
        for number in range(10_000_000):
            total += number
        best = min(best, time.process_time() - started)
    bench.results["machine: 10 M Python additions"] = {"value": f"{best:.2f} s"}


@measure
def floor_bare_view(bench, args) -> None:
    client = bench.client("bench-koordinator")
    bench.page("bare view", client, "/__bench__/bare/", floor=None, n=max(args.requests, 100))


@measure
def floor_bare_weasyprint(bench, args) -> None:
    """WeasyPrint alone on the HTML our plan PDF view renders, with our fetcher (it serves the CSS)."""
    from django.template.loader import render_to_string
    from django.utils.translation import override
    from weasyprint import HTML

    from bench.exports import export_plan
    from reports import documents, pdf

    with override(documents.DOCUMENT_LANGUAGE):
        html = render_to_string("reports/pdf/plan.html", {"doc": documents.plan_document(export_plan())})
    fetcher = pdf.make_fetcher()
    bench.timed(
        "bare WeasyPrint (same plan HTML)",
        lambda: HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=fetcher).write_pdf(),
        n=min(args.requests, 5),
    )


@measure
def floor_bare_openpyxl(bench, args) -> None:
    """A plain write-only workbook of the same cells as the coordinator's recap, without our code around it."""
    from openpyxl import Workbook, load_workbook

    from bench.exports import recap_workbook

    with tempfile.TemporaryFile() as out:
        recap_workbook(out)
        out.seek(0)
        source = load_workbook(out, read_only=True)
        sheets = [(ws.title, list(ws.iter_rows(values_only=True))) for ws in source.worksheets]
        source.close()

    def dump() -> None:
        wb = Workbook(write_only=True)
        for title, rows in sheets:
            ws = wb.create_sheet(title)
            for row in rows:
                ws.append(row)
        wb.save(io.BytesIO())

    cells = sum(len(row) for _, rows in sheets for row in rows)
    bench.timed(f"bare openpyxl ({cells:,} recap cells)", dump, n=min(args.requests, 3))
    bench.results["bare openpyxl"] = bench.results.pop(f"bare openpyxl ({cells:,} recap cells)")
    bench.results["bare openpyxl"]["note"] = f"{cells:,} cells"


def saves_in(entries) -> Callable[[], None]:
    """Before each request of a cold row: one entry of ``entries`` saved again as a companion's save stores it (a
    real ``save``, whose signals raise the data versions of its plan and its kabupaten), a different one each time.
    Nothing on the page changes but the versions it is keyed by, so the page is drawn afresh."""
    from pillars.models import MonthlyProgress

    pks = list(entries.order_by("pk").values_list("pk", flat=True)[:200])
    if not pks:
        raise RuntimeError("no progress entry to save in this scope")
    turn = itertools.count()

    def save() -> None:
        MonthlyProgress.objects.get(pk=pks[next(turn) % len(pks)]).save(update_fields=["quantity"])

    return save


def warm_and_cold(bench, label: str, client, url: str, save: Callable[[], None], **options) -> None:
    """The page on repeat visits (the body kept from the first, as long as nothing changed) and on the first
    visit after a save in its scope (drawn again). A page that cannot be drawn (see :func:`bounded_sql`) is
    recorded as an error, once."""
    try:
        bench.page(f"{label}, warm", client, url, **options)
    except Exception as exc:
        bench.results[f"{label}, warm and cold"] = {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
        return
    bench.page(f"{label}, cold", client, url, before_each=save, **options)


@contextmanager
def bounded_sql(seconds: int) -> Iterator[None]:
    """On PostgreSQL, every statement cancelled after ``seconds`` (as a web request's are, RKT_DB_STATEMENT_TIMEOUT,
    though later), so that a page whose SQL runs for minutes is recorded as such and the run still ends."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = '{int(seconds)}s'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")


@measure
def companion_pages(bench, args) -> None:
    """The companion's plan page and month views, warm and cold (a save in the plan before each request), and the
    companion's home (not kept: drawn for each request)."""
    from bench.exports import _busiest_month
    from pillars.models import MonthlyProgress

    plan = _plan()
    client = bench.client(plan.companion.user.username)
    save = saves_in(MonthlyProgress.objects.filter(activity__plan=plan))
    warm_and_cold(
        bench, "companion: plan page (20 activities)", client, reverse("pillars:plan-detail", args=[plan.pk]), save
    )
    # The same month at every scale (one with progress entered), so query counts compare across scales.
    month = _busiest_month(plan)
    warm_and_cold(bench, "companion: month view", client, reverse("pillars:plan-month", args=[plan.pk, month]), save)
    # This month: the entry forms a companion fills in, the page used most. National data stops at June,
    # so there it is twenty empty forms; at the other scales the month's entries are in the forms.
    current = timezone.localdate().month
    url = reverse("pillars:plan-month", args=[plan.pk, current])
    if MonthlyProgress.objects.filter(activity__plan=plan, month=current).exists():
        warm_and_cold(bench, "companion: month view, this month's entry forms", client, url, save)
    else:
        warm_and_cold(bench, "companion: month view, nothing entered yet", client, url, save)
    bench.page("companion: home", client, reverse("home"))


def _in_scope_of(username: str):
    from django.contrib.auth import get_user_model

    from bench.generate import YEAR
    from pillars.models import MonthlyProgress

    viewer = get_user_model().objects.get(username=username)
    return MonthlyProgress.objects.visible_to(viewer).filter(activity__plan__year=YEAR)


@measure
def coordinator_pages(bench, args) -> None:
    """The kabupaten coordinator's home and lists, warm and cold (a save in the kabupaten before each request)."""
    from bench.generate import YEAR

    client = bench.client("bench-koordinator")
    save = saves_in(_in_scope_of("bench-koordinator"))
    # One kecamatan's home counts the kabupaten's data versions: a save in another kecamatan draws it again too.
    kecamatan = saves_in(
        _in_scope_of("bench-koordinator").filter(activity__plan__villages__code__startswith="34.03.01")
    )
    home = reverse("home")
    warm_and_cold(bench, "coordinator: home", client, f"{home}?year={YEAR}", save)
    warm_and_cold(bench, "coordinator: home, sorted by done", client, f"{home}?year={YEAR}&sort=-done", save)
    warm_and_cold(bench, "coordinator: home, one kecamatan", client, f"{home}?year={YEAR}&area=34.03.01", kecamatan)
    warm_and_cold(bench, "coordinator: review list", client, reverse("pillars:plan-list"), save)
    warm_and_cold(bench, "coordinator: completeness", client, reverse("pillars:completeness"), save)


@measure
def conditional_get(bench, args) -> None:
    """A browser re-opening a page it holds, whose data has not changed: the ETag sent back answers 304, no body."""
    from villages.models import Region

    plan = _plan()
    client = bench.client(plan.companion.user.username)
    bench.conditional_get("conditional GET: plan page", client, reverse("pillars:plan-detail", args=[plan.pk]))
    month = reverse("pillars:plan-month", args=[plan.pk, timezone.localdate().month])
    bench.conditional_get("conditional GET: month view, this month's forms", client, month)
    coordinator = bench.client("bench-koordinator")
    bench.conditional_get("conditional GET: coordinator home", coordinator, reverse("home"))
    from django.contrib.auth import get_user_model

    viewer = get_user_model().objects.get(username="bench-koordinator")
    village = Region.objects.visible_to(viewer).villages().order_by("code").first()
    url = reverse("reports:village-detail", args=[village.code])
    bench.conditional_get("conditional GET: village page", coordinator, url)


@measure
def wide_scope_pages(bench, args) -> None:
    """A province coordinator (the scale's province) and the national admin, on the pages every coordinator uses,
    warm (kept from the first view) and cold (a save in scope before each request: every plan added up again)."""
    from django.contrib.auth.hashers import make_password

    from bench.generate import PASSWORD, SCALES, WIDE_VIEWERS, YEAR, make_wide_viewers

    make_wide_viewers(SCALES[args.scale], make_password(PASSWORD))
    home, year = reverse("home"), f"?year={YEAR}"

    for label, username in WIDE_VIEWERS.items():
        client = bench.client(username)
        save = saves_in(_in_scope_of(username))
        n = max(5, min(args.requests, 10))
        with bounded_sql(30):
            warm_and_cold(bench, f"{label}: home", client, f"{home}{year}", save, n=n)
            warm_and_cold(bench, f"{label}: review list", client, reverse("pillars:plan-list"), save, n=n)
            warm_and_cold(bench, f"{label}: completeness", client, reverse("pillars:completeness") + year, save, n=n)
            warm_and_cold(bench, f"{label}: village list", client, reverse("reports:village-list"), save, n=n)
    # The province's recap, once, as its job makes it (the request that asks for it only records the job).
    from bench.exports import recap_through_its_job

    client = bench.client(WIDE_VIEWERS["province coordinator"])
    row = bench.timed("recap job, province scope (one run)", lambda: recap_through_its_job(client, YEAR), n=1)
    row["note"] = "a background job's work: no web worker waits for it"


@measure
def tallies_of_a_new_month(bench, args) -> None:
    """What ``manage.py tally_plans`` does after midnight on the 1st: every plan in force added up again."""
    from pillars import tallies
    from pillars.models import PlanTallyState, WorkPlan

    if not tallies.available():
        return
    plans = WorkPlan.objects.counted().in_force()
    count = plans.count()

    def month_turns() -> None:
        PlanTallyState.objects.update(tallied_through=None)
        call_command("tally_plans", stdout=io.StringIO())

    row = bench.timed(f"tallies: every plan added up again ({count:,} plans)", month_turns, n=1)
    row["note"] = "the nightly command on the 1st; pages read stale plans from their activities until then"


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
def exports(bench, args) -> None:
    from bench.exports import measure_exports

    measure_exports(bench, args)


@measure
def plan_pdf_per_activity(bench, args) -> None:
    from bench.exports import measure_pdf_per_activity

    measure_pdf_per_activity(bench, args)


@measure
def crafted_files(bench, args) -> None:
    """Hostile small uploads, each refused in a child process of its own (bench/crafted_files.py)."""
    from bench.crafted_files import measure as measure_crafted

    measure_crafted(bench)


@measure
def region_import_fresh(bench, args) -> None:
    """Into an empty scratch database of the same engine, in a child process; then once more there."""
    with scratch_database() as url:
        env = {**os.environ, "DATABASE_URL": url}
        script = Path(__file__).with_name("region_import.py")
        done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(done.stderr[-1000:])
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    bench.results["region import, fresh (national list)"] = {
        "median_ms": round(figures["fresh_s"] * 1000),
        "n": 1,
        "note": f"{figures['regions']:,} regions into an empty database",
    }
    bench.results["region import, repeated, scratch database"] = {
        "median_ms": round(figures["again_s"] * 1000),
        "n": 1,
        "changed": figures["again_changed"],
        "note": "changed something" if figures["again_changed"] else "changed nothing",
    }


@contextmanager
def scratch_database() -> Iterator[str]:
    url = os.environ["DATABASE_URL"]
    if url.startswith("sqlite"):
        with tempfile.TemporaryDirectory(prefix="rkt-bench-regions-") as folder:
            yield f"sqlite:///{folder}/scratch.sqlite3"
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    scratch = f"{name}_scratch"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{scratch}"')
    try:
        yield f"{base}/{scratch}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


@measure
def region_import_repeated(bench, args) -> None:
    from villages.regions import existing_codes, import_regions, open_region_file, read_regions

    started = time.perf_counter()
    with open_region_file(None) as lines:
        result = import_regions(read_regions(lines, known_codes=existing_codes))
    bench.results["region import, repeated (bench database)"] = {
        "median_ms": round((time.perf_counter() - started) * 1000),
        "n": 1,
        "changed": result.changed,
        "note": "changed something" if result.changed else "changed nothing",
    }


@measure
def village_data_import(bench, args) -> None:
    """Yearly data for every village (bench/village_data.py), in a year of its own, removed afterwards."""
    from bench.village_data import measure as measure_village_data
    from villages.models import VillageData

    year = 2099  # a year no page of the bench reads, so the measured pages are not changed
    with tempfile.TemporaryDirectory(prefix="rkt-bench-villages-") as folder:
        figures = measure_village_data(Path(folder), year=year)
    VillageData.objects.filter(year=year).delete()
    note = f"{figures['villages']:,} villages" + (f"; {'; '.join(figures['failures'])}" if figures["failures"] else "")
    for key, label in (("fresh", "fresh"), ("again", "repeated"), ("changed", "every figure changed")):
        bench.results[f"village data import, {label}"] = {
            "median_ms": round(figures[f"{key}_seconds"] * 1000),
            "n": 1,
            "note": note,
        }
    bench.results["village data import, repeated"]["changed"] = any("second import" in f for f in figures["failures"])


@measure
def background_jobs(bench, args) -> None:
    from bench.jobs import measure_jobs

    measure_jobs(bench, args)


@measure
def under_load(bench, args) -> None:
    from bench.load import measure_load

    measure_load(bench, args)
