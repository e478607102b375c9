"""``modelparity-java serve`` in a process of its own, for the tests and the load benchmark.

The server is the installed Java command (``gradle installDist``); it listens on loopback on a
free port, says where on its first line, and is stopped with SIGTERM (graceful) when the
``with`` block ends, or killed if it has not stopped within the grace period.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from python.runtimes.workers import ROOT

JAVA_CLI = ROOT / "build" / "install" / "modelparity-java" / "bin" / "modelparity-java"
LISTENING = re.compile(r"on (http://\S+/) with")


@dataclass
class Server:
    """A running server: where it listens, its process, and what it printed so far."""

    url: str
    process: subprocess.Popen
    stderr: list[str] = field(default_factory=list)

    def rss_bytes(self) -> int:
        """The Java process's resident memory, from /proc (Linux)."""
        text = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", text).group(1)) * 1024

    def cpu_split(self) -> tuple[float, float]:
        """The Java process's CPU time so far, all threads, in user space and in the kernel
        (Linux): the kernel's share is the network's and the threads' hand-overs."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        tick = os.sysconf("SC_CLK_TCK")
        return int(fields[11]) / tick, int(fields[12]) / tick

    def stop(self, timeout: float = 60) -> int:
        """SIGTERM, then wait for the exit status (killed after ``timeout`` seconds)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


def server_unavailable() -> str | None:
    """Why the server cannot start here, or None."""
    if not JAVA_CLI.exists():
        return f"{JAVA_CLI.relative_to(ROOT)} is missing (run gradle installDist)"
    return None


@contextmanager
def serving(artifacts: Path, *args: str, java_opts: str | None = None,
            startup_timeout: float = 60) -> Iterator[Server]:
    """Start ``modelparity-java serve --artifacts artifacts --port 0 args...``; stop it after."""
    env = {**os.environ}
    if java_opts:
        env["JAVA_OPTS"] = f"{env.get('JAVA_OPTS', '')} {java_opts}".strip()
    command = [str(JAVA_CLI), "serve", "--artifacts", str(artifacts), "--port", "0", *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env, cwd=ROOT)
    server = Server("", process)
    threading.Thread(target=lambda: server.stderr.extend(process.stderr), daemon=True).start()
    deadline = time.monotonic() + startup_timeout
    line = process.stdout.readline()
    match = LISTENING.search(line)
    try:
        if match is None or time.monotonic() > deadline:
            process.kill()
            process.wait()
            said = "".join(server.stderr)
            raise RuntimeError(f"modelparity-java serve did not start: {line!r} {said}")
        server.url = match.group(1)
        yield server
    finally:
        server.stop()
