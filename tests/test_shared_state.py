"""Several app servers behind one load balancer: a request may land on any of them, so what one request leaves for
the next is in the database, never in a process's memory, nor only in the cache.

The state that outlives a request: the session (Django's database sessions) and what is kept in it, the upload
previews waiting for confirmation (villages/pending.py) and a refused form kept for the next page
(pillars/views/answers.py); the messages (a cookie, or the session); the language (a cookie); the CSRF token (a
cookie, signed with the shared secret key); login failures and lockouts (django-axes' database tables, read by
rkt/login_throttle.py); a job's record, progress and heartbeat (jobs.Job), with its input and result files in the
default storage. The cache holds nothing the app needs back.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from reports.workbook import COLUMN_INDEX
from rkt.settings import redis_cache
from tests.reports.exports_helpers import fill_plan
from tests.reports.test_upload import as_file, download, row_of

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded_pillars")]

ROOT = Path(__file__).resolve().parent.parent

# Another app server: a process of its own on the same database and Redis, taking one request.
OTHER_SERVER = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "rkt.settings"
import django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client()
client.cookies[settings.SESSION_COOKIE_NAME] = sys.argv[1]
response = client.post(sys.argv[2], {"fingerprint": sys.argv[3]})
print(response.status_code, response.headers.get("Location", ""))
"""


def database_url() -> str:
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    return f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


def on_another_server(session_key: str, url: str, fingerprint: str, redis_url: str) -> tuple[int, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "RKT_"))}
    environment.update(DATABASE_URL=database_url(), RKT_REDIS_URL=redis_url)
    result = subprocess.run(
        [sys.executable, "-c", OTHER_SERVER, session_key, url, fingerprint],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    status, location = result.stdout.split()
    return int(status), location


def test_an_upload_previewed_on_one_server_is_confirmed_on_another(cast, redis_server):
    redis_url = redis_server.url(7)
    plan = cast.plan
    fill_plan(plan, 3)
    target = plan.activities.order_by("pk").first()
    with override_settings(CACHES={"default": redis_cache(redis_url)}):
        client = cast.client_for(cast.companion)
        book = download(client, plan)
        book["RKT"].cell(row_of(book["RKT"], target), COLUMN_INDEX["unit"]).value = "sesi"
        preview = client.post(reverse("reports:plan-upload", args=[plan.pk]), {"file": as_file(book)})
        assert preview.status_code == 200 and preview.context["preview"].has_changes
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    fingerprint = preview.context["confirm"].initial["fingerprint"]
    # Nothing is taken from the cache either: it may have been emptied (a Redis restart) in between.
    redis.Redis.from_url(redis_url).flushdb()

    confirm = reverse("reports:plan-upload-confirm", args=[plan.pk])
    status, location = on_another_server(session_key, confirm, fingerprint, redis_url)

    assert (status, location) == (302, plan.get_absolute_url())
    target.refresh_from_db()
    assert target.unit == "sesi"
    assert f"rkt-upload-{plan.pk}" not in SessionStore(session_key).load()  # taken out by the other server


def test_the_other_server_is_told_when_nothing_is_waiting(cast, redis_server):
    # The same request with no preview kept is refused: the test above passes because the session carried it.
    client = cast.client_for(cast.companion)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    status, location = on_another_server(
        session_key, reverse("reports:plan-upload-confirm", args=[cast.plan.pk]), "0" * 64, redis_server.url(7)
    )
    assert (status, location) == (302, reverse("reports:plan-upload", args=[cast.plan.pk]))
