"""The shared cast: a companion, another companion, a coordinator in scope, one out of scope, an admin."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import import_module

import pytest
from django.test import Client

from tests import s3 as s3_helpers
from tests.clock import DEFAULT_NOW, Clock, machine_travel
from tests.factories import (
    CompanionFactory,
    CoordinatorFactory,
    PlanFactory,
    UserFactory,
    open_year,
    region,
)


def pytest_collection_modifyitems(config, items) -> None:
    """A test that sets the clock depends on the date: mark it ``clock`` (CI runs those at several dates)."""
    for item in items:
        if "clock" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.clock)


@pytest.fixture(scope="session", autouse=True)
def _machine_date() -> Iterator[None]:
    """``RKT_TEST_MACHINE_DATE=2027-01-01`` runs the suite as if the machine's calendar read that day.

    No test may notice: every test that involves "today" sets its own clock. CI's clock matrix runs the
    tests marked ``clock`` this way at the days where the calendar matters (1st, 5th, 6th, 31st, new year).
    """
    value = os.environ.get("RKT_TEST_MACHINE_DATE", "").strip()
    if not value:
        yield
        return
    with machine_travel(value):
        yield


@pytest.fixture
def clock() -> Iterator[Clock]:
    """The app's date and time, set by the test: starts at ``DEFAULT_NOW`` (Jakarta time), frozen."""
    test_clock = Clock()
    test_clock.set(DEFAULT_NOW)
    yield test_clock
    test_clock.stop()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite tests use a real file, not shared-cache memory: concurrent writers then meet the same
    locking (WAL, busy timeout, IMMEDIATE transactions) as in production."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture
def seeded_pillars(transactional_db) -> None:
    """A transactional test flushes the database afterwards, and the pillars seeded by a data migration
    go with it; a later transactional test puts them back from the migration itself."""
    from django.apps import apps

    if not apps.get_model("pillars", "Pillar").objects.exists():
        import_module("pillars.migrations.0002_seed_the_four_pillars").add_pillars(apps, None)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with nothing cached (the pages' cache is the process's by default, and outlives a test)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def pages_drawn(settings):
    """Every request draws its page (none kept in the cache): for the tests that count what drawing one costs."""
    settings.RKT_PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    """Tests read the English source strings; the Indonesian default is tested where it matters
    (tests/test_shell.py, tests/test_translations.py, the PDFs), by setting LANGUAGE_CODE back to "id"."""
    settings.LANGUAGE_CODE = "en"


@dataclass
class Cast:
    companion: object
    other_companion: object
    coordinator: object
    outsider: object
    admin: object
    plan: object
    other_plan: object
    outside_plan: object

    def client_for(self, user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture
def cast(db) -> Cast:
    """Gunungkidul (34.03) and Kulon Progo (34.01), people in both, and one draft plan each."""
    open_year(2026)
    gk_a, gk_b, gk_c = region("34.03.01.2001"), region("34.03.01.2002"), region("34.03.02.2001")
    kp = region("34.01.01.2001")
    companion = CompanionFactory(user=UserFactory(username="pld"), villages=[gk_a, gk_b])
    other = CompanionFactory(user=UserFactory(username="pld2"), villages=[gk_c])
    far = CompanionFactory(user=UserFactory(username="pld_kp"), villages=[kp])
    coordinator = CoordinatorFactory(user=UserFactory(username="koord"), scope_region=region("34.03"))
    outsider = CoordinatorFactory(user=UserFactory(username="koord_kp"), scope_region=region("34.01"))
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    return Cast(
        companion=companion.user,
        other_companion=other.user,
        coordinator=coordinator.user,
        outsider=outsider.user,
        admin=admin,
        plan=PlanFactory(companion=companion),
        other_plan=PlanFactory(companion=other),
        outside_plan=PlanFactory(companion=far),
    )


@pytest.fixture(autouse=True)
def _jobs_in_the_request(settings):
    """Background jobs run inside the request that starts them, so a test reads their result at once; the
    thread and Celery paths have tests of their own (tests/jobs)."""
    settings.RKT_JOBS = "eager"


@pytest.fixture(scope="session")
def redis_server():
    """A redis-server of the tests' own (tests/redis_server.py), for the whole session."""
    from tests.redis_server import RedisServer

    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def s3_server() -> Iterator[s3_helpers.S3Server]:
    """moto's standalone S3 server in a process of its own, with a bucket, for the whole session. A server that
    cannot start fails every test that needs it (CI installs moto from requirements-dev.txt): none is skipped."""
    server = s3_helpers.S3Server().start()
    yield server
    server.stop()


@pytest.fixture
def s3(settings, s3_server) -> s3_helpers.Bucket:
    """STORAGES["default"] on the S3 server, at a prefix of this test's own, configured from an RKT_STORAGE_URL by
    the settings' own parser: the app's files go through django-storages to a real S3 API."""
    from rkt.storage_url import BACKEND, storage_options

    bucket = s3_helpers.Bucket(s3_server, s3_helpers.new_prefix())
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": BACKEND, "OPTIONS": storage_options(bucket.url, url_seconds=60)},
    }
    return bucket


@pytest.fixture(scope="session")
def smtp_server():
    """An SMTP server of the tests' own (tests/smtp_server.py, aiosmtpd on 127.0.0.1), for the whole session."""
    from tests.smtp_server import SmtpServer

    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp(settings, smtp_server):
    """The app's e-mail through Django's SMTP backend to :func:`smtp_server`, emptied for this test."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    smtp_server.clear()
    yield smtp_server
    smtp_server.clear()
