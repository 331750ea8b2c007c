"""A user's own theme, from the command line: niche keywords still make a video, with a warning."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from shortgen_assets.console.app import app
from shortgen_assets.settings import Settings
from shortgen_assets_tests.conftest import theme_file


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_theme_matching_no_trend_renders_offline_with_a_low_signal_warning(
    installation: Settings, tmp_path: Path
) -> None:
    theme = theme_file(
        tmp_path,
        "soil",
        name="soil-sense",
        product="SoilSense Moisture Probe",
        duration_seconds=6,
        keywords=["soil moisture probe", "hygrometer"],
        hashtags=["soilsense"],
    )

    code, out, err = cli("demo", "--theme", str(theme))

    assert code == 0, err
    assert "Traceback" not in out + err
    [warning] = [line for line in err.splitlines() if line.startswith("warning:")]
    assert "trends trend_signal: trend signal none: 0 trending items" in warning
    assert "keywords matched 0/2" in warning and "leans on the theme" in warning
    video = Path(out.split("video:")[1].split()[0])
    assert video.is_file() and video.stat().st_size > 0

    code, out, err = cli("show", "1")
    assert code == 0, err
    assert "  warning: trends trend_signal: trend signal none: 0 trending items" in out
    assert "video generated" in out
