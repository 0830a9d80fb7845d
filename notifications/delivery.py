"""Sending the e-mails of notifications: after the transaction that made them commits, outside the request.

:func:`dispatch` hands the ids on as the jobs are (settings.RKT_JOBS): to a Celery task, to a thread of the app
process (the embedded default), or at once (tests, still after the commit). :func:`send_waiting` is what each runs:
it claims every notification still waiting (a conditional update, so two senders never send one twice), writes the
message in the recipient's language, plain text and HTML with the link to the page, and sends it through Django's
e-mail framework (the SMTP server of the settings). A failure is logged and tried again later, after 1, 5, 30 and
120 minutes, by the scheduler's tick (:mod:`notifications.schedule`), until ``RKT_EMAIL_ATTEMPTS``; then the
notification is marked failed, with the error, and stays in the app's list.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from notifications.messages import message
from notifications.models import Notification, preferences_of
from pillars.models import WorkPlan

logger = logging.getLogger(__name__)

RETRY_MINUTES = (1, 5, 30, 120)
# A notification "being sent" for this long lost its sender (a killed worker): it waits again.
SENDING_STALE = timedelta(minutes=10)


def dispatch(ids: list[int]) -> None:
    mode = settings.RKT_JOBS
    if mode == "eager":
        send_waiting(ids)
    elif mode == "thread":
        threading.Thread(target=_in_thread, args=(ids,), name="notifications-email", daemon=True).start()
    else:
        from notifications.tasks import send_emails

        try:
            send_emails.delay(ids)
        except Exception:  # the broker is down: the tick sends them once it is back
            logger.exception("E-mails of notifications %s could not be handed to the workers", ids)


def _in_thread(ids: list[int]) -> None:
    try:
        send_waiting(ids)
    finally:
        connection.close()


def due(now) -> Q:
    """Waiting and due: never tried, or its next attempt has come."""
    return Q(email=Notification.Email.WAITING) & (Q(email_after__isnull=True) | Q(email_after__lte=now))


def send_waiting(ids: list[int] | None = None, now=None) -> dict[str, int]:
    """Send the e-mails of the notifications ``ids`` (all due ones when None) that still wait; returns counts."""
    now = now or timezone.now()
    # A sender that died mid-send leaves its notifications "being sent": they wait again.
    Notification.objects.filter(email=Notification.Email.SENDING, email_after__lt=now - SENDING_STALE).update(
        email=Notification.Email.WAITING
    )
    candidates = Notification.objects.filter(due(now))
    if ids is not None:
        candidates = candidates.filter(pk__in=ids)
    counts = {"sent": 0, "retry": 0, "failed": 0, "no_address": 0, "outdated": 0}
    mail = None
    try:
        for pk in list(candidates.values_list("pk", flat=True)[:500]):
            # Stamped with the moment of its own claim, not of the round's start: a long round's later rows must not
            # look abandoned (SENDING_STALE) to the next round while this one still sends them.
            claimed = Notification.objects.filter(due(now), pk=pk).update(
                email=Notification.Email.SENDING, email_attempts=F("email_attempts") + 1, email_after=timezone.now()
            )
            if not claimed:
                continue  # another sender has it
            notification = Notification.objects.select_related("recipient").get(pk=pk)
            if mail is None:
                mail = get_connection(fail_silently=False)
            counts[_send_one(notification, mail, now)] += 1
    finally:
        if mail is not None:
            try:
                mail.close()
            except Exception:  # closing a connection the server dropped
                logger.warning("Closing the SMTP connection failed", exc_info=True)
    return counts


def _send_one(notification: Notification, mail, now) -> str:
    try:
        if not still_meant(notification):  # what it tells is over, or no longer the person's to know
            Notification.objects.filter(pk=notification.pk).update(email=Notification.Email.NONE, email_after=None)
            return "outdated"
        sent = build(notification, connection=mail).send()
    except Exception as error:  # any failure of the server or the network: said in the log, tried again later
        # Retried counting from this failure, not from the round's start (a long round's late rows).
        return _failed(notification, error, max(now, timezone.now()))
    if not sent:  # the person removed their address since: nothing went out, and the row must not say it did
        Notification.objects.filter(pk=notification.pk).update(email=Notification.Email.NONE, email_after=None)
        return "no_address"
    Notification.objects.filter(pk=notification.pk).update(
        email=Notification.Email.SENT, emailed_at=timezone.now(), email_after=None, email_error=""
    )
    return "sent"


def _failed(notification: Notification, error: Exception, now) -> str:
    attempts = notification.email_attempts
    text = f"{type(error).__name__}: {error}"[:1000]
    if attempts >= settings.RKT_EMAIL_ATTEMPTS:
        logger.error(
            "E-mail of notification %s to %s failed for good: %s", notification.pk, notification.recipient_id, text
        )
        Notification.objects.filter(pk=notification.pk).update(
            email=Notification.Email.FAILED, email_after=None, email_error=text
        )
        return "failed"
    wait = RETRY_MINUTES[min(attempts, len(RETRY_MINUTES)) - 1]
    logger.warning(
        "E-mail of notification %s to %s failed (attempt %s), trying again in %s minutes: %s",
        notification.pk,
        notification.recipient_id,
        attempts,
        wait,
        text,
    )
    Notification.objects.filter(pk=notification.pk).update(
        email=Notification.Email.WAITING, email_after=now + timedelta(minutes=wait), email_error=text
    )
    return "retry"


def still_meant(notification: Notification) -> bool:
    """Whether the e-mail should still go out when it is sent (after a retry, hours later perhaps): the person is
    still active, still sees the plan it is about, and, for a reminder, the report is still not sent."""
    from notifications.schedule import is_outdated

    recipient = notification.recipient
    if not recipient.is_active:
        return False
    plan = notification.params.get("plan")
    if plan is not None and not WorkPlan.objects.visible_to(recipient).filter(pk=plan).exists():
        return False
    return not is_outdated(notification)


def absolute(link: str) -> str:
    return f"{settings.RKT_SITE_URL}{link}"


def build(notification: Notification, *, connection=None) -> EmailMultiAlternatives:
    """The e-mail of ``notification``, in its recipient's language: plain text, and the same in simple HTML."""
    recipient = notification.recipient
    with translation.override(preferences_of(recipient).language):
        written = message(notification)
        context = {
            "message": written,
            "name": recipient.get_full_name() or recipient.get_username(),
            "url": absolute(notification.link),
            "settings_url": absolute(reverse("profile")),
            "language": translation.get_language(),
        }
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
    email = EmailMultiAlternatives(
        subject=f"[RKT] {written.subject}", body=text, to=[recipient.email], connection=connection
    )
    email.attach_alternative(html, "text/html")
    return email
