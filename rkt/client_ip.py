"""Where a request comes from, and which peers may say where it comes from."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=16)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(value, strict=False) for value in proxies)


def is_trusted_proxy(address: str | None) -> bool:
    """``address`` is one of ``RKT_TRUSTED_PROXIES`` (only with ``DJANGO_BEHIND_PROXY`` on)."""
    if not address:
        return False
    try:
        peer = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(peer in network for network in _networks(tuple(settings.RKT_TRUSTED_PROXIES)))


def client_ip(request) -> str | None:
    """The address a login attempt comes from, for the lockout.

    From a trusted proxy, the client is the last address it put in X-Forwarded-For (earlier entries are whatever
    the client claimed). From anyone else the header was dropped (:class:`rkt.middleware.TrustedProxyMiddleware`),
    so the client is the peer itself, however it rotates the header.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and is_trusted_proxy(request.META.get("REMOTE_ADDR")):
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")
