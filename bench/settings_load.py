"""Settings of the gunicorn server that `make bench` puts under load: the project's own, production-like
(the caller sets DJANGO_DEBUG=0), with the collected static files in a temporary folder of the run
instead of the checkout's ``staticfiles/``, so a bench never touches what a deployment collected."""

from __future__ import annotations

import os
from pathlib import Path

from rkt.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["RKT_BENCH_STATIC_ROOT"])
# The project's URLs and the bench's bare view (bench/urls.py), the floor the plan page is compared with under load.
ROOT_URLCONF = "bench.urls"
