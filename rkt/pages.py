"""Pages whose data has not changed cost next to nothing: a ``304 Not Modified``, or the body kept in the cache.

A page is keyed by the data versions it is drawn from (:mod:`villages.versions`: the plan's, the scope's), by
whom it is drawn for (the person, their language, their CSRF secret, which its forms carry, the bell's count in
its top bar), by the day in each of Indonesia's zones (what is due and what is late turns at local midnight) and
by the code that draws it. The key is the page's ETag: a browser (or the phone's service worker, through the
browser's cache) that sends it back in ``If-None-Match`` gets a 304 and downloads nothing; another request with
the same key is answered from the cache (the app's cache: Redis when RKT_REDIS_URL is set) without drawing the page.

Nothing is kept or matched when the page is drawn once only: messages waiting to be shown, a form kept after a
failed post (:func:`pillars.views.answers.keep_form`), no CSRF cookie yet (the page would set it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache as page_cache
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control

from villages.models import Region
from villages.versions import key

SOURCE_SUFFIXES = (".py", ".html", ".mo", ".js")


@cache
def code_version() -> str:
    """A fingerprint of the code and catalogues that draw the pages: a deploy gives every page a new key."""
    digest = hashlib.blake2b(digest_size=8)
    root = Path(settings.BASE_DIR)
    for folder in ("pillars", "reports", "villages", "notifications", "jobs", "rkt", "templates", "locale"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in SOURCE_SUFFIXES and "migrations" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def local_dates() -> tuple:
    """Today in each of the zones a region may be in: a page's "due" and "late" turn at local midnight."""
    now = timezone.now()
    return tuple(timezone.localdate(now, ZoneInfo(zone)) for zone in Region.TimeZone.values)


def drawn_once(request) -> bool:
    """The page must be drawn afresh and kept nowhere (see the module's text)."""
    from pillars.views.answers import KEPT_FORM

    return (
        request.method != "GET"
        or len(messages.get_messages(request)) > 0
        or KEPT_FORM in request.session
        or settings.CSRF_COOKIE_NAME not in request.COOKIES
    )


def page_key(request, versions: tuple) -> str:
    from notifications.context_processors import Bell

    user = request.user
    return key(
        code_version(),
        request.get_full_path(),
        user.pk,
        translation.get_language(),
        # The masked token in a page's forms is good for the secret it was made from.
        hashlib.sha256(request.COOKIES[settings.CSRF_COOKIE_NAME].encode()).hexdigest(),
        Bell(user).badge,
        local_dates(),
        versions,
    )


def versioned_page(request, versions: tuple, draw: Callable[[], HttpResponse]) -> HttpResponse:
    """The page ``draw`` makes, as of the data ``versions`` (read before anything the page shows): a 304 when the
    browser holds it, the cached body when another request drew it, else drawn and kept."""
    if drawn_once(request):
        return draw()
    etag = f'"{page_key(request, versions)}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        cache_key = f"page:{etag.strip(chr(34))}"
        body = page_cache.get(cache_key)
        if body is not None:
            response = HttpResponse(body, content_type="text/html; charset=utf-8")
        else:
            response = draw()
            if response.status_code != 200 or response.streaming:
                return response
            if settings.RKT_PAGE_CACHE_SECONDS:
                page_cache.set(cache_key, response.content, settings.RKT_PAGE_CACHE_SECONDS)
    response["ETag"] = etag
    # The browser keeps the page and asks each time whether it still holds (a 304 when it does).
    patch_cache_control(response, private=True, no_cache=True)
    return response
