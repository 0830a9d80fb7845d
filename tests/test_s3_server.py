"""The storage tests' S3 server (tests/s3.py) fails loudly when it cannot start: no storage test is ever skipped."""

from __future__ import annotations

import pytest

from tests.s3 import BUCKET, S3Server


def test_a_server_that_cannot_start_fails_with_its_output():
    with pytest.raises(RuntimeError) as failure:
        S3Server(module="no_such_s3_server_module").start()
    assert "exited with 1" in str(failure.value) and "No module named no_such_s3_server_module" in str(failure.value)


def test_the_session_server_answers_with_its_bucket(s3_server):
    buckets = [bucket["Name"] for bucket in s3_server.client().list_buckets()["Buckets"]]
    assert BUCKET in buckets and s3_server.process.poll() is None
