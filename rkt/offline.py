"""The installable app: its manifest, its service worker (``templates/offline/sw.js``), the page shown offline for
a page the phone has not kept, and the list of pages the phone keeps for the person signed in.

The worker is served from the site's root, not from /static/, so that it may look after every page; it is not
cached by the browser (a new version of the app reaches the phone on its next visit online).
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pillars.selectors.offline import pages_to_keep
from villages.scope import viewer_for
from villages.zones import companion_zone

# Every static file a page of the app loads: fetched once by the worker, after the page that registered it.
PRECACHED = (
    "vendor/bootstrap/bootstrap.min.css",
    "css/app.css",
    "img/favicon.svg",
    "img/icon-192.png",
    "js/app.js",
    "js/drafts.js",
    "js/offline.js",
    "js/outbox-core.js",
    "js/progress.js",
    "js/photos.js",
    "vendor/exifr/lite.umd.js",
    "vendor/htmx/htmx.min.js",
)
# A person's kept pages: the pages to keep plus those opened lately, the oldest going first.
MAX_PAGES = 60
# How long a page may take over the network before the copy kept on the phone is shown instead.
PATIENCE_MS = 8000
# The kept pages are fetched again in the background when the kept copy is older than this.
WARM_EVERY_MS = 15 * 60 * 1000


@require_GET
def service_worker(request):
    precache = [static(name) for name in PRECACHED]
    # The version changes with any static file (their names carry their hash in production); the same for every
    # person and language, so the browser's checks for a new worker do not install it again for nothing.
    version = hashlib.sha256("\n".join(precache).encode()).hexdigest()[:12]
    context = {
        "precache": json.dumps(precache),
        "version": version,
        "max_pages": MAX_PAGES,
        "warm_every_ms": WARM_EVERY_MS,
        "patience_ms": PATIENCE_MS,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
    }
    response = render(request, "offline/sw.js", context, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def manifest(request):
    data = {
        "name": _("RKT Pendampingan"),
        "short_name": _("RKT"),
        "description": _("Annual work plans and monthly progress of village community companions."),
        "lang": request.LANGUAGE_CODE,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f5f4a",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any maskable"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any maskable"},
            {"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline_page(request):
    """Shown by the worker for a page not kept on this phone; it names nobody, so one copy serves everyone."""
    return render(request, "offline/offline.html")


@require_GET
@login_required
@never_cache
def kept_pages(request):
    viewer = viewer_for(request.user)
    zone = companion_zone(viewer.companion) if viewer.is_companion else None  # the months of the companion's day
    today = timezone.localdate(timezone.now(), zone)
    return JsonResponse({"user": request.user.pk, "pages": pages_to_keep(request.user, today)})
