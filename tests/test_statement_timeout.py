"""A web request's SQL is bounded: PostgreSQL cancels a statement past the timeout, and the page answers 503.

The bound is PostgreSQL's own ``statement_timeout``, set on every connection of a web process (the WSGI entry
point sets ``RKT_DB_STATEMENT_TIMEOUT=10``), so a runaway query ends inside the database with its request
instead of holding a backend after gunicorn has killed the worker.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path

ROOT = Path(__file__).resolve().parent.parent
PROBE = f"rkt-slow-probe-{uuid.uuid4().hex[:8]}"


def slow(request):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_sleep(5), '{PROBE}'")
    return HttpResponse("finished")


def refused(request):
    class Cancelled(Exception):
        sqlstate = "57014"

    raise OperationalError("canceling statement due to statement timeout") from Cancelled()


urlpatterns = [path("slow/", slow), path("refused/", refused)]


def options_with(*, web: bool = False, **env: str) -> str:
    """The PostgreSQL connection options the settings give, in a fresh process (a web one imports rkt.wsgi)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "RKT_"))}
    environment.update(env)
    entry = "import rkt.wsgi; " if web else ""
    code = (
        f"import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'rkt.settings'); {entry}"
        "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS', {}).get('options', ''))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_web_process_on_postgresql_bounds_each_statement_at_10_seconds_and_a_command_does_not():
    url = "postgres://postgres@127.0.0.1:5432/rkt"
    assert options_with(DATABASE_URL=url, web=True) == "-c jit=off -c statement_timeout=10000"
    assert options_with(DATABASE_URL=url) == "-c jit=off"
    assert options_with(DATABASE_URL=url, RKT_DB_STATEMENT_TIMEOUT="3") == "-c jit=off -c statement_timeout=3000"


@override_settings(ROOT_URLCONF="tests.test_statement_timeout")
def test_a_cancelled_statement_answers_503_with_the_apps_page_and_is_logged(client, caplog, db):
    response = client.get("/refused/")
    assert response.status_code == 503
    assert "This page took too long" in response.content.decode()
    assert "statement timeout on GET /refused/" in caplog.text


@pytest.mark.django_db(transaction=True)
@override_settings(ROOT_URLCONF="tests.test_statement_timeout")
def test_a_slow_query_is_cancelled_inside_postgresql_when_its_request_ends(client):
    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's; SQLite has no such bound (README)")
    options = connection.settings_dict.setdefault("OPTIONS", {})
    before = options.get("options")
    connection.close()
    # A connection opened now carries it, as the WSGI one (with RKT_DB_POOL_MAX, one of a pool built anew with it).
    connection.close_pool()
    options["options"] = "-c jit=off -c statement_timeout=500"
    try:
        started = time.monotonic()
        response = client.get("/slow/")
        took = time.monotonic() - started
    finally:
        connection.close()
        connection.close_pool()
        if before is None:
            options.pop("options", None)
        else:
            options["options"] = before
    assert response.status_code == 503 and took < 3
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE %s AND query NOT LIKE %s",
            [f"%{PROBE}%", "%pg_stat_activity%"],
        )
        assert cursor.fetchone()[0] == 0
