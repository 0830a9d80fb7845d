"""``/healthz`` against the real parts: Redis (db 7) as the cache and the broker, the test database, a storage folder;
and each of them down, refused or silent, answered 503 within a few seconds naming the part."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import dj_database_url
import pytest
from django.db import connection, connections
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from rkt.health import PATH
from rkt.settings import redis_cache

pytestmark = pytest.mark.django_db

HEALTHY = {"database": "ok", "cache": "ok", "storage": "ok"}


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def closed_port() -> int:
    """A port on this machine where nothing listens: a connection is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that takes connections and never says a word, like a server that has hung."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield server.getsockname()[1]


def probe(client: Client | None = None, **extra):
    started = time.monotonic()
    response = (client or Client()).get(PATH, **extra)
    return response, time.monotonic() - started


def states(response) -> dict[str, str]:
    return response.json()["checks"]


@contextmanager
def database_at(url: str):
    """The connections opened from now on, in any thread, go to ``url``; the test's own stays where it is."""
    closed = connections.configure_settings({"default": dj_database_url.parse(url)})["default"]
    saved = connections.settings["default"]
    connections.settings["default"] = closed
    try:
        yield
    finally:
        connections.settings["default"] = saved


def test_every_part_up_answers_200_naming_each_check(settings, redis_server):
    with override_settings(CACHES={"default": redis_cache(redis_server.url(7))}):
        response, took = probe()
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": HEALTHY}
    assert response["Content-Type"] == "application/json"
    assert took < 1
    # The storage's probe file was written under healthz/ and deleted again.
    assert list((settings.MEDIA_ROOT / "healthz").iterdir()) == []


def test_with_celery_jobs_the_broker_is_checked_without_asking_for_a_worker(redis_server):
    url = redis_server.url(7)
    with override_settings(RKT_JOBS="celery", RKT_BROKER_URL=url, CACHES={"default": redis_cache(url)}):
        response, _ = probe()
    assert response.status_code == 200
    assert states(response) == {"database": "ok", "cache": "ok", "broker": "ok", "storage": "ok"}


def test_a_redis_cache_at_a_closed_port_answers_503_at_once_naming_the_cache(closed_port):
    with override_settings(CACHES={"default": redis_cache(f"redis://127.0.0.1:{closed_port}/7")}):
        response, took = probe()
    assert response.status_code == 503
    assert response.json() == {"status": "down", "checks": {**HEALTHY, "cache": "down"}}
    assert took < 1


def test_a_redis_cache_that_never_answers_is_given_up_after_its_two_seconds(silent_port):
    with override_settings(CACHES={"default": redis_cache(f"redis://127.0.0.1:{silent_port}/7")}):
        response, took = probe()
    assert response.status_code == 503
    assert states(response) == {**HEALTHY, "cache": "down"}
    assert 1.5 < took < 3


def test_a_database_that_refuses_answers_503_naming_the_database(closed_port):
    with database_at(f"postgres://postgres@127.0.0.1:{closed_port}/rkt"):
        response, took = probe()
    assert response.status_code == 503
    assert states(response) == {**HEALTHY, "database": "down"}
    assert took < 1


def test_a_database_that_never_answers_is_given_up_within_three_seconds(silent_port):
    # Without a connect_timeout libpq waits for ever on a server that accepts and says nothing: the check is
    # abandoned, not waited for, and its thread cannot keep the process from exiting.
    with database_at(f"postgres://postgres@127.0.0.1:{silent_port}/rkt"):
        response, took = probe()
    assert response.status_code == 503
    assert states(response) == {**HEALTHY, "database": "down"}
    assert 2.5 < took < 4
    still_waiting = [thread for thread in threading.enumerate() if thread.name == "healthz"]
    assert still_waiting and all(thread.daemon for thread in still_waiting)


def test_a_sqlite_file_that_cannot_be_opened_answers_503(tmp_path):
    with database_at(f"sqlite:///{tmp_path}/no-such-folder/db.sqlite3"):
        response, _ = probe()
    assert response.status_code == 503
    assert states(response)["database"] == "down"


def test_the_database_check_is_the_configured_one(db):
    # The cases above are not a check that always fails: the same swap back to the real database passes.
    settings_dict = connection.settings_dict
    url = (
        f"sqlite:///{settings_dict['NAME']}"
        if connection.vendor == "sqlite"
        else f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"
    )
    with database_at(url):
        response, _ = probe()
    assert response.status_code == 200, response.content


def test_a_storage_that_cannot_be_written_answers_503_naming_the_storage(tmp_path):
    # A file where the folder should be: refused for root too, which a read-only folder is not.
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(blocked)}},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        response, took = probe()
    assert response.status_code == 503
    assert states(response) == {**HEALTHY, "storage": "down"}
    assert took < 1


def s3_storage(url: str) -> dict:
    from rkt.storage_url import BACKEND, storage_options

    return {
        "default": {"BACKEND": BACKEND, "OPTIONS": storage_options(url, url_seconds=60)},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def test_an_s3_storage_is_written_read_and_left_as_it_was(s3):
    response, took = probe()
    assert response.status_code == 200
    assert states(response) == HEALTHY
    assert s3.names() == []
    assert took < 2


def test_an_s3_bucket_that_does_not_exist_answers_503_naming_the_storage(s3):
    with override_settings(STORAGES=s3_storage(s3.url.replace("@rkt-test/", "@no-such-bucket/"))):
        response, took = probe()
    assert response.status_code == 503
    assert states(response) == {**HEALTHY, "storage": "down"}
    assert took < 2


def test_an_s3_endpoint_that_refuses_answers_503_naming_the_storage(s3, closed_port):
    endpoint = s3.url.replace(s3.server.endpoint, f"http://127.0.0.1:{closed_port}")
    with override_settings(STORAGES=s3_storage(endpoint)):
        response, took = probe()
    assert response.status_code == 503
    assert states(response) == {**HEALTHY, "storage": "down"}
    assert took < 4


def test_a_broker_at_a_closed_port_answers_503_naming_the_broker(closed_port):
    with override_settings(RKT_JOBS="celery", RKT_BROKER_URL=f"redis://127.0.0.1:{closed_port}/7"):
        response, took = probe()
    assert response.status_code == 503
    assert states(response) == {"database": "ok", "cache": "ok", "broker": "down", "storage": "ok"}
    assert took < 1


def test_a_broker_that_never_answers_is_given_up_after_its_two_seconds(silent_port):
    with override_settings(RKT_JOBS="celery", RKT_BROKER_URL=f"redis://127.0.0.1:{silent_port}/7"):
        response, took = probe()
    assert response.status_code == 503
    assert states(response)["broker"] == "down"
    assert 1.5 < took < 3.5


def test_it_rejects_post_even_with_csrf_checks_on():
    response = Client(enforce_csrf_checks=True).post(PATH)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_head_answers_like_get():
    response = Client().head(PATH)
    assert response.status_code == 200


def test_it_is_never_cached():
    cache_control = probe()[0]["Cache-Control"]
    assert "no-store" in cache_control and "no-cache" in cache_control and "max-age=0" in cache_control


def test_a_signed_in_probe_reads_and_writes_no_session(cast):
    client = cast.client_for(cast.companion)
    # Any query of this request's own thread would be the session's; the database check uses a connection of its own.
    with CaptureQueriesContext(connection) as queries:
        response, _ = probe(client)
    assert response.status_code == 200
    assert queries.captured_queries == []
    assert "sessionid" not in response.cookies


def test_a_probe_from_the_load_balancer_meets_no_redirect_host_check_or_locale(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["rkt.example.go.id"]
    response, _ = probe(HTTP_HOST="10.0.0.5:8000", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Content-Language" not in response
    # ...where a page is refused for that host, and sent to HTTPS at the right one.
    assert Client().get("/accounts/login/", HTTP_HOST="10.0.0.5:8000").status_code == 400
    assert Client().get("/accounts/login/", HTTP_HOST="rkt.example.go.id").status_code == 301
