"""Jobs on real Celery workers through a real Redis: a recap made by a worker, and a worker killed mid-job.

The worker is a separate process (`celery -A rkt worker`) on the test database, as in production; Redis is a
redis-server of the tests' own (the ``redis_server`` fixture)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from jobs.models import Job
from tests.factories import ActivityFactory
from tests.jobs.brokers import broker

ROOT = Path(__file__).resolve().parents[2]
STALE = 5

pytestmark = pytest.mark.django_db(transaction=True)


def database_url() -> str:
    config = connection.settings_dict
    if config["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{config['NAME']}"
    host, port = config.get("HOST") or "127.0.0.1", config.get("PORT") or 5432
    return f"postgres://{config['USER']}@{host}:{port}/{config['NAME']}"


class Worker:
    def __init__(self, log: Path, broker: str):
        self.log, self.broker = log, broker
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "RKT_BROKER_URL": self.broker,
            "RKT_JOBS": "celery",
            "RKT_JOB_STALE_SECONDS": str(STALE),
            "DJANGO_MEDIA_ROOT": os.environ["DJANGO_MEDIA_ROOT"],
        }
        env.pop("RKT_TEST_MACHINE_DATE", None)
        # At the test's clock (the machine's date may be set for the suite, RKT_TEST_MACHINE_DATE): the worker's
        # timestamps (heartbeat, kept until) are compared with the test's.
        at = [str(ROOT / "scripts" / "cluster.py"), "at", timezone.now().isoformat()]
        command = [sys.executable, *at, "-m", "celery", "-A", "rkt", "worker", "--pool", "solo", "--without-gossip",
                   "--without-mingle", "--loglevel", "INFO"]  # fmt: skip
        handle = self.log.open("ab")
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def on_workers(settings, tmp_path, seeded_pillars, redis_server):
    """Jobs sent through Redis to a worker process; the files in a folder the worker sees too."""
    import redis

    url = redis_server.url(1)
    redis.Redis.from_url(url).flushdb()
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = str(media)
    os.environ["DJANGO_MEDIA_ROOT"] = str(media)
    settings.RKT_JOBS = "celery"
    settings.RKT_JOB_STALE_SECONDS = STALE
    with broker(url, broker_transport_options={"visibility_timeout": STALE * 2}):
        worker = Worker(tmp_path / "worker.log", url)
        worker.start()
        yield worker
        worker.stop()
    os.environ.pop("DJANGO_MEDIA_ROOT", None)


def wait_for(job: Job, condition, seconds: float, worker: Worker) -> Job:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if condition(job):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job.status} at {job.progress} %; worker log:\n{worker.log.read_text()[-3000:]}")


def test_a_worker_makes_the_recap_and_its_owner_downloads_it(cast, on_workers):
    client = cast.client_for(cast.coordinator)
    started = time.monotonic()
    response = client.post(reverse("reports:recap-xlsx", args=[2026]))
    assert time.monotonic() - started < 1  # the request only records and sends the job
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    wait_for(job, lambda j: j.is_finished, 60, on_workers)
    assert job.status == Job.Status.DONE, job.error
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert b"".join(download.streaming_content)[:2] == b"PK"  # an .xlsx


def test_a_worker_killed_mid_job_leaves_it_to_be_run_again_never_running_for_ever(cast, on_workers):
    ActivityFactory.create_batch(300, plan=cast.plan)  # a plan PDF of several seconds
    client = cast.client_for(cast.companion)
    client.post(reverse("reports:plan-pdf-job", args=[cast.plan.pk]))
    job = Job.objects.get()
    wait_for(job, lambda j: j.status == Job.Status.RUNNING and j.progress >= 15, 60, on_workers)
    on_workers.kill()
    time.sleep(STALE + 1)
    # Its page notices the silence and sends it again; a new worker takes it.
    client.get(job.get_absolute_url())
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    on_workers.start()
    wait_for(job, lambda j: j.is_finished, 90, on_workers)
    assert job.status == Job.Status.DONE and job.attempts == 2, job.error
    pdf = b"".join(client.get(reverse("jobs:download", args=[job.pk])).streaming_content)
    assert pdf.startswith(b"%PDF")
