from __future__ import annotations

from django.core.management.base import BaseCommand

from notifications import schedule


class Command(BaseCommand):
    help = (
        "Run one round of the notifications' schedule now: send the e-mails due again after a failure, then the "
        "monthly report reminders and the coordinators' daily digests whose time has come today. Each reminder and "
        "digest is recorded once, so running this every minute from cron (a deployment without Celery beat) sends "
        "nothing twice. Prints how many of each went out."
    )

    def handle(self, *args, **options) -> None:
        counts = schedule.tick()
        self.stdout.write(
            f"E-mails sent: {counts['sent']}, to retry: {counts['retry']}, failed: {counts['failed']}. "
            f"Reminders: {counts['reminders']}. Digests: {counts['digests']}."
        )
