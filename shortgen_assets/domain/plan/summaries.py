"""Readable markdown summaries of a report and a plan, for materialization metadata in the UI."""

from __future__ import annotations

from shortgen_assets.domain.schemas import ProductionPlan, TrendReport


def report_markdown(report: TrendReport) -> str:
    lines = [f"**{report.summary}**", "", "| cluster | size | keywords |", "|---|---|---|"]
    lines += [f"| {c.label} | {c.size} | {', '.join(c.keywords[:5])} |" for c in report.clusters]
    lines += ["", "**Recommendations**", ""]
    lines += [f"- {rec.text}" for rec in report.recommendations]
    return "\n".join(lines)


def plan_markdown(plan: ProductionPlan) -> str:
    lines = [
        f"### {plan.title}",
        f"*{plan.duration_target:g} s, {len(plan.scenes)} scenes, {plan.word_count} words*",
        "",
        f"**Hook:** {plan.hook_text}  ",
        f"**CTA:** {plan.cta_text}",
        "",
        "| # | seconds | visual | transition |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {s.scene_number} | {s.duration_seconds:g} | {s.visual_prompt} | {s.transition} |"
        for s in plan.scenes
    ]
    lines += ["", "**Narration**", "", *[f"> {sentence}" for sentence in plan.voiceover_sentences]]
    lines += ["", " ".join(f"#{tag}" for tag in plan.hashtags)]
    return "\n".join(lines)
