"""The real Dagster daemon (and optionally the webserver) as subprocesses, for tests and benchmarks.

Operations tests must exercise what a user runs, not `execute_in_process`: the sensors, the run
queue and the run launcher live in `dagster-daemon run`. `DagsterServices` starts it for a given
DAGSTER_HOME and workspace, waits until its daemons heartbeat (and the webserver answers), and
stops the whole process group, so no code server or run worker outlives the test.

    with DagsterServices(dagster_home, WORKSPACE, log_dir=tmp_path) as services:
        ...  # the job_requests sensor and the run queue are live
    assert "database is locked" not in services.log_text()
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import IO, TypeVar

import httpx
from dagster import DagsterInstance, DagsterRun, RunsFilter

PROJECT = Path(__file__).resolve().parents[2]
WORKSPACE = PROJECT / "workspace.yaml"
BIN = Path(sys.executable).parent
# The daemons the pipeline depends on: sensors launch runs, the queue coordinator dequeues them.
PIPELINE_DAEMONS = ("SENSOR", "QUEUED_RUN_COORDINATOR")
PARTITION_TAG = "dagster/partition"
LOCK_ERRORS = ("database is locked", "deadlock", "could not obtain lock")

T = TypeVar("T")


def queued_instance_config(storage: Mapping[str, object], max_concurrent_runs: int) -> dict:
    """dagster.yaml for the daemon: `storage` (e.g. `{"postgres": {...}}`), the run queue with a
    one-second dequeue loop, and sensor ticks that submit several runs at once."""
    return {
        "storage": dict(storage),
        "run_coordinator": {
            "module": "dagster._core.run_coordinator",
            "class": "QueuedRunCoordinator",
            "config": {"max_concurrent_runs": max_concurrent_runs, "dequeue_interval_seconds": 1},
        },
        "sensors": {"use_threads": True, "num_workers": 4, "num_submit_workers": 4},
        "run_retries": {"enabled": False},  # a lost or failed run shows as such, not as a retry
        "telemetry": {"enabled": False},
    }


class ServiceError(RuntimeError):
    """A Dagster process did not start, or died; the message carries the tail of its log."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(
    probe: Callable[[], T | None],
    timeout: float,
    what: str,
    interval: float = 0.5,
    alive: Callable[[], None] = lambda: None,
) -> T:
    """Poll `probe` until it returns something truthy; `alive` raises if waiting is pointless."""
    deadline = time.monotonic() + timeout
    while True:
        alive()
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def lock_errors(text: str) -> list[str]:
    """Lines of `text` that report a database lock problem (SQLite or Postgres)."""
    return [
        line.strip()
        for line in text.splitlines()
        if any(marker in line.lower() for marker in LOCK_ERRORS)
    ]


class _Process:
    """One Dagster CLI process in its own session, logging to a file."""

    def __init__(
        self, name: str, cmd: Sequence[str], env: Mapping[str, str], cwd: Path, log: Path
    ) -> None:
        self.name = name
        self.log = log
        self._log_file: IO[bytes] = log.open("ab")
        self.popen = subprocess.Popen(
            list(cmd),
            env=dict(env),
            cwd=cwd,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: code servers and run workers stop with it
        )

    def check_alive(self) -> None:
        code = self.popen.poll()
        if code is not None:
            tail = "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])
            raise ServiceError(f"{self.name} exited with code {code}; log tail:\n{tail}")

    def stop(self, timeout: float) -> None:
        """SIGTERM (Dagster treats it as Ctrl-C), then SIGKILL whatever is left in the group."""
        group = self.popen.pid
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=timeout)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
        self.popen.wait(timeout=10)
        self._log_file.close()


class DagsterServices:
    """`dagster-daemon run` (and `dagster-webserver` if `webserver_port` is set) for one home."""

    def __init__(
        self,
        dagster_home: Path,
        workspace: Path = WORKSPACE,
        *,
        log_dir: Path,
        webserver_port: int | None = None,
        env: Mapping[str, str] | None = None,
        cwd: Path = PROJECT,
        daemons: Sequence[str] = PIPELINE_DAEMONS,
    ) -> None:
        self.dagster_home = Path(dagster_home)
        self.workspace = Path(workspace)
        self.log_dir = Path(log_dir)
        self.webserver_port = webserver_port
        self.env = {**os.environ, **(env or {}), "DAGSTER_HOME": str(self.dagster_home)}
        self.cwd = cwd
        self.daemons = tuple(daemons)
        self.processes: list[_Process] = []

    @property
    def webserver_url(self) -> str:
        if self.webserver_port is None:
            raise ServiceError("no webserver was requested (webserver_port is None)")
        return f"http://127.0.0.1:{self.webserver_port}"

    def start(self, timeout: float = 120) -> DagsterServices:
        """Start the processes and return once the daemons heartbeat and the webserver answers."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        begun = time.time()
        daemon = self._spawn("dagster-daemon", ["run", "-w", str(self.workspace)])
        webserver = None
        if self.webserver_port is not None:
            args = ["-w", str(self.workspace), "-h", "127.0.0.1", "-p", str(self.webserver_port)]
            webserver = self._spawn("dagster-webserver", args)
        try:
            self._wait_for_heartbeats(daemon, begun, timeout)
            if webserver is not None:
                wait_for(self._webserver_answers, timeout, "dagster-webserver", 0.5, self._alive)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, timeout: float = 30) -> None:
        """Stop every process (webserver first, so nothing launches while the daemon stops)."""
        for process in reversed(self.processes):
            process.stop(timeout)
        self.processes.clear()

    def log_text(self) -> str:
        """Everything the daemon, webserver, code servers and run workers printed."""
        return "".join(
            path.read_text(errors="replace") for path in sorted(self.log_dir.glob("*.log"))
        )

    def instance(self) -> DagsterInstance:
        """The instance these processes use (a context manager: close it when done)."""
        return DagsterInstance.from_config(str(self.dagster_home))

    def wait_for_runs(
        self, partition_keys: Collection[str], timeout: float, job_name: str = "pipeline"
    ) -> list[DagsterRun]:
        """Block until each partition has a run of `job_name` and none is still in progress."""
        wanted = set(partition_keys)

        def finished() -> list[DagsterRun] | None:
            runs = [
                run
                for run in instance.get_runs(RunsFilter(job_name=job_name))
                if run.tags.get(PARTITION_TAG) in wanted
            ]
            covered = {run.tags[PARTITION_TAG] for run in runs}
            done = covered == wanted and all(run.is_finished for run in runs)
            return runs if done else None

        with self.instance() as instance:
            return wait_for(finished, timeout, f"{len(wanted)} {job_name} runs", 1.0, self._alive)

    def __enter__(self) -> DagsterServices:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _spawn(self, program: str, args: Sequence[str]) -> _Process:
        log = self.log_dir / f"{program}.log"
        process = _Process(program, [str(BIN / program), *args], self.env, self.cwd, log)
        self.processes.append(process)
        return process

    def _alive(self) -> None:
        for process in self.processes:
            process.check_alive()

    def _wait_for_heartbeats(self, daemon: _Process, since: float, timeout: float) -> None:
        with self.instance() as instance:

            def fresh() -> bool:
                beats = instance.get_daemon_heartbeats()
                return all(
                    name in beats and beats[name].timestamp >= since for name in self.daemons
                )

            what = f"heartbeats of {', '.join(self.daemons)}"
            wait_for(fresh, timeout, what, 0.5, daemon.check_alive)

    def _webserver_answers(self) -> bool:
        try:
            return httpx.get(f"{self.webserver_url}/server_info", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False
