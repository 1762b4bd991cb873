"""A real redis-server for tests: a free 127.0.0.1 port, a temporary directory, no persistence.

    with RedisServer() as server:
        server.url            # redis://127.0.0.1:PORT/0
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time

import redis


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """Starts redis-server (Debian's package; `./run` and `.ci/run` install it) and stops it."""

    def __init__(self) -> None:
        self.binary = shutil.which("redis-server")
        self.process: subprocess.Popen | None = None
        self.port = 0
        self.directory = ""

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, attempts: int = 5) -> "RedisServer":
        if self.binary is None:
            raise FileNotFoundError("redis-server is not installed (apt-get install redis-server)")
        self.directory = tempfile.mkdtemp(prefix="news-redis-")
        for _ in range(attempts):  # a free port may be taken between probe and bind: try another
            self.port = free_port()
            self.process = subprocess.Popen(
                [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--dir", self.directory, "--daemonize", "no", "--loglevel", "warning"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if self._wait_ready():
                return self
            self.process.kill()
            self.process.wait()
        raise RuntimeError("redis-server did not start")

    def _wait_ready(self, seconds: float = 10.0) -> bool:
        client = redis.Redis(host="127.0.0.1", port=self.port)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if client.ping():
                    return True
            except redis.ConnectionError:
                time.sleep(0.05)
        return False

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        if self.directory:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> "RedisServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
