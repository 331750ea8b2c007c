"""The `shortgen` command as a user runs it: request, list, show, migrate, and its errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from shortgen_assets.console.app import app
from shortgen_assets.settings import Settings
from shortgen_assets_tests.conftest import DEFAULT_THEME

runner = CliRunner()


def shortgen(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_request_then_jobs_lists_the_job_as_requested(installation: Settings) -> None:
    code, out, err = shortgen("request", "--theme", str(DEFAULT_THEME), "--count", "2")
    assert code == 0, err
    ids = [int(line) for line in out.split()]
    assert len(ids) == 2 and ids[1] == ids[0] + 1
    code, out, _ = shortgen("jobs", "--json")
    assert code == 0
    listed = json.loads(out)
    assert [job["id"] for job in listed] == ids
    assert {job["status"] for job in listed} == {"requested"}
    assert listed[0]["theme"] == "tempo-focus"
    assert listed[0]["stages_done"] == 0


def test_jobs_filters_by_status_and_rejects_unknown_status(installation: Settings) -> None:
    shortgen("request", "--theme", str(DEFAULT_THEME))
    assert json.loads(shortgen("jobs", "--status", "failed", "--json")[1]) == []
    code, _, err = shortgen("jobs", "--status", "exploded")
    assert code == 2
    assert "unknown status 'exploded'" in err


def test_show_reports_every_stage_from_dagster(installation: Settings) -> None:
    job_id = shortgen("request", "--theme", str(DEFAULT_THEME))[1].strip()
    code, out, err = shortgen("show", job_id, "--json")
    assert code == 0, err
    details = json.loads(out)
    assert details["status"] == "requested"
    assert [s["stage"] for s in details["stages"]][:3] == ["trends", "trend_report", "script"]
    assert {s["state"] for s in details["stages"]} == {"missing"}
    assert "job" in shortgen("show", job_id)[1]


def test_show_unknown_job_is_a_user_error(installation: Settings) -> None:
    code, _out, err = shortgen("show", "999")
    assert code == 2
    assert err.strip() == "error: no job 999; list jobs with `shortgen jobs`"


HUGE_ID = "99999999999999999999"  # 20 digits: past every backend's integer range


def test_a_job_id_out_of_range_is_no_job_for_every_command(installation: Settings) -> None:
    shortgen("request", "--theme", str(DEFAULT_THEME))
    for command in (
        ["show", HUGE_ID],
        ["retry", HUGE_ID],
        ["approve", HUGE_ID],
        ["reject", HUGE_ID, "--note", "no"],
        ["publish", HUGE_ID],
        ["backfill", "--jobs", f"1,{HUGE_ID}"],
    ):
        code, _out, err = shortgen(*command)
        assert code == 2, (command, err)
        assert err.strip().splitlines() == [
            f"error: no job {HUGE_ID}; list jobs with `shortgen jobs`"
        ], command


def test_db_upgrade_reports_the_head_revision(installation: Settings) -> None:
    code, out, _ = shortgen("db", "upgrade")
    assert code == 0
    assert "revision 0002" in out


def test_console_script_exit_codes_have_no_traceback(
    installation: Settings, tmp_path: Path
) -> None:
    exe = Path(sys.executable).parent / "shortgen"
    missing = subprocess.run(
        [str(exe), "request", "--theme", str(tmp_path / "nope.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr
    assert missing.stderr.strip().endswith("pass a path like config/themes/default.yaml")
