"""The offline planner: every plan passes every check, for ordinary and awkward themes."""

from __future__ import annotations

import pytest

from shortgen_assets.domain.plan.checks import plan_problems, speech_units
from shortgen_assets.domain.plan.planning import build_plan
from shortgen_assets.domain.plan.wording import HOOKS, STYLE_LOOKS
from shortgen_assets.domain.schemas import (
    DurationStats,
    ProductionPlan,
    RankedTrend,
    Recommendation,
    Reference,
    Theme,
    TrendCluster,
    TrendReport,
)


def make_report(
    *,
    hook_types: dict[str, int] | None = None,
    style: str = "montage",
    duration: int = 28,
    hashtags: tuple[str, ...] = ("productivity", "studytok", "notetaking", "lifehacks"),
    clusters: tuple[tuple[str, ...], ...] = (
        ("study", "notes", "exam"),
        ("morning", "routine", "planner"),
    ),
) -> TrendReport:
    """A small, realistic trend report like the analyzer writes for one job."""
    hook_types = hook_types or {"question": 5, "pov": 3, "statement": 2}
    return TrendReport(
        analysed_count=24,
        top_trends=[
            RankedTrend(
                platform="tiktok",
                external_id="7301",
                title="Why nobody told me this study trick sooner?",
                velocity=5120.5,
                style=style,
                hook_type=max(hook_types, key=hook_types.__getitem__),
            ),
            RankedTrend(
                platform="youtube",
                external_id="dQw4",
                title="POV: your planner finally works",
                velocity=2210.0,
                style="text-heavy",
                hook_type="pov",
            ),
        ],
        style_distribution={style: 12, "text-heavy": 7, "talking-head": 5},
        hook_types=hook_types,
        duration_stats=DurationStats(
            mean=duration + 2.5,
            median=duration,
            p25=duration - 8,
            p75=duration + 9,
            minimum=7,
            maximum=59,
        ),
        clusters=[
            TrendCluster(
                cluster_id=index,
                label=" / ".join(keywords[:2]),
                size=12 - 4 * index,
                keywords=list(keywords),
                hashtags=[f"{keywords[0]}tok", keywords[1]],
                example_titles=[f"My {keywords[0]} {keywords[1]} secret"],
                mean_velocity=3000.0 / (index + 1),
            )
            for index, keywords in enumerate(clusters)
        ],
        top_hashtags=list(hashtags),
        recommendations=[
            Recommendation(text="Open with a question in the first second", cluster_id=0)
        ],
        recommended_style=style,
        recommended_duration_seconds=duration,
        top_hooks=[
            "Why nobody told me this study trick sooner?",
            "POV: your planner finally works",
        ],
        summary="Study and routine videos with question hooks are rising fastest this week.",
    )


def make_theme(**overrides: object) -> Theme:
    """A realistic default-like theme; keyword overrides make the awkward variants."""
    fields: dict[str, object] = {
        "name": "rocketnotes-launch",
        "product": "RocketNotes",
        "tagline": "Your ideas, organized before you forget them.",
        "audience": "students and young professionals who juggle classes, jobs and side projects",
        "tone": "upbeat, practical",
        "style": "montage",
        "duration_seconds": 30,
        "hashtags": ["RocketNotes", "#study tips"],
        "keywords": ["note taking app"],
        "call_to_action": "Download RocketNotes free today.",
        "references": [
            Reference(
                title="RocketNotes product page",
                talking_points=[
                    "RocketNotes turns a voice memo into tidy, searchable notes in seconds.",
                    "Every note is tagged automatically, so you find it again when it matters. "
                    "Tags follow your classes and projects without any setup.",
                    "It works offline and syncs the moment you are back online.",
                ],
            ),
            Reference(
                title="Student review",
                talking_points=[
                    "I stopped losing lecture notes the week I switched.",
                    "Shared notebooks made our group project painless.",
                ],
            ),
        ],
    }
    fields.update(overrides)
    return Theme(**fields)


LONG_POINT = (
    "Our barista training program covers espresso extraction, milk texturing, latte art, "
    "grinder calibration, water chemistry and customer service; "
) * 40 + " ".join(
    f"Session {n} ends with a tasting where every trainee pulls shots and compares notes."
    for n in range(1, 60)
)

THEMES = {
    "default": make_theme(),
    "emoji product": make_theme(
        product="🚀 RocketNotes ✨", tagline="Notes at 🚀 speed.", hashtags=["🚀rocket", "notes✨"]
    ),
    "CJK product": make_theme(
        name="matcha",
        product="抹茶ラテ工房",
        tagline="毎朝の一杯を、もっと特別に。",
        language="ja",
        hashtags=["抹茶", "カフェ"],
        call_to_action="今すぐフォローしてね。",
        references=[
            Reference(
                title="店舗紹介",
                talking_points=[
                    "京都の石臼で挽いた抹茶を使い、一杯ずつ丁寧に点てています。",
                    "オーツミルクと豆乳も選べるので、誰でも楽しめます。季節限定の桜ラテも人気です。",
                ],
            )
        ],
    ),
    "Arabic product": make_theme(
        name="qahwa",
        product="قهوة الصباح",
        tagline="قهوة عربية طازجة كل يوم",
        hashtags=["قهوة عربية", "صباح_الخير"],
        call_to_action="تابعنا للمزيد",
        references=[
            Reference(
                title="من نحن",
                talking_points=[
                    "نحمص البن بأنفسنا كل صباح في عمّان.",
                    "نضيف الهيل الطازج لكل فنجان، تماما كما تفعل جدتي.",
                ],
            )
        ],
    ),
    "Hebrew product": make_theme(
        product="קפה בוקר", tagline="הקפה שמעיר את העיר", call_to_action="עקבו אחרינו"
    ),
    "10k talking point": make_theme(
        product="BrewLab Academy",
        tagline="Barista skills in four weekends.",
        call_to_action="Book a free trial class.",
        hashtags=["barista"],
        references=[Reference(title="Curriculum", talking_points=[LONG_POINT[:10_000]])],
    ),
    "one reference": make_theme(
        references=[Reference(title="Launch post", talking_points=["RocketNotes is live."])]
    ),
    "5 seconds": make_theme(duration_seconds=5),
    "180 seconds": make_theme(duration_seconds=180),
    "180 seconds, one short point": make_theme(
        duration_seconds=180,
        references=[Reference(title="Launch post", talking_points=["RocketNotes is live."])],
    ),
    "5 seconds, long CTA and product": make_theme(
        duration_seconds=5,
        product="The Extraordinarily Long Named Productivity Suite For Ambitious Teams",
        call_to_action=(
            "Tap the link in our bio to download it free and start planning smarter today"
        ),
    ),
}


@pytest.mark.parametrize("name", THEMES)
@pytest.mark.parametrize("duration", [None, 5, 180])
def test_plans_pass_every_check(name: str, duration: int | None) -> None:
    theme = THEMES[name]
    if duration is not None:
        theme = theme.model_copy(update={"duration_seconds": duration})
    plan = build_plan(theme, make_report())

    assert plan_problems(plan) == {
        "scene_durations": [],
        "overlays": [],
        "narration_pace": [],
        "hashtags": [],
    }
    assert plan.duration_target == theme.duration_seconds
    assert all(3 - 1e-9 <= s.duration_seconds <= 6 + 1e-9 for s in plan.scenes) or (
        theme.duration_seconds < 6 and len(plan.scenes) == 1
    )
    assert abs(sum(s.duration_seconds for s in plan.scenes) - theme.duration_seconds) < 0.011
    assert plan.voiceover_sentences[0] == plan.hook_text
    assert len(plan.title) <= 100


def test_plan_round_trips_through_json() -> None:
    plan = build_plan(THEMES["default"], make_report())
    assert ProductionPlan.model_validate_json(plan.model_dump_json()) == plan


def test_default_plan_reads_like_a_short() -> None:
    theme = THEMES["default"]
    plan = build_plan(theme, make_report())

    assert plan.hook_text in {line.format(product="RocketNotes") for line in HOOKS["question"]}
    assert plan.voiceover_sentences[-1] == "Download RocketNotes free today."
    assert "RocketNotes turns a voice memo into tidy, searchable notes in seconds." in (
        plan.voiceover_sentences
    )
    assert 2.2 <= speech_units(plan.voiceover_script) / 30 <= 2.85
    styles = [o.style for o in plan.text_overlays]
    assert styles == ["hook", "callout", "cta"]
    assert plan.text_overlays[0].start == 0 and plan.text_overlays[-1].end == 30
    assert plan.hashtags[:2] == ["RocketNotes", "studytips"]
    assert "productivity" in plan.hashtags
    assert all(
        any(look in s.visual_prompt for look in STYLE_LOOKS["montage"][0]) for s in plan.scenes
    )


def test_same_input_same_plan() -> None:
    assert build_plan(THEMES["default"], make_report()) == build_plan(
        THEMES["default"], make_report()
    )


def test_report_steers_the_plan() -> None:
    theme = THEMES["default"]
    questions = build_plan(theme, make_report())
    pov = build_plan(
        theme,
        make_report(
            hook_types={"pov": 9, "question": 1},
            style="cinematic",
            duration=55,
            hashtags=("coffeetok",),
            clusters=(("latte", "barista", "espresso"),),
        ),
    )

    assert pov.hook_text in {line.format(product="RocketNotes") for line in HOOKS["pov"]}
    assert questions.hook_text != pov.hook_text
    cinematic = STYLE_LOOKS["cinematic"][0]
    assert all(any(look in s.visual_prompt for look in cinematic) for s in pov.scenes)
    assert "coffeetok" in pov.hashtags and "coffeetok" not in questions.hashtags
    assert len(pov.scenes) < len(questions.scenes)  # slower cuts when longer videos trend
    assert "latte" in pov.video_prompt


def test_different_themes_give_different_plans() -> None:
    report = make_report()
    plans = [
        build_plan(THEMES[name], report) for name in ("default", "Arabic product", "CJK product")
    ]
    assert len({p.title for p in plans}) == 3
    assert len({p.voiceover_script for p in plans}) == 3


def test_five_second_plan_is_about_a_dozen_words() -> None:
    plan = build_plan(THEMES["5 seconds"], make_report())
    assert 10 <= speech_units(plan.voiceover_script) <= 15
    assert len(plan.scenes) == 1
    hook, cta = plan.text_overlays
    assert (hook.start, hook.end, cta.start, cta.end) == (0.0, 2.0, 3.0, 5.0)


def test_three_minute_plan_uses_more_than_the_talking_points() -> None:
    plan = build_plan(THEMES["180 seconds"], make_report())
    assert 396 <= speech_units(plan.voiceover_script) <= 513
    assert any("study, notes and exam" in s for s in plan.voiceover_sentences)
    assert 30 <= len(plan.scenes) <= 60


def test_long_talking_point_is_cut_at_word_and_clause_boundaries() -> None:
    theme = THEMES["10k talking point"]
    assert len(theme.references[0].talking_points[0]) == 10_000
    plan = build_plan(theme, make_report())

    source_words = {w.strip(".,;").casefold() for w in LONG_POINT.split()}
    body = [s for s in plan.voiceover_sentences[1:-1] if s != theme.tagline]
    assert body, "the long point contributes to the narration"
    for sentence in body:
        assert speech_units(sentence) <= 28
        assert sentence.endswith(".")
        assert {w.strip(".,;").casefold() for w in sentence.split()} <= source_words, sentence


def test_emoji_are_not_narrated_but_stay_in_the_title() -> None:
    plan = build_plan(THEMES["emoji product"], make_report())
    assert "🚀" in plan.title
    assert not any("🚀" in s or "✨" in s for s in plan.voiceover_sentences[:1])
    assert "rocket" in plan.hashtags and "notes" in plan.hashtags


def test_cjk_and_rtl_plans_keep_their_script() -> None:
    cjk = build_plan(THEMES["CJK product"], make_report())
    arabic = build_plan(THEMES["Arabic product"], make_report())
    assert "抹茶ラテ工房" in cjk.hook_text and "抹茶" in cjk.hashtags
    assert "قهوة_عربية" in arabic.hashtags and "قهوة الصباح" in arabic.hook_text
    assert arabic.voiceover_sentences[-1] == "تابعنا للمزيد."


def test_the_tagline_callout_shows_the_brands_words_whole_or_not_at_all() -> None:
    tagline = "A soil sensor that tells you exactly when each plant needs water."  # 66 characters
    theme = THEMES["default"].model_copy(update={"tagline": tagline})
    callouts = [
        o.text for o in build_plan(theme, make_report()).text_overlays if o.style == "callout"
    ]
    assert callouts == [tagline]
    long = theme.model_copy(update={"tagline": tagline * 2})
    styles = [o.style for o in build_plan(long, make_report()).text_overlays]
    assert styles == ["hook", "cta"]
