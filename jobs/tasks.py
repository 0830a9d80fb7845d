"""The jobs' Celery tasks: the workers run a job by its id; beat sweeps once a minute."""

from __future__ import annotations

from celery import shared_task

from jobs import runner


@shared_task(name="jobs.run", acks_late=True, reject_on_worker_lost=True)
def run_job(job_id: str) -> None:
    runner.execute(job_id)


@shared_task(name="jobs.sweep")
def sweep() -> dict[str, int]:
    return runner.sweep()
