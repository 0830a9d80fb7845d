from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import OperationalError
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation

from rkt.client_ip import is_trusted_proxy

FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_FORWARDED")


class RequestSizeLimitMiddleware:
    """Answers 413 to a request whose body is larger than ``RKT_MAX_REQUEST_BYTES``, before anything reads it.

    Django limits form fields (``DATA_UPLOAD_MAX_MEMORY_SIZE``) but not files: without this a 200 MB body was
    received in full before the form refused its files. The reverse proxy should refuse it first (README).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.RKT_MAX_REQUEST_BYTES:
            translation.activate(_chosen_language(request))
            limit = settings.RKT_MAX_REQUEST_BYTES // (1024 * 1024)
            return render(request, "413.html", {"limit": limit}, status=413)
        return self.get_response(request)


class TrustedProxyMiddleware:
    """Drops X-Forwarded-For, -Proto, -Host and Forwarded unless the peer is one of ``RKT_TRUSTED_PROXIES``, so
    that neither the login lockout's address (:func:`rkt.client_ip.client_ip`) nor ``request.is_secure()`` believe
    a client that reaches the app directly."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_trusted_proxy(request.META.get("REMOTE_ADDR")):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)


def _chosen_language(request) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


logger = logging.getLogger("rkt.requests")


class IndonesianFirstLocaleMiddleware(LocaleMiddleware):
    """Indonesian unless the person chose English with the switcher (the language cookie).

    Django's own middleware would follow the browser's Accept-Language, and many phones and office PCs
    in Indonesia run an English browser: the programme's language is Indonesian all the same.
    """

    def process_request(self, request) -> None:
        translation.activate(_chosen_language(request))
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


class PageOwnerMiddleware:
    """Names, in ``RKT-User``, the person a page was drawn for. The service worker keeps a page only in that
    person's cache, and a page drawn for nobody (the login page) tells it that nobody is signed in on the phone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and response.get("Content-Type", "").startswith("text/html"):
            response["RKT-User"] = str(user.pk)
        return response
