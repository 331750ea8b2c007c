"""What the LLM is told: system prompts and the user prompts for plans and trend reports.

Pure string building, no network and no Dagster, so a prompt can be read and tested on its own.
The plan prompt states the same limits `plan_checks` enforces (pace, scene lengths, overlay
times, hashtag count), so a well-behaved model passes on the first try; the report prompt sends
the measured baseline and a compact summary of the most viewed videos rather than every item.
"""

from __future__ import annotations

import json

from shortgen_assets.domain.plan.checks import MAX_WORDS_PER_SECOND, MIN_WORDS_PER_SECOND
from shortgen_assets.domain.plan.planning import (
    WORDS_PER_SECOND,
    job_hook_family,
    points_in_turn,
)
from shortgen_assets.domain.schemas import Theme, TrendItem, TrendReport

PLAN_TOOL = "submit_production_plan"
REPORT_TOOL = "submit_trend_report"
MAX_ITEMS_IN_PROMPT = 60

PLAN_SYSTEM = (
    "You are the producer of vertical short videos (YouTube Shorts, TikTok, Reels). You turn a "
    "product brief and a trend report into a production plan that a voice, footage and editing "
    f"pipeline follows exactly. Always answer by calling the {PLAN_TOOL} tool."
)
REPORT_SYSTEM = (
    "You are a short-video trend analyst. You receive measured statistics of trending videos and a "
    "compact list of the videos, and you write the trend report a producer plans from. Always "
    f"answer by calling the {REPORT_TOOL} tool."
)
BRIEF_FIELDS = (
    "product tagline audience tone style platform language keywords hashtags call_to_action "
    "references"
)
REPORT_FIELDS_FOR_PLAN = (
    "top_hooks hook_types top_hashtags recommended_style recommended_duration_seconds "
    "recommendations summary"
)


def plan_prompt(theme: Theme, report: TrendReport, job_id: int = 0) -> str:
    """The brief, the report's steering fields and the rules a plan is checked against; the
    job's turn (hook family, leading talking point) so each job of a theme is its own video."""
    seconds = theme.duration_seconds
    brief = theme.model_dump(mode="json", include=set(BRIEF_FIELDS.split()))
    trends = report.model_dump(mode="json", include=set(REPORT_FIELDS_FOR_PLAN.split()))
    trends["clusters"] = [{"label": c.label, "keywords": c.keywords} for c in report.clusters]
    return "\n".join(
        [
            "Brief:",
            json.dumps(brief, ensure_ascii=False),
            "Trend report:",
            json.dumps(trends, ensure_ascii=False),
            "Rules:",
            f"- duration_target is {seconds}; aspect_ratio is 9:16.",
            f"- scenes last 3-6 seconds each, numbered from 1, and sum to exactly {seconds} s.",
            "- voiceover_sentences is the narration split into sentences: "
            f"{MIN_WORDS_PER_SECOND * seconds:.0f}-{MAX_WORDS_PER_SECOND * seconds:.0f} words in "
            f"total, aiming for {WORDS_PER_SECOND * seconds:.0f} (Chinese or Japanese: two "
            "characters count as one word). Draw on the talking points.",
            "- The first sentence is the hook (also hook_text), this job's turn: a "
            f"{job_hook_family(report, job_id)} hook; the last sentence is the call to action "
            "(cta_text).",
            f"- This is job {job_id} of the theme: lead with the talking point "
            f"{json.dumps(points_in_turn(theme, job_id)[0], ensure_ascii=False)}, then use as "
            "many other points as fit; other jobs of the theme lead with other points.",
            *(
                [f"- {report.signal.describe()}: lean on the brief, do not cite trends."]
                if report.signal is not None and report.signal.is_low
                else []
            ),
            "- text_overlays: a hook overlay in the first 3 s and a cta overlay in the last 3 s; "
            f"every overlay starts at or after 0 and ends at or before {seconds}.",
            "- hashtags: 3-10, without '#' and without spaces; include the brand hashtags.",
            f"- title at most 100 characters. Write every text in language '{theme.language}'.",
            *kit_rules(theme),
        ]
    )


def kit_rules(theme: Theme) -> list[str]:
    """The brand kit's items and the scene kinds that show them (nothing without a kit)."""
    brand = theme.brand
    if brand is None or not (brand.logo or brand.media):
        return []
    items = [
        {"media_index": i, "kind": m.kind, "about": m.about} for i, m in enumerate(brand.media)
    ]
    return [
        "Brand kit:",
        json.dumps(items, ensure_ascii=False),
        "- Give each scene a kind: product_shot (an image item), screenshot (a screenshot item), "
        "clip (a clip item), each with its media_index; kinetic_text with `text` (a number or a "
        "few words of the talking point); procedural only where nothing fits.",
        "- Show each item on the scene whose narration it fits; kit scenes (product_shot, "
        "screenshot, clip, end_card) cover at least half the video.",
        "- The last scene is the end_card (the logo and the call to action), at least 2.5 s."
        if brand.logo
        else "- There is no logo: do not use end_card.",
    ]


def report_prompt(items: list[TrendItem], baseline: TrendReport) -> str:
    """The measured baseline and one compact JSON line per most-viewed video."""
    ranked = sorted(items, key=lambda item: item.views, reverse=True)[:MAX_ITEMS_IN_PROMPT]
    lines = [
        json.dumps(
            {
                "platform": item.platform,
                "id": item.external_id,
                "title": item.title[:120],
                "views": item.views,
                "likes": item.likes,
                "comments": item.comments,
                "shares": item.shares,
                "seconds": round(item.duration_seconds, 1),
                "hashtags": item.hashtags[:6],
                "posted": item.posted_at.isoformat(),
            },
            ensure_ascii=False,
        )
        for item in ranked
    ]
    return "\n".join(
        [
            "Measured baseline report:",
            baseline.model_dump_json(),
            f"The {len(ranked)} most viewed of {len(items)} analysed videos, one JSON per line:",
            *lines,
            "Rules:",
            "- Copy analysed_count, style_distribution, hook_types and duration_stats unchanged: "
            "they are measured.",
            "- top_trends only lists videos from the list above (same platform and id).",
            "- Improve cluster labels and keywords, recommendations (each naming an existing "
            "cluster_id), top_hooks and the summary (at most three sentences).",
            "- top_hashtags without '#'; recommended_duration_seconds between 5 and 180.",
        ]
    )
