"""A real S3-compatible server for the storage tests: moto's standalone server, run as its own process.

tests/conftest.py starts one per test session (``s3_server``) and gives each test that asks for ``s3`` a prefix of
its own in the bucket, with STORAGES["default"] pointed at it through RKT_STORAGE_URL's own parser. There is no
skipping: a server that does not start fails the tests that need it, with its output.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

BUCKET = "rkt-test"
KEY, SECRET = "rkt-test-key", "rkt/test+secret"  # the secret's / and + must survive the URL's percent-encoding
REGION = "us-east-1"
START_SECONDS = 30
# Requests to the server go straight to it, whatever proxy the environment names.
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class S3Server:
    """``python -m moto.server`` on a free port of 127.0.0.1, and a bucket in it."""

    def __init__(self, module: str = "moto.server") -> None:
        self.module = module
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.log = Path(tempfile.mkstemp(prefix="moto-", suffix=".log")[1])
        self.process: subprocess.Popen | None = None

    def start(self) -> S3Server:
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", self.module, "-H", "127.0.0.1", "-p", str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + START_SECONDS
        while True:
            if self.process.poll() is not None:
                output = self.output()
                self.stop()
                raise RuntimeError(f"moto's S3 server exited with {self.process.returncode}:\n{output}")
            try:
                with DIRECT.open(f"{self.endpoint}/moto-api/data.json", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                output = self.output()
                self.stop()
                raise RuntimeError(f"moto's S3 server did not answer within {START_SECONDS} s:\n{output}")
            time.sleep(0.1)
        self.client().create_bucket(Bucket=BUCKET)
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=KEY,
            aws_secret_access_key=SECRET,
            region_name=REGION,
            config=Config(s3={"addressing_style": "path"}, proxies={}),
        )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.unlink(missing_ok=True)


@dataclass
class Bucket:
    """One test's place in the server's bucket: its URL (as RKT_STORAGE_URL is written) and what is in it."""

    server: S3Server
    prefix: str

    @property
    def url(self) -> str:
        secret = urllib.parse.quote(SECRET, safe="")
        return f"s3://{KEY}:{secret}@{BUCKET}/{self.prefix}?endpoint_url={self.server.endpoint}&region_name={REGION}"

    def key(self, name: str) -> str:
        return f"{self.prefix}/{name}"

    def names(self) -> list[str]:
        """The stored names under this test's prefix, as the app knows them (without the prefix)."""
        pages = self.server.client().get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=f"{self.prefix}/")
        return sorted(item["Key"][len(self.prefix) + 1 :] for page in pages for item in page.get("Contents", ()))

    def read(self, name: str) -> bytes:
        return self.server.client().get_object(Bucket=BUCKET, Key=self.key(name))["Body"].read()

    def put(self, name: str, content: bytes) -> None:
        self.server.client().put_object(Bucket=BUCKET, Key=self.key(name), Body=content)

    def delete(self, name: str) -> None:
        self.server.client().delete_object(Bucket=BUCKET, Key=self.key(name))

    def unsigned_get(self, name: str) -> int:
        """The status of a plain GET of the object at the endpoint, without credentials, as a stranger sends it."""
        try:
            with DIRECT.open(f"{self.server.endpoint}/{BUCKET}/{self.key(name)}", timeout=10) as answer:
                return answer.status
        except urllib.error.HTTPError as refusal:
            return refusal.code

    def signed_get(self, url: str) -> bytes:
        with DIRECT.open(url, timeout=10) as answer:
            return answer.read()


def new_prefix() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"
