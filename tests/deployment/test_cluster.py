"""The cluster the deployment tests and the rush bench start (scripts/cluster.py) leaves nothing behind, even when
what ran inside it failed, and its worker can crash and come back."""

from __future__ import annotations

import shutil

import psycopg
import pytest

from scripts.cluster import Cluster, group_members
from tests.deployment.conftest import JOBS_APP

pytestmark = pytest.mark.deployment


def database_exists(cluster: Cluster) -> bool:
    with psycopg.connect(f"{cluster.server_url}/postgres", autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cluster.database_name])
        return found.fetchone() is not None


def test_a_failure_inside_stops_every_process_drops_the_database_and_keeps_the_logs():
    cluster = Cluster(servers=1, workers=2)
    with pytest.raises(ZeroDivisionError), cluster:
        groups = cluster.pids
        assert len(group_members(groups["server-A"])) == 3  # gunicorn and its two workers
        assert database_exists(cluster)
        raise ZeroDivisionError("a test failed inside")
    try:
        # The server and the storage (moto's S3 server, or none with a shared folder) are gone.
        assert {name: group_members(group) for name, group in groups.items()} == {name: [] for name in groups}
        assert "server-A" in groups
        assert not database_exists(cluster)
        assert "Booting worker" in cluster.log("server-A")
    finally:
        shutil.rmtree(cluster.run_dir)


@pytest.mark.skipif(not JOBS_APP, reason="the worker runs the jobs app's tasks (`celery -A rkt` discovers jobs)")
def test_a_killed_worker_stops_answering_and_a_new_one_answers():
    with Cluster(servers=0, worker=True) as cluster:
        assert cluster.worker_answers()
        group = cluster.pids["worker"]
        cluster.kill_worker()
        assert group_members(group) == []
        assert not cluster.worker_answers()
        cluster.start_worker()
        assert cluster.worker_answers()
