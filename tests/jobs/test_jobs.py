"""Background jobs: run, followed, failed in words, retried, recovered when their worker dies, expired.

A job kind of the tests' own ("probe") does what each test tells it; the real kinds (recap, PDFs, import) are
tested through their pages in tests/reports and tests/villages, and here through the thread and the workers."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from jobs import runner
from jobs.models import Job
from tests.jobs.brokers import broker

pytestmark = pytest.mark.django_db

BEHAVIOUR: dict = {}


def probe(job: Job, progress: runner.Progress) -> runner.Outcome:
    """Does what ``BEHAVIOUR`` says: fail in words, raise, or make a small file."""
    BEHAVIOUR.setdefault("runs", []).append(job.attempts)
    progress(50, "half-way")
    BEHAVIOUR["seen"] = progress.current()
    if BEHAVIOUR.get("fail"):
        raise runner.JobFailed(BEHAVIOUR["fail"])
    if BEHAVIOUR.get("crash"):
        raise RuntimeError("a bug")
    return runner.Outcome(filename="probe.txt", content_type="text/plain", content=b"made by the probe")


@pytest.fixture(autouse=True)
def probe_kind():
    BEHAVIOUR.clear()
    runner.register("probe")(probe)
    yield
    runner.KINDS.pop("probe", None)


def start(user, **params) -> Job:
    return runner.start(owner=user, kind="probe", title="Probe", params=params)


def probe_job(owner, **fields) -> Job:
    """A probe job as a worker left it (running, waiting, …), written straight to the database."""
    return Job.objects.create(owner=owner, kind="probe", title="Probe", **fields)


def test_a_job_runs_to_its_download(cast):
    job = start(cast.coordinator)
    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts) == (Job.Status.DONE, 100, 1)
    assert BEHAVIOUR["seen"] == (50, "half-way")
    assert job.expires_at - job.finished_at == timedelta(hours=24)
    client = cast.client_for(cast.coordinator)
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    assert reverse("jobs:download", args=[job.pk]) in page.content.decode()
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert b"".join(download.streaming_content) == b"made by the probe"
    assert 'filename="probe.txt"' in download["Content-Disposition"]


def test_a_job_remembers_the_language_it_was_asked_in(cast):
    with translation.override("en"):
        job = start(cast.coordinator)
    assert job.params["language"] == "en"


def test_the_page_polls_while_the_job_runs_and_stops_when_it_is_done(cast, clock):
    job = probe_job(
        cast.coordinator,
        status=Job.Status.RUNNING,
        progress=40,
        step="Reading the plans",
        heartbeat_at=clock.now,
    )
    client = cast.client_for(cast.coordinator)
    part = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert '<div id="job-status"' in part
    assert 'data-hx-trigger="every 1s"' in part
    assert 'value="40"' in part and "Reading the plans" in part
    assert "<html" not in part
    whole = client.get(job.get_absolute_url()).content.decode()
    assert '<meta http-equiv="refresh" content="5">' in whole  # without JavaScript, the page reloads
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, progress=100, finished_at=clock.now)
    done = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "data-hx-trigger" not in done


def test_a_failure_in_words_is_shown_and_a_retry_runs_it_again(cast):
    BEHAVIOUR["fail"] = "The plan has no activities."
    job = start(cast.coordinator)
    job.refresh_from_db()
    assert job.is_failed and job.error == "The plan has no activities."
    client = cast.client_for(cast.coordinator)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "The plan has no activities." in page and reverse("jobs:retry", args=[job.pk]) in page
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    BEHAVIOUR.pop("fail")
    assert client.post(reverse("jobs:retry", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.error == "" and BEHAVIOUR["runs"] == [1, 1]


def test_an_unexpected_error_fails_the_job_with_a_message_not_a_trace(cast, caplog):
    BEHAVIOUR["crash"] = True
    job = start(cast.coordinator)
    job.refresh_from_db()
    assert job.is_failed
    assert "unexpected error" in job.error and "RuntimeError" not in job.error
    assert "a bug" in caplog.text  # the trace is in the log, for the administrator


def test_a_retry_of_a_job_that_did_not_fail_changes_nothing(cast):
    job = start(cast.coordinator)
    cast.client_for(cast.coordinator).post(reverse("jobs:retry", args=[job.pk]))
    assert BEHAVIOUR["runs"] == [1]


def test_a_job_of_an_unknown_kind_fails_in_words(cast):
    job = Job.objects.create(owner=cast.coordinator, kind="gone", title="Old")
    runner.execute(job.pk, beat=False)
    job.refresh_from_db()
    assert job.is_failed and "no longer done" in job.error


def test_starting_an_unknown_kind_is_a_programming_error(cast):
    with pytest.raises(ValueError, match="No job kind"):
        runner.start(owner=cast.coordinator, kind="nothing", title="x")
    assert not Job.objects.exists()


def test_a_job_whose_worker_died_is_run_again_from_its_page(cast, settings, clock):
    settings.RKT_JOB_STALE_SECONDS = 120
    job = probe_job(
        cast.coordinator,
        status=Job.Status.RUNNING,
        attempts=1,
        heartbeat_at=clock.now,
    )
    client = cast.client_for(cast.coordinator)
    client.get(job.get_absolute_url())
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING  # its worker still says it is alive
    clock.set(clock.now + timedelta(seconds=121))
    client.get(job.get_absolute_url())
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == 2


def test_a_job_out_of_attempts_is_failed_never_left_running(cast, settings, clock):
    settings.RKT_JOB_ATTEMPTS = 2
    job = probe_job(
        cast.coordinator,
        status=Job.Status.RUNNING,
        attempts=2,
        heartbeat_at=clock.now - timedelta(hours=1),
    )
    assert runner.sweep() == {"recovered": 1, "removed": 0}
    job.refresh_from_db()
    assert job.is_failed and "stopped when the worker running it stopped, 2 times" in job.error
    assert BEHAVIOUR.get("runs") is None


def test_a_message_for_a_job_already_taken_does_nothing(cast, clock):
    """A worker handed a job that another worker runs (a message delivered twice) leaves it alone."""
    job = probe_job(
        cast.coordinator,
        status=Job.Status.RUNNING,
        attempts=1,
        heartbeat_at=clock.now,
    )
    runner.execute(job.pk, beat=False)
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and BEHAVIOUR.get("runs") is None


def test_results_expire_and_their_files_are_removed(cast, clock, settings):
    job = start(cast.coordinator)
    job.refresh_from_db()
    storage, name = job.result_file.storage, job.result_file.name
    assert storage.exists(name)
    clock.set(clock.now + timedelta(hours=settings.RKT_JOB_RESULT_HOURS, minutes=1))
    assert runner.sweep()["removed"] == 1
    job.refresh_from_db()
    assert not storage.exists(name) and not job.result_file
    client = cast.client_for(cast.coordinator)
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    assert "has been removed" in client.get(job.get_absolute_url()).content.decode()


def test_an_input_file_goes_with_its_job(cast, clock, settings):
    job = runner.start(owner=cast.coordinator, kind="probe", title="Probe", input_file=ContentFile(b"x", name="a.csv"))
    job.refresh_from_db()
    name = job.input_file.name
    assert name.startswith(f"jobs/{job.pk}/")
    clock.set(clock.now + timedelta(hours=settings.RKT_JOB_RESULT_HOURS, minutes=1))
    runner.sweep()
    assert not job.input_file.storage.exists(name)


def test_the_list_shows_the_owners_jobs_only(cast):
    mine = start(cast.coordinator)
    theirs = start(cast.outsider)
    page = cast.client_for(cast.coordinator).get(reverse("jobs:list")).content.decode()
    assert mine.get_absolute_url() in page and theirs.get_absolute_url() not in page


def test_the_list_queries_do_not_grow_with_jobs(cast, django_assert_max_num_queries):
    client = cast.client_for(cast.coordinator)
    start(cast.coordinator)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("jobs:list"))
    for _ in range(20):
        start(cast.coordinator)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("jobs:list"))


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_a_job_runs_in_a_thread_of_the_app(cast, settings, seeded_pillars):
    """The embedded default: the request returns at once and a thread does the work."""
    settings.RKT_JOBS = "thread"
    BEHAVIOUR["fail"] = None
    job = start(cast.coordinator)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.1)
    assert job.status == Job.Status.DONE
    assert job.result_file.read() == b"made by the probe"


def test_a_broker_that_cannot_be_reached_fails_the_job_in_words(cast, settings, django_capture_on_commit_callbacks):
    settings.RKT_JOBS = "celery"
    # Nothing listens on port 1.
    unreachable = broker("redis://127.0.0.1:1/0", broker_connection_retry=False, broker_connection_max_retries=0)
    with unreachable, django_capture_on_commit_callbacks(execute=True):
        job = start(cast.coordinator)
    job.refresh_from_db()
    assert job.is_failed and "could not be handed to the workers" in job.error


def test_without_workers_the_app_sweeps_when_a_job_is_started(cast, clock, settings):
    from django.core.cache import cache

    cache.delete("rkt-jobs-swept")
    old = start(cast.coordinator)
    old.refresh_from_db()
    name = old.result_file.name
    clock.set(clock.now + timedelta(hours=settings.RKT_JOB_RESULT_HOURS, minutes=1))
    cache.set("rkt-jobs-swept", True, timeout=60)  # an app server swept a moment ago
    start(cast.coordinator)  # within the minute of the last sweep: not yet
    assert old.result_file.storage.exists(name)
    cache.delete("rkt-jobs-swept")
    start(cast.coordinator)
    assert not old.result_file.storage.exists(name)


def test_a_waiting_job_whose_message_was_lost_is_sent_again(cast, clock, settings):
    """Redis restarted without persistence, or a thread never started: the job waits, and nobody takes it."""
    job = probe_job(cast.coordinator, heartbeat_at=clock.now)
    client = cast.client_for(cast.coordinator)
    client.get(job.get_absolute_url())
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and BEHAVIOUR.get("runs") is None  # not yet: it may be in a queue
    clock.set(clock.now + timedelta(seconds=settings.RKT_JOB_STALE_SECONDS + 1))
    client.get(job.get_absolute_url())
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and BEHAVIOUR["runs"] == [1]


def test_a_run_taken_over_does_not_overwrite_the_one_that_took_it(cast, clock):
    """Run 1 was judged stale while still alive and run 2 took the job: run 1's ending is not recorded."""
    job = probe_job(cast.coordinator, status=Job.Status.RUNNING, attempts=1, heartbeat_at=clock.now)
    first = Job.objects.get(pk=job.pk)
    Job.objects.filter(pk=job.pk).update(attempts=2)  # run 2 claimed it
    runner._succeed(first, runner.Outcome(filename="late.txt", content=b"late"))
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and not job.result_file
    assert not job.result_file.storage.listdir(f"jobs/{job.pk}")[1]  # run 1's file was not left behind
    runner._fail(first, "late failure")
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and job.error == ""


def test_a_failed_job_past_its_keeping_is_not_offered_again(cast, clock, settings):
    BEHAVIOUR["fail"] = "No."
    job = start(cast.coordinator)
    clock.set(clock.now + timedelta(hours=settings.RKT_JOB_RESULT_HOURS, minutes=1))
    client = cast.client_for(cast.coordinator)
    assert reverse("jobs:retry", args=[job.pk]) not in client.get(job.get_absolute_url()).content.decode()
    BEHAVIOUR.pop("fail")
    client.post(reverse("jobs:retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.is_failed and BEHAVIOUR["runs"] == [1]


def test_a_deleted_job_takes_its_files_with_it(cast):
    job = runner.start(owner=cast.coordinator, kind="probe", title="Probe", input_file=ContentFile(b"x", name="a.csv"))
    job.refresh_from_db()
    storage, names = job.result_file.storage, [job.result_file.name, job.input_file.name]
    assert all(storage.exists(name) for name in names)
    job.delete()
    assert not any(storage.exists(name) for name in names)
