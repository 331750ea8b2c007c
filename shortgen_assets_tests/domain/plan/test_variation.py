"""Every job of a theme a different video; a re-render of a job keeps its plan."""

from __future__ import annotations

from datetime import UTC, datetime

from shortgen_assets.domain.plan.checks import plan_problems
from shortgen_assets.domain.plan.planning import build_plan
from shortgen_assets.domain.plan.prompts import plan_prompt
from shortgen_assets.domain.plan.wording import STYLE_LOOKS, TREND_LINES
from shortgen_assets.domain.trends.analysis import analyze_trends
from shortgen_assets_tests.domain.plan.test_planning import THEMES, make_report

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def _points(theme) -> list[str]:  # type: ignore[no-untyped-def]
    return [point for reference in theme.references for point in reference.talking_points]


def _used(plan, points: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    """The talking points the narration speaks, in the order it speaks them."""
    return [
        point
        for sentence in plan.voiceover_sentences
        for point in points
        if sentence.rstrip(".") and point.startswith(sentence.rstrip("."))
    ]


def test_three_jobs_of_one_theme_get_three_plans_and_a_rerender_keeps_its_own() -> None:
    theme, report = THEMES["default"], make_report()

    plans = [build_plan(theme, report, job_id) for job_id in (1, 2, 3)]

    assert len({p.voiceover_script for p in plans}) == 3
    assert len({p.hook_text for p in plans}) == 3
    assert len({tuple(s.visual_prompt for s in p.scenes) for p in plans}) == 3
    assert len({tuple(_used(p, _points(theme))) for p in plans}) == 3
    assert build_plan(theme, report, 2) == plans[1]
    for plan in plans:
        assert all(problems == [] for problems in plan_problems(plan).values())


def test_every_talking_point_gets_its_turn_and_each_video_uses_as_many_as_fit() -> None:
    theme, report = THEMES["default"], make_report()
    points = _points(theme)

    used = [_used(build_plan(theme, report, job_id), points) for job_id in range(len(points))]

    assert {spoken[0] for spoken in used} == set(points)  # each point leads one video
    assert all(len(spoken) >= min(3, len(points)) for spoken in used)
    longer = build_plan(theme.model_copy(update={"duration_seconds": 60}), report, 1)
    assert set(_used(longer, points)) == set(points)  # a minute has room for all of them


def test_a_low_signal_report_leaves_the_theme_in_charge() -> None:
    theme = THEMES["default"].model_copy(update={"style": "tutorial"})
    report = analyze_trends([], NOW, ["soil moisture probe"])

    plans = [build_plan(theme, report, job_id) for job_id in (1, 2)]

    for plan in plans:
        assert all(problems == [] for problems in plan_problems(plan).values())
        looks = STYLE_LOOKS["tutorial"][0]
        assert all(any(look in s.visual_prompt for look in looks) for s in plan.scenes)
        openers = {line.split("{")[0] for line in TREND_LINES}
        assert not any(s.startswith(tuple(openers)) for s in plan.voiceover_sentences)
        assert plan.hashtags[0] == "RocketNotes"
    assert plans[0].voiceover_script != plans[1].voiceover_script


def test_the_llm_prompt_gives_each_job_its_turn_and_says_when_trends_are_thin() -> None:
    theme, report = THEMES["default"], make_report()
    points = _points(theme)

    first, second = plan_prompt(theme, report, 1), plan_prompt(theme, report, 2)

    assert first != second
    leads = [
        next(p for p in points if f'lead with the talking point "{p}"' in t)
        for t in (first, second)
    ]
    assert leads[0] != leads[1]
    assert "do not cite trends" not in first
    thin = plan_prompt(theme, analyze_trends([], NOW, ["soil moisture probe"]), 1)
    assert "trend signal none: 0 trending items" in thin and "do not cite trends" in thin
