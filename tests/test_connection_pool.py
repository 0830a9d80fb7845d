"""With RKT_DB_POOL_MAX, an app process borrows PostgreSQL connections from its pool and gives them back after use.

Run in a process of its own with the pool on, against the test database: three threads hold a connection each at
once, give them back, and three more threads get the same three backends again, none opened anew.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import json, os, threading
os.environ["DJANGO_SETTINGS_MODULE"] = "rkt.settings"
import django
django.setup()
from django.db import connection

def round_of(threads):
    backends, together = [], threading.Barrier(threads)
    def borrow():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backends.append(cursor.fetchone()[0])
        together.wait()  # every thread holds its connection at the same time
        connection.close()  # back to the pool
    workers = [threading.Thread(target=borrow) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sorted(backends)

first, second = round_of(3), round_of(3)
stats = connection.pool.get_stats()
print(json.dumps({"first": first, "second": second, "max": stats["pool_max"], "size": stats["pool_size"]}))
"""


@pytest.mark.django_db(transaction=True)
def test_pooled_connections_are_borrowed_and_given_back():
    if connection.vendor != "postgresql":
        pytest.skip("the pool is PostgreSQL's (psycopg_pool); SQLite refuses RKT_DB_POOL_MAX")
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "RKT_"))}
    environment.update(DATABASE_URL=url, RKT_DB_POOL_MAX="3", RKT_DB_POOL_MIN="1")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert len(set(found["first"])) == 3  # three connections at once: up to the pool's size
    assert found["second"] == found["first"]  # the same three again, none opened anew
    assert found["max"] == 3 and found["size"] == 3
