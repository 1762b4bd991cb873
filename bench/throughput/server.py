"""Serve a generated site statically on 127.0.0.1: nginx when it runs, else Python's http.server.

    .venv/bin/python bench/throughput/server.py bench/out/throughput/sites/2000 --port 18089   # Ctrl-C stops it

nginx gets a minimal configuration written under bench/out/throughput/nginx-PORT/ (one worker,
`access_log off`, `sendfile on`, the site as root) and runs in the foreground (`daemon off`) as a
child of this process, so stopping it is stopping that child. Without nginx (not installed, or it
cannot start) the fallback is `python -m http.server`, with a warning: it costs more CPU per
request, which the crawlers then share the cores with.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

OUT = Path(__file__).resolve().parents[1] / "out" / "throughput"

NGINX_CONF = """\
{user}worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    types {{ text/html html; application/xml xml; text/plain txt; application/json json; }}
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    client_body_temp_path {prefix}/tmp;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html;
    }}
}}
"""


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def _wait_listening(process: subprocess.Popen, port: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if not port_free(port):
            return True
        time.sleep(0.05)
    return False


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.path.exists(p)), None)


def nginx_version(binary: str) -> str:
    result = subprocess.run([binary, "-v"], capture_output=True, text=True)
    return "nginx " + (result.stderr.strip().rsplit("/", 1)[-1] or "?")


def _start_nginx(root: Path, port: int) -> subprocess.Popen | None:
    binary = nginx_binary()
    if not binary:
        return None
    prefix = OUT / f"nginx-{port}"
    (prefix / "tmp").mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers would switch to nobody otherwise
    conf.write_text(NGINX_CONF.format(user=user, prefix=prefix, port=port, root=root.resolve()))
    process = subprocess.Popen([binary, "-c", str(conf), "-p", str(prefix), "-e", str(prefix / "error.log")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if _wait_listening(process, port):
        return process
    _stop(process)
    error = (process.stderr.read() or b"").decode(errors="replace").strip() if process.stderr else ""
    print(f"warning: nginx did not start ({error or 'no answer on the port'})", file=sys.stderr)
    return None


def _start_python(root: Path, port: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                                "--directory", str(root)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not _wait_listening(process, port):
        _stop(process)
        raise RuntimeError(f"python -m http.server did not start on 127.0.0.1:{port}")
    return process


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()  # nginx: fast shutdown; http.server: exits
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def serve(root: Path, port: int, allow_nginx: bool = True) -> Iterator[str]:
    """Serve ROOT on 127.0.0.1:PORT for the `with` block; yields what serves it ("nginx …" or "python http.server")."""
    if not port_free(port):
        raise RuntimeError(f"127.0.0.1:{port} is already in use: pick another with --port")
    process = _start_nginx(root, port) if allow_nginx else None
    kind = nginx_version(nginx_binary()) if process else None
    if process is None:
        print("warning: serving with python -m http.server, not nginx (apt-get install nginx-light): "
              "the server then takes a visible share of the 2 cores", file=sys.stderr)
        process, kind = _start_python(root, port), "python http.server"
    try:
        yield kind
    finally:
        _stop(process)


def stop_on_sigterm() -> None:
    """SIGTERM ends the program through its `finally` blocks, so the server it started is stopped too."""
    def _exit(signum, frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, _exit)


def main() -> None:
    stop_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--port", type=int, default=18089)
    parser.add_argument("--python", action="store_true", help="use python -m http.server even if nginx is there")
    args = parser.parse_args()
    with serve(args.root, args.port, allow_nginx=not args.python) as kind:
        print(f"serving {args.root} on http://127.0.0.1:{args.port}/ with {kind}; Ctrl-C stops")
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)


if __name__ == "__main__":
    main()
