"""What every page's navigation bar needs to know: which of its links is the page being shown, and the page the
language switch returns to."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def page_url(request) -> str:
    """The URL of the page being shown, one that answers GET. A page drawn in answer to a POST (a form shown again
    with its errors) may sit at a URL that answers POST only; the page its form was sent from is used instead."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return f"{parts.path}?{parts.query}" if parts.query else parts.path
    return reverse("home")


def navigation(request) -> dict:
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match else None
    return {
        "language_next": page_url(request),
        # Where offline.js reads the CSRF token of a save it sends later.
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
        "nav": {
            "home": name == "home",
            "pillars": bool(match) and match.app_name == "pillars",  # a companion's "My plans": all of their work
            "plan_list": name == "plan-list",
            "report_queue": name == "report-queue",
            "completeness": name == "completeness",
            "villages": name in ("village-list", "village-detail"),
            "profile": name == "profile",
        },
    }
