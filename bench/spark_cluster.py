"""A real Spark standalone cluster on loopback: one master and N workers, each its own JVM.

Used by the differential tests and the scaling benchmark, so that `--engine spark` is measured on
what a user's cluster runs (a master URL, executors in other processes), not on `local[*]`, which
runs everything inside the driver's JVM. The JVMs are the ones pyspark's wheel ships
(`bin/spark-class`); Java 17 or later must be on PATH.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spark_home() -> Path:
    from pyspark.find_spark_home import _find_spark_home

    return Path(_find_spark_home())


@dataclass
class LocalCluster:
    """A running cluster; `stop()` ends every process it started."""

    master_url: str
    work_dir: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    def stop(self) -> None:
        for p in reversed(self.processes):
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for p in self.processes:
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()

    def __enter__(self) -> LocalCluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _wait_for(log: Path, needle: str, proc: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if log.exists() and needle in log.read_text(errors="replace"):
            return
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{log.name}: the process exited ({proc.returncode}): {tail}")
        time.sleep(0.3)
    raise TimeoutError(f"{log.name}: no {needle!r} after {timeout_s:.0f} s: {log.read_text()[-2000:]}")


def start_local_cluster(
    work_dir: Path, workers: int = 2, cores: int = 1, memory: str = "2g", timeout_s: float = 90
) -> LocalCluster:
    """Start a master and `workers` workers of `cores` cores on 127.0.0.1; return when all registered."""
    work_dir.mkdir(parents=True, exist_ok=True)
    home = spark_home()
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOCAL_IP": "127.0.0.1", "SPARK_NO_DAEMONIZE": "1"}
    spark_class = str(home / "bin" / "spark-class")
    port = free_port()
    cluster = LocalCluster(f"spark://127.0.0.1:{port}", work_dir)

    def launch(name: str, args: list[str]) -> tuple[subprocess.Popen[bytes], Path]:
        log = work_dir / f"{name}.log"
        fh = log.open("wb")
        proc = subprocess.Popen(
            [spark_class, *args], stdout=fh, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        fh.close()
        cluster.processes.append(proc)
        cluster.logs.append(log)
        return proc, log

    try:
        master, mlog = launch(
            "master",
            ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port),
             "--webui-port", str(free_port())],
        )
        _wait_for(mlog, "I have been elected leader", master, timeout_s)
        started = []
        for i in range(workers):
            started.append(launch(
                f"worker{i + 1}",
                ["org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", str(cores),
                 "--memory", memory, "--webui-port", str(free_port()),
                 "--work-dir", str(work_dir / f"worker{i + 1}"), cluster.master_url],
            ))
        for proc, log in started:
            _wait_for(log, "Successfully registered with master", proc, timeout_s)
    except BaseException:
        cluster.stop()
        raise
    return cluster
