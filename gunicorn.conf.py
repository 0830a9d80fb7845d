"""gunicorn's settings for the app (gunicorn reads ./gunicorn.conf.py by default), from the same environment as
rkt/settings.py: gunicorn believes X-Forwarded-Proto only from the proxies the app believes (RKT_TRUSTED_PROXIES,
when DJANGO_BEHIND_PROXY is on), and from nobody otherwise."""

from __future__ import annotations

import os

_behind_proxy = os.environ.get("DJANGO_BEHIND_PROXY", "0").strip().lower() in {"1", "true", "yes", "on"}
forwarded_allow_ips = os.environ.get("RKT_TRUSTED_PROXIES", "127.0.0.1,::1") if _behind_proxy else ""

# A request's SQL is cancelled at 10 s (RKT_DB_STATEMENT_TIMEOUT, set by rkt.wsgi); a worker that still has not
# answered after 30 s is restarted. Long work belongs to jobs, not to a request.
timeout = 30

# One sync worker per core, the count the bench measured best (bench/load.py sweeps 2 to 5 on this 2-core machine:
# the plan page at 256 / 226 / 199 / 173 req/s on 2026-12-03, 247 / 238 / 233 / 222 on 2026-12-02; with the pages
# kept in the cache a request waits little on the database, so more workers only contend for the cores).
# WEB_CONCURRENCY, or --workers on the command line, overrides it.
workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 1)
