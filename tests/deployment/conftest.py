"""The deployment tests: two app servers (gunicorn, DEBUG off) over one fresh PostgreSQL database, Redis and shared
storage, started by scripts/cluster.py and driven over plain HTTP through the pages' own forms.

Every test here is marked ``deployment`` and skipped, with the reason, unless RKT_DEPLOYMENT_TESTS=1: they need
PostgreSQL and Redis running and start servers for a minute. CI runs them in a step of their own (.ci/run):

    RKT_DEPLOYMENT_TESTS=1 .venv/bin/pytest -m deployment tests/deployment
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.cluster import Cluster
from tests.clock import DEFAULT_NOW

HERE = Path(__file__).resolve().parent
ENABLED = os.environ.get("RKT_DEPLOYMENT_TESTS", "").strip().lower() in {"1", "true", "yes", "on"}
# The background jobs' worker is started once the jobs app exists: `celery -A rkt` discovers its tasks.
JOBS_APP = importlib.util.find_spec("jobs") is not None
STALE_SECONDS = 5


@pytest.hookimpl(tryfirst=True)  # before `-m "not deployment"` deselects by marker
def pytest_collection_modifyitems(config, items) -> None:
    skip = pytest.mark.skip(
        reason="starts app servers on PostgreSQL and Redis: run with RKT_DEPLOYMENT_TESTS=1 (CI does)"
    )
    for item in items:
        if HERE in Path(item.fspath).resolve().parents:
            item.add_marker(pytest.mark.deployment)
            if not ENABLED:
                item.add_marker(skip)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """Two servers of two workers on the world of tests/deployment/world.py, every process at the tests' clock."""
    with Cluster(
        servers=2,
        workers=2,
        seed="tests.deployment.world:build",
        clock=DEFAULT_NOW,
        worker=JOBS_APP,
        # A job whose worker is silent this long is sent again (tests/deployment/test_two_servers.py kills one).
        extra_env={"RKT_JOB_STALE_SECONDS": str(STALE_SECONDS)},
    ) as up:
        yield up
