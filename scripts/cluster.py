"""The national deployment on one machine: several gunicorn app servers over one fresh PostgreSQL database, Redis
as their shared cache and Celery's broker, shared file storage, optionally a Celery worker.

    python scripts/cluster.py up [--servers 2] [--workers 2] [--worker] [--seed tests.deployment.world:build]
                                 [--clock "2026-06-15 10:00"] [--storage auto|s3|files]

prints the servers' addresses and the environment they share, and runs until Ctrl-C. From Python (the deployment
tests, the deadline-rush bench)::

    with Cluster(servers=2, seed="tests.deployment.world:build", clock="2026-06-15 10:00") as cluster:
        visitor = Visitor()
        visitor.login(cluster.urls[0], "pld", "test-pass-123")
        visitor.get(f"{cluster.urls[1]}/plans/")

What it starts, in order, each step's output in a log file of the run folder:

1. the database ``rkt_cluster_<pid>_<random>`` on the PostgreSQL server (RKT_CLUSTER_POSTGRES, else the server of
   a PostgreSQL DATABASE_URL, else postgres@127.0.0.1:5432), migrated, then filled by ``seed``: a
   ``module:function`` called in a child process with the cluster's environment, whose JSON-able return value
   becomes ``cluster.seeded``;
2. Redis database RKT_CLUSTER_REDIS (redis://127.0.0.1:6379/8), emptied: the shared cache and Celery's broker,
   so one cluster at a time per Redis database;
3. storage: moto's S3 server on a free port with a bucket, named to the servers by RKT_STORAGE_URL, when moto is
   installed and the settings read RKT_STORAGE_URL (:func:`settings_read_storage_url`); otherwise one media folder
   every server shares (DJANGO_MEDIA_ROOT);
4. the static files collected into a folder of the run (DJANGO_STATIC_ROOT), which DEBUG off needs;
5. ``servers`` gunicorns of ``workers`` workers on free ports, with the production settings: DEBUG off, a secret
   key, ALLOWED_HOSTS 127.0.0.1; only the HTTPS redirect is off, as no TLS proxy stands in front. Each is waited
   for until it answers;
6. with ``worker``, one Celery worker (``celery -A rkt worker --concurrency 1``), waited for until it answers a
   ping through the broker. ``kill_worker()`` kills it as a crash would (SIGKILL), ``start_worker()`` starts
   another.

The caller's own DJANGO_* and RKT_* variables are not passed on: every process sees the cluster's environment
and ``extra_env``. With ``clock``, every process but the S3 server (migrate, seed, servers, worker) runs as if the
machine's clock read that moment (Jakarta time unless it says otherwise), running on from there, so the pages'
"today" is the caller's, not the machine's.

Leaving stops every process group (SIGTERM, then SIGKILL), drops the database and removes the run folder whatever
happened; after a failure the run folder and its logs are kept and their path printed.

Cookies: with DEBUG off the session and CSRF cookies are Secure, and a browser sends those over HTTPS only. No
setting is weakened for the cluster's plain HTTP: :class:`Visitor` stands where the TLS proxy would, and sends
them over the plain-HTTP hop behind it.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import html.parser
import importlib
import importlib.util
import json
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
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
THIS = Path(__file__).resolve()
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432"
DEFAULT_REDIS = "redis://127.0.0.1:6379/8"
READY_PATH = "/accounts/login/"
STARTUP_SECONDS = 90
FILE_STORAGE = "django.core.files.storage.FileSystemStorage"
S3_KEY, S3_SECRET, S3_BUCKET = "cluster-key", "cluster-secret", "rkt-cluster"
RESULT = "cluster-result: "  # the line of a `call` child's output that carries the function's return value


class ClusterError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def clean_environment() -> dict[str, str]:
    """The caller's environment without its Django and RKT settings (and its database)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "RKT_", "DATABASE_URL"))}


def postgres_server() -> str:
    """The server the cluster's database is made on, as a URL without a database name."""
    explicit = os.environ.get("RKT_CLUSTER_POSTGRES", "").strip()
    if explicit:
        return explicit.rstrip("/")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url.split("?", 1)[0].rsplit("/", 1)[0]
    return DEFAULT_POSTGRES


def moto_installed() -> bool:
    return importlib.util.find_spec("moto") is not None and (BIN / "moto_server").exists()


def settings_read_storage_url() -> bool:
    """Whether rkt/settings.py reads RKT_STORAGE_URL: loaded with one set, its default storage is no longer the
    file system's. A value the settings refuse is an error, not a quiet fall-back to a media folder."""
    env = clean_environment()
    env.update(
        DJANGO_SETTINGS_MODULE="rkt.settings",
        PYTHONPATH=str(ROOT),
        RKT_STORAGE_URL=f"s3://k:s@probe?endpoint_url=http://{HOST}:9&region_name=us-east-1",
    )
    code = "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        raise ClusterError(f"the settings refused an RKT_STORAGE_URL:\n{result.stderr[-2000:]}")
    return result.stdout.strip() != FILE_STORAGE


def _tail(path: Path, size: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-size:]
    except OSError:
        return "(no log)"


class Cluster:
    """App servers, database, Redis, storage and a worker, started on entering and stopped on leaving (see the
    module's docstring). ``urls`` are the servers' addresses, ``env`` what every process was given."""

    def __init__(
        self,
        *,
        servers: int = 2,
        workers: int = 2,
        worker: bool = False,
        seed: str | None = None,
        clock: str | dt.datetime | None = None,
        storage: str = "auto",
        redis_url: str | None = None,
        access_log: bool = True,
        extra_env: dict[str, str] | None = None,
    ):
        if storage not in {"auto", "s3", "files"}:
            raise ValueError(f"storage must be auto, s3 or files; got {storage!r}")
        self.servers, self.workers, self.with_worker = servers, workers, worker
        self.seed, self.storage_choice, self.access_log = seed, storage, access_log
        self.clock = clock.isoformat() if isinstance(clock, dt.datetime) else clock
        self.started_at = time.time()
        self.redis_url = redis_url or os.environ.get("RKT_CLUSTER_REDIS", DEFAULT_REDIS)
        self.database_name = f"rkt_cluster_{os.getpid()}_{secrets.token_hex(3)}"
        self.server_url = postgres_server()
        self.database_url = f"{self.server_url}/{self.database_name}"
        self.worker_name = f"rkt-cluster-{secrets.token_hex(3)}@{HOST}"
        self.run_dir = Path(tempfile.mkdtemp(prefix="rkt-cluster-"))
        self.logs = self.run_dir / "logs"
        self.logs.mkdir()
        self.storage = ""  # "s3" or "files", once started
        self.urls: list[str] = []
        self.seeded = None
        self._processes: dict[str, subprocess.Popen] = {}
        self._database_made = False
        self._control = None
        self.env = clean_environment()
        self.env.update(
            DJANGO_SETTINGS_MODULE="rkt.settings",
            PYTHONPATH=str(ROOT),
            DATABASE_URL=self.database_url,
            RKT_REDIS_URL=self.redis_url,
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS=HOST,
            # No TLS proxy in front: the production settings but the redirect to HTTPS.
            DJANGO_SECURE_SSL_REDIRECT="0",
            DJANGO_STATIC_ROOT=str(self.run_dir / "static"),
            DJANGO_MEDIA_ROOT=str(self.run_dir / "media"),
        )
        self.env.update(extra_env or {})

    # --- starting and stopping

    def __enter__(self) -> Cluster:
        self._previous_sigterm = None
        if threading.current_thread() is threading.main_thread():
            # Stopped with SIGTERM (a CI timeout), the caller still leaves the block and everything is stopped.
            self._previous_sigterm = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        try:
            self.start()
        except BaseException:
            self.stop(failed=True)
            raise
        return self

    def __exit__(self, kind, value, traceback) -> None:
        self.stop(failed=kind is not None)

    def start(self) -> None:
        self._make_database()
        self._empty_redis()
        self._start_storage()
        self._run("migrate", self._python("manage.py", "migrate", "--noinput"))
        if self.seed:
            self.seeded = self.call(self.seed)
        self._run("collectstatic", self._python("manage.py", "collectstatic", "--noinput", "-v0"))
        for index in range(self.servers):
            self.urls.append(self._start_server(index))
        for index, url in enumerate(self.urls):
            self._wait_for_server(self.server_name(index), url)
        if self.with_worker:
            self.start_worker()

    def stop(self, *, failed: bool = False) -> None:
        """Every process group stopped, the database dropped, the run folder removed (kept after a failure)."""
        for name in list(self._processes):
            self._stop(name)
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._database_made:
            import psycopg

            with psycopg.connect(f"{self.server_url}/postgres", autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')
            self._database_made = False
        if failed:
            print(f"cluster: logs kept in {self.logs}", file=sys.stderr)
        else:
            shutil.rmtree(self.run_dir, ignore_errors=True)
        if getattr(self, "_previous_sigterm", None) is not None:
            signal.signal(signal.SIGTERM, self._previous_sigterm)
            self._previous_sigterm = None

    def _make_database(self) -> None:
        import psycopg

        try:
            with psycopg.connect(f"{self.server_url}/postgres", autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{self.database_name}"')
        except psycopg.OperationalError as exc:
            raise ClusterError(f"PostgreSQL does not answer at {self.server_url}: {exc}") from None
        self._database_made = True

    def _empty_redis(self) -> None:
        import redis

        client = redis.Redis.from_url(self.redis_url)
        try:
            client.flushdb()
        except redis.ConnectionError as exc:
            raise ClusterError(
                f"Redis does not answer at {self.redis_url} ({exc}); start it with `redis-server --daemonize yes`"
            ) from None
        finally:
            client.close()

    def _start_storage(self) -> None:
        choice = self.storage_choice
        if choice == "auto":
            choice = "s3" if moto_installed() and settings_read_storage_url() else "files"
        elif choice == "s3" and not (moto_installed() and settings_read_storage_url()):
            raise ClusterError("storage s3 needs moto's server (requirements-dev.txt) and settings that read it")
        self.storage = choice
        if choice == "files":
            (self.run_dir / "media").mkdir()
            return
        import boto3

        port = free_port()
        self._start("s3", [str(BIN / "moto_server"), "-H", HOST, "-p", str(port)])
        endpoint = f"http://{HOST}:{port}"
        self._wait("s3", f"{endpoint}/")
        boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id=S3_KEY,
            aws_secret_access_key=S3_SECRET,
            region_name="us-east-1",
        ).create_bucket(Bucket=S3_BUCKET)
        self.env["RKT_STORAGE_URL"] = (
            f"s3://{S3_KEY}:{S3_SECRET}@{S3_BUCKET}?endpoint_url={endpoint}&region_name=us-east-1"
        )

    @staticmethod
    def server_name(index: int) -> str:
        return f"server-{'ABCDEFGHIJ'[index] if index < 10 else index}"

    def _start_server(self, index: int) -> str:
        port = free_port()
        command = ["-m", "gunicorn", "rkt.wsgi", "--workers", str(self.workers), "--bind", f"{HOST}:{port}"]
        if self.access_log:
            command += ["--access-logfile", "-"]
        self._start(self.server_name(index), self._python(*command))
        return f"http://{HOST}:{port}"

    def _wait_for_server(self, name: str, url: str) -> None:
        self._wait(name, f"{url}{READY_PATH}")

    def start_worker(self) -> None:
        """One Celery worker, waited for until it answers a ping through the broker."""
        if "worker" in self._processes:
            raise ClusterError("a worker is running already")
        command = ["-m", "celery", "-A", "rkt", "worker", "--concurrency", "1", "--loglevel", "INFO"]
        self._start("worker", self._python(*command, "--hostname", self.worker_name))
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self.worker_answers():
            self._check_alive("worker")
            if time.monotonic() > deadline:
                raise ClusterError(f"the worker did not answer within {STARTUP_SECONDS} s:\n{self.log('worker')}")

    def kill_worker(self) -> None:
        """The worker and its pool killed at once (SIGKILL), as a crash of its machine would."""
        if "worker" not in self._processes:
            raise ClusterError("no worker is running")
        self._stop("worker", kill=True)

    def worker_answers(self, timeout: float = 1.0) -> bool:
        if self._control is None:
            from celery import Celery

            self._control = Celery("cluster-control", broker=self.redis_url, set_as_current=False)
        return bool(self._control.control.ping(destination=[self.worker_name], timeout=timeout))

    # --- running things in the cluster's environment

    def call(self, target: str, **arguments):
        """Call ``module:function`` with ``arguments`` in a child process with the cluster's environment (and
        clock), Django set up; its return value. Both go through JSON."""
        command = self._python(str(THIS), "call", target, json.dumps(arguments))
        result = self._run(f"call-{target.rsplit(':', 1)[-1]}", command)
        for line in reversed(result.splitlines()):
            if line.startswith(RESULT):
                return json.loads(line[len(RESULT) :])
        raise ClusterError(f"{target} returned nothing")

    def manage(self, *args: str) -> str:
        """A management command in the cluster's environment (and clock); its output."""
        return self._run(f"manage-{args[0]}", self._python("manage.py", *args))

    def log(self, name: str) -> str:
        """The end of a process's log: server-A, server-B, …, worker, s3, migrate, collectstatic, call-…"""
        return _tail(self.logs / f"{name}.log")

    def servers_cpu_seconds(self) -> float:
        """CPU time the app servers (each gunicorn and its workers) have used so far."""
        return sum(group_cpu_seconds(pid) for name, pid in self.pids.items() if name.startswith("server-"))

    @property
    def pids(self) -> dict[str, int]:
        return {name: process.pid for name, process in self._processes.items()}

    def _python(self, *args: str) -> list[str]:
        """A Python command line, run at the cluster's clock when it has one."""
        if self.clock is None:
            return [sys.executable, *args]
        # With the moment the cluster started, so that every process's clock reads the same: a worker started a
        # minute after the servers is a minute further on, as the servers are (a job's heartbeat is compared
        # across them).
        return [sys.executable, str(THIS), "at", f"{self.clock}@{self.started_at}", *args]

    def _run(self, name: str, command: list[str]) -> str:
        log = self.logs / f"{name}.log"
        result = subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=900)
        log.write_text(result.stdout + result.stderr)
        if result.returncode:
            raise ClusterError(f"{name} failed ({result.returncode}):\n{_tail(log)}")
        return result.stdout

    def _start(self, name: str, command: list[str]) -> None:
        with (self.logs / f"{name}.log").open("ab") as log:
            log.write(f"== {' '.join(command)}\n".encode())
            log.flush()
            self._processes[name] = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def _stop(self, name: str, *, kill: bool = False) -> None:
        process = self._processes.pop(name)
        if not kill:
            _signal_group(process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=20)
        # Whatever the leader left behind in its group (a worker still finishing) goes too, and is waited for.
        _signal_group(process.pid, signal.SIGKILL)
        process.wait()
        deadline = time.monotonic() + 10
        while group_members(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)

    def _check_alive(self, name: str) -> None:
        if self._processes[name].poll() is not None:
            raise ClusterError(f"{name} stopped at start:\n{self.log(name)}")

    def _wait(self, name: str, url: str) -> None:
        import requests

        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            self._check_alive(name)
            try:
                if requests.get(url, timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise ClusterError(f"{name} did not answer {url} within {STARTUP_SECONDS} s:\n{self.log(name)}")
            time.sleep(0.2)


def _group_stats(group: int) -> dict[int, list[str]]:
    """The /proc/<pid>/stat fields (from the state on) of the live processes of process group ``group`` (Linux)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            found[int(stat.parent.name)] = fields
    return found


def group_members(group: int) -> list[int]:
    """The live processes of process group ``group``, zombies left out."""
    return sorted(_group_stats(group))


def group_cpu_seconds(group: int) -> float:
    """User and system CPU time the live processes of process group ``group`` have used (utime + stime)."""
    ticks = sum(int(fields[11]) + int(fields[12]) for fields in _group_stats(group).values())
    return ticks / os.sysconf("SC_CLK_TCK")


def _signal_group(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signum)


# --- the client


class PlainHopCookies(DefaultCookiePolicy):
    """Secure cookies sent over http too: the client stands where the TLS proxy would (module docstring)."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


class Visitor:
    """One person's browser: one cookie jar for every server, as for one site behind a load balancer."""

    def __init__(self, timeout: float = 120):
        import requests
        from requests.cookies import RequestsCookieJar

        class Session(requests.Session):
            # requests copies the session's cookies into a jar of its own for each request, with the default
            # policy; the copy gets ours.
            def prepare_request(self, request):
                prepared = super().prepare_request(request)
                jar = RequestsCookieJar(policy=PlainHopCookies())
                jar.update(self.cookies)
                prepared.headers.pop("Cookie", None)
                prepared.prepare_cookies(jar)
                return prepared

        self.http = Session()
        self.timeout = timeout

    def get(self, url: str, **kwargs):
        return self.http.get(url, timeout=self.timeout, allow_redirects=False, **kwargs)

    def post(self, url: str, data: dict, **kwargs):
        return self.http.post(url, data=data, timeout=self.timeout, allow_redirects=False, **kwargs)

    def login(self, server: str, username: str, password: str) -> None:
        """Through the login form, with the CSRF token of the page, as a browser does."""
        page = self.get(f"{server}/accounts/login/")
        fields = page_forms(page.text).get("", {})
        fields.update(username=username, password=password)
        answer = self.post(f"{server}/accounts/login/", fields)
        if answer.status_code != 302 or "sessionid" not in self.http.cookies:
            raise ClusterError(f"the login of {username} on {server} answered {answer.status_code}")


class _Forms(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: dict[str, dict[str, str]] = {}
        self._form: dict[str, str] | None = None
        self._textarea: str | None = None
        self._textarea_opened = False
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "form":
            self._form = self.forms.setdefault(attrs.get("action") or "", {})
        elif self._form is None or not name and tag != "option":
            return
        elif tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"file", "submit", "button", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self._form[name] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea, self._textarea_opened = name, True
            self._form[name] = ""
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and ("selected" in attrs or self._select not in self._form):
            self._form[self._select] = attrs.get("value") or ""

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            if self._textarea_opened:
                data = data.removeprefix("\n")  # the line break just after <textarea> is not the text's (HTML)
                self._textarea_opened = False
            self._form[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def page_forms(page: str) -> dict[str, dict[str, str]]:
    """What a browser would send from each form of ``page``, by the form's action: inputs with their values
    (checked boxes only), text areas, each select's chosen option; file inputs and buttons left out."""
    parser = _Forms()
    parser.feed(page)
    return parser.forms


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(page: str) -> str:
    found = CSRF_INPUT.search(page)
    if not found:
        raise ClusterError("no CSRF token on the page")
    return found.group(1)


# --- the command line


def _run_at(moment: str, argv: list[str]) -> None:
    """Run ``argv`` (``-m module …`` or ``script.py …``) in this process as if the clock read ``moment`` (in the
    app's TIME_ZONE unless it names its own), or ``moment@epoch``: that moment at the real time ``epoch``, running on
    from there; forked children (gunicorn's and Celery's workers) keep the clock."""
    import time_machine

    moment, _, since = moment.partition("@")
    when = dt.datetime.fromisoformat(moment)
    if when.tzinfo is None:
        from django.conf import settings

        when = when.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    if since:  # the cluster started then: this process is as far past the moment as the real clock is past that
        when += dt.timedelta(seconds=max(0.0, time.time() - float(since)))
    # In UTC: an aware destination in a ZoneInfo zone would make time-machine change the TZ variable too.
    time_machine.travel(when.astimezone(dt.UTC), tick=True).start()
    if argv[0] == "-m":
        sys.argv = argv[1:]
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = argv
        runpy.run_path(argv[0], run_name="__main__")


def _call(target: str, arguments: str) -> None:
    import django

    django.setup()
    module, _, name = target.partition(":")
    result = getattr(importlib.import_module(module), name)(**json.loads(arguments))
    print(RESULT + json.dumps(result))


def main() -> None:
    sys.path.insert(0, str(ROOT))
    if len(sys.argv) > 2 and sys.argv[1] == "at":
        _run_at(sys.argv[2], sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start a cluster and keep it until Ctrl-C")
    up.add_argument("--servers", type=int, default=2)
    up.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    up.add_argument("--worker", action="store_true", help="start a Celery worker too")
    up.add_argument("--seed", help="module:function that fills the fresh database, e.g. tests.deployment.world:build")
    up.add_argument("--clock", help='the moment every process believes it is, e.g. "2026-06-15 10:00" (Jakarta)')
    up.add_argument("--storage", choices=["auto", "s3", "files"], default="auto")
    call = commands.add_parser("call", help="(used by the cluster) call module:function with Django set up")
    call.add_argument("target")
    call.add_argument("arguments", nargs="?", default="{}", help="its keyword arguments, as a JSON object")
    args = parser.parse_args()
    if args.command == "call":
        _call(args.target, args.arguments)
        return
    cluster = Cluster(
        servers=args.servers,
        workers=args.workers,
        worker=args.worker,
        seed=args.seed,
        clock=args.clock,
        storage=args.storage,
    )
    with cluster:
        for index, url in enumerate(cluster.urls):
            print(f"{cluster.server_name(index)}: {url}/")
        if cluster.seeded is not None:
            print(f"seeded: {json.dumps(cluster.seeded)}")
        print(f"storage: {cluster.storage}; logs: {cluster.logs}")
        print("The servers' environment, for manage.py against the cluster:")
        for key in sorted(k for k in cluster.env if k.startswith(("DJANGO_", "RKT_", "DATABASE_URL"))):
            print(f"  export {key}='{cluster.env[key]}'")
        print("Ctrl-C stops everything and drops the database.")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
