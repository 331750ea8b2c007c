"""Offline trend analysis: rank by velocity, classify style and hook, cluster topics, recommend.

A snapshot may be small or empty (a niche product): the report then states its low signal, keeps
what little it measured, and its first recommendation says the plan leans on the theme.

Everything here is deterministic for a given snapshot and `now`: items are put in a canonical order
before clustering and KMeans runs with a fixed seed, so re-materializing a report gives the same
answer. Clusters come from TF-IDF over titles and hashtags; k is picked by silhouette score, and a
snapshot with no real structure (or too few items) is one cluster. scikit-learn (and scipy under
it) is imported where clustering runs: every run worker and code server imports this module with
the definitions, and loading it there would cost them a second.
"""

from __future__ import annotations

import re
import statistics
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime

import numpy as np

from shortgen_assets.domain.schemas import (
    STYLES,
    DurationStats,
    RankedTrend,
    Recommendation,
    Style,
    TrendCluster,
    TrendItem,
    TrendReport,
    TrendSignal,
)
from shortgen_assets.domain.trends.collect import GENERIC_HASHTAGS, strip_hashtags
from shortgen_assets.domain.trends.signal import MIN_SIGNAL_ITEMS, measure_signal
from shortgen_assets.domain.trends.velocity import engagement_velocity

FILLER_WORDS = frozenset(
    {"just", "like", "really", "got", "actually", "honestly", "literally", "rn", "day", "days"}
    | {"week", "part", "thing", "things", "make", "making", "everyone", "ever", "single", "way"}
)
MAX_CLUSTERS = 12
MIN_SILHOUETTE = 0.02
SEED = 0
TOP_TRENDS = 10
TOP_HASHTAGS = 10
TOP_HOOKS = 5
MAX_RECOMMENDATIONS = 3

# fmt: off
STYLE_CUES: dict[str, tuple[str, ...]] = {
    "tutorial": (
        "how to", "howto", "tutorial", "step by step", "3-step", "guide", "recipe", "recipes",
        "hack", "hacks", "lifehack", "lifehacks", "tips", "learn", "learnontiktok", "diy", "fix",
        "beginner", "settings", "save this", "regrow", "routine", "progression",
    ),
    "talking-head": (
        "storytime", "story time", "grwm", "get ready with me", "rant", "my opinion", "hot take",
        "unpopular opinion", "advice", "podcast", "honest", "review", "explained", "reacts",
        "rating", "is it worth", "i wish i knew", "let's talk", "q&a", "i tried", "why i",
    ),
    "text-heavy": (
        "facts", "didyouknow", "did you know", "things nobody", "reminder", "quotes", "quote",
        "read this", "red flags", "signs", "checklist", "rules", "habits", "mistakes",
    ),
    "cinematic": (
        "cinematic", "4k", "drone", "fpv", "sunset", "sunrise", "golden hour", "aesthetic",
        "wanderlust", "b-roll", "broll", "shot on", "slow motion", "asmr", "scenery",
    ),
    "animation": (
        "animation", "animated", "animator", "3d", "3danimation", "blender", "blender3d",
        "cartoon", "pixel art", "pixelart", "stop motion", "stopmotion", "motion graphics",
    ),
    "montage": (
        "montage", "compilation", "edit", "gymedit", "day in my life", "dayinmylife",
        "what i eat in a day", "whatieatinaday", "transition", "highlights", "clips", "vlog",
        "photo dump", "photodump", "before and after", "beforeandafter", "transformation",
        "makeover", "harvest", "unboxing", "timelapse", "flip", "thriftflip", "day 1",
    ),
}
HOOK_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("pov", re.compile(r"^\s*pov\b", re.I)),
    ("challenge", re.compile(
        r"\bchallenge\b|\bi tried\b|\bfor \d+ (days|nights)\b|\bevery day\b", re.I,
    )),
    ("how-to", re.compile(r"\bhow to\b|^\s*how i\b|\btutorial\b|\bstep by step\b", re.I)),
    ("number/list", re.compile(
        r"^\s*(top )?\d+\s+[a-z]|\b\d+\s+(things|ways|tips|foods|signs)\b", re.I,
    )),
    ("warning", re.compile(r"^\s*(stop|don'?t|never|avoid|quit)\b|\bmistakes?\b|❌", re.I)),
    ("reveal", re.compile(
        r"before (and|&) after|glow.?up|reveal|wait (for|till) |transformation|secret|"
        r"nobody (tells|talks)|you won'?t believe|finally|hidden", re.I,
    )),
    ("question", re.compile(
        r"\?|^\s*(why|what|who|which|how (much|many|long|often)|is|are|do|does|can|should)\b",
        re.I,
    )),
    ("story", re.compile(r"storytime|story time|day in (my|the) life|^\s*when (i|you|my)\b", re.I)),
)
# fmt: on
_STYLE_PATTERNS = {
    style: re.compile(r"\b(" + "|".join(re.escape(cue) for cue in cues) + r")\b")
    for style, cues in STYLE_CUES.items()
}
_HOOK_SPLIT = re.compile(r"\s[|•–—-]\s|\s*\n")


# --- per-item classification ----------------------------------------------------------------


def classify_style(item: TrendItem) -> Style:
    """The production style a video most likely uses, from its words, hashtags and length.

    Cue words decide; a numbered-list title reads as on-screen text. With no cue at all, length
    is the best prior: quick cuts under 30 s, someone talking to camera above.
    """
    text = " ".join([item.title, item.description, *item.hashtags]).lower()
    scores = {s: len(_STYLE_PATTERNS[s].findall(text)) for s in STYLES}
    if classify_hook(item.title) == "number/list":
        scores["text-heavy"] += 1
    best = max(STYLES, key=lambda s: scores[s])
    if scores[best] > 0:
        return best
    return "montage" if item.duration_seconds <= 30 else "talking-head"


def classify_hook(title: str) -> str:
    """The kind of opening line a title uses; 'statement' when no pattern applies."""
    line = strip_hashtags(title)
    for name, pattern in HOOK_RULES:
        if pattern.search(line):
            return name
    return "statement"


def hook_line(title: str, limit: int = 80) -> str:
    """The first clause of a title, without hashtags: the words a viewer reads first."""
    line = _HOOK_SPLIT.split(strip_hashtags(title), maxsplit=1)[0].strip()
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def topical_hashtags(item: TrendItem) -> list[str]:
    return [tag for tag in item.hashtags if tag not in GENERIC_HASHTAGS]


# --- clustering ------------------------------------------------------------------------------


def _documents(items: list[TrendItem]) -> list[str]:
    return [" ".join([strip_hashtags(i.title), *topical_hashtags(i)]) for i in items]


def _vectorize(items: list[TrendItem]) -> tuple[np.ndarray, list[str]] | None:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    vectorizer = TfidfVectorizer(
        stop_words=sorted(ENGLISH_STOP_WORDS | GENERIC_HASHTAGS | FILLER_WORDS),
        token_pattern=r"(?u)\b[^\W\d_][\w]+\b",
        sublinear_tf=True,
    )
    try:
        matrix = vectorizer.fit_transform(_documents(items)).toarray()
    except ValueError:  # empty vocabulary: nothing but stop words and numbers
        return None
    return matrix, list(vectorizer.get_feature_names_out())


def choose_labels(matrix: np.ndarray) -> np.ndarray:
    """Labels with k picked by cosine silhouette over 2..MAX_CLUSTERS; all 0 if no structure."""
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.metrics import silhouette_score
    from threadpoolctl import threadpool_limits

    n = matrix.shape[0]
    best_labels, best_score = np.zeros(n, dtype=int), MIN_SILHOUETTE
    for k in range(2, min(MAX_CLUSTERS, n - 1) + 1):
        # a few dozen short documents: OpenMP threads cost more than they save
        with warnings.catch_warnings(), threadpool_limits(limits=1):
            warnings.simplefilter("ignore", ConvergenceWarning)
            labels = KMeans(n_clusters=k, random_state=SEED, n_init=10).fit_predict(matrix)
        if len(set(labels)) < 2:
            continue
        score = float(silhouette_score(matrix, labels, metric="cosine"))
        if score > best_score + 1e-9:
            best_labels, best_score = labels, score
    return best_labels


def _top_terms(
    matrix: np.ndarray | None, terms: list[str], rows: list[int], count: int
) -> list[str]:
    """Terms that set a cluster apart: weight inside it minus weight in the rest of the snapshot."""
    if matrix is None:
        return []
    inside = matrix[rows].mean(axis=0)
    outside_rows = np.setdiff1d(np.arange(matrix.shape[0]), rows)
    outside = matrix[outside_rows].mean(axis=0) if outside_rows.size else np.zeros_like(inside)
    weights = inside - outside
    order = sorted(range(len(terms)), key=lambda t: (-weights[t], terms[t]))
    return [terms[t] for t in order[:count] if inside[t] > 0 and weights[t] > 0]


def _ranked_tags(items: Iterable[TrendItem], velocity: dict[str, float], count: int) -> list[str]:
    uses: Counter[str] = Counter()
    momentum: defaultdict[str, float] = defaultdict(float)
    for item in items:
        for tag in topical_hashtags(item):
            uses[tag] += 1
            momentum[tag] += velocity[_key(item)]
    return sorted(uses, key=lambda t: (-uses[t], -momentum[t], t))[:count]


def build_clusters(
    items: list[TrendItem], velocity: dict[str, float]
) -> tuple[list[TrendCluster], dict[int, list[str]]]:
    """Topic clusters numbered by size (then speed) so id 0 is the biggest, and their members."""
    vectors = _vectorize(items) if len(items) >= 3 else None
    matrix, terms = vectors if vectors else (None, [])
    labels = choose_labels(matrix) if matrix is not None else np.zeros(len(items), dtype=int)
    members: defaultdict[int, list[int]] = defaultdict(list)
    for row, label in enumerate(labels):
        members[int(label)].append(row)
    groups = sorted(
        members.values(),
        key=lambda rows: (-len(rows), -_mean(velocity[_key(items[r])] for r in rows), rows[0]),
    )
    clusters, member_keys = [], {}
    for cluster_id, rows in enumerate(groups):
        group = [items[r] for r in rows]
        member_keys[cluster_id] = [_key(i) for i in group]
        keywords = _top_terms(matrix, terms, rows, 6)
        hashtags = _ranked_tags(group, velocity, 5)
        by_speed = sorted(group, key=lambda i: (-velocity[_key(i)], _key(i)))
        clusters.append(
            TrendCluster(
                cluster_id=cluster_id,
                label=" / ".join(keywords[:3] or hashtags[:3] or ["mixed topics"]),
                size=len(group),
                keywords=keywords,
                hashtags=hashtags,
                example_titles=[i.title for i in by_speed[:3]],
                mean_velocity=round(_mean(velocity[_key(i)] for i in group), 3),
            )
        )
    return clusters, member_keys


# --- report ----------------------------------------------------------------------------------


def _key(item: TrendItem) -> str:
    return f"{item.platform}:{item.external_id}"


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


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
    by_key = {_key(i): i for i in items}

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
    velocity = {_key(i): engagement_velocity(i, now) for i in items}
    styles = {_key(i): classify_style(i) for i in items}
    hooks = {_key(i): classify_hook(i.title) for i in items}
    ranked = sorted(items, key=lambda i: (-velocity[_key(i)], _key(i)))
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
                velocity=round(velocity[_key(i)], 3),
                style=styles[_key(i)],
                hook_type=hooks[_key(i)],
            )
            for i in ranked[:TOP_TRENDS]
        ],
        style_distribution={s: sum(1 for v in styles.values() if v == s) for s in STYLES},
        hook_types=dict(sorted(Counter(hooks.values()).items(), key=lambda kv: (-kv[1], kv[0]))),
        duration_stats=duration_stats(durations),
        clusters=clusters,
        top_hashtags=_ranked_tags(items, velocity, TOP_HASHTAGS),
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
