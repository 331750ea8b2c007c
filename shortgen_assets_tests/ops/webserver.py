"""A real `dagster-webserver` for the project's workspace, started and stopped by a test.

It runs as a subprocess in its own process group with the test's environment (DAGSTER_HOME and
SHORTGEN_*), so it sees the same installation the test materialized into, and stopping it also
stops the code server it spawns.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _executable() -> str:
    return str(Path(sys.executable).parent / "dagster-webserver")


class Webserver:
    """`dagster-webserver -w workspace.yaml` on a free port of 127.0.0.1."""

    def __init__(self, log_path: Path, workspace: Path = PROJECT / "workspace.yaml") -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = log_path.open("wb")
        self._process = subprocess.Popen(
            [_executable(), "-w", str(workspace), "-h", "127.0.0.1", "-p", str(self.port)],
            cwd=PROJECT,
            env=dict(os.environ),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_until_up(self, timeout: float = 60) -> None:
        """Block until /server_info answers; a crash or a timeout fails with the log's tail."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"dagster-webserver exited early:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/server_info", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        raise RuntimeError(f"dagster-webserver not up within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        self._log.flush()
        text = self.log_path.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM to the server's process group, then SIGKILL if it lingers."""
        if self._process.poll() is None:
            os.killpg(self._process.pid, signal.SIGTERM)
            try:
                self._process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait(timeout=timeout)
        with contextlib.suppress(ProcessLookupError):  # a code server left behind in the group
            os.killpg(self._process.pid, signal.SIGKILL)
        self._log.close()

    def __enter__(self) -> Webserver:
        try:
            self.wait_until_up()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
