"""Narration timings from each kind of provider report: events, weights, character alignment."""

from __future__ import annotations

import numpy as np
import pytest

from shortgen_assets.domain.audio.narration_timing import (
    AlignmentError,
    Piece,
    Take,
    aligned_sentence,
    index_map,
    join_pieces,
    starts_from_offsets,
    timed_words,
    trim_take,
    weighted_starts,
)
from shortgen_assets.domain.schemas import SentenceTiming, WordTiming

RATE = 16_000


def tone(ms: int) -> np.ndarray:
    t = np.arange(RATE * ms // 1000) / RATE
    return (np.sin(2 * np.pi * 220 * t) * 8000).astype(np.int16)


def silence(ms: int) -> np.ndarray:
    return np.zeros(RATE * ms // 1000, dtype=np.int16)


def test_word_events_map_to_the_token_they_fall_in() -> None:
    said = ["Meet", "the", "lamp."]
    # offsets 0 (Meet), 5 (the), 9 (lamp.); a second event inside "lamp." is ignored
    assert starts_from_offsets(said, [(0, 10), (5, 200), (9, 400), (11, 450)]) == {
        0: 10,
        1: 200,
        2: 400,
    }


def test_a_token_said_as_several_words_starts_at_its_first_word() -> None:
    said = ["It", "costs", "1,499 dollars", "today."]  # shown: It costs $1,499 today.
    events = [(0, 0), (3, 150), (9, 400), (15, 900), (23, 1300)]
    assert starts_from_offsets(said, events) == {0: 0, 1: 150, 2: 400, 3: 1300}


def test_untimed_or_backwards_tokens_join_their_neighbour() -> None:
    words = timed_words("a b c d", {1: 100, 2: 100, 3: 300}, end_ms=500, offset_ms=1000)
    assert [(w.text, w.start_ms, w.end_ms) for w in words] == [
        ("a b c", 1100, 1300),
        ("d", 1300, 1500),
    ]


def test_a_sentence_without_any_start_is_one_word_from_zero() -> None:
    words = timed_words("hello there", {}, end_ms=0, offset_ms=0)
    assert words == [WordTiming(text="hello there", start_ms=0, end_ms=1)]


def test_weighted_starts_share_the_span_by_length_and_pause() -> None:
    starts = weighted_starts("ab, cd", 0, 1000)
    # weights: "ab," = 3 + 3 (comma pause), "cd" = 2 -> second word starts at 6/8 of the span
    assert starts == {0: 0, 1: 750}


def test_index_map_skips_characters_the_provider_changed() -> None:
    assert index_map("abc", "abc") == {0: 0, 1: 1, 2: 2}
    mapping = index_map("a 5 b", "a five b")
    assert mapping[0] == 0
    assert mapping[4] == 7  # "b" found after the spelled-out number
    assert 2 not in mapping  # "5" has no counterpart


def test_aligned_sentence_times_words_from_character_seconds() -> None:
    text = "Hi you. Go"
    starts = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    ends = [s + 0.1 for s in starts]
    sentence = aligned_sentence("Go", 8, index_map(text, text), starts, ends)
    assert sentence == SentenceTiming(
        text="Go",
        start_ms=800,
        end_ms=1000,
        words=[WordTiming(text="Go", start_ms=800, end_ms=1000)],
    )
    with pytest.raises(AlignmentError, match="does not cover the sentence 'Go'"):
        aligned_sentence("Go", 8, {}, starts, ends)


def test_join_offsets_later_sentences_by_the_audio_before_them() -> None:
    first = Piece("One two.", tone(500), RATE, {0: 0, 1: 250}, 500)
    second = Piece("Three.", tone(300), RATE, {0: 0}, 300)
    take = join_pieces([first, second])
    assert take.samples.size == RATE * 800 // 1000
    assert [(s.start_ms, s.end_ms) for s in take.sentences] == [(0, 500), (500, 800)]
    assert take.characters == len("One two.") + len("Three.")


def test_trim_cuts_silence_and_shifts_timings() -> None:
    samples = np.concatenate([silence(1000), tone(500), silence(1000)])
    words = [WordTiming(text="Hi", start_ms=1000, end_ms=1500)]
    take = Take(
        samples, RATE, [SentenceTiming(text="Hi", start_ms=1000, end_ms=1500, words=words)], 2
    )
    trimmed = trim_take(take)
    # 40 ms kept before the first word, 150 ms after the last (within one 10 ms window)
    assert abs(trimmed.samples.size / RATE * 1000 - 690) <= 10
    word = trimmed.sentences[0].words[0]
    assert abs(word.start_ms - 40) <= 10
    assert abs(word.end_ms - 540) <= 10
    assert trim_take(Take(silence(300), RATE, [], 0)).samples.size == silence(300).size
