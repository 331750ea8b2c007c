"""Narrations the theme's voice cannot speak in time are refused at the script, one line each."""

from __future__ import annotations

from pathlib import Path

import pytest
from dagster import DagsterInstance
from typer.testing import CliRunner

from shortgen_assets.console.app import app
from shortgen_assets.domain.plan.speakable import fastest_pace, speakable_problems
from shortgen_assets.domain.themes import load_theme
from shortgen_assets.settings import Settings
from shortgen_assets_tests.conftest import DEFAULT_THEME, default_theme_data, theme_file
from shortgen_assets_tests.domain.plan.test_checks import make_plan

THEME = load_theme(DEFAULT_THEME)


def test_a_plan_that_fits_passes() -> None:
    assert speakable_problems(make_plan(), THEME) == []


def test_a_narration_too_long_for_the_voices_fastest_pace_is_refused() -> None:
    sentence = "Tempo keeps every study session focused and calm. "
    plan = make_plan(voiceover_sentences=[sentence * 10])  # 80 words for 10 s
    [problem] = speakable_problems(plan, THEME)
    pace = fastest_pace(THEME)
    needs = 80 * 60 / pace.fastest_words_per_minute
    assert problem == (
        f"narration needs ~{needs:.0f} s at the voice's fastest natural pace (Piper "
        f"en_US-joe-medium, {pace.fastest_words_per_minute:.0f} words/min), the video is 10 s; "
        "shorten it"
    )


def test_espeak_is_measured_at_the_themes_rate() -> None:
    voice = THEME.voice.model_copy(update={"name": "fr", "piper_voice": None})
    theme = THEME.model_copy(update={"language": "fr", "voice": voice})
    assert fastest_pace(theme).voice == "espeak fr"
    assert fastest_pace(theme).fastest_words_per_minute == voice.words_per_minute * 1.25


def test_a_ten_thousand_character_token_is_refused() -> None:
    plan = make_plan(voiceover_sentences=["Try " + "a" * 10_000 + " today."])
    [problem] = speakable_problems(plan, THEME)
    assert problem.startswith("narration has a 10000-character token 'aaaaaaaaaaaaaaaaaaaa…'")
    assert "break it into words" in problem


def test_cjk_narration_under_an_english_theme_is_refused_but_passes_under_chinese() -> None:
    plan = make_plan(voiceover_sentences=["专注计时器让学习更高效。", "今天就下载吧。"])
    [problem] = speakable_problems(plan, THEME)
    assert "Chinese/Japanese characters" in problem and "language is en" in problem
    assert "set the theme's language to zh or ja" in problem
    chinese = THEME.model_copy(update={"language": "zh"})
    assert not any("Chinese" in p for p in speakable_problems(plan, chinese))


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_cjk_talking_points_under_english_fail_at_script_with_one_line(
    installation: Settings, instance: DagsterInstance, tmp_path: Path
) -> None:
    references = default_theme_data()["references"]
    points = ["专注计时器让学习更高效", "番茄工作法帮你保持专注", "今天就免费下载"]
    cjk = [{**ref, "talking_points": list(points)} for ref in references]
    theme = theme_file(tmp_path, "cjk", references=cjk, duration_seconds=10)
    result = CliRunner().invoke(app, ["demo", "--theme", str(theme)])
    assert result.exit_code == 1, result.output
    failed = [line for line in result.stderr.splitlines() if line.startswith("failed:")]
    assert len(failed) == 1 and "script" in failed[0], result.stderr
    assert "Chinese/Japanese characters" in failed[0] and "plan_speakable" in failed[0]
