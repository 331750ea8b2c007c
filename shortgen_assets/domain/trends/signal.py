"""How much a trend snapshot can say: the figures a user needs to judge a trend-led plan.

A niche product may find few or no trending videos for its keywords. That is valid input, not a
failure: the report states its signal and the plan leans on the theme. Light on purpose (no
scikit-learn), so the `trends` step can grade its snapshot without loading the analyzer.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import datetime

from shortgen_assets.domain.schemas import SignalStrength, TrendItem, TrendSignal
from shortgen_assets.domain.standards import MIN_SIGNAL_ITEMS
from shortgen_assets.domain.trends.collect import relevance

STALE_HOURS = 14 * 24  # a snapshot whose median post is two weeks old is history, not a trend


def measure_signal(
    items: Sequence[TrendItem],
    keywords: Sequence[str],
    now: datetime,
    minimum: int = MIN_SIGNAL_ITEMS,
) -> TrendSignal:
    """Items, matched keywords and freshness of one snapshot, graded none / low / strong.

    None: nothing collected, or no keyword answered by any item. Low: fewer matching items than
    `minimum`, or a stale snapshot. Strong otherwise.
    """
    keywords = [k.strip() for k in keywords if k.strip()]
    matched = [k for k in keywords if any(relevance(item, [k]) for item in items)]
    answering = [i for i in items if relevance(i, keywords)] if keywords else list(items)
    ages = sorted(max(0.0, (now - i.posted_at).total_seconds() / 3600) for i in items)
    median_age = statistics.median(ages) if ages else None
    strength: SignalStrength = "strong"
    if not items or (keywords and not matched):
        strength = "none"
    elif len(answering) < minimum or (median_age is not None and median_age > STALE_HOURS):
        strength = "low"
    return TrendSignal(
        items=len(items),
        minimum_items=minimum,
        keywords=keywords,
        matched_keywords=matched,
        newest_age_hours=round(ages[0], 1) if ages else None,
        median_age_hours=round(median_age, 1) if median_age is not None else None,
        strength=strength,
    )
