"""A dead provider fails its step within the call budget, in the provider's own words.

Two local servers stand in for a provider: one accepts connections and never answers, one answers
503 forever. Claude is pointed at each through SHORTGEN_ANTHROPIC_BASE_URL, `shortgen demo` runs
the real pipeline on a temporary instance with two Dagster step retries allowed, and the step must
fail once (no step retry starts the budget over), inside its budget, with one line stored.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from dagster import DagsterEventType, DagsterInstance, RunsFilter
from typer.testing import CliRunner

from shortgen_assets.console.app import app
from shortgen_assets.db.models import Job
from shortgen_assets.db.session import session_scope
from shortgen_assets.settings import Settings, get_settings

BUDGET_S = 4.0
# The step's own work around the call: importing the SDK, building the prompt, on a shared machine.
# Without the budget the call alone takes about 14 s (4 attempts of 1 s and their backoff).
MARGIN_S = 8.0


class SilentServer:
    """Accepts every connection and never answers, until stopped."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.held: list[socket.socket] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}"

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.held.append(connection)

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)
        for connection in [*self.held, self.listener]:
            connection.close()


class Overloaded(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b'{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'
        self.send_response(503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def silent_server() -> Iterator[str]:
    server = SilentServer()
    yield server.url
    server.stop()


@pytest.fixture
def overloaded_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Overloaded)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def claude_at(url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("SHORTGEN_LLM_PROVIDER", "anthropic")
    monkeypatch.setenv("SHORTGEN_ANTHROPIC_BASE_URL", url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-dummy")
    monkeypatch.setenv("SHORTGEN_STEP_RETRIES", "2")
    monkeypatch.setenv("SHORTGEN_STEP_RETRY_DELAY_SECONDS", "0")
    monkeypatch.setenv("SHORTGEN_PROVIDER_CONNECT_TIMEOUT_SECONDS", "1")
    monkeypatch.setenv("SHORTGEN_PROVIDER_READ_TIMEOUT_SECONDS", "1")
    monkeypatch.setenv("SHORTGEN_PROVIDER_CALL_BUDGET_SECONDS", str(BUDGET_S))
    get_settings.cache_clear()
    return get_settings()


def failed_step_seconds(instance: DagsterInstance) -> tuple[str, float, int]:
    """The failed step of the only run, its duration, and how many times it started."""
    [run] = instance.get_run_records(RunsFilter())
    events = instance.all_logs(run.dagster_run.run_id)
    [failure] = [e for e in events if e.dagster_event_type == DagsterEventType.STEP_FAILURE]
    step = failure.step_key
    starts = [
        e
        for e in events
        if e.dagster_event_type == DagsterEventType.STEP_START and e.step_key == step
    ]
    return step, failure.timestamp - starts[0].timestamp, len(starts)


def fail_demo(settings: Settings, theme: Path) -> tuple[str, str]:
    """Run `demo`, expect it to fail; the stored job error and the CLI output."""
    result = CliRunner().invoke(app, ["demo", "--theme", str(theme)])
    assert result.exit_code == 1, result.stdout
    with session_scope(settings.app_database_url) as session:
        [job] = session.query(Job).all()
        assert job.status == "failed"
        return job.error, result.stdout + result.stderr


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_provider_that_never_answers_fails_its_step_within_the_budget(
    installation: Settings,
    quick_theme: Path,
    silent_server: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = claude_at(silent_server, monkeypatch)
    error, output = fail_demo(settings, quick_theme)

    with DagsterInstance.get() as instance:
        step, seconds, starts = failed_step_seconds(instance)
    assert starts == 1, "a spent provider budget is final for the step"
    assert seconds < BUDGET_S + MARGIN_S
    assert error.startswith(f"{step}: Anthropic: timed out after retries (1 attempt in ")
    assert "SHORTGEN_PROVIDER_CALL_BUDGET_SECONDS" in error
    assert "\n" not in error and "Exceeded max_retries" not in error
    assert error in output and "Traceback" not in output


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_provider_that_answers_503_forever_fails_its_step_within_the_budget(
    installation: Settings,
    quick_theme: Path,
    overloaded_server: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = claude_at(overloaded_server, monkeypatch)
    error, output = fail_demo(settings, quick_theme)

    with DagsterInstance.get() as instance:
        step, seconds, starts = failed_step_seconds(instance)
    assert starts == 1
    assert seconds < BUDGET_S + MARGIN_S
    assert error.startswith(f"{step}: Anthropic: HTTP 503 after retries (")
    assert "Overloaded" in error
    assert "\n" not in error and "Exceeded max_retries" not in error
    assert error in output and "Traceback" not in output
