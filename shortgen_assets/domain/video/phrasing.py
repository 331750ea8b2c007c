"""Where a caption phrase breaks: at punctuation and clause boundaries first, then by word count.

A sentence is cut into clauses after , ; : and dashes. A clause longer than the phrase size is
split where a reader would pause: the split points minimize a cost that charges each phrase, an
uneven length, a phrase ending on a word that leans on the next one ("the", "of", "and"), and
rewards starting a phrase with a clause opener ("and", "because", "every", "with"). So "checks
moisture and temperature every hour" reads "checks moisture / and temperature / every hour", not
"... and temperature / every".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeVar

Word = TypeVar("Word")

CLAUSE_END = (",", ";", ":", "—", "–", "...", "…")


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# words that lean on what follows: a phrase should not end on them
LEANING = _word_set(
    "a an the of to in on at for with by from into onto over under about after before through "
    "and or but so because while when if than that which who whose my your our their his her "
    "its is are was were be am can will would should could do does did has have had every each "
    "no not very more most this these those just as"
)
# words that open a new constituent: a good place for a phrase to start
OPENERS = _word_set(
    "and or but so because while when if than that which who with without for to in on at by "
    "from every each after before until"
)
PHRASE_COST = 1.0
UNEVEN_COST = 0.5
LEANING_COST = 3.0
OPENER_BONUS = 0.75


def _bare(text: str) -> str:
    return text.strip(" \"'“”‘’()[]").casefold()


def ends_clause(text: str) -> bool:
    return text.rstrip("\"'”’)]").endswith(CLAUSE_END)


def clauses(texts: Sequence[str]) -> list[tuple[int, int]]:
    """(start, stop) index ranges of the clauses, cut after clause punctuation."""
    spans, start = [], 0
    for index, text in enumerate(texts):
        if ends_clause(text) and index + 1 < len(texts):
            spans.append((start, index + 1))
            start = index + 1
    spans.append((start, len(texts)))
    return [span for span in spans if span[1] > span[0]]


def _phrase_cost(texts: Sequence[str], start: int, stop: int, ideal: float) -> float:
    cost = PHRASE_COST + UNEVEN_COST * (stop - start - ideal) ** 2
    if stop < len(texts):
        if _bare(texts[stop - 1]) in LEANING:
            cost += LEANING_COST
        if _bare(texts[stop]) in OPENERS:
            cost -= OPENER_BONUS
    return cost


def split_clause(texts: Sequence[str], size: int) -> list[int]:
    """Phrase lengths (each at most `size`) for one clause, at the cheapest break points."""
    n = len(texts)
    ideal = n / math.ceil(n / size)
    best = [0.0] + [math.inf] * n
    last = [0] * (n + 1)
    for stop in range(1, n + 1):
        for start in range(stop - 1, max(-1, stop - size - 1), -1):  # shorter last phrase first
            cost = round(best[start] + _phrase_cost(texts, start, stop, ideal), 9)
            if cost < best[stop]:
                best[stop], last[stop] = cost, start
    lengths, stop = [], n
    while stop:
        lengths.append(stop - last[stop])
        stop = last[stop]
    return lengths[::-1]


def phrase_chunks(words: Sequence[Word], texts: Sequence[str], size: int) -> list[list[Word]]:
    """`words` (with their display `texts`) grouped into phrases of at most `size`."""
    chunks = []
    for start, stop in clauses(texts):
        at = start
        for length in split_clause(texts[start:stop], size):
            chunks.append(list(words[at : at + length]))
            at += length
    return chunks
