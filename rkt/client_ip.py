from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str | None:
    """The address a login attempt comes from, for the lockout.

    Behind our reverse proxy every request arrives from the proxy, so the client is the last address
    the proxy appended to X-Forwarded-For (earlier entries are whatever the client claimed).
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")
