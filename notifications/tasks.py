"""The notifications' Celery tasks: e-mails sent after the transaction that made them; beat's tick once a minute."""

from __future__ import annotations

from celery import shared_task

from notifications import delivery, schedule


@shared_task(name="notifications.send", acks_late=True)
def send_emails(ids: list[int]) -> dict[str, int]:
    return delivery.send_waiting(ids)


@shared_task(name="notifications.tick")
def tick() -> dict[str, int]:
    return schedule.tick()
