"""Starting, running and looking after jobs, the same way whether a worker or the app process runs them.

``start`` records the job and hands it on (settings.RKT_JOBS): to the Celery workers through the broker, to a
thread of the app process when there is no broker (the embedded default), or at once inside the request (tests).
``execute`` is what any of them calls: it claims the job, runs its kind's function with a :class:`Progress`, and
stores the result file or the error in words. A running job's heartbeat is written every few seconds; a job whose
heartbeat stops (its worker was killed) is run again or failed by ``recover``, called by beat's sweep and by the
job's own page, so no job stays "running" for ever.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import IO, Any

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jobs.models import Job

logger = logging.getLogger(__name__)

# How often a running job's progress is written (when it moved), in seconds.
PROGRESS_EVERY = 0.5


def heartbeat_every() -> float:
    """How often a running job says it is alive: every 5 s, and at least four times within the silence after which
    it counts as stale (RKT_JOB_STALE_SECONDS)."""
    return min(5.0, settings.RKT_JOB_STALE_SECONDS / 4)


class JobFailed(Exception):
    """The job cannot be done, for a reason its owner can act on; the message is shown as it is."""


@dataclass(frozen=True)
class Outcome:
    """What a job made: a file to download (bytes or an open file), and/or data for its page."""

    filename: str = ""
    content_type: str = ""
    content: bytes | IO[bytes] | None = None
    data: Any = None


@dataclass(frozen=True)
class Kind:
    name: str
    run: Callable[[Job, Progress], Outcome]
    # The template of the job's result on its page, and the context it needs (the default: none).
    result_template: str = ""
    present: Callable[[Job], dict] | None = None


KINDS: dict[str, Kind] = {}


def register(name: str, *, result_template: str = "", present: Callable[[Job], dict] | None = None):
    """Register the function that does jobs of kind ``name`` (``run(job, progress) -> Outcome``)."""

    def decorator(run):
        KINDS[name] = Kind(name, run, result_template, present)
        return run

    return decorator


class Progress:
    """How far a job is, said by its function: ``progress(40, _("Reading the plans"))``.

    ``during(start, end, seconds)`` moves the bar on its own, from ``start`` toward ``end`` over about ``seconds``,
    for one long step that cannot say how far it is (laying out a PDF). Values are written by a heartbeat thread on
    its own database connection, so they are seen while the job's own transaction is still open.
    """

    def __init__(self, job: Job):
        self.job_id = job.pk
        self.percent = 0
        self.step = ""
        self._estimate: tuple[int, int, float, float] | None = None
        self._lock = threading.Lock()
        self._written: tuple[int, str] | None = None

    def __call__(self, percent: int, step: str = "") -> None:
        with self._lock:
            self.percent = max(self.percent, min(99, int(percent)))
            self.step = step or self.step
            self._estimate = None

    def during(self, start: int, end: int, seconds: float, step: str = "") -> None:
        self(start, step)
        with self._lock:
            self._estimate = (start, end, time.monotonic(), max(seconds, 0.1))

    def current(self) -> tuple[int, str]:
        with self._lock:
            if self._estimate is not None:
                start, end, began, seconds = self._estimate
                share = min((time.monotonic() - began) / seconds, 0.95)
                self.percent = max(self.percent, int(start + (end - start) * share))
            return self.percent, str(self.step)

    def write(self, *, beat: bool) -> None:
        percent, step = self.current()
        if not beat and self._written == (percent, step):
            return
        changes: dict[str, Any] = {"progress": percent, "step": step[:200]}
        if beat:
            changes["heartbeat_at"] = timezone.now()
        Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING).update(**changes)
        self._written = (percent, step)


@contextmanager
def _heartbeat(progress: Progress):
    """Write ``progress`` and the heartbeat from a thread of its own while the job runs."""
    stop = threading.Event()
    every = heartbeat_every()

    def beat() -> None:
        last_beat = time.monotonic()
        try:
            while not stop.wait(PROGRESS_EVERY):
                due = time.monotonic() - last_beat >= every
                try:
                    progress.write(beat=due)
                except DatabaseError:  # SQLite busy with the job's own write: said at the next turn
                    continue
                if due:
                    last_beat = time.monotonic()
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"job-heartbeat-{progress.job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every)


def start(*, owner, kind: str, title: str, params: dict | None = None, input_file: File | None = None) -> Job:
    """Record a job for ``owner`` and hand it to whatever runs jobs here; its page follows it."""
    if kind not in KINDS:
        raise ValueError(f"No job kind {kind!r} is registered.")
    params = {"language": translation.get_language() or settings.LANGUAGE_CODE, **(params or {})}
    job = Job(owner=owner, kind=kind, title=title[:300], params=params, heartbeat_at=timezone.now())
    if input_file is not None:
        job.input_file.save(_safe_name(getattr(input_file, "name", "") or "input"), input_file, save=False)
    job.save()
    dispatch(job)
    sweep_if_due()
    return job


def _safe_name(name: str) -> str:
    from django.utils.text import get_valid_filename

    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    try:
        return get_valid_filename(base)[:100]
    except Exception:  # nothing valid is left of the name
        return "input"


def dispatch(job: Job) -> None:
    mode = settings.RKT_JOBS
    if mode == "eager":
        execute(job.pk, beat=False)
    elif mode == "thread":
        transaction.on_commit(lambda: _in_thread(job.pk))
    else:
        transaction.on_commit(lambda: _to_workers(job.pk))


def _in_thread(job_id) -> None:
    def run() -> None:
        try:
            if connection.vendor == "postgresql":
                # The app process's connections carry the requests' statement timeout (rkt/wsgi.py); a job has none.
                with connection.cursor() as cursor:
                    cursor.execute("SET statement_timeout = 0")
            execute(job_id)
        finally:
            connection.close()

    threading.Thread(target=run, name=f"job-{job_id}", daemon=True).start()


def _to_workers(job_id) -> None:
    from jobs.tasks import run_job

    try:
        run_job.delay(str(job_id))
    except Exception:  # the broker is down: say so on the job's page instead of leaving it waiting
        logger.exception("Job %s could not be sent to the workers", job_id)
        Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            status=Job.Status.FAILED,
            finished_at=timezone.now(),
            error=_("The job could not be handed to the workers. Try again in a few minutes."),
        )


def execute(job_id, *, beat: bool = True) -> None:
    """Run the job if it waits (or its last worker is gone), and store what it made or why it failed."""
    job = _claim(job_id)
    if job is None:
        return
    progress = Progress(job)
    kind = KINDS.get(job.kind)
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        try:
            if kind is None:
                raise JobFailed(_("This kind of job is no longer done by the application."))
            with _heartbeat(progress) if beat else _no_heartbeat():
                outcome = kind.run(job, progress)
            _succeed(job, outcome)
        except JobFailed as failure:
            _fail(job, str(failure))
        except Exception:
            logger.exception("Job %s (%s) failed", job.pk, job.kind)
            _fail(
                job,
                _(
                    "The job stopped on an unexpected error; nothing it was doing was saved. Try again, and "
                    "tell the administrator if it fails again."
                ),
            )


@contextmanager
def _no_heartbeat():
    yield


def _claim(job_id) -> Job | None:
    try:
        return _claim_now(job_id)
    except DatabaseError:  # the database busy or away: the job stays as it was, and is sent again once stale
        logger.exception("Job %s could not be claimed", job_id)
        return None


def _claim_now(job_id) -> Job | None:
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            return None
        now = timezone.now()
        stale = job.status == Job.Status.RUNNING and (
            job.heartbeat_at is None or job.heartbeat_at < now - timedelta(seconds=settings.RKT_JOB_STALE_SECONDS)
        )
        if job.status != Job.Status.QUEUED and not stale:
            return None  # done, failed, or running on a live worker: nothing to do
        if job.attempts >= settings.RKT_JOB_ATTEMPTS:
            _stopped(job, now)
            return None
        job.status = Job.Status.RUNNING
        job.attempts += 1
        job.started_at = job.heartbeat_at = now
        job.progress = 0
        job.step = ""
        job.error = ""
        job.save(update_fields=["status", "attempts", "started_at", "heartbeat_at", "progress", "step", "error"])
        return job


def _stopped(job: Job, now) -> None:
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        message = _(
            "The job stopped when the worker running it stopped, %(count)s times; nothing it was doing was saved. "
            "Try again."
        ) % {"count": job.attempts}
    job.status = Job.Status.FAILED
    job.finished_at = now
    job.expires_at = now + timedelta(hours=settings.RKT_JOB_RESULT_HOURS)
    job.error = message
    job.save(update_fields=["status", "finished_at", "expires_at", "error"])
    _tell_owner(job)


def _succeed(job: Job, outcome: Outcome) -> None:
    now = timezone.now()
    name = ""
    if outcome.content is not None:
        content = outcome.content if not isinstance(outcome.content, bytes) else ContentFile(outcome.content)
        name = job.result_file.storage.save(
            job.result_file.field.generate_filename(job, _safe_name(outcome.filename or "result")), File(content)
        )
    finished = _finish(
        job,
        result_file=name,
        result_name=outcome.filename[:200],
        result_type=outcome.content_type[:100],
        result_data=outcome.data,
        status=Job.Status.DONE,
        progress=100,
        step="",
        finished_at=now,
        expires_at=now + timedelta(hours=settings.RKT_JOB_RESULT_HOURS),
    )
    if not finished and name:
        job.result_file.storage.delete(name)  # another run took the job over: its result is the one kept
    if finished:
        _tell_owner(job)


def _fail(job: Job, message: str) -> None:
    now = timezone.now()
    finished = _finish(
        job,
        status=Job.Status.FAILED,
        error=message,
        finished_at=now,
        expires_at=now + timedelta(hours=settings.RKT_JOB_RESULT_HOURS),
    )
    if finished:
        _tell_owner(job)


def _tell_owner(job: Job) -> None:
    """The owner's notification that the job ended (they may have left its page)."""
    from notifications.notify import job_finished

    job.refresh_from_db(fields=["status", "error"])
    try:
        with transaction.atomic():
            job_finished(job)
    except DatabaseError:  # the job's result is kept all the same; the page says it is done
        logger.exception("The owner of job %s could not be told it ended", job.pk)


def _finish(job: Job, **changes) -> bool:
    """Record how this run ended, if the job is still this run's (not taken over after its heartbeat stopped)."""
    owned = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=job.attempts)
    return bool(owned.update(**changes))


def recover(job: Job) -> bool:
    """A job nothing has said anything of for the stale time (its worker died, or its message was lost) is sent
    again, or, out of attempts, marked failed. Returns whether it was. A plain read first: on SQLite the locked
    block below takes the write lock, which a page polled every second must not wait for."""
    if not Job.objects.stale().filter(pk=job.pk).exists():
        return False
    with transaction.atomic():
        current = Job.objects.select_for_update().stale().filter(pk=job.pk).first()
        if current is None:
            return False
        if current.status == Job.Status.RUNNING and current.attempts >= settings.RKT_JOB_ATTEMPTS:
            _stopped(current, timezone.now())
            return True
        current.status = Job.Status.QUEUED
        current.step = ""
        current.heartbeat_at = timezone.now()
        current.save(update_fields=["status", "step", "heartbeat_at"])
        dispatch(current)
    return True


def retry(job: Job) -> None:
    """A failed job, asked for again by its owner: the same job, from the start."""
    Job.objects.filter(pk=job.pk, status=Job.Status.FAILED).update(
        status=Job.Status.QUEUED,
        attempts=0,
        progress=0,
        step="",
        error="",
        finished_at=None,
        expires_at=None,
        heartbeat_at=timezone.now(),
    )
    job.refresh_from_db()
    if job.status == Job.Status.QUEUED:
        dispatch(job)


def sweep_if_due() -> None:
    """Without workers there is no beat: the app sweeps itself, at most once a minute (across app servers when the
    cache is shared), when a job is started."""
    if settings.RKT_JOBS != "celery" and cache.add("rkt-jobs-swept", True, timeout=60):
        sweep()


def sweep(now=None) -> dict[str, int]:
    """Beat's rounds: stale jobs recovered, expired results removed. Returns what it did."""
    now = now or timezone.now()
    stale = list(Job.objects.stale(now))
    for job in stale:
        recover(job)
    removed = 0
    for job in Job.objects.expired(now).exclude(result_file="", input_file=""):
        for field in (job.result_file, job.input_file):
            if field:
                field.delete(save=False)
        job.save(update_fields=["result_file", "input_file"])
        removed += 1
    return {"recovered": len(stale), "removed": removed}
