"""HTTP's floor for the load benchmark: nginx answering 404 at once, the cheapest HTTP exchange
this machine can do, and the bound a floor puts on the service's throughput against in-process.

The service's overhead is measured against in-process classification, and the load generator
shares the cores, so what any server must add to a picture's own work is bounded below by
what the kernel and a minimal C server spend on one request. nginx, one process
(``master_process off``), on loopback, reads and discards each body and answers a fixed 404:
the same request bodies as the benchmark's cells, so the figure is per request of that size.
Optional: without nginx on PATH the benchmark says so and goes on.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from python.errors import ToolkitError
from python.runtimes.server import Server

CONFIG = """\
daemon off;
master_process off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {folder}/body;
  proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fastcgi;
  uwsgi_temp_path {folder}/uwsgi;
  scgi_temp_path {folder}/scgi;
  client_body_buffer_size 64k;
  client_max_body_size 20m;
  keepalive_requests 1000000000;
  server {{
    listen 127.0.0.1:{port};
    location / {{ return 404 '{{"error": "no such endpoint"}}'; }}
  }}
}}
"""


def nginx_unavailable() -> str | None:
    """Why the nginx floor cannot be measured here, or None."""
    if shutil.which("nginx") is None:
        return "nginx is not on PATH (Debian: apt-get install nginx-light)"
    return None


def free_port() -> int:
    """A loopback port nothing listens on now (nginx binds it a moment later)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def nginx_404(folder: Path, startup_timeout: float = 10) -> Iterator[Server]:
    """nginx in the foreground on a free loopback port, its files in folder; stopped after."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = folder / "nginx.conf"
    config.write_text(CONFIG.format(folder=folder.resolve(), port=port))
    process = subprocess.Popen(["nginx", "-p", str(folder.resolve()), "-c", str(config.resolve())],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    server = Server(f"http://127.0.0.1:{port}/", process)
    try:
        deadline = time.monotonic() + startup_timeout
        while not _listening(port):
            if process.poll() is not None or time.monotonic() > deadline:
                said = (process.stderr.read() if process.poll() is not None else "").split("\n")
                last = next((line.strip() for line in reversed(said) if line.strip()), "timed out")
                raise ToolkitError(f"nginx did not start on port {port}: {last}")
            time.sleep(0.05)
        yield server
    finally:
        server.stop(timeout=10)


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def bound(in_process_ms: float, http_ms: float, load_ms: float) -> float:
    """The most of in-process throughput a server can give when the cores are fully busy in both:
    in process a picture costs in_process_ms of CPU; served, that plus http_ms (the server's
    cost of a request beyond the picture's work) plus load_ms (the load generator's, on the
    same cores)."""
    return in_process_ms / (in_process_ms + http_ms + load_ms)


def bound_lines(cell: str, in_process_ms: float, load_ms: float, measured: float,
                floors: dict[str, float]) -> list[str]:
    """What each floor allows cell (one picture a request), beside what was measured.

    in_process_ms: the in-process CPU a picture; load_ms: wrk's CPU a request in the cell;
    measured: the cell's pictures a second over in-process; floors: a server's name and its CPU
    a request answering at once."""
    lines = [f"bound on {cell}, the cores fully busy (in process {in_process_ms:.3f} ms a "
             f"picture, wrk {load_ms:.3f} ms a request in the cell): measured {measured:.2f}"]
    for name, http_ms in floors.items():
        most = bound(in_process_ms, http_ms, load_ms)
        lines.append(f"  a server that costs what {name} costs to answer at once "
                     f"({http_ms:.3f} ms a request): at most {most:.2f}")
    return lines
