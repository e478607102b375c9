"""A Spark standalone cluster on localhost for the benchmark: a master and two workers of one
core and 1 GB each, started with pyspark's spark-class (as .ci/spark-standalone.sh starts
CI's), loopback only, stopped on exit."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from python.errors import ToolkitError


def spark_home() -> Path:
    """pyspark's folder: its bin/spark-class and bin/spark-submit run the cluster and the job."""
    import pyspark

    return Path(pyspark.__file__).parent


def spark_env(work: Path) -> dict[str, str]:
    """Loopback only, and logs and settings in work/ (Spark's log4j settings of the job's own)."""
    conf = work / "conf"
    conf.mkdir(parents=True, exist_ok=True)
    root = Path(__file__).resolve().parents[2]
    (conf / "log4j2.properties").write_bytes(
        (root / "java" / "spark" / "src" / "launcher" / "spark-log4j2.properties").read_bytes())
    return {**os.environ, "SPARK_HOME": str(spark_home()), "SPARK_LOCAL_IP": "127.0.0.1",
            "SPARK_LOCAL_HOSTNAME": "127.0.0.1", "SPARK_CONF_DIR": str(conf),
            "SPARK_LOG_DIR": str(work / "logs")}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive_workers(ui: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{ui}/json/", timeout=2) as r:
            return int(json.load(r)["aliveworkers"])
    except OSError:
        return 0


@contextmanager
def standalone_cluster(work: Path, workers: int = 2, timeout: float = 120) -> Iterator[str]:
    """Start the cluster; yield its master URL; stop every process it started."""
    env = spark_env(work)
    (work / "logs").mkdir(parents=True, exist_ok=True)
    spark_class = str(spark_home() / "bin" / "spark-class")
    port, ui = _free_port(), _free_port()
    procs = [subprocess.Popen(
        [spark_class, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
         "--port", str(port), "--webui-port", str(ui)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)]
    try:
        for n in range(workers):
            procs.append(subprocess.Popen(
                [spark_class, "org.apache.spark.deploy.worker.Worker", f"spark://127.0.0.1:{port}",
                 "--host", "127.0.0.1", "--port", str(_free_port()), "--webui-port",
                 str(_free_port()), "--cores", "1", "--memory", "1g",
                 "--work-dir", str(work / f"worker{n}")],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True))
        deadline = time.monotonic() + timeout
        while _alive_workers(ui) < workers:
            if time.monotonic() > deadline:
                raise ToolkitError(f"the Spark cluster had not {workers} workers after {timeout} s")
            time.sleep(1)
        yield f"spark://127.0.0.1:{port}"
    finally:
        for p in reversed(procs):  # each in a session of its own: its JVM children too
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
