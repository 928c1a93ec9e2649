"""A Neo4j server of a test's own, for fault injection: started by scripts/neo4j.sh on a free
loopback port with its own data folder, killed with SIGKILL and restarted at will.

The suite's shared server (conftest.neo4j_driver) is never killed; a test that kills a server
owns this one. Startup takes 10-20 s on the 2-core CI machine, so tests share one per module.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ["bash", str(ROOT / "scripts" / "neo4j.sh")]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivateNeo4j:
    """One Neo4j Community server on 127.0.0.1:`port` with its data under `home`."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.port = free_port()
        self.password = "t-" + secrets.token_hex(8)
        self.env = {
            **os.environ,
            "NEO4J_RUN_DIR": str(home),
            "NEO4J_BOLT_PORT": str(self.port),
            "NEO4J_PASSWORD": self.password,
            "NEO4J_HEAP": "512m",
            "NEO4J_PAGECACHE": "256m",
        }

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    def start(self) -> float:
        """Start (or restart after a kill: Neo4j recovers its store on start); seconds it took."""
        t = time.perf_counter()
        subprocess.run([*SCRIPT, "start"], env=self.env, check=True, capture_output=True, timeout=180)
        return time.perf_counter() - t

    def pid(self) -> int | None:
        f = self.home / "run" / "neo4j.pid"
        return int(f.read_text().strip()) if f.is_file() else None

    def kill(self) -> None:
        """SIGKILL the server's JVM, as a crash or the out-of-memory killer would, and wait for it."""
        pid = self.pid()
        assert pid is not None, "the server is not running"
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        raise AssertionError(f"Neo4j pid {pid} survived SIGKILL")

    def stop(self) -> None:
        subprocess.run([*SCRIPT, "stop"], env=self.env, check=False, capture_output=True, timeout=120)
