"""A real `dagster-celery` worker as a subprocess, and the broker checks its tests need.

The worker is started the way docs/celery.md tells a user to (`dagster-celery worker start -A
dagster_celery.app -y config/celery.yaml -q QUEUE -i shortgen_assets.definitions`), in its own
session, so the CLI, the Celery
main process and its pool children form one process group: `owns(pid)` tells whether a run
executed inside it. `stop()` asks it to shut down warmly through the broker (what `celery control
shutdown` sends) and kills whatever of the group is left.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from celery import Celery
from kombu import Connection

from shortgen_assets_tests.ops.daemon import BIN, PROJECT, ServiceError, wait_for

CELERY_CONFIG = PROJECT / "config" / "celery.yaml"


def broker_problem(url: str, timeout: float = 3.0) -> str | None:
    """Why the broker at `url` cannot be used, or None when it answers."""
    try:
        with Connection(url, connect_timeout=timeout) as connection:
            connection.ensure_connection(max_retries=1, timeout=timeout)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def delete_queue(url: str, queue: str) -> None:
    """Drop a test's queue from the broker, with anything left in it."""
    with Connection(url) as connection:
        connection.default_channel.queue_delete(queue)


class CeleryWorker:
    """One `dagster-celery` worker consuming `queue`, logging to `log`."""

    def __init__(
        self,
        queue: str,
        broker: str,
        env: Mapping[str, str],
        log: Path,
        *,
        config: Path = CELERY_CONFIG,
        concurrency: int = 2,
        cwd: Path = PROJECT,
    ) -> None:
        self.queue = queue
        self.broker = broker
        self.name = f"shortgen-{uuid.uuid4().hex[:8]}"
        self.nodename: str | None = None
        self.graceful_exit_code: int | None = None  # set when `stop()` needed no signal
        self.log = log
        self.config = config
        self.concurrency = concurrency
        self.cwd = cwd
        # The CLI runs `celery` from PATH, so the venv's bin comes first.
        self.env = {**env, "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}"}
        self.popen: subprocess.Popen[bytes] | None = None
        self._log_file: IO[bytes] | None = None

    def launch(self) -> None:
        """Start the worker process without waiting (it imports the project's code first)."""
        cmd = [
            str(BIN / "dagster-celery"),
            *("worker", "start", "-A", "dagster_celery.app", "-y", str(self.config)),
            *("-i", "shortgen_assets.definitions", "-q", self.queue, "-n", self.name),
            *("--", "--concurrency", str(self.concurrency)),
        ]
        self._log_file = self.log.open("ab")
        self.popen = subprocess.Popen(
            cmd,
            env=self.env,
            cwd=self.cwd,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        """Return once the worker reports itself ready on the broker; stop it if it never does."""
        try:
            wait_for(self._ready, timeout, f"celery worker {self.name}", 0.5, self.check_alive)
        except BaseException:
            self.stop()
            raise

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def check_alive(self) -> None:
        if self.popen is not None and self.popen.poll() is not None:
            tail = "\n".join(self.log_text().splitlines()[-30:])
            raise ServiceError(f"celery worker exited with {self.popen.returncode}:\n{tail}")

    def owns(self, pid: int) -> bool:
        """Whether process `pid` belongs to this worker (its main process or a pool child)."""
        if self.popen is None:
            return False
        try:
            return os.getpgid(pid) == self.popen.pid
        except ProcessLookupError:
            return False

    def stop(self, timeout: float = 30) -> None:
        """Warm shutdown through the broker (running tasks finish); signals only as a fallback."""
        if self.popen is None:
            return
        if self.popen.poll() is None and self.nodename:
            with Celery(broker=self.broker) as app:
                app.control.shutdown(destination=[self.nodename])
        try:
            self.graceful_exit_code = self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._signal_group(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=timeout)
        self._signal_group(signal.SIGKILL)  # nothing of the worker outlives the test
        self.popen.wait()
        if self._log_file is not None:
            self._log_file.close()
        self.popen = None

    def _ready(self) -> bool:
        """Whether the worker logged `NAME@HOST ready.`; remembers that node name."""
        found = re.search(rf"({re.escape(self.name)}@\S+) ready\.$", self.log_text(), re.MULTILINE)
        if found:
            self.nodename = found.group(1)
        return found is not None

    def _signal_group(self, signum: int) -> None:
        if self.popen is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signum)
