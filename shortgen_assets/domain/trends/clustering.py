"""Topic clusters of a snapshot: TF-IDF over titles and hashtags, KMeans with k by silhouette.

Deterministic for a given (canonically ordered) snapshot: KMeans runs with a fixed seed. A
snapshot with no real structure (or too few items) is one cluster. scikit-learn (and scipy under
it) is imported inside the functions that cluster: every run worker and code server imports this
module with the definitions, and loading it there would cost them a second.
"""

from __future__ import annotations

import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable

import numpy as np

from shortgen_assets.domain.schemas import TrendCluster, TrendItem
from shortgen_assets.domain.trends.classify import item_key, topical_hashtags
from shortgen_assets.domain.trends.collect import GENERIC_HASHTAGS, strip_hashtags

FILLER_WORDS = frozenset(
    {"just", "like", "really", "got", "actually", "honestly", "literally", "rn", "day", "days"}
    | {"week", "part", "thing", "things", "make", "making", "everyone", "ever", "single", "way"}
)
MAX_CLUSTERS = 12
MIN_SILHOUETTE = 0.02
SEED = 0


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


def ranked_tags(items: Iterable[TrendItem], velocity: dict[str, float], count: int) -> list[str]:
    """The most used topical hashtags; ties go to the faster-rising ones."""
    uses: Counter[str] = Counter()
    momentum: defaultdict[str, float] = defaultdict(float)
    for item in items:
        for tag in topical_hashtags(item):
            uses[tag] += 1
            momentum[tag] += velocity[item_key(item)]
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
        key=lambda rows: (-len(rows), -_mean(velocity[item_key(items[r])] for r in rows), rows[0]),
    )
    clusters, member_keys = [], {}
    for cluster_id, rows in enumerate(groups):
        group = [items[r] for r in rows]
        member_keys[cluster_id] = [item_key(i) for i in group]
        keywords = _top_terms(matrix, terms, rows, 6)
        hashtags = ranked_tags(group, velocity, 5)
        by_speed = sorted(group, key=lambda i: (-velocity[item_key(i)], item_key(i)))
        clusters.append(
            TrendCluster(
                cluster_id=cluster_id,
                label=" / ".join(keywords[:3] or hashtags[:3] or ["mixed topics"]),
                size=len(group),
                keywords=keywords,
                hashtags=hashtags,
                example_titles=[i.title for i in by_speed[:3]],
                mean_velocity=round(_mean(velocity[item_key(i)] for i in group), 3),
            )
        )
    return clusters, member_keys


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0
