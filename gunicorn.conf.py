"""gunicorn's settings for the app (gunicorn reads ./gunicorn.conf.py by default), from the same environment as
rkt/settings.py: gunicorn believes X-Forwarded-Proto only from the proxies the app believes (RKT_TRUSTED_PROXIES,
when DJANGO_BEHIND_PROXY is on), and from nobody otherwise."""

from __future__ import annotations

import os

_behind_proxy = os.environ.get("DJANGO_BEHIND_PROXY", "0").strip().lower() in {"1", "true", "yes", "on"}
forwarded_allow_ips = os.environ.get("RKT_TRUSTED_PROXIES", "127.0.0.1,::1") if _behind_proxy else ""
