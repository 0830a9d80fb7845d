from __future__ import annotations

import time

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
    page a companion reads. Here the session is marked changed only when the current refresh period differs
    from the one stored in it, so an active session is extended every few minutes and an idle one still
    expires after the session age (less at most one refresh period). Sits after SessionMiddleware, so its
    change is saved (and the cookie renewed) on the way out.
    """

    KEY = "_rkt_refreshed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # Only a signed-in session is kept alive: an anonymous visitor (or one who just logged out) gets none.
        if user is not None and user.is_authenticated:
            period = int(time.time()) // settings.SESSION_REFRESH_SECONDS
            if request.session.get(self.KEY) != period:
                request.session[self.KEY] = period
        return response
