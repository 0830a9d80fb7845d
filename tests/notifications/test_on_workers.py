"""With workers (RKT_JOBS=celery), a transition's e-mail is handed through a real Redis to a worker process, which
sends it to the tests' SMTP server after the transition commits: the request only records it."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from notifications.models import Kind, Notification
from pillars import services
from tests.factories import ActivityFactory
from tests.jobs.brokers import broker
from tests.jobs.test_workers import Worker
from tests.notifications.people import address, with_addresses

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker(settings, tmp_path, monkeypatch, seeded_pillars, redis_server, smtp, clock):
    """A worker process on the test database, its e-mail through DJANGO_EMAIL_URL to the tests' SMTP server."""
    import redis

    url = redis_server.url(2)
    redis.Redis.from_url(url).flushdb()
    media = tmp_path / "media"
    media.mkdir()
    monkeypatch.setenv("DJANGO_MEDIA_ROOT", str(media))
    monkeypatch.setenv("DJANGO_EMAIL_URL", f"smtp://127.0.0.1:{smtp.port}")
    settings.RKT_JOBS = "celery"
    with broker(url):
        process = Worker(tmp_path / "worker.log", url)
        process.start()
        yield process
        process.stop()


def test_a_worker_sends_the_email_of_a_transition(cast, worker, smtp):
    with_addresses(cast)
    ActivityFactory(plan=cast.plan, months=(1,), target_quantity=Decimal(1))
    started = time.monotonic()
    services.plan_submit(plan=cast.plan, by=cast.companion)
    assert time.monotonic() - started < 2  # handed on, not sent here
    messages = smtp.wait_for(1, seconds=60)
    assert len(messages) == 1, worker.log.read_text()[-3000:]
    assert messages[0].recipients == [address(cast.coordinator)]
    deadline = time.monotonic() + 10
    notification = Notification.objects.get(kind=Kind.PLAN_SUBMITTED)
    while notification.email != Notification.Email.SENT and time.monotonic() < deadline:
        time.sleep(0.1)
        notification.refresh_from_db()
    assert (notification.email, notification.email_attempts) == (Notification.Email.SENT, 1)
