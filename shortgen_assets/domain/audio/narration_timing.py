"""Word and sentence timings for narration audio, whatever the TTS provider reported.

Providers report timings differently (espeak: word events at character offsets; OpenAI: none, so
they are weighted by characters; ElevenLabs: per-character alignment of the whole text). These pure
functions turn each into the same shape: whitespace tokens with start/end ms in the final file,
sentences that nest their words, silence trimmed with short margins. No I/O, no Dagster.
"""

from __future__ import annotations

import bisect
import difflib
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from shortgen_assets.domain.audio.wav import audible_bounds, samples_to_ms
from shortgen_assets.domain.schemas import SentenceTiming, WordTiming

TOKEN = re.compile(r"\S+")
LEAD_MS = 40  # silence kept before the first word
TAIL_MS = 150  # silence kept after the last word
# Extra weight (in characters) for the pause a reader makes after punctuation (OpenAI timings).
PAUSE_WEIGHT = {",": 3, ";": 4, ":": 4, ".": 6, "!": 6, "?": 6}


class AlignmentError(ValueError):
    """A provider's character alignment does not cover a sentence of the script."""


@dataclass
class Piece:
    """One sentence's audio; `starts` maps token index -> start ms within the piece."""

    text: str
    samples: np.ndarray
    sample_rate: int
    starts: dict[int, int]
    end_ms: int


@dataclass
class Take:
    """A whole narration: int16 samples, sentence timings in ms of them, characters billed."""

    samples: np.ndarray
    sample_rate: int
    sentences: list[SentenceTiming]
    characters: int


def starts_from_offsets(said: list[str], events: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Token index -> start ms from (character offset, audio ms) word events.

    `said` is what was spoken for each on-screen token (one or more words), the text spoken
    being them joined by single spaces. A token starts at the first event whose offset falls
    inside what was said for it (or before the next token's).
    """
    token_starts = list(itertools.accumulate((len(words) + 1 for words in said[:-1]), initial=0))
    starts: dict[int, int] = {}
    for offset, audio_ms in events:
        index = max(0, bisect.bisect_right(token_starts, offset) - 1)
        starts.setdefault(index, audio_ms)
    return starts


def timed_words(text: str, starts: dict[int, int], end_ms: int, offset_ms: int) -> list[WordTiming]:
    """Whitespace tokens with start/end ms; a token with no (or no later) start joins the previous.

    A word ends where the next one starts; the last ends at the sentence's last audible sample.
    """
    merged: list[list[Any]] = []  # [text, start_ms]
    orphans: list[str] = []
    for index, token in enumerate(TOKEN.findall(text)):
        start = starts.get(index)
        if start is None or (merged and start <= merged[-1][1]):
            if merged:
                merged[-1][0] += f" {token}"
            else:
                orphans.append(token)
            continue
        merged.append([" ".join([*orphans, token]), start])
        orphans = []
    if not merged:
        merged = [[" ".join(orphans), 0]]
    ends = [start for _, start in merged[1:]] + [max(end_ms, merged[-1][1] + 1)]
    return [
        WordTiming(text=word, start_ms=offset_ms + start, end_ms=offset_ms + end)
        for (word, start), end in zip(merged, ends, strict=True)
    ]


def sentence_timing(text: str, words: list[WordTiming]) -> SentenceTiming:
    """A sentence spanning its first word's start to its last word's end."""
    return SentenceTiming(
        text=text, start_ms=words[0].start_ms, end_ms=words[-1].end_ms, words=words
    )


def weighted_starts(text: str, start_ms: int, end_ms: int) -> dict[int, int]:
    """Share the audible span among tokens by character count plus a pause after punctuation."""
    tokens = TOKEN.findall(text)
    weights = [len(t) + PAUSE_WEIGHT.get(t[-1], 0) for t in tokens]
    total, done, starts = sum(weights), 0, {}
    for index, weight in enumerate(weights):
        starts[index] = start_ms + round((end_ms - start_ms) * done / total)
        done += weight
    return starts


def index_map(text: str, aligned: str) -> dict[int, int]:
    """Position in `text` -> position in the provider's aligned characters, where they agree."""
    if text == aligned:
        return {i: i for i in range(len(text))}
    matcher = difflib.SequenceMatcher(a=text, b=aligned, autojunk=False)
    return {
        block.a + k: block.b + k
        for block in matcher.get_matching_blocks()
        for k in range(block.size)
    }


def aligned_sentence(
    sentence: str,
    begin: int,
    to_alignment: dict[int, int],
    starts: list[float],
    ends: list[float],
) -> SentenceTiming:
    """Time a sentence found at `begin` in the full text from per-character start/end seconds.

    Raises AlignmentError when none of its words map onto the aligned characters.
    """
    word_starts: dict[int, int] = {}
    last_end = 0
    for index, match in enumerate(TOKEN.finditer(sentence)):
        positions = [
            to_alignment[p]
            for p in range(begin + match.start(), begin + match.end())
            if p in to_alignment
        ]
        if positions:
            word_starts[index] = round(starts[positions[0]] * 1000)
            last_end = max(last_end, round(ends[positions[-1]] * 1000))
    if not word_starts:
        raise AlignmentError(f"the alignment does not cover the sentence {sentence!r}")
    return sentence_timing(sentence, timed_words(sentence, word_starts, last_end, 0))


def join_pieces(pieces: list[Piece]) -> Take:
    """Concatenate sentence pieces; timings become offsets into the joined audio."""
    rate = pieces[0].sample_rate
    sentences, offset = [], 0
    for piece in pieces:
        offset_ms = samples_to_ms(offset, rate)
        words = timed_words(piece.text, piece.starts, piece.end_ms, offset_ms)
        sentences.append(sentence_timing(piece.text, words))
        offset += piece.samples.size
    samples = np.concatenate([p.samples for p in pieces]).astype(np.int16)
    return Take(samples, rate, sentences, sum(len(p.text) for p in pieces))


def trim_take(take: Take) -> Take:
    """Cut silence before the first word and after the last, keeping short margins."""
    rate = take.sample_rate
    bounds = audible_bounds(take.samples, rate)
    if bounds is None:
        return take
    cut = max(0, bounds[0] - rate * LEAD_MS // 1000)
    stop = min(take.samples.size, bounds[1] + rate * TAIL_MS // 1000)
    cut_ms, limit_ms = samples_to_ms(cut, rate), samples_to_ms(stop - cut, rate)

    def shift(ms: int) -> int:
        return max(0, min(limit_ms, ms - cut_ms))

    sentences = [
        SentenceTiming(
            text=s.text,
            start_ms=shift(s.start_ms),
            end_ms=shift(s.end_ms),
            words=[
                WordTiming(text=w.text, start_ms=shift(w.start_ms), end_ms=shift(w.end_ms))
                for w in s.words
            ],
        )
        for s in take.sentences
    ]
    return Take(take.samples[cut:stop], rate, sentences, take.characters)
