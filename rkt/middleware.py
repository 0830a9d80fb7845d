from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import OperationalError
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger("rkt.requests")


class IndonesianFirstLocaleMiddleware(LocaleMiddleware):
    """Indonesian unless the person chose English with the switcher (the language cookie).

    Django's own middleware would follow the browser's Accept-Language, and many phones and office PCs
    in Indonesia run an English browser: the programme's language is Indonesian all the same.
    """

    def process_request(self, request) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class SlidingSessionMiddleware:
    """Keeps a signed-in session alive while it is used, writing it at most once per ``SESSION_REFRESH_SECONDS``.

    A session expires ``SESSION_COOKIE_AGE`` after it was last saved. Django's ``SESSION_SAVE_EVERY_REQUEST``
    gives that inactivity expiry by writing the session row on every request, a database write for every
    page a companion reads. Here the session remembers when it was last extended and is marked changed only
    when that is ``SESSION_REFRESH_SECONDS`` or more ago, so an active session is extended every few minutes
    and an idle one still expires after the session age (less at most one refresh period). Logging in counts
    as an extension (``session_extended_at_login``). Sits after SessionMiddleware, so its change is saved,
    and the cookie renewed, on the way out.
    """

    KEY = "_rkt_extended_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # Only a signed-in session is kept alive: an anonymous visitor (or one who just logged out) gets none.
        if user is not None and user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                request.session[self.KEY] = now
        return response


def session_extended_at_login(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver: logging in saves the session anyway, so it starts a refresh period."""
    if request is not None and hasattr(request, "session"):
        request.session[SlidingSessionMiddleware.KEY] = int(time.time())


class StatementTimeoutMiddleware:
    """A request whose SQL ran past the statement timeout (``DB_STATEMENT_TIMEOUT``) answers 503 with the app's
    error page, and the event is logged with the path, so a page that outgrows its bound is seen and fixed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_statement_timeout(exception):
            return None
        logger.warning("statement timeout on %s %s", request.method, request.get_full_path())
        return HttpResponse(render_to_string("503_timeout.html"), status=503)


def is_statement_timeout(exception: BaseException) -> bool:
    """PostgreSQL cancelled the statement because it ran past ``statement_timeout`` (SQLSTATE 57014)."""
    if not isinstance(exception, OperationalError):
        return False
    cause = exception.__cause__
    return getattr(cause, "sqlstate", None) == "57014"
