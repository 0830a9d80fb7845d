"""The embedded default's clock for notifications: with no Celery beat, the app's own requests start the rounds."""

from __future__ import annotations

from django.conf import settings

from notifications import schedule


class ScheduleTickMiddleware:
    """After each response, start a round of reminders, digests and e-mails due again, when jobs run in the app's
    threads (RKT_JOBS=thread): :func:`notifications.schedule.tick_if_due` starts at most one a minute, in a thread,
    so the request waits for none of it. Under Celery, beat runs the rounds; "eager" (the tests) runs none here, so
    no request starts a round that a test did not ask for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.RKT_JOBS == "thread":
            schedule.tick_if_due()
        return response
