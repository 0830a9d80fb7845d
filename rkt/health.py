"""``/healthz``: can this app server serve? The database, the cache, the broker (with Celery jobs) and the default
storage, each given about two seconds; 200 when every one answers, 503 naming the one that did not.

The checks are django-health-check's (the database's ``SELECT 1``, the cache's set and get, the storage's write,
read back and delete, here under ``healthz/``) and one of ours for the broker: the package's Celery check pings the
workers, and a web server whose workers are all busy or restarting can still take requests and queue jobs.

:class:`HealthCheckMiddleware` answers it first of all middleware: a load balancer probes each server directly, over
plain HTTP, at its own address, with no cookie, so the probe must meet no HTTPS redirect and no host check, and it
reads or writes no session, is not sent to the Indonesian-first locale, and is never cached.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime
import threading
import urllib.parse
import uuid
from concurrent.futures import Executor, Future

from asgiref.sync import async_to_sync
from django.conf import settings
from django.http import JsonResponse
from health_check import checks
from health_check.base import HealthCheck
from health_check.exceptions import HealthCheckException, ServiceUnavailable
from health_check.views import HealthCheckView
from kombu import Connection
from kombu.exceptions import OperationalError

PATH = "/healthz"
# Each check's own client gives up after this; the package stops waiting for a check a second later.
TIMEOUT = datetime.timedelta(seconds=2)


class Database(checks.Database):
    """django-health-check's ``SELECT 1`` on a connection of its own, within :data:`TIMEOUT`."""

    timeout = TIMEOUT


@dataclasses.dataclass
class Storage(checks.Storage):
    """django-health-check's write, read back and delete of a small file, under ``healthz/``. A storage that refuses
    (a read-only folder, a bucket denying the write) is reported unavailable with the error's kind, where the
    package would log it as an unknown error."""

    timeout = TIMEOUT

    def get_file_name(self) -> str:
        return f"healthz/{uuid.uuid4().hex}.txt"

    def run(self) -> None:
        try:
            super().run()
        except HealthCheckException:
            raise
        except Exception as error:
            raise ServiceUnavailable(f"{type(error).__name__} from the storage") from error


@dataclasses.dataclass
class Broker(HealthCheck):
    """A connection to the broker opened and closed, as a web process opens one to send a job; no worker needs to
    answer."""

    url: str = dataclasses.field(repr=False)
    timeout: datetime.timedelta = dataclasses.field(default=TIMEOUT, repr=False)

    def __repr__(self) -> str:
        # The URL may carry a password: only where it points is logged.
        try:
            parts = urllib.parse.urlsplit(self.url)
            return f"Broker({parts.scheme}://{parts.hostname}:{parts.port or ''})"
        except ValueError:
            return "Broker()"

    def run(self) -> None:
        seconds = self.timeout.total_seconds()
        socket_options = {"socket_connect_timeout": seconds, "socket_timeout": seconds}
        try:
            with Connection(self.url, connect_timeout=seconds, transport_options=socket_options) as connection:
                connection.ensure_connection(max_retries=0)  # one attempt: a retry would wait seconds first
        except (OperationalError, OSError) as error:
            raise ServiceUnavailable(f"no connection to the broker ({type(error).__name__})") from error


def health_checks() -> dict[str, HealthCheck]:
    """The checks for the current settings, by the name the answer gives them."""
    found: dict[str, HealthCheck] = {
        "database": Database(),
        "cache": checks.Cache(key_prefix="healthz", timeout=TIMEOUT),
    }
    if settings.RKT_JOBS == "celery":
        found["broker"] = Broker(url=settings.RKT_BROKER_URL)
    found["storage"] = Storage()
    return found


class _ThreadEach(Executor):
    """A daemon thread for each synchronous check, not waited for once the answer is known.

    The event loop's own executor is joined when the loop closes, and any ThreadPoolExecutor when the process exits,
    so a check stuck on a server that accepts and never answers would hold the response past the package's limit,
    then keep a gunicorn worker from exiting on a restart.
    """

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as error:
                future.set_exception(error)

        threading.Thread(target=run, name="healthz", daemon=True).start()
        return future


class HealthView(HealthCheckView):
    """django-health-check's view (never cached, the checks run side by side), answering JSON only:
    ``{"status": "ok", "checks": {"database": "ok", ...}}``, status 503 and ``"down"`` where a check failed (its
    reason is in the log, under ``health_check``)."""

    def get_executor(self):
        return contextlib.nullcontext(_ThreadEach())

    async def get(self, request, *args, **kwargs):
        named = health_checks()
        with self.get_executor() as executor:
            results = await asyncio.gather(*(check.get_result(executor) for check in named.values()))
        states = {name: "down" if result.error else "ok" for name, result in zip(named, results, strict=True)}
        down = "down" in states.values()
        return JsonResponse({"status": "down" if down else "ok", "checks": states}, status=503 if down else 200)


class HealthCheckMiddleware:
    """Answers :data:`PATH` with :class:`HealthView`; everything else goes on down the middleware. First in
    ``MIDDLEWARE``, so that no other middleware runs for the probe (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.view = async_to_sync(HealthView.as_view())

    def __call__(self, request):
        if request.path_info == PATH:
            return self.view(request)
        return self.get_response(request)
