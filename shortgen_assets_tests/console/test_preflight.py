"""A chosen vendor without its key is refused before anything is queued: one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shortgen_assets.console.app import app
from shortgen_assets.settings import Settings
from shortgen_assets_tests.defs.resources.test_preflight import CASES

runner = CliRunner()


def _choose(monkeypatch: pytest.MonkeyPatch, choice: dict, variable: str) -> None:
    for setting, value in choice.items():
        text = ",".join(value) if isinstance(value, list) else value
        monkeypatch.setenv(f"SHORTGEN_{setting.upper()}", text)
    monkeypatch.delenv(variable, raising=False)
    from shortgen_assets.settings import get_settings

    get_settings.cache_clear()


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize(("choice", "vendor", "variable", "setting"), CASES)
def test_request_and_demo_refuse_a_vendor_without_its_key(
    installation: Settings,
    quick_theme: Path,
    monkeypatch: pytest.MonkeyPatch,
    choice: dict,
    vendor: str,
    variable: str,
    setting: str,
) -> None:
    _choose(monkeypatch, choice, variable)
    for command in ("request", "demo"):
        result = runner.invoke(app, [command, "--theme", str(quick_theme)])
        assert result.exit_code == 2, result.output
        [line] = result.stderr.strip().splitlines()
        assert line.startswith(f"error: {vendor} needs {variable}: export it")
        assert line.endswith(f"choose another vendor with {setting}")
    listed = runner.invoke(app, ["jobs", "--json"])
    assert json.loads(listed.stdout) == []  # nothing was stored


@pytest.mark.parametrize("backend", ["sqlite"])
def test_retry_refuses_before_running_when_a_key_went_missing(
    installation: Settings, quick_theme: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    job_id = runner.invoke(app, ["request", "--theme", str(quick_theme)]).stdout.strip()
    _choose(monkeypatch, {"tts_provider": "openai"}, "OPENAI_API_KEY")
    result = runner.invoke(app, ["retry", job_id])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: openai needs OPENAI_API_KEY: export it (or add it to the environment of the "
        "daemon), or choose another vendor with SHORTGEN_TTS_PROVIDER"
    )
    shown = json.loads(runner.invoke(app, ["show", job_id, "--json"]).stdout)
    assert shown["status"] == "requested"
    assert {stage["state"] for stage in shown["stages"]} == {"missing"}
