"""Readable markdown summaries of a report and a plan, for materialization metadata in the UI."""

from __future__ import annotations

from shortgen_assets.domain.schemas import ProductionPlan, Scene, TrendReport


def report_markdown(report: TrendReport) -> str:
    lines = [f"**{report.summary}**", "", "| cluster | size | keywords |", "|---|---|---|"]
    lines += [f"| {c.label} | {c.size} | {', '.join(c.keywords[:5])} |" for c in report.clusters]
    lines += ["", "**Recommendations**", ""]
    lines += [f"- {rec.text}" for rec in report.recommendations]
    return "\n".join(lines)


def _shows(scene: Scene) -> str:
    """The scene kind, with the kit item or the card's words it shows."""
    if scene.media_index is not None:
        return f"{scene.kind} (kit item {scene.media_index})"
    return f"{scene.kind}: {scene.text}" if scene.text else scene.kind


def plan_markdown(plan: ProductionPlan) -> str:
    lines = [
        f"### {plan.title}",
        f"*{plan.duration_target:g} s, {len(plan.scenes)} scenes, {plan.word_count} words*",
        "",
        f"**Hook:** {plan.hook_text}  ",
        f"**CTA:** {plan.cta_text}",
        "",
        "| # | seconds | shows | visual | transition |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {s.scene_number} | {s.duration_seconds:g} | {_shows(s)} | {s.visual_prompt} "
        f"| {s.transition} |"
        for s in plan.scenes
    ]
    lines += ["", "**Narration**", "", *[f"> {sentence}" for sentence in plan.voiceover_sentences]]
    lines += ["", " ".join(f"#{tag}" for tag in plan.hashtags)]
    return "\n".join(lines)
