"""The Celery application of the workers: `celery -A rkt worker` and `celery -A rkt beat` (README "Deployment").

Its settings are the CELERY_* ones of rkt/settings.py; its tasks are the jobs' (jobs/tasks.py)."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rkt.settings")

app = Celery("rkt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["jobs", "notifications"])
