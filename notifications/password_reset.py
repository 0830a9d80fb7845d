"""Password reset by e-mail: Django's own views and forms, rate-limited, the e-mail in the person's language.

Django's view already gives the same answer whether or not an account has the address (the "sent" page either
way). Here, besides: at most ``RKT_PASSWORD_RESET_LIMIT`` requests an hour for one address and
``RKT_PASSWORD_RESET_CLIENT_LIMIT`` from one client address. Every request is counted, known address or not, so the
refusal past a limit says nothing about the account either; a refused request sends nothing and is not counted.
The counts are rows in the database (:class:`~notifications.models.PasswordResetRequest`), which every app server
sees. The e-mail is written in the language the person chose on their profile, plain text and HTML, and sent
outside the request (inside it in tests), so neither the time the answer takes nor a broken SMTP server tells
whether one was sent. Once a new password is set, the login lockouts of that username are lifted.
"""

from __future__ import annotations

import logging
import math
import threading
from datetime import datetime, timedelta
from http import HTTPStatus

from axes.utils import reset as reset_lockouts
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from notifications.models import PasswordResetRequest, preferences_of
from rkt.client_ip import client_ip

logger = logging.getLogger(__name__)

WINDOW = timedelta(hours=1)


def address_key(email: str) -> str:
    """The address as it is kept: a hash keyed with the secret key, the same for any spelling of its case."""
    return salted_hmac("notifications.password_reset", email.strip().lower(), algorithm="sha256").hexdigest()


def _wait(requests: QuerySet, limit: int, now: datetime) -> int:
    times = list(requests.order_by("-created_at").values_list("created_at", flat=True)[:limit])
    if len(times) < limit:
        return 0
    # One more may be asked once the oldest of the last ``limit`` leaves the hour.
    return max(1, math.ceil((times[-1] + WINDOW - now).total_seconds() / 60))


def wait_minutes(email: str, client: str | None, now: datetime | None = None) -> int:
    """How many minutes before a reset of ``email`` may be asked from ``client``; 0 when it may be now."""
    now = now or timezone.now()
    recent = PasswordResetRequest.objects.filter(created_at__gt=now - WINDOW)
    wait = _wait(recent.filter(address=address_key(email)), settings.RKT_PASSWORD_RESET_LIMIT, now)
    # A request with no client address (no peer address reached the app) is limited by its e-mail address only:
    # counted together, such requests would refuse everybody's.
    if client:
        wait = max(wait, _wait(recent.filter(client=client), settings.RKT_PASSWORD_RESET_CLIENT_LIMIT, now))
    return wait


def record(email: str, client: str | None, now: datetime | None = None) -> None:
    """Count a request; the ones older than the hour, which no limit reads any more, go."""
    now = now or timezone.now()
    PasswordResetRequest.objects.filter(created_at__lte=now - WINDOW).delete()
    PasswordResetRequest.objects.create(address=address_key(email), client=client or "", created_at=now)


@transaction.atomic
def count_in(email: str, client: str | None) -> int:
    """Check the limits and count the request in one step, so requests sent at once are counted in turn and cannot
    all pass the same check: returns the minutes to wait (the request refused, not counted), or 0 (counted).

    PostgreSQL takes a lock for the address, then the client, for the transaction; SQLite's transactions take its
    write lock as they begin (IMMEDIATE), which puts every request in turn anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for name in sorted({address_key(email), f"client:{client or ''}"}):
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])
    minutes = wait_minutes(email, client)
    if not minutes:
        record(email, client)
    return minutes


def send_later(message: EmailMultiAlternatives, user_pk: int) -> None:
    """Send outside the request (a thread of the app process), or at once when the jobs run eagerly (tests)."""
    if settings.RKT_JOBS == "eager":
        _send(message, user_pk)
    else:
        threading.Thread(target=_send, args=(message, user_pk), name="password-reset-email", daemon=True).start()


def _send(message: EmailMultiAlternatives, user_pk: int) -> None:
    try:
        message.send()
    except Exception:  # the server or the network: said in the log; the person may ask again
        logger.exception("The password reset e-mail to user %s could not be sent", user_pk)


class PasswordResetForm(auth_forms.PasswordResetForm):
    error_messages = {
        "throttled": ngettext_lazy(
            "Too many password reset requests. Wait %(minutes)s minute, then ask again.",
            "Too many password reset requests. Wait %(minutes)s minutes, then ask again.",
            "minutes",
        ),
    }

    def __init__(self, *args, client: str | None = None, **kwargs):
        self.client = client
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail address")

    def clean(self) -> dict:
        cleaned = super().clean()
        email = cleaned.get("email")
        if email:
            minutes = count_in(email, self.client)
            if minutes:
                raise ValidationError(self.error_messages["throttled"], code="throttled", params={"minutes": minutes})
        return cleaned

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        """The e-mail in the language of the person's messages (their profile), not of the page that asked."""
        user = context["user"]
        with translation.override(preferences_of(user).language):
            context = {
                **context,
                "name": user.get_full_name() or user.get_username(),
                "username": user.get_username(),
                "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
                "language": translation.get_language(),
            }
            subject = "".join(render_to_string(subject_template_name, context).splitlines())
            text = render_to_string(email_template_name, context)
            html = render_to_string(html_email_template_name, context)
        message = EmailMultiAlternatives(subject, text, from_email, [to_email])
        message.attach_alternative(html, "text/html")
        send_later(message, user.pk)


# Django's form views take PUT as POST; ours answer GET and POST only, as every other view.
METHODS = ["get", "post", "head", "options"]


class PasswordResetView(auth_views.PasswordResetView):
    http_method_names = METHODS
    form_class = PasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "client": client_ip(self.request)}

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "throttled"):
            response.status_code = HTTPStatus.TOO_MANY_REQUESTS
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    http_method_names = METHODS

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever has the e-mail chose the password: a lockout left by someone's guesses no longer keeps them out.
        reset_lockouts(username=form.user.get_username())
        return response
