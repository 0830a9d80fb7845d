"""Under load: gunicorn with the recommended settings on the bench database, 20 clients for a fixed time.

Each client is a thread with its own HTTP connection to 127.0.0.1 and its own session, obtained by
posting the login form with its CSRF token as a browser does. The runs, on one set of sessions:

- the plan page (every client reads its own) and the bare view (the floor: one query, a one-line template),
  on gunicorn with the recommended settings: gunicorn.conf.py and its worker count (one per core);
  the plan page's share of the bare view's requests a second is measured on the same server in the same run;
- the plan page again on 2, 3, 4 and 5 workers, in shorter runs, in the order 2 3 4 5 5 4 3 2 so that a change
  in the machine's load falls on every count alike; the best count is recorded;
- saving progress: every client saves on its own activities of the current month (distinct activity/month
  pairs, each save carrying the entry's version). A 409 answer is a refused write (the version moved on), not
  an error. After the write run every accepted write is looked up in the database.

The servers share a Redis cache (RKT_REDIS_URL, database 15, emptied first), as the workers of a deployment do.

Static files: with DEBUG off the templates ask WhiteNoise's manifest storage for fingerprinted names,
so ``collectstatic`` runs first into a temporary STATIC_ROOT (bench/settings_load.py points there).
"""

from __future__ import annotations

import http.client
import os
import re
import runpy
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CLIENTS = 20
VERSION_INPUT = re.compile(r'name="a(\d+)-version"[^>]*value="(\d+)"')
CONFIG = ROOT / "gunicorn.conf.py"
RECOMMENDED_WORKERS = runpy.run_path(str(CONFIG))["workers"]  # gunicorn.conf.py's count, as a deployment runs it
SWEEP = (2, 3, 4, 5, 5, 4, 3, 2)
REDIS_URL = "redis://127.0.0.1:6379/15"
BARE_URL = "/__bench__/bare/"
# One key for every server of a run: the sessions logged in on the first stay good on the others.
SECRET_KEY = secrets.token_urlsafe(50)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def server_environment(static_root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings_load",
        RKT_BENCH_STATIC_ROOT=str(static_root),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_SSL_REDIRECT="0",
        PYTHONPATH=str(ROOT),
        # The cache every worker shares, and the broker, as in production: jobs and the notifications' rounds go
        # to Celery (none runs beside the bench; the pages measured start none), not to a thread of each worker
        # (there, the first request of a day starts the country's round, which holds SQLite's lock for minutes).
        RKT_REDIS_URL=REDIS_URL,
    )
    env.pop("RKT_JOBS", None)
    return env


def empty_cache() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


@contextmanager
def collected_static() -> Iterator[Path]:
    """The static files collected once into a temporary folder, for every server of the run."""
    static_root = Path(tempfile.mkdtemp(prefix="rkt-bench-static-"))
    try:
        subprocess.run(
            [str(Path(sys.executable).parent / "python"), "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=server_environment(static_root),
            check=True,
        )
        yield static_root
    finally:
        shutil.rmtree(static_root, ignore_errors=True)


@contextmanager
def gunicorn(port: int, workers: int, static_root: Path) -> Iterator[str]:
    """A gunicorn with the settings of gunicorn.conf.py and ``workers`` workers serving the project on ``port``;
    stopped on leaving, whatever happened."""
    log_path = static_root.parent / f"{static_root.name}-{workers}.log"
    env = server_environment(static_root)
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "rkt.wsgi",
        "--config",
        str(CONFIG),
        "--workers",
        str(workers),
        "--bind",
        f"{HOST}:{port}",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    # A bench stopped with SIGTERM (a CI timeout) still runs the cleanup below and stops gunicorn.
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        _wait_until_up(port, process, log_path)
        yield f"http://{HOST}:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        signal.signal(signal.SIGTERM, previous)
        log_path.unlink(missing_ok=True)


def _wait_until_up(port: int, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start:\n{log_path.read_text()[-2000:]}")
        try:
            status, _, _ = Session(port).request("GET", "/accounts/login/")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer within 60 s:\n{log_path.read_text()[-2000:]}")


class Session:
    """One client: a connection and a cookie jar (gunicorn's sync workers close after each answer;
    http.client reopens by itself)."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection(HOST, port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None):
        sent = {"Host": f"{HOST}:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=sent)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()  # the next request opens a fresh connection
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, content

    def login(self, username: str, password: str) -> None:
        self.request("GET", "/accounts/login/")
        status, headers, _ = self.request(
            "POST",
            "/accounts/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login of {username} answered {status}")

    def post(self, path: str, form: dict, headers: dict | None = None):
        return self.request("POST", path, {**form, "csrfmiddlewaretoken": self.cookies["csrftoken"]}, headers)


@dataclass
class Tally:
    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    refused: int = 0
    accepted: dict[int, tuple[str, int]] = field(default_factory=dict)  # activity → (last text, saves)


@dataclass
class Client:
    username: str
    plan_url: str
    month_url: str
    save_urls: dict[int, str]  # activity pk → progress-save URL of the write month
    session: Session | None = None


def _run(clients: list[Client], seconds: float, work) -> tuple[list[Tally], float]:
    tallies = [Tally() for _ in clients]
    start = threading.Barrier(len(clients) + 1)
    stop_at: list[float] = []

    def loop(client: Client, tally: Tally) -> None:
        start.wait()
        work(client, tally, lambda: time.monotonic() < stop_at[0])

    threads = [threading.Thread(target=loop, args=pair, daemon=True) for pair in zip(clients, tallies, strict=True)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    stop_at.append(began + seconds)
    start.wait()
    for thread in threads:
        thread.join(seconds + 120)
    return tallies, time.monotonic() - began


def _timed(session: Session, tally: Tally, method: str, path: str, form=None, headers=None):
    started = time.perf_counter()
    try:
        status, _, body = session.post(path, form, headers) if method == "POST" else session.request(method, path)
    except (OSError, http.client.HTTPException) as exc:
        tally.errors.append(f"{path}: {type(exc).__name__}")
        return None, b""
    tally.times.append((time.perf_counter() - started) * 1000)
    return status, body


def read_plan(client: Client, tally: Tally, running) -> None:
    _read(client.session, tally, running, client.plan_url)


def read_bare(client: Client, tally: Tally, running) -> None:
    _read(client.session, tally, running, BARE_URL)


def _read(session: Session, tally: Tally, running, url: str) -> None:
    while running():
        status, _ = _timed(session, tally, "GET", url)
        if status is not None and status != 200:
            tally.errors.append(f"{url}: {status}")


def on_new_server(clients: list[Client]) -> None:
    """The clients' connections reopened on the server just started (their sessions are in the database); each
    client's plan page and the bare view asked for twice, untimed, so every worker has imported and drawn."""
    for client in clients:
        client.session.connection.close()
    for _ in range(2):
        for client in clients:
            for url in (client.plan_url, BARE_URL):
                client.session.request("GET", url)


def save_progress(client: Client, tally: Tally, running) -> None:
    session = client.session
    _, _, page = session.request("GET", client.month_url)
    versions = {int(pk): int(v) for pk, v in VERSION_INPUT.findall(page.decode())}
    activities = [pk for pk in client.save_urls if pk in versions]
    if not activities:
        tally.errors.append(f"{client.month_url}: no progress form found")
        return
    n = 0
    while running():
        activity = activities[n % len(activities)]
        n += 1
        text = f"load {client.username} {n}"
        form = {
            f"a{activity}-status": "done",
            f"a{activity}-quantity": "1",
            f"a{activity}-description": text,
            f"a{activity}-problems": "",
            f"a{activity}-follow_up": "",
            f"a{activity}-version": str(versions[activity]),
        }
        status, body = _timed(session, tally, "POST", client.save_urls[activity], form, {"HX-Request": "true"})
        if status is None:
            continue
        found = {int(pk): int(v) for pk, v in VERSION_INPUT.findall(body.decode(errors="replace"))}
        if status == 200:
            _, saves = tally.accepted.get(activity, ("", 0))
            tally.accepted[activity] = (text, saves + 1)
            versions[activity] = found.get(activity, versions[activity] + 1)
        elif status == 409:
            tally.refused += 1
            versions[activity] = found.get(activity, versions[activity])
        else:
            tally.errors.append(f"{client.save_urls[activity]}: {status}")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if ordered else 0.0


def summary(tallies: list[Tally], elapsed: float) -> dict:
    times = [t for tally in tallies for t in tally.times]
    errors = [e for tally in tallies for e in tally.errors]
    return {
        "requests": len(times),
        "rps": round(len(times) / elapsed, 1),
        "seconds": round(elapsed, 1),
        "p95_ms": round(p95(times), 1),
        "median_ms": round(sorted(times)[len(times) // 2], 1) if times else 0.0,
        "errors": len(errors),
        "first_errors": errors[:3],
        "refused": sum(tally.refused for tally in tallies),
    }


def _clients(month: int) -> list[Client]:
    from django.urls import reverse

    from pillars.models import Activity, MonthlyReport, WorkPlan

    plans = list(
        WorkPlan.objects.filter(companion__user__username__startswith="bench-pendamping-", status="approved")
        .select_related("companion__user")
        .order_by("pk")[:CLIENTS]
    )
    # The month being written is the month companions report now: its report must still be open.
    MonthlyReport.objects.filter(plan__in=plans, month=month).update(status=MonthlyReport.Status.DRAFT)
    clients = []
    for plan in plans:
        activities = Activity.objects.filter(plan=plan).order_by("position").values_list("pk", flat=True)
        clients.append(
            Client(
                username=plan.companion.user.username,
                plan_url=reverse("pillars:plan-detail", args=[plan.pk]),
                month_url=reverse("pillars:plan-month", args=[plan.pk, month]),
                save_urls={pk: reverse("pillars:progress-save", args=[plan.pk, month, pk]) for pk in activities},
            )
        )
    return clients


def _check_writes(tallies: list[Tally], month: int, before: dict[int, int]) -> list[str]:
    """Every accepted save is in the database: the last text written, and one version step per save."""
    from pillars.models import MonthlyProgress

    accepted = {pk: value for tally in tallies for pk, value in tally.accepted.items()}
    stored = {
        row[0]: row[1:]
        for row in MonthlyProgress.objects.filter(activity_id__in=accepted, month=month).values_list(
            "activity_id", "description", "version"
        )
    }
    missing = []
    for pk, (text, saves) in accepted.items():
        description, version = stored.get(pk, ("", 0))
        if description != text or version != before.get(pk, 0) + saves:
            missing.append(
                f"activity {pk}: stored {description!r} v{version}, expected {text!r} v{before.get(pk, 0) + saves}"
            )
    return missing


def measure_load(bench, args) -> None:
    """The plan page and the bare view on the recommended server, the plan page over a sweep of worker counts,
    then saving progress (see the module's text)."""
    from django.db import close_old_connections
    from django.utils import timezone

    from bench.generate import PASSWORD, YEAR
    from pillars.models import MonthlyProgress

    seconds = args.load_seconds
    if not seconds:
        return
    today = timezone.localdate()
    month = today.month if today.year == YEAR else 12
    clients = _clients(month)
    port = args.load_port or free_port()
    pairs = [pk for client in clients for pk in client.save_urls]
    before = dict(
        MonthlyProgress.objects.filter(activity_id__in=pairs, month=month).values_list("activity_id", "version")
    )
    close_old_connections()
    empty_cache()
    n, recommended = len(clients), RECOMMENDED_WORKERS
    with collected_static() as static_root:
        with gunicorn(port, recommended, static_root):
            for client in clients:
                client.session = Session(port)
                client.session.login(client.username, PASSWORD)
            on_new_server(clients)
            plan = summary(*_run(clients, seconds, read_plan))
            bare = summary(*_run(clients, seconds, read_bare))
        plan["bare_rps"] = bare["rps"]
        plan["bare_share"] = round(plan["rps"] / bare["rps"], 3) if bare["rps"] else None
        bench.results[f"load: plan page, {n} clients, gunicorn.conf.py, {recommended} workers"] = plan
        bench.results[f"load: bare view, {n} clients, gunicorn.conf.py, {recommended} workers"] = bare

        swept: dict[int, list] = {}
        for workers in SWEEP:
            with gunicorn(port, workers, static_root):
                on_new_server(clients)
                tallies, elapsed = _run(clients, seconds / 4, read_plan)
            runs = swept.setdefault(workers, [[], 0.0])
            runs[0].extend(tallies)
            runs[1] += elapsed
        for workers in sorted(swept):
            tallies, elapsed = swept[workers]
            bench.results[f"load sweep: plan page, {n} clients, {workers} workers"] = summary(tallies, elapsed)
        best = max(
            sorted(swept), key=lambda w: bench.results[f"load sweep: plan page, {n} clients, {w} workers"]["rps"]
        )
        best_rps = bench.results[f"load sweep: plan page, {n} clients, {best} workers"]["rps"]
        bench.results["load sweep: best worker count"] = {"value": f"{best} workers ({best_rps} req/s)"}

        with gunicorn(port, recommended, static_root):
            on_new_server(clients)
            tallies, elapsed = _run(clients, seconds, save_progress)
    row = summary(tallies, elapsed)
    missing = _check_writes(tallies, month, before)
    row["accepted"] = sum(saves for tally in tallies for _, saves in tally.accepted.values())
    row["writes_missing"] = len(missing)
    row["first_missing"] = missing[:3]
    bench.results[f"load: saving progress, {n} clients"] = row
