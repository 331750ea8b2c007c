"""The offline trend analyzer: ranking, clustering, recommendations, signal, checks."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from shortgen_assets.defs.resources.trend_sources.sample import SampleTrends
from shortgen_assets.domain.schemas import Recommendation, TrendItem
from shortgen_assets.domain.trends.analysis import analyze_trends, report_problems
from shortgen_assets.domain.trends.velocity import engagement_velocity

NOW = datetime(2025, 6, 12, 12, 0, tzinfo=UTC)

COOKING = [
    ("Crispy garlic noodles in 10 minutes", ["recipe", "noodles", "cooking"]),
    ("The fried rice recipe restaurants use", ["recipe", "friedrice", "cooking"]),
    ("Garlic butter noodles for busy nights", ["noodles", "cooking", "easyrecipe"]),
    ("Fried rice with day old rice explained", ["friedrice", "cooking", "recipe"]),
]
GAMING = [
    ("Minecraft redstone door tutorial", ["minecraft", "redstone", "gaming"]),
    ("Hidden Minecraft base build", ["minecraft", "minecraftbuilding", "gaming"]),
    ("Redstone piston trick in Minecraft", ["minecraft", "redstone", "gaming"]),
    ("Minecraft survival base ideas", ["minecraft", "minecraftbuilding", "gaming"]),
]


def item(
    external_id: str,
    title: str,
    hashtags: list[str] | None = None,
    *,
    hours_ago: float = 10,
    likes: int = 1000,
    duration: float = 30,
    description: str = "",
    platform: str = "tiktok",
) -> TrendItem:
    return TrendItem(
        platform=platform,
        external_id=external_id,
        source="test",
        title=title,
        description=description,
        hashtags=hashtags or [],
        views=likes * 20,
        likes=likes,
        comments=likes // 20,
        shares=likes // 10,
        duration_seconds=duration,
        posted_at=NOW - timedelta(hours=hours_ago),
    )


def two_topics() -> list[TrendItem]:
    cooking = [
        item(f"c{n}", title, tags, likes=5000 + n, duration=40)
        for n, (title, tags) in enumerate(COOKING)
    ]
    gaming = [
        item(f"g{n}", title, tags, likes=500 + n, duration=20)
        for n, (title, tags) in enumerate(GAMING)
    ]
    return cooking + gaming


def test_top_trends_are_ranked_by_velocity() -> None:
    items = [
        item("old", "old but big", hours_ago=200, likes=50_000),
        item("new", "new and rising", hours_ago=2, likes=5_000),
        item("mid", "steady", hours_ago=24, likes=10_000),
    ]

    report = analyze_trends(items, NOW)

    assert [t.external_id for t in report.top_trends] == ["new", "mid", "old"]
    expected = engagement_velocity(items[1], NOW)
    assert report.top_trends[0].velocity == pytest.approx(expected, rel=1e-6)


def test_clusters_separate_topics() -> None:
    report = analyze_trends(two_topics(), NOW)

    assert 2 <= len(report.clusters) <= 4
    assert sum(c.size for c in report.clusters) == report.analysed_count == 8
    labels = " ".join(c.label + " " + " ".join(c.hashtags) for c in report.clusters)
    assert "minecraft" in labels and "noodles" in labels
    for cluster in report.clusters:
        topics = {"minecraft" in t.lower() for t in cluster.example_titles}
        assert len(topics) == 1  # a cluster never mixes cooking and gaming
    fastest = max(report.clusters, key=lambda c: c.mean_velocity)
    assert "cooking" in fastest.hashtags
    trend_led = [r for r in report.recommendations if r.basis == "trends"]
    assert trend_led[0].cluster_id == fastest.cluster_id


def test_recommendations_trace_to_existing_clusters() -> None:
    items = SampleTrends().collect([], NOW, max_results=60).items

    report = analyze_trends(items, NOW)

    cluster_ids = {c.cluster_id for c in report.clusters}
    assert report.recommendations
    assert all(r.cluster_id in cluster_ids for r in report.recommendations)
    assert sum(c.size for c in report.clusters) == report.analysed_count == 60
    assert report_problems(report) == []
    assert 5 <= report.recommended_duration_seconds <= 180
    assert report.top_hashtags and all(not t.startswith("#") for t in report.top_hashtags)
    assert "fyp" not in report.top_hashtags and "shorts" not in report.top_hashtags
    assert sum(report.style_distribution.values()) == 60
    assert set(report.style_distribution) == {
        "talking-head",
        "montage",
        "text-heavy",
        "cinematic",
        "tutorial",
        "animation",
    }
    assert len(report.top_hooks) == 5 and report.summary.startswith("Analysed 60")


def test_report_is_deterministic_and_order_independent() -> None:
    items = SampleTrends().collect(["money", "budget"], NOW).items
    shuffled = items[:]
    random.Random(7).shuffle(shuffled)

    first = analyze_trends(items, NOW)

    assert analyze_trends(items, NOW) == first
    assert analyze_trends(shuffled, NOW) == first


@pytest.mark.parametrize("count", [1, 2, 3])
def test_tiny_snapshots_do_not_crash(count: int) -> None:
    items = [item(str(n), title, tags) for n, (title, tags) in enumerate(COOKING[:count])]

    report = analyze_trends(items, NOW)

    assert report.analysed_count == count
    assert report_problems(report) == []
    assert len(report.recommendations) >= 1


def test_items_without_words_still_form_one_cluster() -> None:
    items = [item(str(n), "🔥🔥🔥", []) for n in range(4)]

    report = analyze_trends(items, NOW)

    assert len(report.clusters) == 1 and report.clusters[0].size == 4


def test_an_empty_snapshot_is_a_theme_led_report() -> None:
    report = analyze_trends([], NOW, ["soil moisture probe"])

    assert report.analysed_count == 0 and report.clusters == []
    assert report.signal is not None and report.signal.strength == "none"
    assert not report.trend_led
    [recommendation] = report.recommendations
    assert recommendation.basis == "theme" and recommendation.cluster_id is None
    assert "0 trending items" in recommendation.text and "matched 0/1" in recommendation.text
    assert report_problems(report) == []


def test_a_small_snapshot_states_its_signal_and_marks_its_recommendations() -> None:
    items = [item(str(n), title, tags) for n, (title, tags) in enumerate(COOKING[:3])]
    keywords = [COOKING[0][1][0], "soil moisture probe"]

    report = analyze_trends(items, NOW, keywords)

    signal = report.signal
    assert signal is not None and signal.strength == "low" and signal.items == 3
    assert signal.matched_keywords == keywords[:1]
    assert signal.newest_age_hours is not None and signal.newest_age_hours >= 0
    assert [r.basis for r in report.recommendations][:2] == ["theme", "trends"]
    assert "Trend signal low: 3 trending items" in report.summary
    assert report_problems(report) == []


def test_a_full_matching_snapshot_is_trend_led() -> None:
    items = [item(str(n), f"{title} {n}", tags) for n, (title, tags) in enumerate(COOKING * 4)]

    report = analyze_trends(items, NOW, [COOKING[0][1][0]], minimum=3)

    assert report.signal is not None and report.signal.strength == "strong"
    assert report.trend_led
    assert all(r.basis == "trends" for r in report.recommendations)


def test_recommended_duration_follows_the_fastest_videos() -> None:
    fast = [item(f"f{n}", f"quick clip {n}", hours_ago=1, duration=15) for n in range(4)]
    slow = [item(f"s{n}", f"long talk {n}", hours_ago=300, duration=58) for n in range(12)]

    report = analyze_trends(fast + slow, NOW)

    assert report.recommended_duration_seconds == 15


def test_report_problems_catch_inconsistent_reports() -> None:
    report = analyze_trends(two_topics(), NOW)
    broken = report.model_copy(
        update={
            "analysed_count": report.analysed_count + 1,
            "recommendations": [Recommendation(text="x", cluster_id=99)],
        }
    )

    problems = report_problems(broken)

    assert any("clusters hold 8 items but 9" in p for p in problems)
    assert any("missing cluster 99" in p for p in problems)
