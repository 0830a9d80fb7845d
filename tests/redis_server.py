"""A real Redis for the tests that need one (the workers' broker, the shared cache): a redis-server process of the
tests' own on a free port, keeping nothing on disk, started once per session and stopped at its end.

Not the machine's Redis: the tests then need nothing running beforehand, and cannot touch another program's data.
Without the redis-server program they fail, saying how to install it; none is skipped."""

from __future__ import annotations

import shutil
import subprocess
import time

from tests.s3 import free_port

START_SECONDS = 20


class RedisServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> RedisServer:
        program = shutil.which("redis-server")
        if program is None:
            raise RuntimeError("redis-server is not installed: apt-get install -y redis-server")
        command = [program, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        import redis

        client = redis.Redis.from_url(self.url(), socket_connect_timeout=1)
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    output = self.stop()
                    raise RuntimeError(f"redis-server did not start:\n{output}") from None
                time.sleep(0.05)

    def stop(self) -> str:
        if self.process is None:
            return ""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            output, _ = self.process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate()
        return (output or b"").decode(errors="replace")
