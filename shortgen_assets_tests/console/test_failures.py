"""A failed stage reads as one whole line, in its own words, wherever the CLI reports it."""

from __future__ import annotations

from pathlib import Path

import pytest
from dagster import DagsterEventType, RetryPolicy, asset, materialize
from typer.testing import CliRunner

from shortgen_assets.console.app import app
from shortgen_assets.db.models import Job
from shortgen_assets.db.session import session_scope
from shortgen_assets.defs import checks
from shortgen_assets.defs.failures import failure_message
from shortgen_assets.defs.resources.http import ProviderError
from shortgen_assets.settings import Settings

WRAPPERS = ("Traceback", "dagster._core", "DagsterAssetCheckFailedError", "Exceeded max_retries")


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    assert isinstance(result.exception, SystemExit | None), result.exception
    output = result.stdout + result.stderr
    assert not any(wrapper in output for wrapper in WRAPPERS), output
    return result.exit_code, output


def line_with(reason: str, output: str) -> str:
    """The one output line that carries the whole reason."""
    [line] = [line for line in output.splitlines() if reason in line]
    return line


def stored_error(settings: Settings, job_id: int) -> str:
    with session_scope(settings.app_database_url) as session:
        job = session.get(Job, job_id)
        assert job.status == "failed"
        return job.error


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_failed_check_reads_whole_on_one_line_in_demo_jobs_show_and_retry(
    installation: Settings, quick_theme: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A blocking check fails for real: every narration now counts as silence.
    monkeypatch.setattr(checks, "SILENT_RMS_DBFS", 0.0)
    code, output = cli("demo", "--theme", str(quick_theme))
    assert code == 1
    [job_id] = [int(line.split()[1].rstrip(":")) for line in output.splitlines()[:1]]
    reason = stored_error(installation, job_id)
    assert reason.startswith("voiceover: voiceover RMS ")
    assert reason.endswith("dBFS is silence (threshold 0.0 dBFS) (check voiceover_audible)")
    assert line_with(reason, output).endswith(f"then run `shortgen retry {job_id}`")

    code, output = cli("jobs")
    assert code == 0
    assert line_with(reason, output).split()[:2] == [str(job_id), "failed"]

    code, output = cli("show", str(job_id))
    assert code == 0
    assert line_with(reason, output) == (
        f"  failed at {reason}; fix that, then run `shortgen retry {job_id}`"
    )
    assert ["voiceover", "failed"] in [line.split()[:2] for line in output.splitlines()]

    code, output = cli("approve", str(job_id))
    assert code == 2
    assert reason in line_with("has no video", output)

    code, output = cli("retry", str(job_id))
    assert code == 1
    assert "re-running voiceover, footage, video" in output
    reason = stored_error(installation, job_id)  # the new run's figures
    assert reason.endswith("(check voiceover_audible)")
    assert line_with(reason, output).startswith(f"failed: job {job_id} stopped at voiceover: ")


def test_a_provider_error_is_final_for_the_step_and_reads_in_the_providers_words() -> None:
    @asset(retry_policy=RetryPolicy(max_retries=1))
    def flaky() -> None:
        raise ProviderError("pexels: HTTP 429 after retries (rate limited; try again later): {}")

    result = materialize([flaky], raise_on_error=False)
    kinds = [e.event_type for e in result.all_events]
    assert DagsterEventType.STEP_UP_FOR_RETRY not in kinds  # its call already spent its budget
    [failure] = [e for e in result.all_events if e.event_type == DagsterEventType.STEP_FAILURE]
    assert failure_message(failure) == (
        "pexels: HTTP 429 after retries (rate limited; try again later): {}"
    )
