"""A user's own theme, from the command line: niche keywords still make a video, with a warning."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from dagster import DagsterInstance
from PIL import Image
from sqlalchemy import select
from typer.testing import CliRunner

from shortgen_assets.console.app import app
from shortgen_assets.console.common import definitions
from shortgen_assets.db.models import Script
from shortgen_assets.db.session import session_scope
from shortgen_assets.defs.jobs import PIPELINE_STAGES
from shortgen_assets.defs.launch import materialize_job
from shortgen_assets.domain.media import probe, run_ffmpeg
from shortgen_assets.domain.theme_reference import fields
from shortgen_assets.domain.themes import load_theme
from shortgen_assets.settings import Settings
from shortgen_assets_tests.conftest import PROJECT, theme_file


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


def _frame(video: Path, at: float, out: Path) -> np.ndarray:
    args = ["-loglevel", "error", "-ss", f"{at}", "-i", str(video), "-frames:v", "1", str(out)]
    run_ffmpeg(args, what="grabbing a test frame")
    with Image.open(out) as image:
        return np.asarray(image.convert("RGB"), dtype=np.int16)


def _narrations(settings: Settings, job_id: int) -> list[str]:
    with session_scope(settings.app_database_url) as session:
        rows = session.scalars(select(Script).where(Script.job_id == job_id).order_by(Script.id))
        return [row.voiceover_script for row in rows]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_three_jobs_of_one_theme_are_three_videos_and_a_rerender_keeps_its_plan(
    installation: Settings, instance: DagsterInstance, tmp_path: Path
) -> None:
    theme = theme_file(tmp_path, "ten", duration_seconds=10)
    videos = []
    for _ in range(3):
        code, out, err = cli("demo", "--theme", str(theme))
        assert code == 0, err
        videos.append(Path(out.split("video:")[1].split()[0]))

    for video in videos:  # the brief asks for 10 s: the video lasts 9-11 s
        assert abs(probe(video).duration - 10) <= 1.0
    narrations = [_narrations(installation, job_id) for job_id in (1, 2, 3)]
    assert len({n[0] for n in narrations}) == 3
    for at in (2.0, 6.0):
        frames = [_frame(v, at, tmp_path / f"{n}-{at}.png") for n, v in enumerate(videos)]
        for a, b in ((0, 1), (0, 2), (1, 2)):
            assert np.abs(frames[a] - frames[b]).mean() > 2.0, (at, a, b)

    outcome = materialize_job(definitions(installation), instance, 2, PIPELINE_STAGES[2:])
    assert outcome.success
    assert _narrations(installation, 2) == [narrations[1][0]] * 2


def test_theme_new_writes_a_commented_theme_that_checks_and_covers_every_field(
    tmp_path: Path,
) -> None:
    path = tmp_path / "soil-sense.yaml"

    code, out, err = cli("theme", "new", "soil-sense", "--out", str(path))

    assert code == 0, err
    assert out.strip() == str(path)
    text = path.read_text()
    for doc in fields():
        leaf = doc.path.rsplit(".", 1)[-1].removesuffix("[]")
        assert f"{leaf}:" in text, doc.path
        if doc.meaning:
            assert doc.meaning in text, doc.path
    # Unedited, it names the first placeholder a video would otherwise narrate.
    code, out, err = cli("theme", "check", str(path))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "tagline is still the starter text 'What Soil Sense does for you" in err
    starter_lines = {
        'tagline: "What Soil Sense does for you, in one line."': 'tagline: "Soil moisture, read."',
        'audience: "Who it is for: their situation and what they want"': 'audience: "Plant owners"',
        "The problem Soil Sense solves, in one sentence.": "Most plants die from overwatering.",
        "How Soil Sense solves it, in plain words.": "It pings you when a plant is dry.",
    }
    for starter, own in starter_lines.items():
        path.write_text(path.read_text().replace(starter, own))
    code, _, err = cli("theme", "check", str(path))
    assert code == 2 and "references[0].talking_points[2] is still the starter text" in err
    path.write_text(path.read_text().replace("A proof: a number, a customer or a result.", "Ok."))
    code, out, err = cli("theme", "check", str(path))
    assert code == 0, err
    assert out.startswith(f"ok: {path}: theme 'soil-sense', 30 s montage videos for Soil Sense")
    assert load_theme(path).references[0].talking_points

    code, _, err = cli("theme", "new", "soil-sense", "--out", str(path))
    assert code == 2 and "exists" in err


def test_theme_check_names_the_field_and_the_fix_in_one_line(tmp_path: Path) -> None:
    bad = theme_file(tmp_path, "bad", duration_seconds=500)

    code, out, err = cli("theme", "check", str(bad))

    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "duration_seconds" in err and "180" in err
    assert "Traceback" not in err


def test_the_theme_reference_is_generated_from_the_schema() -> None:
    code, out, _ = cli("theme", "docs")

    assert code == 0
    committed = (PROJECT / "docs" / "themes.md").read_text()
    assert out == committed, "docs/themes.md is stale: run `shortgen theme docs > docs/themes.md`"
    for doc in fields():
        assert f"| `{doc.path}` |" in committed
