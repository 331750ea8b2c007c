"""Offline trend analysis: rank by velocity, classify, cluster topics, recommend, check.

A snapshot may be small or empty (a niche product): the report then states its low signal, keeps
what little it measured, and its first recommendation says the plan leans on the theme.

Everything here is deterministic for a given snapshot and `now`: items are put in a canonical order
before clustering (clustering.py, seeded), so re-materializing a report gives the same answer.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime

import numpy as np

from shortgen_assets.domain.schemas import (
    STYLES,
    DurationStats,
    RankedTrend,
    Recommendation,
    TrendCluster,
    TrendItem,
    TrendReport,
    TrendSignal,
)
from shortgen_assets.domain.trends.classify import (
    classify_hook,
    classify_style,
    hook_line,
    item_key,
)
from shortgen_assets.domain.trends.clustering import build_clusters, ranked_tags
from shortgen_assets.domain.trends.signal import MIN_SIGNAL_ITEMS, measure_signal
from shortgen_assets.domain.trends.velocity import engagement_velocity

TOP_TRENDS = 10
TOP_HASHTAGS = 10
TOP_HOOKS = 5
MAX_RECOMMENDATIONS = 3


def duration_stats(durations: list[float]) -> DurationStats:
    p25, median, p75 = np.percentile(durations, [25, 50, 75])
    return DurationStats(
        mean=round(statistics.fmean(durations), 2),
        median=round(float(median), 2),
        p25=round(float(p25), 2),
        p75=round(float(p75), 2),
        minimum=min(durations),
        maximum=max(durations),
    )


def _weighted_vote(labels: dict[str, str], velocity: dict[str, float], order: Iterable[str]) -> str:
    totals: defaultdict[str, float] = defaultdict(float)
    for key, label in labels.items():
        totals[label] += velocity[key] + 1e-9  # a zero-engagement snapshot still votes by count
    return max(order, key=lambda label: totals.get(label, -1.0))


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def rising_clusters(clusters: list[TrendCluster]) -> list[TrendCluster]:
    """Fastest first by mean velocity; a one-video cluster is an outlier, not a trend: last."""
    return sorted(clusters, key=lambda c: (c.size < 2, -c.mean_velocity, c.cluster_id))


def _recommend(
    clusters: list[TrendCluster],
    items: list[TrendItem],
    members: dict[int, list[str]],
    styles: dict[str, str],
    hooks: dict[str, str],
    velocity: dict[str, float],
) -> list[Recommendation]:
    by_key = {item_key(i): i for i in items}

    def by_speed(keys: list[str]) -> list[str]:
        return sorted(keys, key=lambda k: (-velocity[k], k))

    recommendations = []
    for cluster in rising_clusters(clusters)[:MAX_RECOMMENDATIONS]:
        keys = members[cluster.cluster_id]
        style = _weighted_vote({k: styles[k] for k in keys}, velocity, STYLES)
        hook = _weighted_vote({k: hooks[k] for k in keys}, velocity, sorted(set(hooks.values())))
        seconds = statistics.median(by_key[k].duration_seconds for k in keys)
        tags = " ".join(f"#{t}" for t in cluster.hashtags[:3]) or "the cluster's own hashtags"
        example = next(by_key[k].title for k in by_speed(keys) if hooks[k] == hook)
        quote = hook_line(example) or example
        recommendations.append(
            Recommendation(
                cluster_id=cluster.cluster_id,
                text=(
                    f"Make {_article(style)} {style} short about {cluster.label}: {cluster.size} "
                    f"of {len(items)} trending videos, rising at {cluster.mean_velocity:,.0f} "
                    f"engagements/hour on average. Open with {_article(hook)} {hook} hook (like "
                    f'"{quote}"), run about {seconds:.0f} s and tag {tags}.'
                ),
            )
        )
    return recommendations


def _theme_recommendation(signal: TrendSignal) -> Recommendation:
    return Recommendation(
        basis="theme",
        text=(
            f"Lead with the theme: {signal.describe()}. Open with the product's strongest "
            "talking point and keep trend references light."
        ),
    )


def _empty_report(signal: TrendSignal) -> TrendReport:
    """The report of a snapshot with nothing in it: no measurements, the theme leads."""
    return TrendReport(
        analysed_count=0,
        top_trends=[],
        style_distribution=dict.fromkeys(STYLES, 0),
        hook_types={},
        duration_stats=DurationStats(mean=0, median=0, p25=0, p75=0, minimum=0, maximum=0),
        clusters=[],
        top_hashtags=[],
        recommendations=[_theme_recommendation(signal)],
        recommended_style="montage",
        recommended_duration_seconds=30,
        top_hooks=[],
        summary=f"No trending videos to analyse ({signal.describe()}).",
        signal=signal,
    )


def analyze_trends(
    items: list[TrendItem],
    now: datetime,
    keywords: Iterable[str] = (),
    minimum: int = MIN_SIGNAL_ITEMS,
) -> TrendReport:
    """The trend report for one snapshot; the same snapshot and `now` give the same report.

    `keywords` are the theme's search terms, measured into the report's signal; when the signal
    is low, a theme-led recommendation comes first and the trend-based ones are marked as such.
    """
    signal = measure_signal(items, list(keywords), now, minimum)
    if not items:
        return _empty_report(signal)
    items = sorted(items, key=lambda i: (i.platform, i.external_id))
    velocity = {item_key(i): engagement_velocity(i, now) for i in items}
    styles = {item_key(i): classify_style(i) for i in items}
    hooks = {item_key(i): classify_hook(i.title) for i in items}
    ranked = sorted(items, key=lambda i: (-velocity[item_key(i)], item_key(i)))
    clusters, members = build_clusters(items, velocity)
    durations = [i.duration_seconds for i in items]
    leaders = ranked[: max(3, len(ranked) // 4)]
    recommended_style = _weighted_vote(styles, velocity, STYLES)
    recommended_seconds = round(statistics.median(i.duration_seconds for i in leaders))
    top_hooks = list(dict.fromkeys(h for h in (hook_line(i.title) for i in ranked) if h))
    recommendations = _recommend(clusters, items, members, styles, hooks, velocity)
    if signal.is_low:
        recommendations = [_theme_recommendation(signal), *recommendations]
    report = TrendReport(
        analysed_count=len(items),
        top_trends=[
            RankedTrend(
                platform=i.platform,
                external_id=i.external_id,
                title=i.title,
                velocity=round(velocity[item_key(i)], 3),
                style=styles[item_key(i)],
                hook_type=hooks[item_key(i)],
            )
            for i in ranked[:TOP_TRENDS]
        ],
        style_distribution={s: sum(1 for v in styles.values() if v == s) for s in STYLES},
        hook_types=dict(sorted(Counter(hooks.values()).items(), key=lambda kv: (-kv[1], kv[0]))),
        duration_stats=duration_stats(durations),
        clusters=clusters,
        top_hashtags=ranked_tags(items, velocity, TOP_HASHTAGS),
        recommendations=recommendations,
        recommended_style=recommended_style,
        recommended_duration_seconds=min(180, max(5, recommended_seconds)),
        top_hooks=top_hooks[:TOP_HOOKS],
        summary="",
        signal=signal,
    )
    return report.model_copy(update={"summary": _summary(report, items)})


def _summary(report: TrendReport, items: list[TrendItem]) -> str:
    platforms = Counter(i.platform for i in items)
    mix = ", ".join(f"{count} {name}" for name, count in sorted(platforms.items()))
    fastest = rising_clusters(report.clusters)[0]
    videos = "video" if fastest.size == 1 else "videos"
    return (
        f"Analysed {report.analysed_count} trending shorts ({mix}) in {len(report.clusters)} "
        f"topic clusters; fastest-rising: {fastest.label} ({fastest.size} {videos}, "
        f"{fastest.mean_velocity:,.0f} engagements/hour). {report.recommended_style.capitalize()} "
        f"leads on velocity; aim for about {report.recommended_duration_seconds} s."
        + (f" {report.signal.describe().capitalize()}." if _low(report) else "")
    )


def _low(report: TrendReport) -> bool:
    return report.signal is not None and report.signal.is_low


def report_problems(report: TrendReport) -> list[str]:
    """Inconsistencies that make a report untrustworthy; empty when it is sound."""
    problems = []
    cluster_ids = [c.cluster_id for c in report.clusters]
    if len(set(cluster_ids)) != len(cluster_ids):
        problems.append(f"cluster ids repeat: {cluster_ids}")
    clustered = sum(c.size for c in report.clusters)
    if clustered != report.analysed_count:
        problems.append(
            f"clusters hold {clustered} items but {report.analysed_count} were analysed"
        )
    for rec in report.recommendations:
        if rec.basis == "trends" and rec.cluster_id not in cluster_ids:
            problems.append(f"recommendation points at missing cluster {rec.cluster_id}")
        if rec.basis == "theme" and rec.cluster_id is not None:
            problems.append(f"a theme-led recommendation points at cluster {rec.cluster_id}")
    for name, table in (("style", report.style_distribution), ("hook", report.hook_types)):
        if sum(table.values()) != report.analysed_count:
            problems.append(
                f"{name} counts sum to {sum(table.values())}, not {report.analysed_count}"
            )
    if len(report.top_trends) > report.analysed_count:
        problems.append("more top trends than analysed items")
    if not report.recommendations:
        problems.append("no recommendations")
    return problems
